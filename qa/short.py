"""The short answer: which words of a cited sentence answer the question ("Wembley Stadium" for "Which
stadium will host the final?", "the FBI" for "Which agency arrested the man?").

A sentence often holds several entities of the kind asked for. The one that answers stands where the
question's blank stands: beside the noun it asks for ("which stadium" / "Wembley Stadium"), else closest,
in the sentence's dependency parse, to the question's verbs and words ("arrested by the FBI", "the mayor
... said", "US intelligence agencies"); when nothing ties one of several to them, there is no short answer.
The sentence is parsed here, once per answer: a few milliseconds for one sentence.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import TYPE_CHECKING

from spacy.tokens import Span

from index.articles import Passage
from index.nlp import Entity, parse
from index.text import dateline_end, has_land_border, names_day, place_kinds, says, stem, words
from qa.answer import ShortAnswer
from qa.evidence import slot_fillers, slot_phrase
from qa.question import COUNTRY_NOUNS, LOCAL_NOUNS, Question

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_YEAR = re.compile(r"\b(1[5-9]|20)\d\d\b")
_FAR = 99
_TIED = 2  # edges between an answer and the question's word it hangs on ("spokesperson Jane Smith": 1)


def short_answer(
    question: Question,
    sentence: Passage,
    entities: list[Entity],
    citation: int,
    stated: str | None = None,
    tied: bool = False,
) -> ShortAnswer | None:
    """The answering words of `sentence` (cited as number `citation`), from its answering `entities`
    (article offsets) and any name the noun asked for carries; with `stated` (a model's answer), only those
    it states; with `tied`, only one the parse ties to the question's words (a lone entity in a sentence
    sharing none of them may answer, or may not). None when nothing there answers."""
    if not question.labels:
        return None
    doc = parse(sentence.text)
    spans = [
        doc.char_span(e.start - sentence.start, e.end - sentence.start, e.label, alignment_mode="expand")
        for e in entities
    ]
    asked_when = question.labels & {"DATE", "TIME"}
    when = [e for e in doc.ents if e.label_ in asked_when]
    spans = _joined([s for s in spans if s is not None], when)
    if "PERSON" not in question.labels:  # a person's title carries their name the other way round
        spans += _named_nouns(question, doc)
    found = {(s.start, s.end) for s in spans}
    spans += [e for e in doc.ents if (e.start, e.end) not in found and not _misfit(question.noun, e.text)]
    filed = dateline_end(sentence.text)  # "WASHINGTON –" tells where the story was filed, answers nothing
    spans = [trimmed for s in spans if s.start_char >= filed and (trimmed := _without_given(question, s))]
    if stated is not None:
        said = set(words(stated))
        # Whole, or a name by its last word ("Lopez" of "the UN Maria Lopez").
        spans = [s for s in spans if says(stated, s.text) or (s.text[:1].isupper() and _last_word(s.text) in said)]
    if "year" in question.text.lower().split():
        spans = [s for s in spans if _YEAR.search(s.text)]
    if question.kind == "date" and question.noun == "day":  # "which day": not "Labor Day weekend"
        spans = [s for s in spans if names_day(s.text)]
    if not spans:
        return None
    verbs = [t for t in doc if t.lemma_.lower() in question.predicates]
    targets = verbs + [t for t in doc if t not in verbs and stem(t.text) in question.anchors]

    slot = {t.i for f in slot_fillers(question, doc) for t in slot_phrase(f, question.noun)}

    # Where the question's blank stands ("sanctions against Syria" for "sanctions against which country");
    # then beside the noun asked for; then, unless a source is asked for, never the outlet the news was told
    # to ("officials told Reuters"); then in the phrase of a word of the question; then in front of
    # a name the question gives ("Washington Capitals star Alex Ovechkin"); then nearest its verbs (they
    # carry the relation asked about: "The Times reports" beats "FSB officers" for "which newspaper reported
    # ... FSB officers"); then nearest its other words.
    def rank(span: Span) -> tuple[int, bool, bool, bool, bool, bool, bool, int, int]:
        outside, edges = _distance(span.root, targets)
        return (
            _misfit(question.noun, span.text),
            _opposite_way(question, span.root),
            span.root.i not in slot,
            not _beside_noun(question, span),
            _told(span.root) != question.asks_source,
            outside,
            not _describes_given(question, span.root),
            _distance(span.root, verbs)[1],
            edges,
        )

    keys = {s: rank(s) for s in spans}
    best = min(spans, key=keys.__getitem__)
    misfit, opposite, elsewhere, apart, told, outside, undescribed, _, edges = keys[best]
    if misfit > 1 or opposite or (told and not question.asks_source):
        return None
    # Where the blank stands, it is the thing asked for, named; so is the one place there of the kind asked,
    # and a name written in front of someone the question names.
    apart = apart and elsewhere and undescribed and [s for s in spans if not keys[s][0]] != [best]
    if apart and _nouns(question, doc):
        return None  # "a source told reporters": the thing asked about is there, and nameless
    # Nothing in the sentence ties it to what was asked: no guess, unless it is the one entity the model's
    # answer states, or the one there is in a sentence that shares no word with the question.
    lone = sum(keys[s][0] < 2 for s in spans) == 1 and (stated is not None or not targets)
    if apart and outside and edges > _TIED and (tied or not lone):
        return None
    # Several of the kind asked, listed where the blank stands ("Ford, BMW and Kia recall ..."): the answer
    # is all of them, not whichever one the tie-breaks pick; unless the list holds more than them (one the
    # question gives, a clause).
    listed = sorted([best, *(s for s in spans if keys[s][:4] == keys[best][:4] and s.root in best.root.conjuncts)])
    if len(listed) > 1 and all(_only_joins(doc[a.end : b.start]) for a, b in pairwise(listed)):
        best = doc[listed[0].start : listed[-1].end]
    start = sentence.start + best.start_char
    return ShortAnswer(best.text, sentence.article_id, start, start + len(best.text), citation)


_OPPOSITE = {"to": {"from"}, "into": {"from"}, "from": {"to", "into"}}  # ways of going: "en route to which city"


def _opposite_way(question: Question, token: Token) -> bool:
    """Whether a name stands the other way from the one the question asks ("taking off from the city of
    Ahmedabad" for "en route to which city"): the preposition it (or the noun it names, "the city of")
    hangs on is the opposite of the question's."""
    ways = _OPPOSITE.get(question.slot.relation, set()) if question.slot else set()
    if not ways:
        return False
    for _ in range(3):
        if token.dep_ == "pobj" and token.head.lower_ != "of":
            return token.head.lower_ in ways
        token = token.head
    return False


def _only_joins(gap: Span) -> bool:
    return all(t.is_punct or t.lower_ in ("and", "or", "&") for t in gap)


def _misfit(noun: str | None, name: str) -> int:
    """How badly a name fits the kind of place asked for: 0 a country for "which nation" ("Vanuatu", not its
    capital "Port Vila", whatever label the entity model gave it) or a state for "which state" (not "Chester
    Township", nor the "United States" of "which US state": news asking "which state" means one within);
    2 a country alone for a city or a town, or one with a land border for an island ("Greece" is not
    Santorini); else 1 (not known here, or a nationality: "Indian media")."""
    kinds = place_kinds(name)
    if noun in COUNTRY_NOUNS:
        return 0 if "country" in kinds else 1
    if noun == "state":
        return 0 if "state" in kinds else 1
    if noun == "island":
        return 2 if kinds == {"country"} and has_land_border(name) else 1
    return 2 if noun in LOCAL_NOUNS and kinds == {"country"} else 1


def _describes_given(question: Question, token: Token) -> bool:
    """Whether a name qualifies one the question gives: "Washington Capitals" of "Washington Capitals star
    Alex Ovechkin" or "Kenya" of "Kenya's Alexander Mutiso" when it asks about Ovechkin or Mutiso. What it
    asks of someone named is often written in front of their name."""
    for _ in range(3):
        if token.dep_ not in ("compound", "poss", "appos", "nmod"):
            return False
        token = token.head
        if token.pos_ == "PROPN" and question.gives(token.text):
            return True
    return False


_TOLD_TO = {"say", "speak", "tell"}  # speech verbs whose "to" names whom the words were given


def _told(token: Token) -> bool:
    """Whether a name is whom the news was told ("officials told Reuters", "said to CNN"): the outlet
    reporting it, which answers only a question about who reported or was told something. (An account
    "according to the Pentagon" may be the answer: "Which agency estimated the toll?")"""
    head = token.head
    if token.dep_ in ("dative", "dobj"):  # "told Reuters", not "called the Knicks" or "added Brazil"
        return head.lemma_.lower() == "tell"
    return token.dep_ == "pobj" and head.lower_ == "to" and head.head.lemma_.lower() in _TOLD_TO


def leaves_unnamed(question: Question, sentence: str) -> bool:
    """Whether the sentence speaks of the thing asked for, or of its own subject, without naming it ("The
    festival drew 40,000 people" for "Which festival ...?", "the famed Italian destination", "It is the most
    endangered ...", "The 81-year-old is ..."): news names it once, often in the headline, and then says
    "the festival" or "it". A subject the question speaks of the same way ("the council") needs no name."""
    doc = parse(sentence)
    nouns = _nouns(question, doc)
    if nouns:
        return not any(_named(noun) for noun in nouns)
    return _subject_unnamed(question, doc)


def subject_unnamed(question: Question, sentence: str) -> bool:
    """Whether the sentence's own subject goes unnamed ("The 81-year-old is one of the cover stars"),
    whatever else it names."""
    return _subject_unnamed(question, parse(sentence))


def _subject_unnamed(question: Question, doc: Doc) -> bool:
    subjects = [c for t in doc if t.dep_ == "ROOT" for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
    return any(_unnamed_subject(question, s) for s in subjects)


_SUBJECTS = {"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"}


def subjectless(doc: Doc) -> bool:
    """Whether a sentence opens with its verb and has no subject, nor an auxiliary that puts one after it
    ("Killed in the crash were two pilots"): "Opened October 1." under a list's item, "Stay tuned!". It says
    of nothing named what happened, so it answers nothing, whatever date or name it holds."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    first = next((t for t in doc if not t.is_punct), None)
    if root is None or first is None or root.i != first.i or root.pos_ not in ("VERB", "AUX"):
        return False
    return not any(c.dep_ in _SUBJECTS or c.dep_ in ("aux", "auxpass") for c in root.children)


_BACK = {"it", "this", "these", "those", "which"}


def _unnamed_subject(question: Question, subject: Token) -> bool:
    """A pronoun standing for a thing named before ("it", "this", "which"; who "he" is the story's
    analysis tells), or "the"/"this" with no name in its phrase and a word the question does not use."""
    if subject.pos_ == "PRON":
        return subject.lower_ in _BACK
    return (
        any(c.dep_ == "det" and c.lower_ in ("the", "this", "these", "those") for c in subject.children)
        and not any(t.pos_ == "PROPN" for t in subject.subtree)
        and stem(subject.text) not in question.terms
    )


def _named(noun: Token) -> bool:
    """Whether a proper noun names the noun: itself, one it carries ("the Lantern Night festival") or one
    set beside it ("Lantern Night, the town's festival"); not its owner ("Europe's largest festival")."""
    beside = [noun.head] if noun.dep_ == "appos" else []
    beside += [c for c in noun.children if c.dep_ in ("compound", "appos")]
    return noun.pos_ == "PROPN" or any(t.pos_ == "PROPN" for t in beside)


def _last_word(text: str) -> str | None:
    found = words(text)
    return found[-1] if found else None


def _without_given(question: Question, span: Span) -> Span | None:
    """The span without leading words the question gives or that only determine it: "Maria Lopez" of
    "the UN Maria Lopez" when asked about the UN's envoy; None when the question gives all of it ("the United
    States" when it says "the U.S."). The noun asked for stays where it opens a name: "Conference USA" for
    "which conference", "Lake Michigan" for "which lake"; a capitalised "The" opens a title ("The Road"), and
    a word a name never ends with ("in") is the entity model's slip."""
    if question.gives(span.text) and span[-1].lemma_.lower() != question.noun:  # not "Kilauea volcano"
        return None
    start = span.start
    while start < span.end:
        end = start + 1  # a whole word: "Coca-Cola" of "Coca-Cola Spiced", never "-Cola Spiced"
        while end < span.end and not span.doc[end - 1].whitespace_:
            end += 1
        word = span.doc[start:end]
        if word[0].pos_ == "DET" and _opens_title(word[0]):
            break
        if not (word[0].pos_ == "DET" or (question.gives(word.text) and word[-1].lemma_.lower() != question.noun)):
            break
        start = end
    end = span.end
    while end > start and _trailing(span.doc[end - 1]):  # "The Road in" of "for The Road in 2007"
        end -= 1
    return span.doc[start:end] if start < end else None


def _trailing(token: Token) -> bool:
    """A small word in lower case, set apart, that a name never ends with, which the entity model sometimes
    adds ("in"; not the "Out" of "Knives Out")."""
    before = token.doc[token.i - 1] if token.i else None
    return token.pos_ in ("ADP", "CCONJ", "DET") and token.text.islower() and bool(before and before.whitespace_)


def _opens_title(token: Token) -> bool:
    """A capitalised "The" within the sentence belongs to the name it opens: "The Road", "The Bear"."""
    return token.text[:1].isupper() and not token.is_sent_start


def _joined(spans: list[Span], more: list[Span]) -> list[Span]:
    """Entities written next to each other as one ("Friday" + "morning": "Friday morning"), and a day with
    its hour ("Sunday, Nov. 5" + "at" + "2 a.m."). `more` are the sentence's own dates and times: parsed
    alone, it may find one the article's parse missed ("2 a.m."), taken where it joins one of `spans`."""
    extra = {(e.start, e.end) for e in more if not any(s.start < e.end and e.start < s.end for s in spans)}
    joined: list[Span] = []
    for span in sorted(spans + [e for e in more if (e.start, e.end) in extra], key=lambda s: s.start):
        last = joined[-1] if joined else None
        if last is not None and last.end <= span.start:
            gap = span.doc[last.end : span.start].text
            if not gap or (gap == "at" and last.label_ == "DATE" and span.label_ == "TIME"):
                joined[-1] = Span(span.doc, last.start, span.end, label=last.label_)
                continue
        joined.append(span)
    return [s for s in joined if any(s.start <= o.start and o.end <= s.end for o in spans)]


def _named_nouns(question: Question, doc: Doc) -> list[Span]:
    """The noun asked for with the proper nouns it carries, when the question does not give them:
    "Wembley Stadium", "United Russia party" (entity recognition misses many such names), not "Donbass
    republics" for "which republics of the Donbass"."""
    found = []
    for token in _nouns(question, doc):
        names = [c for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
        if names:
            span = doc[min(c.left_edge.i for c in names) : token.i + 1]
            if not question.gives(doc[span.start : token.i].text):
                found.append(span)
    return found


def _nouns(question: Question, doc: Doc) -> list[Token]:
    return [t for t in doc if question.noun and t.lemma_.lower() == question.noun]


def _beside_noun(question: Question, span: Span) -> bool:
    """Whether the span is (part of) the noun asked for or hangs on it: "Wembley Stadium", "republics of
    Donetsk", "the phone numbers of the FBI"."""
    root = span.root
    for noun in _nouns(question, span.doc):
        if root.dep_ == "poss" and root.head == noun:
            continue  # its owner ("Europe's largest volcano", "Russia's defence minister"), not its name
        if (
            span.start <= noun.i < span.end
            or noun in (root.head, root.head.head)
            or root in (noun.head, noun.head.head)
        ):
            return True
    return False


def _distance(token: Token, targets: list[Token]) -> tuple[bool, int]:
    """Whether `token` lies outside every target's phrase (an argument of the verb asked about, as "the
    FSB" of "detained by the FSB", beats a word elsewhere), and its edges to the nearest target."""
    if not targets:
        return True, _FAR
    up = {a.i: depth for depth, a in enumerate([token, *token.ancestors])}
    best = _FAR
    for target in targets:
        for depth, a in enumerate([target, *target.ancestors]):
            if a.i in up:
                best = min(best, depth + up[a.i])
                break
    return not any(t.i in up for t in targets), best
