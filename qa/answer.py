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
class ShortAnswer:
    """The words of a cited sentence that answer ("Bayern Munich"): `article.text[start:end] == text`, inside
    citation number `citation` (1-based)."""

    text: str
    article_id: str
    start: int
    end: int
    citation: int
    # The person's whole name where the cited words are one name the story writes in full elsewhere
    # ("Dana Whitcombe" for "Whitcombe", "LeBron James" for "LeBron"): who the answer is, without re-reading
    # the story. An acronym's name as the story spells it out ("New York City" for "NYC"). Asked which country,
    # the country a nationality names ("South Korea" for "South Korean").
    full: str | None = None

    @property
    def shown(self) -> str:
        """How the answer reads on the page and in an export: "Whitcombe (Dana Whitcombe)"."""
        return f"{self.text} ({self.full})" if self.full else self.text


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
    short: ShortAnswer | None = None  # for a question asking for a name, number or date: what answers it


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
