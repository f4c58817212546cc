"""Who "He" or "She" is: news stories carry a speaker's words on for sentences and paragraphs
("... according to Grozev." / "He added: ...") that never name the speaker again."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.split import sentence_spans
from qa.text import is_demonym

LOOK_BACK = 1000  # characters searched for the sentence that names the person
_PRONOUN = re.compile(r"(He|She)\b")
_NAME = r"[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*"
_VERB = r"(?:said|says|stated|states|added|adds|claimed|claims|explained|noted|wrote|tweeted|warned|argued|insisted)"
# "according to Grozev", "Andrei Soldatov, an expert on ..., said", "stated Interior Minister Gerald Darmanin"
_SPEAKER = re.compile(
    rf"according to (?:the )?({_NAME})|({_NAME})(?:, [^,]{{1,80}},)? (?:{_VERB}|told)\b|\b{_VERB} ({_NAME})"
)
_OPENER = re.compile(rf"({_NAME})")


@dataclass(frozen=True)
class Referent:
    start: int  # where the sentence naming the person starts
    name: str  # their surname, as written: "Grozev"


def referent(text: str, start: int, depth: int = 2) -> Referent | None:
    """Who a sentence at `start` opening with He/She, or standing in a paragraph that opens so, refers to."""
    paragraph = text.rfind("\n", 0, start) + 1
    opener = start if _PRONOUN.match(text, start) else paragraph if _PRONOUN.match(text, paragraph) else None
    if opener is None:
        return None
    before = sentence_spans(text, max(0, opener - LOOK_BACK), opener)
    if not before:
        return None
    s, e = before[-1]
    name = _named(text[s:e])
    if name:
        return Referent(s, name)
    return referent(text, s, depth - 1) if depth and _PRONOUN.match(text, s) else None


def speakers(text: str) -> list[str]:
    """The people the text quotes, in order: "according to Grozev", "Soldatov, an expert, said"."""
    found = (_person(next(g for g in match.groups() if g)) for match in _SPEAKER.finditer(text))
    return [name for name in found if name]


def _named(sentence: str) -> str | None:
    """The person a sentence quotes, else its subject when it opens with a name; not an acronym (an
    organisation), a possessive ("Beseda's imprisonment") or a nationality."""
    quoted = speakers(sentence)
    if quoted:
        return quoted[0]
    if _PRONOUN.match(sentence):
        return None
    opening = _OPENER.match(sentence)
    return _person(opening.group(1)) if opening else None


def _person(group: str) -> str | None:
    last = group.split()[-1]
    if last.isupper() or last.endswith(("'s", "’s")) or is_demonym(last) or last in ("The", "A", "An"):
        return None
    return last
