"""One writer per index (Chroma's embedded client is not safe across processes), and machine-wide turns."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from index.errors import IndexLocked

_SERVED: set[Path] = set()  # index folders this process serves (and so may write)


@contextmanager
def write_lock(index_dir: Path) -> Iterator[None]:
    """Hold an exclusive, non-blocking lock on the index; refuse at once if another process writes or
    serves it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with ExitStack() as held:
        holder = held.enter_context(_held(index_dir / "write.lock", keep=True))
        if holder:
            raise IndexLocked(
                f"another process (pid {holder}) is updating the index at {index_dir}; try again when it has finished"
            )
        if index_dir.resolve() not in _SERVED:
            # Held while writing, so `qa serve` cannot start on a generation this write may replace.
            server = held.enter_context(_held(index_dir / "serve.lock", keep=True))
            if server:
                raise IndexLocked(
                    f"qa serve (pid {server}) is serving the index at {index_dir}; re-index from its page "
                    "(Articles tab, Re-index), or stop it first"
                )
        yield


@contextmanager
def serving(index_dir: Path) -> Iterator[None]:
    """Mark the index as served by this process for as long as it serves: other processes may read it, but
    writing it from outside is refused (the embedded store is not process-safe)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with _held(index_dir / "serve.lock", keep=True) as server:
        if server:
            raise IndexLocked(f"another process (pid {server}) is serving or updating the index at {index_dir}")
        _SERVED.add(index_dir.resolve())
        try:
            yield
        finally:
            _SERVED.discard(index_dir.resolve())


@contextmanager
def _held(path: Path, keep: bool = False) -> Iterator[str | None]:
    """Try to lock `path` without waiting: yields None when this process got it (and holds it until the
    block ends when `keep`, else releases it at once), or the pid written by the process holding it."""
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            yield handle.read().strip() or "unknown"
            return
        if not keep:
            fcntl.flock(handle, fcntl.LOCK_UN)
            yield None
            return
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield None
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def machine_turn(name: str) -> Iterator[None]:
    """Wait for this machine's turn at `name`: two llama.cpp processes each using every core slow each other
    tenfold, so generation in any process of this user waits for the one running."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "qa-news"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
