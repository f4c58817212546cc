"""Servers a test needs, started as real processes on a free loopback port and always stopped."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import pytest

from .conftest import ROOT

STARTUP_SECONDS = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(command: list[str], probe_url: str) -> Iterator[None]:
    """Run `command` until `probe_url` answers (any HTTP status), yield, then stop it.

    Its output goes to a file, not a pipe: a chatty server (llama.cpp logs its whole model load) would
    block on a full pipe that nobody reads.
    """
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            _wait(process, probe_url, log, command)
            yield
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait(process: subprocess.Popen, probe_url: str, log: IO[str], command: list[str]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(probe_url, timeout=5).close()
            return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    log.seek(0)
    pytest.fail(f"{' '.join(command[:4])} did not come up within {STARTUP_SECONDS} s: {log.read()[-2000:]}")
