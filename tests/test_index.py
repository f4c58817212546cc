"""Incremental indexing on the real embedder and an embedded Chroma store, and bad corpus input."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from index.embed import Embedder
from index.errors import CorpusError
from index.lock import write_lock
from qa import Assistant
from qa.settings import load_settings

from .conftest import ROOT


def _open(folder: Path, index_dir: Path, **overrides) -> Assistant:
    return Assistant(load_settings({"corpus": folder, "index_dir": index_dir, **overrides}))


def test_touch_edit_delete_are_picked_up(scratch_corpus: Path, tmp_path: Path) -> None:
    assistant = _open(scratch_corpus, tmp_path / "index")
    first = assistant.index()
    assert sorted(first.added) == sorted(p.stem for p in scratch_corpus.glob("*.txt"))
    assert list(first.seconds) == ["reading", "analysis", "embedding", "storing"]
    assert min(first.seconds.values()) > 0  # where a cold index spent its time

    touched = scratch_corpus / "000_1b3a15c18913f4d0.txt"
    os.utime(touched, (time.time() + 10, time.time() + 10))
    quiet = assistant.index()
    assert len(quiet.unchanged) == 3 and not any(quiet.seconds.values())

    edited = scratch_corpus / "001_7dbcc557f4863a9a.txt"
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\nThe embassy later received a bouquet of tulips.\n", encoding="utf-8"
    )
    report = assistant.index()
    assert report.updated == ["001_7dbcc557f4863a9a"]
    assert "tulips" in assistant.article("001_7dbcc557f4863a9a").text

    (scratch_corpus / "002_2096c75ca362c109.txt").unlink()
    report = assistant.index()
    assert report.removed == ["002_2096c75ca362c109"]
    assert [a.id for a in assistant.articles()] == ["000_1b3a15c18913f4d0", "001_7dbcc557f4863a9a"]
    hits = assistant._retriever.search("Lefortovo prison Sergei Beseda", 5)
    assert all(h.passage.article_id != "002_2096c75ca362c109" for h in hits)


def test_reopening_reuses_the_index(scratch_corpus: Path, tmp_path: Path) -> None:
    _open(scratch_corpus, tmp_path / "index").index()
    report = _open(scratch_corpus, tmp_path / "index").index()
    assert not report.rebuilt and len(report.unchanged) == 3 and not report.added


def test_pipeline_change_rebuilds_by_itself(scratch_corpus: Path, tmp_path: Path) -> None:
    original = _open(scratch_corpus, tmp_path / "index")
    original.index()
    before = original._store.records.passage_count()
    changed = _open(scratch_corpus, tmp_path / "index", passage_words=20)
    report = changed.index()
    assert report.rebuilt and len(report.added) == 3
    assert changed._store.records.passage_count() > before


class _Counting:
    """The real embedder, counting the texts it is asked to encode."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder, self.name, self.encoded = embedder, embedder.name, 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded += len(texts)
        return self.embedder.encode(texts)


