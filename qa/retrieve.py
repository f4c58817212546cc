"""Find the passages most likely to answer a question: dense MiniLM search fused with BM25 keywords.

Both searches run inside the stores (Chroma's HNSW index, SQLite FTS5), so nothing here grows with the
corpus: no passage list is held in memory and nothing is rebuilt when articles change.
"""

from __future__ import annotations

from dataclasses import dataclass

from index.articles import Passage
from index.embed import Embedder
from index.store import Store
from index.text import content_words

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

    def around(self, article_id: str, start: int, end: int) -> list[Passage]:
        """The passages holding article_id[start:end], with one more of that article on each side."""
        ordered = self._store.records.passages_of(article_id)
        inside = [i for i, p in enumerate(ordered) if p.start < end and start < p.end]
        if not inside:
            return []
        return ordered[max(0, inside[0] - 1) : inside[-1] + 2]

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
        ranked = sorted(scores, key=lambda pid: -scores[pid])[:k]
        passages = {pid: p for pid, (p, _) in dense.items()}
        passages |= self._store.records.passages(pid for pid in ranked if pid not in passages)
        return [Hit(passages[pid], round(scores[pid], 4)) for pid in ranked if pid in passages]

    def _keyword_scores(self, question: str, pool: int, article_ids: list[str] | None) -> dict[str, float]:
        """BM25 scores scaled so the best passage scores 1."""
        results = self._store.records.keyword_search(content_words(question), pool, article_ids)
        if not results:
            return {}
        best = max(score for _, score in results)
        return {pid: score / best for pid, score in results if score > 0}
