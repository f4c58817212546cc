"""Who "He" or "She" is: news stories carry a speaker's words on for sentences and paragraphs
("... according to Grozev." / "He added: ...") that never name the speaker again."""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.split import sentence_spans
from index.text import CALENDAR, STOPWORDS, is_demonym, speech_forms

LOOK_BACK = 1000  # characters searched for the sentence that names the person
_PRONOUN = re.compile(r"(He|She)\b")
_NAME = r"[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*"
# Verbs that attribute a quote to its speaker ("told" names whom it was said to, so it never follows a quote).
_ATTRIBUTING = ("say", "state", "add", "claim", "explain", "note", "write", "tweet", "warn", "argue", "insist")
_VERB = f"(?:{'|'.join(speech_forms(*_ATTRIBUTING, tenses=('third', 'past')))})"
# "according to Grozev", "Andrei Soldatov, an expert on ..., said", '"...," stated Interior Minister Gerald
# Darmanin' (after a quote only: in "the president said Russia would respond" Russia is not the speaker)
_SPEAKER = re.compile(
    rf"[Aa]ccording to (?:the )?({_NAME})|({_NAME})(?:, [^,]{{1,80}},)? (?:{_VERB}|told)\b"
    rf"|[,\"”’]\s*{_VERB} ({_NAME})"
)
_OPENER = re.compile(rf"({_NAME})")
# Right after the quote closes: '," said Peskov', '," Peskov said', '," the foreign minister said'
_ATTRIBUTED = re.compile(rf"[\"”],?\s*(?:{_VERB} ({_NAME})|({_NAME}) (?:{_VERB}|told)\b)")
_TITLED = re.compile(rf"[\"”],?\s*the ((?:[a-z]+ )?[a-z]+),? {_VERB}\b")
_ASIDE = re.compile(r", (who\b|whose\b|\d+,|(a|an|the) [^,]{1,60},)")
_QUOTES = ('"', "“")


@dataclass(frozen=True)
class Referent:
    start: int  # the sentence naming the person: before or, for a quote attributed at its end, after
    end: int
    name: str  # their surname, as written: "Grozev"


def referent(text: str, start: int, depth: int = 2) -> Referent | None:
    """Who the sentence at `start` is about or quotes when it does not say: it opens with He/She, or it
    stands in a quote opened by a paragraph that does ('He said: "... Putin could have ...'), or in a quote
    attributed where it closes ('"There is such information ... unacceptable," said Peskov.'), or its
    paragraph carries on the last paragraph's quote."""
    paragraph = paragraph_start(text, start)
    if _PRONOUN.match(text, start):
        opener = start
    elif _PRONOUN.match(text, paragraph) and _open_quote(text[paragraph:start]):
        opener = paragraph
    else:
        return _quoted_after(text, paragraph, start) or _quoted_on(text, paragraph, depth)
    before = sentence_spans(text, max(0, opener - LOOK_BACK), opener)
    if not before:
        return None
    s, e = before[-1]
    name = named(text[s:e], text)
    if name:
        return Referent(s, e, name)
    return referent(text, s, depth - 1) if depth > 0 else None


def continues_quote(text: str, paragraph: int) -> bool:
    """Whether the paragraph starting at `paragraph` carries on the quote the one before left open."""
    return _quoted_on(text, paragraph, 2) is not None


def _quoted_on(text: str, paragraph: int, depth: int) -> Referent | None:
    """The speaker of a quote carried into this paragraph: news style opens every paragraph of a long quote
    with a quote mark and closes only the last, so the paragraph before leaves its quote open."""
    if depth <= 0 or not text.startswith(_QUOTES, paragraph):
        return None
    end = len(text[:paragraph].rstrip())
    first = paragraph_start(text, end)
    if not _open_quote(text[first:end]):
        return None
    for s, e in reversed(sentence_spans(text, first, end)):
        quoted = speakers(text[s:e])
        if quoted:
            return Referent(s, e, quoted[0])
    return referent(text, first, depth - 1)


def _quoted_after(text: str, paragraph: int, start: int) -> Referent | None:
    """The speaker named right where a quote opening the paragraph closes ('...," said Peskov.'), for a
    sentence inside that quote; not a source cited later ("he said, according to Reuters")."""
    if not text.startswith(_QUOTES, paragraph) or not _open_quote(text[paragraph : start + 1]):
        return None
    for s, e in sentence_spans(text, start, paragraph_end(text, start)):
        closes = [m.start() for m in re.finditer(r"[\"”]", text[s:e]) if not _open_quote(text[paragraph : s + m.end()])]
        if not closes:
            continue  # the quote goes on
        tail = text[s + closes[0] : e]
        quoted = _ATTRIBUTED.match(tail)
        name = _person(next(g for g in quoted.groups() if g)) if quoted else _titled(tail, text[:paragraph])
        return Referent(s, e, name) if name else None
    return None


def _titled(tail: str, before: str) -> str | None:
    """The person a title stands for: '..." the foreign minister said' after "Foreign Minister Sergey Lavrov"."""
    title = _TITLED.match(tail)
    if not title:
        return None
    capitalised = " ".join(w.capitalize() for w in title.group(1).split())
    found = [_person(m.group(1)) for m in re.finditer(rf"(?<!Vice )\b{capitalised} ({_NAME})", before)]
    return next((name for name in reversed(found) if name), None)


def paragraph_start(text: str, position: int) -> int:
    """Where the paragraph holding `position` starts."""
    return text.rfind("\n", 0, position) + 1


def paragraph_end(text: str, position: int) -> int:
    """Where the paragraph holding `position` ends."""
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _open_quote(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”")


def speakers(text: str) -> list[str]:
    """The people the text quotes, in order: "according to Grozev", "Soldatov, an expert, said"."""
    found = (_person(next(g for g in match.groups() if g)) for match in _SPEAKER.finditer(text))
    return [name for name in found if name]


def named(sentence: str, story: str) -> str | None:
    """The person a sentence quotes, else its subject when it opens with a name: a full name ("Sergei
    Beseda"), one with an aside ("Butina, who ..."), or one the story capitalises mid-sentence too. A lone
    capitalised opener may be an ordinary word ("However, ...", "Last year, ...")."""
    quoted = speakers(sentence)
    if quoted:
        return quoted[0]
    opening = _OPENER.match(sentence)
    name = _person(opening.group(1)) if opening else None
    if not name:
        return None
    full = " " in opening.group(1) or _ASIDE.match(sentence, opening.end())
    return name if full or re.search(rf"[a-z,] {re.escape(name)}\b", story) else None


def _person(group: str) -> str | None:
    """The surname of a name group that could be a person: not a pronoun or other common word ("He said",
    "But"), an acronym (an organisation), a possessive ("Beseda's imprisonment"), a nationality or a date
    ("Monday", though "Theresa May" is a name)."""
    first, last = group.split()[0], group.split()[-1]
    common = first.lower() in STOPWORDS or group.lower() in CALENDAR  # "He", "But", "Monday"; not "Theresa May"
    if common or last.isupper() or last.endswith(("'s", "’s")) or is_demonym(group):  # not "Mark Cuban"
        return None
    return last
