"""The index: passage vectors in Chroma, article records and keywords in SQLite, as one generation.

A generation is a Chroma collection plus a records file, named in `index_dir/current`. A rebuild fills a
new generation and swaps it in only when complete, so a kill mid-rebuild leaves the previous one served.
No transaction spans both stores: an article's vectors are written first, its record last, and a journal
(`Records.pending`) names the articles in between, which `reconcile` drops for re-indexing.
"""

from __future__ import annotations

import contextlib
import math
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings
from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.core.vector_stores.types import (
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
    VectorStoreQuery,
)
from llama_index.vector_stores.chroma import ChromaVectorStore

from index.analysis import Analysis
from index.articles import Article, Passage
from index.errors import CorpusError
from index.records import Records, chunks

PREFIX = "passages"  # every collection name starts with it (before generations, it was the whole name)


@dataclass(frozen=True)
class StoreConfig:
    """Where the index lives: a local folder always (records, lock, embedded Chroma), a server optionally."""

    index_dir: Path
    chroma_url: str | None = None


class Entry(NamedTuple):
    """One article ready to store: its record, what is derived from its text, and a vector per passage."""

    article: Article
    content_hash: str
    analysis: Analysis
    passages: list[Passage]
    keyword_texts: list[str]
    vectors: list[list[float]]


class Store:
    """One generation of the index, read by answering and written by ingestion."""

    def __init__(self, config: StoreConfig, generation: str | None = None) -> None:
        self.config = config
        config.index_dir.mkdir(parents=True, exist_ok=True)
        self._client = _client(config)
        # A Chroma server may hold other indexes' collections: ours carry this index's key (kept in its
        # folder, so a moved or copied index folder still finds its collections).
        self._prefix = f"{PREFIX}-{_index_key(config.index_dir)}-"
        self._open(generation or _current(config.index_dir) or _new_name())

    def _open(self, generation: str) -> None:
        self.generation = generation
        self.records = Records(self.config.index_dir / f"records-{generation}.sqlite")
        self._collection = self._client.get_or_create_collection(
            self._prefix + generation, metadata={"hnsw:space": "cosine"}
        )
        self._vectors = ChromaVectorStore(chroma_collection=self._collection)

    @property
    def fingerprint(self) -> str | None:
        return self.records.meta("fingerprint")

    # Generations (the caller holds the write lock) ---------------------------------------------

    def fresh(self, fingerprint: str) -> Store:
        """An empty new generation beside this one, served only once `adopt` swaps it in."""
        store = Store(self.config, _new_name())
        store.records.set_meta("fingerprint", fingerprint)
        return store

    def adopt(self, other: Store) -> None:
        """Serve `other` (a complete generation) from now on, here and in every process opening the index."""
        old = self.generation
        _set_current(self.config.index_dir, other.generation)
        self.records.close()
        self.generation, self.records = other.generation, other.records
        self._collection, self._vectors = other._collection, other._vectors
        self._drop_generation(old)

    def claim(self) -> list[str]:
        """Make this generation the current one if none is, drop leftovers of interrupted rebuilds, and
        reconcile the journal: articles caught between their vectors and their record are dropped (the
        sync re-indexes them). Returns their ids."""
        current = _current(self.config.index_dir)
        if current is None:
            _set_current(self.config.index_dir, self.generation)
        elif current != self.generation:
            # Another process swapped in a rebuild since this one opened: follow it, never delete it.
            self.records.close()
            self._open(current)
        names = [getattr(c, "name", c) for c in self._client.list_collections()]
        leftovers = {n.removeprefix(self._prefix) for n in names if n.startswith(self._prefix)}
        leftovers |= {p.name.removeprefix("records-").split(".")[0] for p in self.config.index_dir.glob("records-*")}
        for generation in leftovers - {self.generation}:
            self._drop_generation(generation)
        if PREFIX in names and not self.config.chroma_url:
            self._client.delete_collection(PREFIX)  # the collection from before generations, and its manifest
        (self.config.index_dir / "manifest.json").unlink(missing_ok=True)
        pending = self.records.pending()
        for article_id in pending:
            self.drop(article_id)
        return pending

    def _drop_generation(self, generation: str) -> None:
        with contextlib.suppress(Exception):  # chromadb raises several types for a missing collection
            self._client.delete_collection(self._prefix + generation)
        for path in self.config.index_dir.glob(f"records-{generation}.sqlite*"):
            path.unlink(missing_ok=True)

    # Writing ----------------------------------------------------------------------------------

    def put(self, entries: Sequence[Entry]) -> None:
        """Replace articles: journal them, write their vectors in one Chroma call (a call per article costs
        about two-thirds more in all), then each record, which clears its journal entry."""
        self.records.mark_pending([e.article.id for e in entries])
        for entry in entries:
            self._vectors.delete(entry.article.id)
        nodes = [_node(p, v) for e in entries for p, v in zip(e.passages, e.vectors, strict=True)]
        if nodes:
            self._vectors.add(nodes)  # LlamaIndex adds in chunks of the server's max batch size
        for e in entries:
            self.records.replace(e.article, e.content_hash, e.analysis, e.passages, e.keyword_texts)

    def drop(self, article_id: str) -> None:
        self.records.mark_pending([article_id])
        self._vectors.delete(article_id)
        self.records.delete(article_id)

    # Reading ----------------------------------------------------------------------------------

    def hashes(self) -> dict[str, str]:
        return self.records.hashes()

    def article(self, article_id: str) -> Article:
        article = self.records.article(article_id)
        if article is None:
            raise KeyError(f"no indexed article with id {article_id!r}")
        return article

    def articles(self, query: str = "", offset: int = 0, limit: int | None = None) -> list[Article]:
        return self.records.list(query, offset, limit)

    def article_count(self, query: str = "") -> int:
        return self.records.count(query)

    def query(self, vector: list[float], k: int, article_ids: list[str] | None = None) -> list[tuple[Passage, float]]:
        """Top-k passages by cosine similarity, scored 0..1."""
        filters = None
        if article_ids:
            filters = MetadataFilters(
                filters=[MetadataFilter(key="article_id", value=article_ids, operator=FilterOperator.IN)]
            )
        result = self._vectors.query(VectorStoreQuery(query_embedding=vector, similarity_top_k=k, filters=filters))
        found = self.records.passages(node.node_id for node in result.nodes or [])
        # The binding reports exp(-cosine distance); turn it back into the cosine similarity. A vector whose
        # record is not committed yet (an article being written) is skipped.
        return [
            (found[node.node_id], max(0.0, min(1.0, 1.0 + math.log(max(score, 1e-9)))))
            for node, score in zip(result.nodes or [], result.similarities or [], strict=True)
            if node.node_id in found
        ]

    def vector_count(self) -> int:
        return self._collection.count()

    def vectors_of(self, passages: list[Passage]) -> dict[str, list[float]]:
        """The stored vectors of those passages stored here with the same text and headline (what is
        embedded): a rebuild that changes how articles are cleaned or analysed, not how a passage reads,
        embeds none of it again."""
        stored = self.records.passages(p.id for p in passages)
        same = [p.id for p in passages if (old := stored.get(p.id)) and (old.text, old.section) == (p.text, p.section)]
        found: dict[str, list[float]] = {}
        for chunk in chunks(same):
            got = self._collection.get(ids=chunk, include=["embeddings"])
            found.update(zip(got["ids"], (v.tolist() for v in got["embeddings"]), strict=True))
        return found


