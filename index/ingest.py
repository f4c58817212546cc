"""Keep the store in step with a folder: new and changed files embedded, deleted files removed.

A content hash per file skips unchanged files; a fingerprint of the pipeline (embedding model,
splitter settings, cleaning rules) rebuilds everything by itself when any of them changes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from time import perf_counter

from index.analysis import ANALYSIS_VERSION, Analysis, analyse
from index.articles import Article, Passage
from index.clean import CLEANING_VERSION, clean
from index.embed import Embedder
from index.errors import CorpusError
from index.lock import write_lock
from index.nlp import NLP_VERSION
from index.read import SUFFIXES, read_article
from index.split import SPLITTER_VERSION, split_passages
from index.store import Entry, Store

Progress = Callable[[int, int, str], None]  # (done, total, file name)
EMBED_PASSAGES = 512  # passages embedded per encode call, across articles
STAGES = ("reading", "analysis", "embedding", "storing")


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
    # Where the time went, so a slow archive shows its cost: "reading" (files read, cleaned, split),
    # "analysis" (spaCy and the rest of `Analysis`), "embedding", "storing" (Chroma and the records).
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))


def corpus_files(folder: Path) -> tuple[list[Path], list[str]]:
    """Article files in the folder and its subfolders, skipping hidden ones, and warnings naming the links
    that were not followed: nothing outside the folder is read through it, and a linked folder is not
    walked (it could lead out, or loop)."""
    if not folder.exists():
        raise CorpusError(f"articles folder {folder} does not exist")
    if not folder.is_dir():
        raise CorpusError(f"{folder} is not a folder")
    root = folder.resolve()
    files: list[Path] = []
    warnings: list[str] = []
    for current, dirs, names in os.walk(root):
        here = Path(current)
        for name in sorted(dirs):
            if name.startswith(".") or (here / name).is_symlink():
                dirs.remove(name)
                if not name.startswith("."):
                    warnings.append(f"{(here / name).relative_to(root)}: a link to a folder; not followed")
        for name in names:
            path = here / name
            if name.startswith(".") or path.suffix.lower() not in SUFFIXES:
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                warnings.append(f"{path.relative_to(root)}: a link to a file outside the articles folder; skipped")
            elif path.is_file():
                files.append(path)
    return sorted(files), warnings


def _hash_files(files: list[Path]) -> tuple[list[tuple[Path, str]], list[tuple[Path, str]]]:
    """Each file's SHA-256, read once per sync, and the files that cannot be read (gone since the folder
    was listed, or no permission) with a message naming them."""
    hashed: list[tuple[Path, str]] = []
    unreadable: list[tuple[Path, str]] = []
    for path in files:
        try:
            hashed.append((path, hashlib.sha256(path.read_bytes()).hexdigest()))
        except OSError as exc:
            unreadable.append((path, f"{path.name}: cannot be read ({exc.strerror or exc}); skipped"))
    return hashed, unreadable


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
            "nlp": NLP_VERSION,
        }
        return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]

    def sync(self, folder: Path, progress: Progress | None = None, rebuild: bool = False) -> SyncReport:
        """Mirror `folder` into the store; files that cannot be read are named in warnings and skipped.

        A rebuild (asked for, or a changed pipeline) fills a new generation that replaces the served one
        only when complete."""
        files, link_warnings = corpus_files(folder)
        if not files:
            raise CorpusError(f"articles folder {folder} has no .txt, .md or .html files")
        hashed, unreadable = _hash_files(files)
        if not rebuild and (unchanged := self._up_to_date(hashed, unreadable, link_warnings)):
            return unchanged
        report = SyncReport(warnings=link_warnings)
        with write_lock(self.store.config.index_dir):
            self.store.claim()
            target = self.store
            reuse: Store | None = None
            if self.store.fingerprint is None and not self.store.hashes():
                self.store.records.set_meta("fingerprint", self.fingerprint())
            elif rebuild or self.store.fingerprint != self.fingerprint():
                target = self.store.fresh(self.fingerprint())
                report.rebuilt = True
                # A pipeline change with the same embedder keeps the vectors of passages that read the same;
                # a rebuild asked for embeds everything again.
                if not rebuild and self.store.records.meta("embedder") == self.embedder.name:
                    reuse = self.store
            target.records.set_meta("embedder", self.embedder.name)
            known = target.hashes()
            skipped = target.records.skipped()
            todo, still_skipped = self._scan(hashed, unreadable, known, skipped, report)
            batch = _Batch(self.embedder, target, report.seconds, reuse)
            for number, (path, digest) in enumerate(todo, start=1):
                if progress:
                    progress(number - 1, len(todo), path.name)
                try:
                    prepared = self.prepare(path, digest, report.seconds)
                except CorpusError as exc:
                    report.warnings.append(str(exc))
                    still_skipped[digest] = str(exc)
                    continue
                report.warnings.extend(prepared.warnings)
                (report.updated if path.stem in known else report.added).append(path.stem)
                batch.add(prepared)
            batch.flush()
            kept = set(report.unchanged) | set(report.added) | set(report.updated)
            if not kept:  # before dropping anything: a folder gone unreadable must not empty the index
                raise CorpusError(f"no readable articles in {folder}: " + "; ".join(report.warnings))
            for stale in set(known) - kept:
                target.drop(stale)
                report.removed.append(stale)
            if still_skipped != skipped:
                target.records.set_skipped(still_skipped)
            if target is not self.store:
                self.store.adopt(target)
            if progress and todo:
                progress(len(todo), len(todo), "done")
        return report

    def _up_to_date(
        self, hashed: list[tuple[Path, str]], unreadable: list[tuple[Path, str]], link_warnings: list[str]
    ) -> SyncReport | None:
        """The report of a sync with nothing to do, found without the write lock (so a reader never waits
        for, or is refused by, the writer); None when there is work."""
        if self.store.fingerprint != self.fingerprint() or self.store.records.pending():
            return None
        report = SyncReport(warnings=list(link_warnings))
        known = self.store.hashes()
        todo, _ = self._scan(hashed, unreadable, known, self.store.records.skipped(), report)
        if todo or set(known) - set(report.unchanged) or not known:
            return None
        return report

    def _scan(
        self,
        hashed: list[tuple[Path, str]],
        unreadable: list[tuple[Path, str]],
        known: dict[str, str],
        skipped: dict[str, str],
        report: SyncReport,
    ) -> tuple[list[tuple[Path, str]], dict[str, str]]:
        """The files to read, with their content hashes: new or changed, not seen unusable before, and not
        a second file of the same name or content; and the unusable ones still there, unchanged. Cheap (a
        hash per file), so a sync with no work is quiet."""
        todo: list[tuple[Path, str]] = []
        still_skipped: dict[str, str] = {}
        names: dict[str, Path] = {}
        contents: dict[str, str] = {}
        for path, problem in unreadable:  # keep what is indexed for a file that cannot be read now
            report.warnings.append(problem)
            if path.stem in known:
                report.unchanged.append(path.stem)
                names[path.stem] = path
        # Files already indexed as they are come first: a new copy never displaces the article it copies.
        for path, digest in sorted(hashed, key=lambda item: (known.get(item[0].stem) != item[1], item[0])):
            article_id = path.stem
            if article_id in names:
                report.warnings.append(f"{path.name}: same name as {names[article_id].name}; skipped")
                continue
            if digest in contents:
                report.warnings.append(f"{path.name}: same content as {contents[digest]}; skipped")
                continue
            names[article_id] = path
            contents[digest] = path.name
            if digest in skipped:
                report.warnings.append(skipped[digest])
                still_skipped[digest] = skipped[digest]
            elif known.get(article_id) == digest:
                report.unchanged.append(article_id)
            else:
                todo.append((path, digest))
        return todo, still_skipped

    def prepare(self, path: Path, digest: str, seconds: dict[str, float]) -> _Prepared:
        """Read, clean, analyse and split one file: everything but its vectors. Adds its time to `seconds`."""
        started = perf_counter()
        doc = read_article(path)
        cleaned = clean(doc)
        analysed = perf_counter()
        analysis = analyse(cleaned.text)
        split = perf_counter()
        passages = split_passages(path.stem, cleaned.text, cleaned.title, cleaned.headlines, self.split.passage_words)
        seconds["analysis"] += split - analysed
        seconds["reading"] += perf_counter() - split + analysed - started
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
    batches full, while memory stays bounded by EMBED_PASSAGES. Passages `reuse` (the generation a rebuild
    replaces) holds as they are keep their vectors."""

    def __init__(self, embedder: Embedder, store: Store, seconds: dict[str, float], reuse: Store | None = None) -> None:
        self.embedder = embedder
        self.store = store
        self.seconds = seconds
        self.reuse = reuse
        self.waiting: list[_Prepared] = []

    def add(self, prepared: _Prepared) -> None:
        self.waiting.append(prepared)
        if sum(len(p.passages) for p in self.waiting) >= EMBED_PASSAGES:
            self.flush()

    def flush(self) -> None:
        started = perf_counter()
        passages = [p for item in self.waiting for p in item.passages]
        kept = self.reuse.vectors_of(passages) if self.reuse else {}
        todo = [p for p in passages if p.id not in kept]
        encoded = self.embedder.encode([embedding_text(p.section, p.text) for p in todo]).tolist() if todo else []
        vectors = kept | dict(zip((p.id for p in todo), encoded, strict=True))
        embedded = perf_counter()
        self.store.put(
            [
                Entry(
                    item.article,
                    item.digest,
                    item.analysis,
                    item.passages,
                    [keyword_text(p, item.analysis) for p in item.passages],
                    [vectors[p.id] for p in item.passages],
                )
                for item in self.waiting
            ]
        )
        self.seconds["embedding"] += embedded - started
        self.seconds["storing"] += perf_counter() - embedded
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
