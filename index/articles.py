"""The two records ingestion produces: a cleaned article and a passage with its exact span."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.analysis import Analysis


@dataclass(frozen=True)
class Article:
    """A cleaned article; `text` is what every passage offset refers to."""

    id: str
    title: str
    text: str
    path: str
    date: str | None = None
    passage_count: int = 0
    analysis: Analysis | None = field(default=None, repr=False, compare=False)  # None in article lists


@dataclass(frozen=True)
class Passage:
    """Whole sentences of one article: `article.text[start:end] == text`."""

    article_id: str
    start: int
    end: int
    text: str
    section: str

    @property
    def id(self) -> str:
        return f"{self.article_id}:{self.start}-{self.end}"
