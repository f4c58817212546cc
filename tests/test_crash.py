"""Crash safety: `qa index` killed with SIGKILL at several points (while embedding, between an article's
vectors and its record, mid-rebuild) leaves the previous index usable and consistent, and the next run
completes. Real process, real embedder, real embedded Chroma."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.store import Store, StoreConfig
from qa import Assistant
from qa.settings import load_settings

from .conftest import ROOT

TOWNS = ["Dunmere", "Ashford", "Brackley", "Corrin", "Elsworth", "Fenwick", "Glenby", "Holloway"]
TOPICS = ["bridge", "school", "library", "harbour", "market", "railway", "hospital", "park"]


def _article(number: int) -> str:
    """A made-up local news story of about 600 words, different for every number."""
    rng = random.Random(number)
    town, topic = TOWNS[number % len(TOWNS)], TOPICS[number // len(TOWNS) % len(TOPICS)]
    lines = [f"{town} Council Votes on New {topic.title()} Plan {number}"]
    for paragraph in range(12):
        cost = rng.randint(2, 90)
        lines.append(
            f"The {town} council voted {rng.randint(5, 12)} to {rng.randint(0, 4)} on the {topic} plan, which "
            f"will cost {cost} million pounds, councillor Ann Reeve{number} said. Work on part {paragraph} starts "
            f"in {rng.choice(['May', 'June', 'July'])} and ends in {2025 + paragraph % 3}. Residents asked about "
            f"parking, noise and the {rng.choice(['river', 'square', 'station'])} during a meeting on Tuesday."
        )
    return "\n\n".join(lines)


def _qa_index(folder: Path, index_dir: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "index", str(folder), "--index-dir", str(index_dir), *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _consistent(index_dir: Path) -> tuple[int, int]:
    """Articles and passages served: every passage has its vector and no vector lacks its record, once the
    journal is reconciled (what the next writer does first)."""
    store = Store(StoreConfig(index_dir))
    store.claim()
    assert store.vector_count() == store.records.passage_count()
    assert not store.records.pending()
    return len(store.hashes()), store.records.passage_count()


def _kill_after(process: subprocess.Popen[str], index_dir: Path, delay: float) -> bool:
    """SIGKILL `delay` seconds after the process starts writing (its records file grows), or at exit."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if any(p.stat().st_size > 0 for p in index_dir.glob("records-*.sqlite-wal")):
            break
        time.sleep(0.05)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    return process.returncode == -signal.SIGKILL  # False when the run had already finished


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six articles indexed by a first, complete run: the previous index every trial starts from."""
    base = tmp_path_factory.mktemp("crash")
    folder, index_dir = base / "articles", base / "index"
    folder.mkdir()
    for number in range(6):
        (folder / f"story{number:02d}.txt").write_text(_article(number), encoding="utf-8")
    first = _qa_index(folder, index_dir)
    assert first.wait(timeout=300) == 0, first.communicate()[1]
    assert _consistent(index_dir)[0] == 6
    return base


@pytest.mark.parametrize(
    "rebuild, delay",
    [(False, 0.0), (False, 1.0), (True, 0.3), (True, 1.5)],
    ids=["incremental-early", "incremental-late", "rebuild-early", "rebuild-late"],
)
def test_a_killed_index_run_leaves_the_previous_index_served(
    indexed: Path, tmp_path: Path, rebuild: bool, delay: float
) -> None:
    shutil.copytree(indexed, tmp_path, dirs_exist_ok=True)
    folder, index_dir = tmp_path / "articles", tmp_path / "index"
    for number in range(6, 24):
        (folder / f"story{number:02d}.txt").write_text(_article(number), encoding="utf-8")
    killed = _kill_after(_qa_index(folder, index_dir, *(["--rebuild"] if rebuild else [])), index_dir, delay)

    articles, _ = _consistent(index_dir)
    if rebuild:
        assert articles == (6 if killed else 24)  # a half-built generation is never served
    else:
        assert 6 <= articles <= 24  # the articles committed before the kill, each whole
    assistant = Assistant(load_settings({"corpus": folder, "index_dir": index_dir}))
    assert assistant.search("Dunmere council bridge plan cost")
    again = _qa_index(folder, index_dir)
    assert again.wait(timeout=300) == 0, again.communicate()[1]
    assert _consistent(index_dir)[0] == 24
