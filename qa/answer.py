"""What answering returns: an Answer with its citations and sources, and the streamed events."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Citation:
    """A supporting span: whole sentences, verbatim; `article.text[start:end] == text`."""

    article_id: str
    title: str
    text: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Answer:
    text: str
    abstained: bool
    citations: list[Citation]
    sources: list[Citation]
    question: str  # as asked
    searched: str  # the stand-alone question actually searched (after follow-up rewriting)
    extractive: bool = False  # True when the answer quotes a passage instead of the model's words
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Status:
    message: str


@dataclass(frozen=True)
class Text:
    piece: str


@dataclass(frozen=True)
class Final:
    answer: Answer


Event = Status | Text | Final
