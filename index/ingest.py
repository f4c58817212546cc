"""Keep the store in step with a folder: new and changed files embedded, deleted files removed.

A content hash per file skips unchanged files; a fingerprint of the pipeline (embedding model,
splitter settings, cleaning rules) rebuilds everything by itself when any of them changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.articles import Article
from index.clean import CLEANING_VERSION, clean
from index.embed import Embedder
from index.errors import CorpusError
from index.lock import write_lock
from index.read import SUFFIXES, read_article
from index.split import SPLITTER_VERSION, split_passages
from index.store import Store

Progress = Callable[[int, int, str], None]  # (done, total, file name)


@dataclass(frozen=True)
class SplitSettings:
    passage_words: int = 45


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rebuilt: bool = False


def corpus_files(folder: Path) -> list[Path]:
    """Article files in the folder and its subfolders, skipping hidden ones."""
    if not folder.exists():
        raise CorpusError(f"articles folder {folder} does not exist")
    if not folder.is_dir():
        raise CorpusError(f"{folder} is not a folder")
    files = [
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    return sorted(files)


class Ingestor:
    def __init__(self, store: Store, embedder: Embedder, split: SplitSettings = SplitSettings()) -> None:
        self.store = store
        self.embedder = embedder
        self.split = split

    def fingerprint(self) -> str:
        recipe = {
            "embedder": self.embedder.name,
            "splitter": SPLITTER_VERSION,
            "passage_words": self.split.passage_words,
            "cleaning": CLEANING_VERSION,
        }
        return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]

    def sync(self, folder: Path, progress: Progress | None = None, rebuild: bool = False) -> SyncReport:
        """Mirror `folder` into the store; files that cannot be read are named in warnings and skipped."""
        files = corpus_files(folder)
        if not files:
            raise CorpusError(f"articles folder {folder} has no .txt, .md or .html files")
        report = SyncReport()
        with write_lock(self.store.config.index_dir):
            if rebuild or self.store.fingerprint != self.fingerprint():
                self.store.reset(self.fingerprint())
                report.rebuilt = True
            seen_ids: dict[str, Path] = {}
            seen_hashes: dict[str, str] = {}
            for number, path in enumerate(files, start=1):
                if progress:
                    progress(number - 1, len(files), path.name)
                self._sync_file(path, seen_ids, seen_hashes, report)
            for stale in set(self.store.article_ids()) - set(seen_ids):
                self.store.drop(stale)
                report.removed.append(stale)
            if progress:
                progress(len(files), len(files), "done")
        if not self.store.article_ids():
            raise CorpusError(f"no readable articles in {folder}: " + "; ".join(report.warnings))
        return report

    def _sync_file(
        self, path: Path, seen_ids: dict[str, Path], seen_hashes: dict[str, str], report: SyncReport
    ) -> None:
        article_id = path.stem
        if article_id in seen_ids:
            report.warnings.append(f"{path.name}: same name as {seen_ids[article_id].name}; skipped")
            return
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in seen_hashes:
            report.warnings.append(f"{path.name}: same content as {seen_hashes[digest]}; skipped")
            return
        seen_hashes[digest] = path.name
        old = self.store.content_hash(article_id)
        if old == digest:
            seen_ids[article_id] = path
            report.unchanged.append(article_id)
            return
        try:
            report.warnings.extend(self.index_file(path, digest))
        except CorpusError as exc:
            report.warnings.append(str(exc))
            return
        seen_ids[article_id] = path
        (report.updated if old else report.added).append(article_id)

    def index_file(self, path: Path, digest: str) -> list[str]:
        """Read, clean, split, embed and store one file (the caller holds the write lock); returns warnings."""
        doc = read_article(path)
        cleaned = clean(doc)
        passages = split_passages(path.stem, cleaned.text, cleaned.title, cleaned.headlines, self.split.passage_words)
        if not passages:
            raise CorpusError(f"{path.name}: no article text left after cleaning; skipped")
        vectors = self.embedder.encode([embedding_text(p.section, p.text) for p in passages])
        article = Article(
            id=path.stem,
            title=cleaned.title,
            text=cleaned.text,
            path=str(path.resolve()),
            date=cleaned.date,
            passage_count=len(passages),
        )
        self.store.put(article, digest, passages, vectors.tolist())
        return doc.warnings


def embedding_text(section: str, text: str) -> str:
    """What is embedded for a passage: its story's headline gives short passages their topic."""
    return f"{section}\n{text}"
