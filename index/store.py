"""The Chroma store of passage vectors plus a manifest of indexed articles (hashes, cleaned text)."""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings
from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode
from llama_index.core.vector_stores.types import VectorStoreQuery
from llama_index.vector_stores.chroma import ChromaVectorStore

from index.articles import Article, Passage
from index.errors import CorpusError

COLLECTION = "passages"


@dataclass(frozen=True)
class StoreConfig:
    """Where the index lives: a local folder always (manifest, lock, embedded Chroma), a server optionally."""

    index_dir: Path
    chroma_url: str | None = None


class Store:
    """Passages in Chroma (through LlamaIndex's binding) and articles in a JSON manifest."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        config.index_dir.mkdir(parents=True, exist_ok=True)
        self._client = _client(config)
        self._manifest_path = config.index_dir / "manifest.json"
        self._manifest = self._load_manifest()
        self._collection = self._client.get_or_create_collection(COLLECTION, metadata={"hnsw:space": "cosine"})
        self._vectors = ChromaVectorStore(chroma_collection=self._collection)

    @property
    def fingerprint(self) -> str | None:
        return self._manifest.get("fingerprint")

    def reset(self, fingerprint: str) -> None:
        """Drop every vector and article: the pipeline that made them has changed."""
        self._client.delete_collection(COLLECTION)
        self._collection = self._client.get_or_create_collection(COLLECTION, metadata={"hnsw:space": "cosine"})
        self._vectors = ChromaVectorStore(chroma_collection=self._collection)
        self._manifest = {"fingerprint": fingerprint, "articles": {}}
        self._save_manifest()

    def put(self, article: Article, content_hash: str, passages: list[Passage], vectors: list[list[float]]) -> None:
        """Replace one article's passages; the manifest records it only once its vectors are stored."""
        self._vectors.delete(article.id)
        nodes = [_node(p, article.title, v) for p, v in zip(passages, vectors, strict=True)]
        if nodes:
            self._vectors.add(nodes)
        entry = asdict(article) | {"hash": content_hash, "passage_count": len(passages)}
        self._manifest["articles"][article.id] = entry
        self._save_manifest()

    def drop(self, article_id: str) -> None:
        self._vectors.delete(article_id)
        self._manifest["articles"].pop(article_id, None)
        self._save_manifest()

    def content_hash(self, article_id: str) -> str | None:
        entry = self._manifest["articles"].get(article_id)
        return entry["hash"] if entry else None

    def article_ids(self) -> list[str]:
        return sorted(self._manifest["articles"])

    def article(self, article_id: str) -> Article:
        entry = self._manifest["articles"].get(article_id)
        if entry is None:
            raise KeyError(f"no indexed article with id {article_id!r}")
        return Article(**{k: v for k, v in entry.items() if k != "hash"})

    def articles(self) -> list[Article]:
        return [self.article(i) for i in self.article_ids()]

    def query(self, vector: list[float], k: int, article_ids: list[str] | None = None) -> list[tuple[Passage, float]]:
        """Top-k passages by cosine similarity, scored 0..1."""
        filters = None
        if article_ids:
            from llama_index.core.vector_stores.types import FilterOperator, MetadataFilter, MetadataFilters

            filters = MetadataFilters(
                filters=[MetadataFilter(key="article_id", value=article_ids, operator=FilterOperator.IN)]
            )
        result = self._vectors.query(VectorStoreQuery(query_embedding=vector, similarity_top_k=k, filters=filters))
        # The binding reports exp(-cosine distance); turn it back into the cosine similarity.
        return [
            (_passage(node), max(0.0, min(1.0, 1.0 + math.log(max(score, 1e-9)))))
            for node, score in zip(result.nodes or [], result.similarities or [], strict=True)
        ]

    def passages(self) -> list[Passage]:
        """Every stored passage, in article order: the corpus for keyword search and neighbours."""
        got = self._collection.get(include=["metadatas", "documents"])
        passages = [
            Passage(article_id=m["article_id"], start=int(m["start"]), end=int(m["end"]), text=d, section=m["section"])
            for m, d in zip(got["metadatas"], got["documents"], strict=True)
        ]
        return sorted(passages, key=lambda p: (p.article_id, p.start))

    def _load_manifest(self) -> dict:
        try:
            return json.loads(self._manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"fingerprint": None, "articles": {}}
        except (json.JSONDecodeError, UnicodeDecodeError):
            # A damaged manifest is rebuilt, never trusted: the fingerprint check then re-indexes.
            return {"fingerprint": None, "articles": {}}

    def _save_manifest(self) -> None:
        tmp = self._manifest_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._manifest, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self._manifest_path)


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


def _node(passage: Passage, title: str, vector: list[float]) -> TextNode:
    node = TextNode(
        id_=passage.id,
        text=passage.text,
        embedding=list(vector),
        start_char_idx=passage.start,
        end_char_idx=passage.end,
        metadata={
            "article_id": passage.article_id,
            "start": passage.start,
            "end": passage.end,
            "section": passage.section,
            "title": title,
        },
    )
    node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=passage.article_id)
    return node


def _passage(node: TextNode) -> Passage:
    m = node.metadata
    return Passage(
        article_id=m["article_id"],
        start=int(m["start"]),
        end=int(m["end"]),
        text=node.get_content(),
        section=m["section"],
    )
