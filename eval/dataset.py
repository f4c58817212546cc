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
    article_id: str | None
    span: dict | None

    @property
    def answerable(self) -> bool:
        return self.kind != "unanswerable"


def load_pairs(path: Path = DATA / "qa_pairs.jsonl") -> list[Pair]:
    fields = Pair.__dataclass_fields__
    return [
        Pair(**{k: v for k, v in json.loads(line).items() if k in fields})
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def load_conversations(path: Path = DATA / "conversations.jsonl") -> list[tuple[str, list[Pair]]]:
    conversations = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            turns = [
                Pair(
                    id=f"{item['id']}.{i}",
                    question=t["question"],
                    answers=t["answers"],
                    kind=t["kind"],
                    article_id=t.get("article_id"),
                    span=t.get("span"),
                )
                for i, t in enumerate(item["turns"], start=1)
            ]
            conversations.append((item["id"], turns))
    return conversations
