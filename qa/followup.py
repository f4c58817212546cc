"""Rewrite a follow-up into a stand-alone question before it is searched.

Rules, not the model: a 135M model rewrites unreliably, and rules cost nothing. Three shapes:
pronouns ("What did he say?"), ellipsis ("And why?", "What about Lavrov?") and a change of topic
(a question that stands on its own is left alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.nlp import entities
from index.referent import speakers
from index.text import QUESTION_WORDS, STOPWORDS, is_demonym, name_groups, speech_forms, words
from qa.question import analyse_question

_PERSON_PRONOUNS = {"he": "{}", "him": "{}", "she": "{}", "his": "{}'s", "hers": "{}'s"}
_THING_PRONOUNS = {"it", "its", "this", "that", "they", "them", "their", "there", "these", "those"}
_ELLIPSIS_OPENERS = re.compile(r"^(and|also|but|so|what about|how about|and what about)\b[\s,]*", re.I)
_PREPOSITIONS = {"according", "in", "on", "at", "for", "from", "to", "with", "by", "after", "before", "during"}
_CITATION = re.compile(r"\s*\[\d+\]")
_WH = re.compile(
    r"^\s*((in|on|at|for|from|to|with) )?"
    r"(how (many|much|long|old)|(what|which|whose)( (?!(is|was|are|were|did|does|do|has|have|had)\b)\w+)?|"
    r"who|whom|when|where|why|how)\b",
    re.I,
)


@dataclass(frozen=True)
class Turn:
    asked: str  # the stand-alone question of that turn (without a search topic)
    answer: str  # the answer text shown
    cited: tuple[tuple[str, int, int], ...] = ()  # (article_id, start, end) of each citation shown


@dataclass(frozen=True)
class Standalone:
    """A follow-up made to stand alone. For "it"/"they", or a "he" that names no one, the earlier question
    it continues is kept as `topic`: it steers the search, but would only distract the answer."""

    question: str  # what the answer must answer: ranks the sentences and goes to the model
    topic: str = ""

    @property
    def searched(self) -> str:
        return f"{self.question.rstrip('?')} ({self.topic.rstrip('?')})?" if self.topic else self.question


def rewrite(question: str, history: list[Turn]) -> Standalone:
    """The stand-alone form of `question` given the earlier turns (unchanged when it stands alone)."""
    question = question.strip()
    if not history:
        return Standalone(question)
    last = history[-1]
    fragment = _ELLIPSIS_OPENERS.sub("", question).strip()
    tokens = re.findall(r"[A-Za-z']+", fragment.lower())
    if not tokens:
        return Standalone(question)
    if asks_for_more(question):
        return Standalone(_expand_bare_wh(fragment, last))
    phrase = fragment.rstrip("?!. ")
    if phrase.split()[0].lower() in _PREPOSITIONS and _WH.fullmatch(phrase):  # "On what day?", not "What happened?"
        return Standalone(_swap_wh(fragment, last))
    if fragment != question and not _has_verb_like(tokens):
        if any(t in QUESTION_WORDS for t in tokens):
            return Standalone(_swap_wh(fragment, last))
        if " ".join(name_groups(fragment)) == fragment.rstrip("?!. "):
            return Standalone(_swap_subject(fragment, last))
        wh = _wh(last.asked) or "What about"
        return Standalone(_swap_tail(fragment, last) or f"{wh} {fragment.rstrip('?!. ')}?")
    if _pronoun_before_names(question):
        return _resolve_pronouns(question, last)
    return Standalone(question)


def _wh(question: str) -> str:
    match = _WH.match(question)
    return match.group(0).strip().capitalize() if match else ""


def _swap_wh(fragment: str, last: Turn) -> str:
    """'And in which year?' after 'Where was Maria Butina born?' -> 'In which year was Maria Butina born?'"""
    fragment = fragment.rstrip("?!. ")
    if not _WH.match(last.asked):
        return f"{fragment[:1].upper() + fragment[1:]}? {last.asked}"
    return _WH.sub(fragment[:1].upper() + fragment[1:], last.asked.strip(), count=1)


def _swap_tail(fragment: str, last: Turn) -> str | None:
    """'And according to others?' after 'Why was he fired, according to his source?' -> 'Why was he fired,
    according to others?': the fragment replaces the part of the last question that starts the same way."""
    lead = fragment.split()[0].lower()
    if lead not in _PREPOSITIONS:
        return None
    starts = [m.start() for m in re.finditer(rf"\b{lead}\b", last.asked, re.I) if m.start()]
    if not starts:
        return None
    return f"{last.asked[: starts[-1]]}{fragment.rstrip('?!. ')}?"


_SPEECH = {*speech_forms("say", "tell", "add", "claim", "call", "describe", tenses=("base", "past")), "think"}
# "What did Lavrov tell reporters?": whom the last question asked about speaking
_ASKED_SPEAKER = re.compile(rf"\bdid (?:[A-Z][\w'-]* )*([A-Z][\w'-]*) (?:{'|'.join(sorted(_SPEECH))})\b")


def _pronoun_before_names(question: str) -> bool:
    """A pronoun that comes before any name the question gives refers to an earlier turn
    ("What did he say about Beseda?"); one after a name usually refers to that name."""
    tokens = re.findall(r"[A-Za-z']+", question)
    first_name = next((i for i, t in enumerate(tokens) if i and t[0].isupper() and not is_demonym(t)), len(tokens))
    return any(_has_pronoun([t.lower()]) for t in tokens[:first_name])


