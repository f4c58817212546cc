"""Article records, passages and their keyword index in one SQLite file beside the vectors.

SQLite answers what Chroma cannot at archive scale: one article by id, the passages of one article in
order, a page of the article list, and BM25 keyword search (FTS5) that is updated one article at a time.
A `pending` journal names the articles whose vectors may be out of step with their records after a crash.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from index.analysis import Analysis
from index.articles import Article, Passage

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('writes', '0');
CREATE TABLE IF NOT EXISTS articles(
    id TEXT PRIMARY KEY, hash TEXT NOT NULL, title TEXT NOT NULL, date TEXT, path TEXT NOT NULL,
    text TEXT NOT NULL, analysis TEXT NOT NULL, passage_count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS passages(
    n INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, article_id TEXT NOT NULL,
    start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, section TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS passages_of_article ON passages(article_id, start_char);
CREATE VIRTUAL TABLE IF NOT EXISTS keywords USING fts5(body, tokenize='porter unicode61');
CREATE TABLE IF NOT EXISTS pending(article_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS skipped(hash TEXT PRIMARY KEY, reason TEXT NOT NULL);
"""
_PASSAGE = "SELECT article_id, start_char, end_char, text, section FROM passages"
_ARTICLE = "SELECT id, title, text, path, date, passage_count, analysis FROM articles"
_BATCH = 500  # ids per statement: SQLite caps the variables of one statement
# A keyword in more passages than both of these is left out of the search when rarer ones are there: its
# cost grows with the passages holding it, and BM25 gives it little weight.
COMMON_SHARE = 0.1
COMMON_FLOOR = 1000


