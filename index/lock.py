"""One writer per index: Chroma's embedded client is not safe across processes."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.errors import IndexLocked


@contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """Hold an exclusive, non-blocking lock on the index; refuse at once if another process has it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / "write.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise IndexLocked(
                f"another process (pid {holder}) is updating the index at {index_dir}; try again when it has finished"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)