def asks_for_more(question: str) -> bool:
    """A bare follow-up ("And why?", "How?") wants what the last answer left out, not what it said."""
    tokens = re.findall(r"[A-Za-z']+", _ELLIPSIS_OPENERS.sub("", question.strip()).lower())
    return (
        any(t in QUESTION_WORDS for t in tokens)
        and all(t in QUESTION_WORDS or t in STOPWORDS for t in tokens)
        and not _has_pronoun(tokens)
    )


def _has_pronoun(tokens: list[str]) -> bool:
    return _has_person_pronoun(tokens) or any(t in _THING_PRONOUNS for t in tokens)


def _has_person_pronoun(tokens: list[str]) -> bool:
    return any(t in _PERSON_PRONOUNS or t == "her" for t in tokens)


def _has_verb_like(tokens: list[str]) -> bool:
    return any(
        t in {"is", "was", "were", "are", "did", "does", "do", "has", "had", "have", "said", "say"} for t in tokens
    )


def _statement(answer: str) -> str:
    """The answer's first sentence without citations or its final stop, to carry a bare 'why?'."""
    first = re.split(r"(?<=[.!?])\s", _CITATION.sub("", answer).strip(), maxsplit=1)[0]
    return first.strip().rstrip(".!?").strip('"“”')


def _expand_bare_wh(fragment: str, last: Turn) -> str:
    """'And why?' -> 'Why <what the last answer said>?'; falls back to the last question."""
    wh = fragment.rstrip("?!. ").strip() or "why"
    statement = _statement(last.answer)
    if not statement or statement.lower().startswith("the articles don't"):
        return f"{wh.capitalize()}? {last.asked}"
    first_word = statement.split()[0]
    if first_word.lower() in STOPWORDS:
        statement = statement[0].lower() + statement[1:]
    return f"{wh.capitalize()} {statement}?"


def _swap_subject(fragment: str, last: Turn) -> str:
    """'What about Lavrov?' -> the last question with its subject replaced by Lavrov."""
    new = name_groups(fragment)[0]
    old = [g for g in name_groups(last.asked) if not is_demonym(g)]  # "Lavrov" replaces no "Russians"
    if old:
        return last.asked.replace(old[-1], new, 1)
    return f"{last.asked.rstrip('?')} - {new}?"


def _resolve_pronouns(question: str, last: Turn) -> Standalone:
    """Replace he/she/his/her with the person the last turn named; keep the last question as the topic
    for 'it'/'they', or when it named no one."""
    person = _person(last, speech=bool(_SPEECH & set(re.findall(r"[a-z]+", question.lower()))))
    out: list[str] = []
    tokens = re.split(r"(\W+)", question)
    for i, token in enumerate(tokens):
        low = token.lower()
        if person and low in _PERSON_PRONOUNS:
            out.append(_PERSON_PRONOUNS[low].format(person))
        elif person and low == "her":
            following = next((t for t in tokens[i + 1 :] if t.strip() and re.match(r"\w", t)), "")
            possessive = following.lower() not in STOPWORDS and following.lower() not in QUESTION_WORDS and following
            out.append(f"{person}'s" if possessive else person)
        else:
            out.append(token)
    lowered = re.findall(r"[a-z']+", question.lower())
    unresolved = not person and _has_person_pronoun(lowered)
    topic = last.asked if unresolved or any(t in _THING_PRONOUNS for t in lowered) else ""
    return Standalone("".join(out), topic)


def _without_nationality(name: str) -> str:
    """The person a name with a nationality in front names ("Vladimir Putin" of "Russian President Vladimir
    Putin", as the entity model reads it); empty for a nationality alone ("French") or a body ("Chinese
    Foreign Ministry"). A surname that is a nationality stays: "Mark Cuban"."""
    parts = name.split()
    if not (is_demonym(parts[0]) or (len(parts) > 1 and is_demonym(" ".join(parts[:2])))):
        return name
    people = [name[e.start : e.end] for e in entities(name) if e.label == "PERSON"]
    return people[-1] if people else ""


def _person(turn: Turn, *, speech: bool) -> str | None:
    """The person a turn named: for a question about what "he" said, someone it quotes ("did the coach
    say", not "the World Cup"); else a full name ("Dana Whitcombe") from its question or answer, else a
    single name; an owner in front is dropped ("Spain's Foreign Minister Ana Ruiz" -> "Foreign Minister
    Ana Ruiz"), and a nationality leaves the person after it (`_without_nationality`). Not an acronym
    ("NATO"), nor an owner alone ("Spain's ambassador"): they name no one. A question that speaks of the
    person it asks for as "her" ("Which MP is known for her loyalty to the party?") names only others:
    "she" after it is whom the answer names, and no one if it named none."""
    statement = _statement(turn.answer)
    if statement.lower().startswith("the articles don't"):
        statement = ""
    asks_for_them = _has_person_pronoun(words(turn.asked)) and analyse_question(turn.asked).kind == "person"
    candidates = [
        (group.split("'s ")[-1], text)
        for text in ((statement,) if asks_for_them else (turn.asked, statement))
        for group in name_groups(text.replace("’", "'"))
    ]
    people = [
        (name, text)
        for group, text in candidates
        if (name := _without_nationality(group)) and "'" not in name and not name.isupper()
    ]
    voices = (_ASKED_SPEAKER.findall(turn.asked) + speakers(turn.answer)) if speech else []
    quoted = [name for name, _ in people if any(name.endswith(v) for v in voices)]
    full = [name for name, _ in people if " " in name]
    single = [name for name, text in people if f"{name}'s" not in text.replace("’", "'")]
    return (quoted or full or single or [None])[0]