class Records:
    """One connection per thread (the page answers and re-indexes in different threads); WAL lets readers
    go on while the single writer commits."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        # Answering reads the same few articles many times per question. Entries are keyed by the number
        # of writes so far, counted in the file by every writer: a read racing a write never caches the old
        # row for later readers, and a process serving the chat page sees what `qa index` wrote in another.
        self._cached = lru_cache(maxsize=256)(self._article)
        self._passage_count = lru_cache(maxsize=1)(self._count_passages)
        with self._write() as db:
            db.executescript(_SCHEMA)

    @property
    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed whole or not at all."""
        db = self._db
        with db:
            changes = db.total_changes
            yield db
            if db.total_changes != changes:  # opening an index changes nothing, and tells no reader to re-read
                db.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'writes'")

    @property
    def _writes(self) -> int:
        return int(self._db.execute("SELECT value FROM meta WHERE key = 'writes'").fetchone()[0])

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # Meta and journal -------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def mark_pending(self, article_ids: list[str]) -> None:
        """Journal articles before their vectors change; `replace`/`delete` clear each in their transaction."""
        with self._write() as db:
            db.executemany("INSERT OR IGNORE INTO pending VALUES (?)", ((a,) for a in article_ids))

    def pending(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT article_id FROM pending")]

    def skipped(self) -> dict[str, str]:
        """Why each unusable file (by content hash) was skipped: it is not read again until it changes."""
        return dict(self._db.execute("SELECT hash, reason FROM skipped"))

    def set_skipped(self, reasons: dict[str, str]) -> None:
        with self._write() as db:
            db.execute("DELETE FROM skipped")
            db.executemany("INSERT INTO skipped VALUES (?, ?)", reasons.items())

    # Articles ---------------------------------------------------------------------------------

    def replace(
        self,
        article: Article,
        content_hash: str,
        analysis: Analysis,
        passages: list[Passage],
        keyword_texts: list[str],
    ) -> None:
        """Store one article with its passages and keyword entries, replacing any earlier version."""
        with self._write() as db:
            _delete(db, article.id)
            db.execute(
                "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    article.id,
                    content_hash,
                    article.title,
                    article.date,
                    article.path,
                    article.text,
                    analysis.to_json(),
                    len(passages),
                ),
            )
            for passage, body in zip(passages, keyword_texts, strict=True):
                n = db.execute(
                    "INSERT INTO passages(id, article_id, start_char, end_char, section, text) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (passage.id, passage.article_id, passage.start, passage.end, passage.section, passage.text),
                ).lastrowid
                db.execute("INSERT INTO keywords(rowid, body) VALUES (?, ?)", (n, body))
            db.execute("DELETE FROM pending WHERE article_id = ?", (article.id,))

    def delete(self, article_id: str) -> None:
        with self._write() as db:
            _delete(db, article_id)
            db.execute("DELETE FROM pending WHERE article_id = ?", (article_id,))

    def hashes(self) -> dict[str, str]:
        """Every article's content hash: what an incremental sync compares files against."""
        return dict(self._db.execute("SELECT id, hash FROM articles"))

    def count(self, query: str = "") -> int:
        where, args = _title_filter(query)
        return self._db.execute(f"SELECT count(*) FROM articles {where}", args).fetchone()[0]

    def list(self, query: str = "", offset: int = 0, limit: int | None = None) -> list[Article]:
        """A page of articles by id, optionally only those whose headline or id (file name) holds `query`;
        without their text and analysis, which a list never shows."""
        where, args = _title_filter(query)
        rows = self._db.execute(
            f"SELECT id, title, '', path, date, passage_count, NULL FROM articles {where} ORDER BY id LIMIT ? OFFSET ?",
            (*args, -1 if limit is None else limit, offset),
        )
        return [_article(row) for row in rows]

    def article(self, article_id: str) -> Article | None:
        return self._cached(article_id, self._writes)

    def _article(self, article_id: str, _writes: int) -> Article | None:
        row = self._db.execute(f"{_ARTICLE} WHERE id = ?", (article_id,)).fetchone()
        return _article(row) if row else None

    # Passages ---------------------------------------------------------------------------------

    def passages_of(self, article_id: str) -> list[Passage]:
        rows = self._db.execute(f"{_PASSAGE} WHERE article_id = ? ORDER BY start_char", (article_id,))
        return [Passage(*row) for row in rows]

    def passages(self, ids: Iterable[str]) -> dict[str, Passage]:
        found: dict[str, Passage] = {}
        for chunk in chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(f"{_PASSAGE} WHERE id IN ({marks})", chunk):
                passage = Passage(*row)
                found[passage.id] = passage
        return found

    def passage_count(self) -> int:
        return self._passage_count(self._writes)

    def _count_passages(self, _writes: int) -> int:
        return self._db.execute("SELECT count(*) FROM passages").fetchone()[0]

    def keyword_search(self, terms: list[str], k: int, article_ids: list[str] | None = None) -> list[tuple[str, float]]:
        """The k passages FTS5 ranks best for any of `terms`, with BM25 scores (higher is better).

        FTS5 scores every passage that holds any term, so a term in a large share of passages ("said",
        "people") costs most of the time while adding little to the ranking: it is left out when rarer
        terms are there.
        """
        terms = self._informative(terms)
        if not terms:
            return []
        match = " OR ".join(_phrase(t) for t in terms)
        if article_ids:
            rows = self._db.execute(
                "SELECT p.id, -bm25(keywords) FROM keywords JOIN passages p ON p.n = keywords.rowid "
                f"WHERE keywords MATCH ? AND p.article_id IN ({','.join('?' * len(article_ids))}) "
                "ORDER BY bm25(keywords) LIMIT ?",
                (match, *article_ids, k),
            )
        else:  # rank first, then look up only the k passages kept
            rows = self._db.execute(
                "SELECT p.id, k.score FROM (SELECT rowid, -bm25(keywords) AS score FROM keywords "
                "WHERE keywords MATCH ? ORDER BY bm25(keywords) LIMIT ?) k JOIN passages p ON p.n = k.rowid "
                "ORDER BY k.score DESC",
                (match, k),
            )
        return list(rows)

    def written(self, terms: list[str]) -> set[str]:
        """The terms some passage holds (as FTS5 stems them): a word no story writes tells none apart."""
        query = "SELECT 1 FROM keywords WHERE keywords MATCH ? LIMIT 1"
        return {t for t in terms if self._db.execute(query, (_phrase(t),)).fetchone()}

    def _informative(self, terms: list[str]) -> list[str]:
        """The terms that are not common (COMMON_SHARE, COMMON_FLOOR), or all of them when every one is.
        Counting stops at the cap, so a common term costs a bounded scan."""
        cap = max(COMMON_FLOOR, int(self._passage_count(self._writes) * COMMON_SHARE))
        rare = [
            t
            for t in terms
            if self._db.execute(
                "SELECT count(*) FROM (SELECT rowid FROM keywords WHERE keywords MATCH ? LIMIT ?)", (_phrase(t), cap)
            ).fetchone()[0]
            < cap
        ]
        return rare or terms


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _delete(db: sqlite3.Connection, article_id: str) -> None:
    db.execute("DELETE FROM keywords WHERE rowid IN (SELECT n FROM passages WHERE article_id = ?)", (article_id,))
    db.execute("DELETE FROM passages WHERE article_id = ?", (article_id,))
    db.execute("DELETE FROM articles WHERE id = ?", (article_id,))


def _title_filter(query: str) -> tuple[str, tuple[str, ...]]:
    query = query.strip()
    if not query:
        return "", ()
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return "WHERE title LIKE ? ESCAPE '\\' OR id LIKE ? ESCAPE '\\'", (pattern,) * 2


def _article(row: tuple) -> Article:
    article_id, title, text, path, date, count, analysis = row
    return Article(
        id=article_id,
        title=title,
        text=text,
        path=path,
        date=date,
        passage_count=count,
        analysis=Analysis.from_json(analysis) if analysis else None,
    )


def chunks(items: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(items), _BATCH):
        yield items[i : i + _BATCH]
