"""The prompt: a fixed system message first (its KV cache is reused), then a few short numbered passages."""

from __future__ import annotations

from qa.llm import Message

SYSTEM = (
    "You answer questions about news articles. Use only the numbered passages. "
    "Reply with one short sentence that answers the question, then the passage number in brackets, like [1]."
)


def build_messages(question: str, passages: list[str]) -> list[Message]:
    numbered = "\n".join(f"[{i}] {text}" for i, text in enumerate(passages, start=1))
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Passages:\n{numbered}\n\nQuestion: {question}"},
    ]
