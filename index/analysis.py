"""What is derived from an article's text, computed once at indexing and stored with its record.

Answering reads sentence spans, who "he" is and where a quote carries on from here, never from the text
again: at archive scale re-deriving them per question costs more than the rest of the question path.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass

from index.referent import Referent, continues_quote, referent
from index.split import sentence_spans

ANALYSIS_VERSION = 1  # bump whenever what is derived changes: the index rebuilds itself


@dataclass(frozen=True)
class Analysis:
    sentences: tuple[tuple[int, int], ...]  # every sentence span, in order
    referents: dict[int, Referent]  # sentence start -> the person it carries on about or quotes
    quote_paragraphs: frozenset[int]  # paragraph starts that carry on the quote the one before left open

    def sentences_in(self, start: int, end: int) -> list[tuple[int, int]]:
        """The sentences inside text[start:end]."""
        first = bisect_left(self.sentences, (start, start))
        found = []
        for span in self.sentences[first:]:
            if span[0] >= end:
                break
            if span[1] <= end:
                found.append(span)
        return found

    def referent(self, start: int) -> Referent | None:
        return self.referents.get(start)

    def continues_quote(self, paragraph: int) -> bool:
        return paragraph in self.quote_paragraphs

    def to_json(self) -> str:
        return json.dumps(
            {
                "sentences": self.sentences,
                "referents": [[s, r.start, r.end, r.name] for s, r in self.referents.items()],
                "quote_paragraphs": sorted(self.quote_paragraphs),
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, data: str) -> Analysis:
        raw = json.loads(data)
        return cls(
            sentences=tuple((s, e) for s, e in raw["sentences"]),
            referents={s: Referent(rs, re_, name) for s, rs, re_, name in raw["referents"]},
            quote_paragraphs=frozenset(raw["quote_paragraphs"]),
        )


def analyse(text: str) -> Analysis:
    """Sentence spans, and for each sentence and paragraph whose speaker the text leaves implicit, who it is."""
    sentences = tuple(sentence_spans(text))
    referents = {start: person for start, _ in sentences if (person := referent(text, start))}
    paragraphs = [m.start() for m in re.finditer(r"[^\n]+", text)]
    quoted = frozenset(p for p in paragraphs if continues_quote(text, p))
    return Analysis(sentences, referents, quoted)
