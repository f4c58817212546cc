"""The reference set: Q&A pairs and conversations in JSON Lines (format in the README)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Pair:
    id: str
    question: str
    answers: list[str]
    kind: str
    article_ids: tuple[str, ...]  # the gold articles: a passage from any of them may answer
    span: dict | None  # the supporting text with offsets, when the pair names one; article-level pairs have none
    source: str = ""  # who wrote the question (an outlet's quiz), when the set says

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"


def load_pairs(path: Path = DATA / "qa_pairs.jsonl") -> list[Pair]:
    return [_pair(item["id"], item) for item in _lines(path)]


def load_conversations(path: Path = DATA / "conversations.jsonl") -> list[tuple[str, list[Pair]]]:
    return [
        (item["id"], [_pair(f"{item['id']}.{i}", turn) for i, turn in enumerate(item["turns"], start=1)])
        for item in _lines(path)
    ]


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _pair(pair_id: str, item: dict) -> Pair:
    """Gold articles from `article_ids` (archives naming several) and/or `article_id` (the bundled files)."""
    single = [item["article_id"]] if item.get("article_id") else []
    return Pair(
        id=pair_id,
        question=item["question"],
        answers=item["answers"],
        kind=item["kind"],
        article_ids=tuple(dict.fromkeys([*single, *item.get("article_ids", [])])),
        span=item.get("span"),
        source=item.get("source", ""),
    )
