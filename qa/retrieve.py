"""Find the passages most likely to answer a question: dense MiniLM search fused with BM25 keywords."""

from __future__ import annotations

from dataclasses import dataclass

from llama_index.core.schema import TextNode
from llama_index.retrievers.bm25 import BM25Retriever

from index.articles import Passage
from index.embed import Embedder
from index.ingest import embedding_text
from index.store import Store
from qa.referent import referent

DENSE_WEIGHT = 0.7  # the rest goes to BM25; chosen by measurement with `qa eval --only retrieval`


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # 0..1 after fusion


class Retriever:
    def __init__(self, store: Store, embedder: Embedder, hybrid: bool = True) -> None:
        self._store = store
        self._embedder = embedder
        self._hybrid = hybrid
        self._bm25: BM25Retriever | None = None
        self._ordered: list[Passage] | None = None
        self._by_id: dict[str, Passage] = {}

    def refresh(self) -> None:
        """Forget the passages and keyword index; they are read again from the store when next needed."""
        self._bm25 = None
        self._ordered = None

    def around(self, article_id: str, start: int, end: int) -> list[Passage]:
        """The passages holding article_id[start:end], with one more of that article on each side."""
        ordered = [p for p in self._passages() if p.article_id == article_id]
        inside = [i for i, p in enumerate(ordered) if p.start < end and start < p.end]
        if not inside:
            return []
        return ordered[max(0, inside[0] - 1) : inside[-1] + 2]

    def _passages(self) -> list[Passage]:
        """Every stored passage in article order, read once per refresh."""
        if self._ordered is None:
            self._ordered = self._store.passages()
            self._by_id = {p.id: p for p in self._ordered}
        return self._ordered

    def search(self, question: str, k: int, article_ids: list[str] | None = None) -> list[Hit]:
        vector = self._embedder.encode([question])[0].tolist()
        pool = max(k * 3, 15)
        dense = {p.id: (p, s) for p, s in self._store.query(vector, pool, article_ids)}
        if not self._hybrid:
            return [Hit(p, s) for p, s in sorted(dense.values(), key=lambda x: -x[1])[:k]]
        keyword = self._keyword_scores(question, pool, article_ids)
        # A keyword match outside the dense pool is at most as similar as the pool's last; 0 would bury it.
        floor = min((s for _, s in dense.values()), default=0.0)
        scores: dict[str, float] = {}
        for pid in set(dense) | set(keyword):
            scores[pid] = DENSE_WEIGHT * dense.get(pid, (None, floor))[1] + (1 - DENSE_WEIGHT) * keyword.get(pid, 0.0)
        passages = {pid: p for pid, (p, _) in dense.items()} | {pid: self._by_id[pid] for pid in keyword}
        ranked = sorted(scores, key=lambda pid: -scores[pid])[:k]
        return [Hit(passages[pid], round(scores[pid], 4)) for pid in ranked]

    def _keyword_scores(self, question: str, pool: int, article_ids: list[str] | None) -> dict[str, float]:
        """BM25 scores scaled so the best passage scores 1."""
        if self._bm25 is None:
            passages = self._passages()
            if not passages:
                return {}
            texts = {a.id: a.text for a in self._store.articles()}
            nodes = [TextNode(id_=p.id, text=_keyword_text(p, texts[p.article_id])) for p in passages]
            self._bm25 = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=min(pool, len(nodes)))
        results = [
            r
            for r in self._bm25.retrieve(question)
            if r.score and (not article_ids or self._by_id[r.node.node_id].article_id in article_ids)
        ]
        if not results:
            return {}
        best = max(r.score for r in results)
        return {r.node.node_id: r.score / best for r in results}


def _keyword_text(passage: Passage, article_text: str) -> str:
    """What BM25 indexes: the embedded text, plus who "He" is when the passage carries on someone's words."""
    person = referent(article_text, passage.start)
    text = embedding_text(passage.section, passage.text)
    return f"{person.name}\n{text}" if person else text
