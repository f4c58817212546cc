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

from index.analysis import ANALYSIS_VERSION, Analysis, analyse
from index.articles import Article, Passage
from index.clean import CLEANING_VERSION, clean
from index.embed import Embedder
from index.errors import CorpusError
from index.lock import write_lock
from index.read import SUFFIXES, read_article
from index.split import SPLITTER_VERSION, split_passages
from index.store import Store

Progress = Callable[[int, int, str], None]  # (done, total, file name)
EMBED_PASSAGES = 512  # passages embedded per encode call, across articles


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


@dataclass(frozen=True)
class _Prepared:
    """One article read, cleaned, analysed and split, waiting for its vectors."""

    article: Article
    digest: str
    analysis: Analysis
    passages: list[Passage]
    warnings: list[str]


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
            "analysis": ANALYSIS_VERSION,
        }
        return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]

    def sync(self, folder: Path, progress: Progress | None = None, rebuild: bool = False) -> SyncReport:
        """Mirror `folder` into the store; files that cannot be read are named in warnings and skipped.

        A rebuild (asked for, or a changed pipeline) fills a new generation that replaces the served one
        only when complete."""
        files = corpus_files(folder)
        if not files:
            raise CorpusError(f"articles folder {folder} has no .txt, .md or .html files")
        report = SyncReport()
        with write_lock(self.store.config.index_dir):
            self.store.claim()
            target = self.store
            if self.store.fingerprint is None and not self.store.hashes():
                self.store.records.set_meta("fingerprint", self.fingerprint())
            elif rebuild or self.store.fingerprint != self.fingerprint():
                target = self.store.fresh(self.fingerprint())
                report.rebuilt = True
            known = target.hashes()
            batch = _Batch(self.embedder, target)
            seen_ids: dict[str, Path] = {}
            seen_hashes: dict[str, str] = {}
            for number, path in enumerate(files, start=1):
                if progress:
                    progress(number - 1, len(files), path.name)
                prepared = self._read_file(path, known, seen_ids, seen_hashes, report)
                if prepared:
                    batch.add(prepared)
            batch.flush()
            for stale in set(known) - set(seen_ids):
                target.drop(stale)
                report.removed.append(stale)
            if not target.hashes():
                raise CorpusError(f"no readable articles in {folder}: " + "; ".join(report.warnings))
            if target is not self.store:
                self.store.adopt(target)
            if progress:
                progress(len(files), len(files), "done")
        return report

    def _read_file(
        self,
        path: Path,
        known: dict[str, str],
        seen_ids: dict[str, Path],
        seen_hashes: dict[str, str],
        report: SyncReport,
    ) -> _Prepared | None:
        """The file prepared for embedding when it is new or changed; None when unchanged or unreadable."""
        article_id = path.stem
        if article_id in seen_ids:
            report.warnings.append(f"{path.name}: same name as {seen_ids[article_id].name}; skipped")
            return None
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest in seen_hashes:
            report.warnings.append(f"{path.name}: same content as {seen_hashes[digest]}; skipped")
            return None
        seen_hashes[digest] = path.name
        old = known.get(article_id)
        if old == digest:
            seen_ids[article_id] = path
            report.unchanged.append(article_id)
            return None
        try:
            prepared = self.prepare(path, digest)
        except CorpusError as exc:
            report.warnings.append(str(exc))
            return None
        seen_ids[article_id] = path
        report.warnings.extend(prepared.warnings)
        (report.updated if old else report.added).append(article_id)
        return prepared

    def prepare(self, path: Path, digest: str) -> _Prepared:
        """Read, clean, analyse and split one file: everything but its vectors."""
        doc = read_article(path)
        cleaned = clean(doc)
        analysis = analyse(cleaned.text)
        passages = split_passages(path.stem, cleaned.text, cleaned.title, cleaned.headlines, self.split.passage_words)
        if not passages:
            raise CorpusError(f"{path.name}: no article text left after cleaning; skipped")
        article = Article(
            id=path.stem,
            title=cleaned.title,
            text=cleaned.text,
            path=str(path.resolve()),
            date=cleaned.date,
            passage_count=len(passages),
        )
        return _Prepared(article, digest, analysis, passages, doc.warnings)


class _Batch:
    """Prepared articles embedded together: one encode call over many articles' passages keeps the model's
    batches full, while memory stays bounded by EMBED_PASSAGES."""

    def __init__(self, embedder: Embedder, store: Store) -> None:
        self.embedder = embedder
        self.store = store
        self.waiting: list[_Prepared] = []

    def add(self, prepared: _Prepared) -> None:
        self.waiting.append(prepared)
        if sum(len(p.passages) for p in self.waiting) >= EMBED_PASSAGES:
            self.flush()

    def flush(self) -> None:
        texts = [embedding_text(p.section, p.text) for item in self.waiting for p in item.passages]
        vectors = self.embedder.encode(texts).tolist() if texts else []
        offset = 0
        for item in self.waiting:
            count = len(item.passages)
            keyword = [keyword_text(p, item.analysis) for p in item.passages]
            self.store.put(
                item.article, item.digest, item.analysis, item.passages, keyword, vectors[offset : offset + count]
            )
            offset += count
        self.waiting = []


def embedding_text(section: str, text: str) -> str:
    """What is embedded for a passage: its story's headline gives short passages their topic."""
    return f"{section}\n{text}"


def keyword_text(passage: Passage, analysis: Analysis) -> str:
    """What the keyword index holds for a passage: the embedded text, plus who "He" is when the passage
    carries on someone's words without naming them."""
    person = analysis.referent(passage.start)
    text = embedding_text(passage.section, passage.text)
    return f"{person.name}\n{text}" if person else text
