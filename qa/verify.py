"""Check generated text against the passages it cites, before anyone sees it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from index.nlp import parse
from index.referent import named, speakers
from index.text import (
    CALENDAR,
    STOPWORDS,
    content_terms,
    country_of,
    dates,
    is_demonym,
    name_groups,
    names,
    numbers,
    same_place,
    speech_forms,
    stem,
    words,
)
from qa.evidence import equated, holds_answer, new_names
from qa.question import COPULAS, Question

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

MARKER = re.compile(r"\s*\[(\d+)\]")
_REFUSAL = re.compile(
    r"\b(not (mentioned|stated|specified|given|provided)|no information|does not (say|mention)|"
    r"doesn't (say|mention)|cannot (answer|determine)|i don't know|unknown)\b",
    re.I,
)


def unsupported_facts(text: str, cited: list[str], question: str = "") -> set[str]:
    """Numbers, names and dates in `text` that appear in none of the cited passages (nor the question)."""
    source = " ".join(cited) + " " + question
    source_words = {w.removesuffix("'s") for w in words(source)}
    source_names = names(source)
    missing = numbers(MARKER.sub("", text)) - numbers(source)
    missing |= {
        n for n in names(MARKER.sub("", text)) if not all(_known(w, source_words, source_names) for w in words(n))
    }
    # A day with its month and year as one date: "April 8, 2017" from "Aug. 21, 2017 ... April 8" is no date
    # the source gives, though each of its numbers is there.
    given = dates(source)
    missing |= {
        " ".join(d).strip()
        for d in dates(MARKER.sub("", text))
        if not any(g[:2] == d[:2] and d[2] in ("", g[2]) for g in given)
    }
    return missing


def _known(word: str, source_words: set[str], source_names: set[str]) -> bool:
    """In the source, or a form of a source word sharing its first six letters ('Russian' for 'Russia's'),
    or a nationality whose country the source names ('French' for 'France')."""
    return (
        word in source_words
        or (len(word) >= 6 and any(w[:6] == word[:6] for w in source_words))
        or country_of(word) in source_names
    )


# Words that change how much or whether a sentence holds ("all", "never", "only"): stop words to every other
# check, so an answer that adds one ("All 35 diplomats left" from "35 diplomats left") is caught here.
_SCOPE = frozenset(
    "not no never none nobody nothing neither nor without all every each most many few several only any both "
    "always first last".split()
)


def _scope(text: str) -> set[str]:
    """The scope words of a text, "didn't" and "cannot" read as "not" (a model rewrites contractions)."""
    found = set()
    for word in words(text):
        if word.endswith("n't") or word == "cannot":
            found.add("not")
        elif word in _SCOPE:
            found.add(word)
    return found


_ACRONYM = re.compile(r"\b[A-Z]{2,}\b")

# Words that frame an answer rather than state a fact: "The term used to describe it was ..."
_FRAMING = content_terms("use used describe described describing refer referring called known term mention stated")
_META = re.compile(r"\b(the|this) (article|passage|text|question|answer)s?\b|\bpassage \d", re.I)


def problem(sentence: str, question: Question, cited: list[str], focus: list[str]) -> str | None:
    """Why this answer sentence must not be shown, or None when it passes every check.

    `focus` are the sentences that best answer the question and `cited` the one the answer draws on: what
    the answer adds must all come from one of them, so a fact that is true elsewhere in the passage
    (another number, another person) is not passed off as the answer, nor are two sentences run together.
    """
    asked = question.text
    body = MARKER.sub("", sentence).strip()
    tokens = words(body)
    if len(tokens) < 2:
        return "too short"
    if _REFUSAL.search(body):
        return "model declined although the passages hold an answer"
    if _repeats(tokens):
        return "repetition"
    if _META.search(body):
        return "talks about the passage instead of answering"
    if not cited:
        return "no citation"
    source = " ".join(cited)
    missing = unsupported_facts(body, cited, asked)
    if missing:
        return f"not in the cited passage: {', '.join(sorted(missing))}"
    invented = _new_compounds(body, source + " " + asked)
    if invented:
        return f"names what the sources do not: {invented}"
    swapped = _misowned(body, source)
    if swapped:
        return f"gives the wrong owner: {swapped}"
    inverted = _inverted(body, source)
    if inverted:
        return f"says who did what other than the source: {inverted}"
    # What the answer takes from the question must stand in its source too: from "VAR stopped her scoring a
    # hat trick", "VAR stopped her scoring twice" because the question said "twice" is not what happened.
    # A name stands there by its last word ("Butina" for the question's "Maria Butina").
    source_words = {w.removesuffix("'s") for w in words(source)}
    as_named = {
        stem(w) for g in name_groups(asked) if words(g)[-1].removesuffix("'s") in source_words for w in words(g)
    }
    borrowed = (content_terms(body) & content_terms(asked)) - content_terms(source) - _FRAMING - as_named
    # Acronyms too, which read as stop words in lower case ("US", "WHO", "IT").
    written = [words(g) for g in name_groups(source)]
    borrowed |= {
        a.lower()
        for a in set(_ACRONYM.findall(body)) & set(_ACRONYM.findall(asked))
        if a.lower() not in source_words and not any(same_place([a.lower()], w) for w in written)
    }
    if borrowed:
        return f"takes from the question what its source does not say: {', '.join(sorted(borrowed))}"
    scoped = _scope(body) - _scope(source) - _scope(asked)
    if scoped:
        return f"changes how much or whether: {', '.join(sorted(scoped))}"
    focus_text = " ".join(focus)
    # Nationalities were checked as names above ("French" for "France"); framing words state no fact.
    nationalities = {stem(n) for n in names(body) if is_demonym(n)}
    new_terms = content_terms(body) - content_terms(asked) - _FRAMING - nationalities
    # Every word the answer adds must come from the answering sentences: a 135M model's paraphrase that
    # drifts from them is usually wrong (shares of 0.5 / 0.75 / 0.85 / 1.0 measured with `qa eval`).
    ungrounded = new_terms - content_terms(focus_text)
    if ungrounded == new_terms:
        return "adds nothing from the sentences that answer"
    if ungrounded:
        return f"says more than the sentences that answer: {', '.join(sorted(ungrounded))}"
    if new_terms <= _titles(asked, focus) and not _ASKS_FOR_TITLE.search(asked):
        return "only says who the question is about"
    kind = question.kind
    if not holds_answer(question, body):
        return f"does not give the {kind} asked for"
    if kind in ("number", "duration", "date"):
        given = numbers(body) - numbers(asked)
        if kind != "date" and not given & numbers(focus_text):
            return "its number is not the one the answering sentences give"
    # One sentence must hold it all: "The Times reports" + "Philip Ingram" from two sentences says neither.
    if not any(new_terms <= content_terms(c) for c in cited):
        return "joins words from different sentences"
    if kind in ("person", "name"):
        given = new_names(asked, body) & names(focus_text)
        if not given:
            return "its name is not the one the answering sentences give"
        if not names_asked_for(asked, body, focus):
            return "its name is not next to what the question asks about"
        quoted = speakers(focus_text) + [n for n in (named(f, focus_text) for f in focus) if n]
        if _ASKS_WHO_SAID.search(asked) and not given & {n.lower() for n in quoted}:
            return "does not name anyone the sentences quote"
    misequated = _misequated(body, source)
    if misequated:
        return f"calls something what the source does not: {misequated}"
    if _unfinished(body):
        return "breaks off before it says anything"
    return None


def _new_compounds(body: str, source: str) -> str | None:
    """A name of several words the sources never write, even in part: "the French Ambassador to Ukraine"
    put together from "French", "ambassador" and "Ukraine" found apart ("Foreign Minister Lavrov" for
    "Foreign Minister Sergey Lavrov" is fine)."""
    written = [[w for w in words(group) if w not in CALENDAR] for group in name_groups(source)]
    for group in name_groups(body):
        parts = [w for w in words(group) if not is_demonym(w) and w not in CALENDAR]  # "the French DGSI"
        if len(parts) > 1 and not any(_in_order(parts, name) for name in written) and not _in_text(parts, source):
            return group
    return None


def _in_order(parts: list[str], name: list[str]) -> bool:
    remaining = iter(name)
    return all(part in remaining for part in parts)


def _in_text(parts: list[str], source: str) -> bool:
    return f" {' '.join(parts)} " in f" {' '.join(words(source))} "


_OWNED = re.compile(r"\b([A-Z][\w-]*)['’]s (\w+)")


def _misowned(body: str, source: str) -> str | None:
    """An owner the sources do not give that thing to: "Soldatov's imprisonment" where the source
    says "Beseda's imprisonment" (a small model swaps the names of one sentence)."""
    owned = {(owner.lower(), stem(thing)) for owner, thing in _OWNED.findall(source)}
    for owner, thing in _OWNED.findall(body):
        if owner.lower() in STOPWORDS:  # "It's a", "That's"
            continue
        things = {t for o, t in owned if o != owner.lower()}
        if stem(thing) in things and (owner.lower(), stem(thing)) not in owned:
            return f"{owner}'s {thing}"
    return None


_SUBJECTS = ("nsubj", "nsubjpass")
_CARRIED = ("xcomp", "advcl", "conj", "pcomp")  # clauses whose unstated subject is their governing verb's


def _inverted(body: str, source: str) -> str | None:
    """A verb whose doer in the answer is not its doer in the source: "The Lightning won the Stanley Cup"
    from "The Avalanche beat the Lightning to win the Stanley Cup", where "to win" takes its subject from
    "beat"; each of several doers counts ("won by Mutiso and Bekele" from "Mutiso won, ahead of Bekele").
    Only verbs the source uses with a named doer are compared (a paraphrase or "he" decides nothing)."""
    doers = {verb: set().union(*who) for verb, who in _doers(parse(source)).items()}
    for verb, who in _doers(parse(body)).items():
        known = doers.get(verb)
        wrong = [name for name in who if not name & known] if known else []
        if wrong:
            return f"{' '.join(sorted(wrong[0]))} {verb}"
    return None


def _doers(doc: Doc) -> dict[str, list[set[str]]]:
    """Each verb's lemma and the words of each name doing it; a clause without one takes its governor's."""
    found: dict[str, list[set[str]]] = {}
    for token in doc:
        if token.pos_ == "VERB" and (names := _doer(token)):
            found.setdefault(token.lemma_.lower(), []).extend(names)
    return found


def _doer(verb: Token) -> list[set[str]]:
    """The names doing the verb, one per conjunct ("Mutiso and Bekele" are two): its subject, or in the
    passive the object of its "by" ("was won by Mutiso"; the passive's subject is what it is done to). A
    clause without a subject takes its governor's: the passive's subject in "was beaten by Bekele and
    finished second"."""
    carried = False
    for _ in range(4):  # "beat ... to win": win's doer is beat's
        passive = any(c.dep_ in ("nsubjpass", "auxpass", "agent") for c in verb.children)
        if passive and carried:
            doers = [c for c in verb.children if c.dep_ == "nsubjpass"]
        elif passive:
            doers = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        else:
            doers = [c for c in verb.children if c.dep_ == "nsubj"]
        if doers or passive or verb.dep_ not in _CARRIED:
            # A pronoun or a common noun names no one: nothing to compare.
            return [name for d in doers if d.pos_ == "PROPN" for name in _conjunct_names(d)]
        verb, carried = verb.head, True
    return []


def _conjunct_names(head: Token) -> list[set[str]]:
    """The proper nouns of a phrase, grouped by the conjunct each belongs to."""
    heads = {t.i for t in (head, *head.conjuncts)}
    groups: dict[int, set[str]] = {}
    for word in head.subtree:
        if word.pos_ != "PROPN":
            continue
        up = word
        while up.i not in heads:  # every word of the subtree leads up to its head
            up = up.head
        groups.setdefault(up.i, set()).add(word.lower_)
    return list(groups.values())


def _misequated(body: str, source: str) -> str | None:
    """A name the answer equates with a noun the source gives to something else: "Pizza Hut is a digital
    company" from "Brands Inc., the company which owns chains like ... Pizza Hut, ...". Only a noun the source
    also writes is compared (one it lacks fails other checks)."""
    read = parse(source)
    for verb in parse(body):
        sides = [c for c in verb.children if c.dep_ in ("nsubj", "attr")] if verb.lemma_ in COPULAS else []
        name = next((c for c in sides if c.pos_ == "PROPN"), None)
        noun = next((c for c in sides if c.pos_ == "NOUN"), None)
        if name is None or noun is None:
            continue
        # Names the source gives the noun to; "The company said" after "Apple reported" gives it to none.
        given = [e for t in read if t.lemma_.lower() == noun.lemma_.lower() for e in _called(t) if e.pos_ == "PROPN"]
        if given and not any(_name_words(name) & _name_words(e) for e in given):
            return f"{' '.join(sorted(_name_words(name)))} {noun.text}"
    return None


def _called(noun: Token) -> list[Token]:
    """What the source calls `noun`: what it equates with it, names after "of" ("the republics of
    Donetsk and Lugansk"), or the subject of a verb that gives it the role ("Mamdani made history as the
    first Muslim mayor-elect")."""
    named = [g for c in noun.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
    role = noun
    while role.dep_ == "conj":  # "as the first mayor-elect ... and the second youngest mayor"
        role = role.head
    if role.dep_ == "pobj" and role.head.lower_ == "as":
        named += [c for c in role.head.head.children if c.dep_ in _SUBJECTS]
    return equated(noun) + named + [c for g in named for c in g.conjuncts]


def _name_words(token: Token) -> set[str]:
    """The words of the name `token` heads: "pizza", "hut" of "Hut" in "Pizza Hut"."""
    return {t.lower_ for t in [token, *token.children] if t.i == token.i or t.dep_ == "compound"}


# "Vanuatu, a Pacific island nation." or "Dana Whitcombe, the club's spokesperson." answers without a verb; a
# longer run of words without one is a fragment (a cut headline copied).
_VERBLESS_WORDS = 8


def _unfinished(body: str) -> bool:
    """Whether the sentence breaks off: at a colon ("The Bear's 2024 nominees are:"), inside a quotation
    (a cut headline: 'John Munch on "Law'), at a word that needs more after it ("The State of South Carolina
    is Murdaugh from"; "the city she comes from" is whole), with a clause that never gets its verb ("The
    Times reported that the money storage facility in Los Angeles"), or with no verb at all."""
    if body.rstrip(" .").endswith(":") or body.count('"') % 2 or body.count("“") != body.count("”"):
        return True
    doc = parse(body)
    if any(t.dep_ == "mark" and t.head.pos_ in ("NOUN", "PROPN", "PRON") for t in doc):
        return True
    tokens = [t for t in doc if not t.is_punct]
    if len(tokens) > _VERBLESS_WORDS and not any(t.pos_ in ("VERB", "AUX") for t in doc):
        return True  # a fragment copied from a cut headline, not a statement
    if not tokens:
        return False
    last = tokens[-1]
    if last.pos_ in ("DET", "CCONJ", "SCONJ"):
        return True
    # A particle ends a whole sentence ("was voted down"), as does "38% against".
    return (
        last.pos_ == "ADP"
        and last.dep_ == "prep"
        and not any(last.children)
        and last.head.pos_ not in ("NOUN", "NUM")
        and not any(a.dep_ in ("relcl", "acl") for a in last.ancestors)
    )


_QUOTING = ("say", "tell", "state", "claim", "add", "write", "tweet", "warn", "argue")  # not "who called the police"
_ASKS_WHO_SAID = re.compile(rf"^\s*who ({'|'.join(speech_forms(*_QUOTING, tenses=('past',)))})\b", re.I)

# Asking who someone is, or their post, is answered by their title ("Foreign Minister").
_ASKS_FOR_TITLE = re.compile(r"^\s*who\b|\b(post|title|position|job|role|office)\b", re.I)


def _titles(question: str, focus: list[str]) -> set[str]:
    """Words of the titles and asides that go with a name the question gives ("Foreign Minister Sergey
    Lavrov", "Philip Ingram, a former senior British military intelligence officer,"): an answer made only
    of them names its subject and answers nothing. An owner ("Russia's") is no title."""
    asked = names(question)
    titles: set[str] = set()
    for f in focus:
        for group in name_groups(f):
            parts = words(group)
            if asked & {w.removesuffix("'s") for w in parts}:
                titles |= {stem(w) for w in parts if not w.endswith("'s")}
                aside = re.search(rf"{re.escape(group)}, (?:a|an|the) ([^,]+),", f.replace("’", "'"))
                described = content_terms(aside.group(1)) if aside else set()
                titles |= set() if described & content_terms(question) else described  # unless asked about
    return titles


NAME_WINDOW = 10  # words between an answer's name and a word of the question in its sentence (8 and 12 measured)


def names_asked_for(question: str, answer: str, sentences: list[str]) -> bool:
    """Whether a name the answer gives stands, in one of the answering sentences, within NAME_WINDOW words of
    what was asked: "the Donbass republics of Donetsk", not "following Ukraine's failure" fifteen words earlier."""
    return any(_near_question(name, question, s) for name in new_names(question, answer) for s in sentences)


def _near_question(name: str, question: str, sentence: str) -> bool:
    """Near a word of what the question asks (not of whom: the subject's name stands next to many names);
    "speak to" and "told" are the same kind of word."""
    # Not of whom: unless the question is all names ("Who is Russia's Foreign Minister?").
    anchors = (content_terms(question) - {stem(n) for n in names(question)}) or content_terms(question)
    speech = bool(_SPEECH & set(words(question)))
    tokens = [w.removesuffix("'s") for w in words(sentence)]
    parts = words(name)  # "al-jazeera" is two words
    at = [i for i in range(len(tokens)) if tokens[i : i + len(parts)] == parts]
    near = [i for i, t in enumerate(tokens) if t not in parts and (stem(t) in anchors or (speech and t in _SPEECH))]
    return any(abs(i - j) <= NAME_WINDOW for i in at for j in near)


_SPEECH = {*speech_forms("say", "tell", "speak"), *speech_forms("state", tenses=("past",))}


def _repeats(tokens: list[str], n: int = 3) -> bool:
    grams = [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return len(grams) != len(set(grams))