def test_an_analysis_change_rebuilds_without_embedding_again(
    scratch_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new analysis (or cleaning) rebuilds every record, but a passage that reads as before keeps its
    vector; an explicit --rebuild embeds everything again."""
    original = _open(scratch_corpus, tmp_path / "index")
    original.index()
    passages = original._store.records.passages_of("000_1b3a15c18913f4d0")
    before = original._store.vectors_of(passages)
    monkeypatch.setattr("index.ingest.ANALYSIS_VERSION", 999)
    changed = _open(scratch_corpus, tmp_path / "index")
    counting = _Counting(changed._ingestor.embedder)
    changed._ingestor.embedder = counting
    report = changed.index()
    assert report.rebuilt and len(report.added) == 3 and counting.encoded == 0
    after = changed._store.vectors_of(passages)
    assert after.keys() == before.keys() and np.allclose([after[k] for k in before], list(before.values()), atol=1e-6)
    assert changed.index(rebuild=True).rebuilt and counting.encoded == changed._store.records.passage_count()


def test_bad_files_are_named_and_the_rest_indexed(scratch_corpus: Path, tmp_path: Path) -> None:
    (scratch_corpus / "empty.txt").write_text("   \n", encoding="utf-8")
    (scratch_corpus / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    (scratch_corpus / "latin.txt").write_bytes("Caf\xe9 owners in Montr\xe9al protested on Friday.".encode("cp1252"))
    assistant = _open(scratch_corpus, tmp_path / "index")
    report = assistant.index()
    messages = " | ".join(report.warnings)
    assert "empty.txt: file is empty" in messages
    assert "image.txt: looks like a binary file" in messages
    assert "latin.txt: not valid UTF-8" in messages
    assert "Café owners in Montréal" in assistant.article("latin").text
    assert {a.id for a in assistant.articles()} >= {"000_1b3a15c18913f4d0", "latin"}
    assert "empty" not in {a.id for a in assistant.articles()}


@pytest.mark.parametrize("case", ["missing", "empty", "not_a_folder"])
def test_unusable_folder_gets_one_clear_message(case: str, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    if case == "empty":
        folder.mkdir()
    elif case == "not_a_folder":
        folder.write_text("x", encoding="utf-8")
    expected = {"missing": "does not exist", "empty": "has no .txt, .md or .html files", "not_a_folder": "not a folder"}
    with pytest.raises(CorpusError, match=expected[case]):
        _open(folder, tmp_path / "index").index()


def test_cli_reports_user_errors_without_traceback(tmp_path: Path) -> None:
    result = _qa("index", str(tmp_path / "nowhere"), "--index-dir", str(tmp_path / "index"))
    assert result.returncode == 2
    assert "articles folder" in result.stderr and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_second_writer_is_refused_cleanly(scratch_corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from index.lock import write_lock\n"
            "with write_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(60)",
            str(index_dir),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = _qa("index", str(scratch_corpus), "--index-dir", str(index_dir))
        assert result.returncode == 2
        assert f"another process (pid {holder.pid}) is updating the index" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        holder.kill()
        holder.wait()
    with write_lock(index_dir):
        pass  # released when its holder died: nothing is left stuck


def _qa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_links_out_of_the_folder_are_skipped_and_named(scratch_corpus: Path, tmp_path: Path) -> None:
    """Nothing outside the corpus is read through it: a file link or folder link leading out is skipped
    with a warning naming it; a link to a file inside the corpus is fine."""
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text("root:x:0:0:root:/root:/bin/bash is the secret line.\n", encoding="utf-8")
    (scratch_corpus / "link.txt").symlink_to(outside / "secret.txt")
    (scratch_corpus / "linked").symlink_to(outside, target_is_directory=True)
    (scratch_corpus / "again.txt").symlink_to(scratch_corpus / "000_1b3a15c18913f4d0.txt")
    assistant = _open(scratch_corpus, tmp_path / "index")
    report = assistant.index()
    messages = " | ".join(report.warnings)
    assert "link.txt: a link to a file outside the articles folder; skipped" in messages
    assert "linked: a link to a folder; not followed" in messages
    ids = {a.id for a in assistant.articles()}
    assert "link" not in ids and "secret" not in ids
    assert not any("root:x" in h.passage.text for h in assistant._retriever.search("root user shell bin bash", 5))


def test_a_sync_with_nothing_to_do_reports_no_progress(scratch_corpus: Path, tmp_path: Path) -> None:
    """Unchanged and known-unusable files cost no work and show no progress; their warnings stay in the
    report (`qa index` prints them), and `qa ask` prints neither."""
    (scratch_corpus / "empty.txt").write_text("   \n", encoding="utf-8")
    assistant = _open(scratch_corpus, tmp_path / "index")
    assistant.index()
    calls: list[str] = []
    report = assistant.index(progress=lambda done, total, name: calls.append(name))
    assert calls == [] and len(report.unchanged) == 3
    assert any("empty.txt: file is empty" in w for w in report.warnings)
    asked = _qa(
        "ask",
        "How many Russians is France expelling?",
        "--corpus",
        str(scratch_corpus),
        "--index-dir",
        str(tmp_path / "index"),
    )
    assert asked.returncode == 0 and asked.stdout.strip()
    assert "warning" not in asked.stderr and "Indexing" not in asked.stderr


def test_a_copy_never_displaces_the_article_it_copies(scratch_corpus: Path, tmp_path: Path) -> None:
    assistant = _open(scratch_corpus, tmp_path / "index")
    assistant.index()
    original = scratch_corpus / "001_7dbcc557f4863a9a.txt"
    (scratch_corpus / "000_copy.txt").write_bytes(original.read_bytes())  # sorts before the original
    report = assistant.index()
    assert "000_copy.txt: same content as 001_7dbcc557f4863a9a.txt; skipped" in report.warnings
    assert not report.removed and "001_7dbcc557f4863a9a" in {a.id for a in assistant.articles()}


def test_a_folder_gone_unreadable_keeps_its_index(scratch_corpus: Path, tmp_path: Path) -> None:
    assistant = _open(scratch_corpus, tmp_path / "index")
    assistant.index()
    for path in scratch_corpus.glob("*.txt"):
        path.write_text("", encoding="utf-8")
    with pytest.raises(CorpusError, match="no readable articles"):
        assistant.index()
    assert len(assistant.articles()) == 3
