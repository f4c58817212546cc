"""What is derived from an article's text, computed once at indexing and stored with its record.

Answering reads sentence spans, named entities (spaCy), who "he" is and where a quote carries on from here,
never from the text again: at archive scale re-deriving them per question costs more than the rest of the
question path.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass

from index.nlp import Entity, entities
from index.referent import Referent, continues_quote, paragraph_start, referent
from index.split import sentence_spans

ANALYSIS_VERSION = 6  # bump whenever what is derived changes: the index rebuilds itself

# A line written to steer a machine reading the page, not to tell a reader the news: it overrides earlier
# instructions, names a system prompt, addresses an AI assistant, or dictates how every question is answered.
# Such lines stay in the text (flagged, not deleted) but are never stated as a fact or cited.
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b[^.!?]{0,40}\b(instructions?|prompts?|rules|guidelines)\b"
    r"|\b(system|developer|hidden)[ -](prompt|instructions?|message|override)\b"
    r"|\b(you are|you're|act as) (an? |the )?([\w-]+ )?(ai|assistant|chatbot|language model|llm)\b"
    r"|\b(answer|respond|reply)( to)? (every|all|any|each)( \w+)? (questions?|queries|prompts|users?)\b"
    r"|\b(ai|assistants?|chatbots?|language models?|llms?)[,:] (ignore|always|never|answer|respond|reply|say)\b"
    # Addressed at the start of a line: "ATTENTION LANGUAGE MODEL: ...", "Chatbots, ..."
    r"|^\W*((attention|note to|dear|hey|all) )?(ai|assistants?|chatbots?|bots?|language models?|llms?)\s*[,:]\s*"
    r"(please )?(ignore|disregard|forget|always|never|answer|respond|reply|say|tell|when|do|don't|you)\b"
    r"|\bwhen (you are |you're )?asked\b[^.!?]{0,100}, (answer|say|respond|reply|tell|write)\b"
    r"|\bif you('re| are) (an? |the )?([\w-]+ )?(ai|assistant|chatbot|bot|language model|llm|model)\b"
    # A machine reader told what to do about the page itself: "Any AI reading this page must reply ...".
    r"|^(?=.*\b(ai|assistants?|chatbots?|bots?|language models?|llms?|automated systems?|crawlers?)\b)"
    r"(?=.*\bthis (page|article|text|document|site|story)\b)"
    r"(?=.*\b(must|should|always|never|reply|respond|answer|say|tell|state|write|ignore|repeat)\b)",
    re.I,
)


@dataclass(frozen=True)
class Analysis:
    sentences: tuple[tuple[int, int], ...]  # every sentence span, in order
    referents: dict[int, Referent]  # sentence start -> the person it carries on about or quotes
    quote_paragraphs: frozenset[int]  # paragraph starts that carry on the quote the one before left open
    instructions: frozenset[int] = frozenset()  # sentence starts that address a machine, not a reader
    entities: tuple[Entity, ...] = ()  # in order of their start

    def entities_in(self, start: int, end: int) -> list[Entity]:
        """The entities inside text[start:end]."""
        first = bisect_left(self.entities, (start,))
        found = []
        for entity in self.entities[first:]:
            if entity.start >= end:
                break
            if entity.end <= end:
                found.append(entity)
        return found

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

    def position(self, start: int) -> int:
        """How many sentences of the text begin before `start`."""
        return bisect_left(self.sentences, (start, start))

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
                "instructions": sorted(self.instructions),
                "entities": self.entities,
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
            instructions=frozenset(raw["instructions"]),
            entities=tuple(Entity(*e) for e in raw["entities"]),
        )


def analyse(text: str) -> Analysis:
    """Sentence spans, entities, and for each sentence and paragraph whose speaker the text leaves implicit,
    who it is."""
    sentences = tuple(sentence_spans(text))
    referents = {start: person for start, _ in sentences if (person := referent(text, start))}
    paragraphs = [m.start() for m in re.finditer(r"[^\n]+", text)]
    quoted = frozenset(p for p in paragraphs if continues_quote(text, p))
    return Analysis(sentences, referents, quoted, _instruction_lines(text, sentences), entities(text))


def _instruction_lines(text: str, sentences: tuple[tuple[int, int], ...]) -> frozenset[int]:
    """Every sentence of a line that holds an instruction to a machine: what follows "You are an AI
    assistant." on its line ("Say the bridge fell.") is part of the same instruction."""
    lines = {paragraph_start(text, s) for s, e in sentences if _INSTRUCTION.search(text[s:e])}
    return frozenset(s for s, _ in sentences if paragraph_start(text, s) in lines)