def _current(index_dir: Path) -> str | None:
    try:
        return (index_dir / "current").read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def _index_key(index_dir: Path) -> str:
    path = index_dir / "key"
    if not path.exists():
        tmp = index_dir / "key.tmp"
        tmp.write_text(uuid.uuid4().hex[:8], encoding="utf-8")
        os.replace(tmp, path)
    return path.read_text(encoding="utf-8").strip()


def _set_current(index_dir: Path, generation: str) -> None:
    tmp = index_dir / "current.tmp"
    tmp.write_text(generation, encoding="utf-8")
    os.replace(tmp, index_dir / "current")


def _new_name() -> str:
    return uuid.uuid4().hex[:12]


def _client(config: StoreConfig) -> chromadb.ClientAPI:
    settings = Settings(anonymized_telemetry=False)
    if not config.chroma_url:
        return chromadb.PersistentClient(path=str(config.index_dir / "chroma"), settings=settings)
    url = urlparse(config.chroma_url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise CorpusError(f"Chroma server setting {config.chroma_url!r} is not an http(s) URL")
    try:
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 80),
            ssl=url.scheme == "https",
            settings=settings,
        )
    except Exception as exc:  # chromadb raises a bare ValueError/ConnectionError here
        raise CorpusError(f"cannot reach the Chroma server at {config.chroma_url}: {exc}") from None


def _node(passage: Passage, vector: list[float]) -> TextNode:
    """Chroma keeps the vector and what filters need; the text and spans live in the records."""
    node = TextNode(
        id_=passage.id,
        text=passage.text,
        embedding=list(vector),
        metadata={"article_id": passage.article_id},
    )
    node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=passage.article_id)
    return node
