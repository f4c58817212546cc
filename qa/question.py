"""A question analysed once, where it enters: the kind of answer it asks for and the entity labels such an
answer carries (spaCy's), and the entities it names. Retrieval, evidence, sentence choice, the checks and the
short answer all read this one value instead of re-deriving it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from index.nlp import Entity, parse
from index.text import (
    QUESTION_WORDS,
    SPEECH,
    SPEECH_NOUNS,
    STOPWORDS,
    content_terms,
    content_words,
    country_named,
    country_of,
    initials,
    is_demonym,
    rarity,
    speech_forms,
    stem,
    words,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# The kinds of answer, from the question's own words. "name" asks for something named ("which club"),
# "person" for someone; "other" is a description, which no label pins down ("where" is one too, as often
# answered "at a talk show" or "under house arrest" as with a place name).
_START = r"(?:^|(?<=[.?!]\s))\s*"  # of the question, or of its sentence after a sentence of context
KINDS = (
    ("duration", re.compile(r"\bhow long\b", re.I)),
    ("number", re.compile(r"\b(how many|how much|what number|how old|what age|what (percentage|percent))\b", re.I)),
    (
        "date",
        re.compile(
            rf"{_START}(when)\b|\b(what|which) (year|date|day|month|time)\b|\bwhen did\b|\b(since|until|by) when\b",
            re.I,
        ),
    ),
    ("reason", re.compile(rf"{_START}(and )?why\b|\bwhat (was|is) the reason\b|\bwhy did\b|\bwhy was\b", re.I)),
    ("name", re.compile(r"\bnames? of\b|\bwhat (is|was) it called\b", re.I)),
    (
        "person",
        re.compile(
            rf"{_START}who ((is|was|are|were) (the|a|an|[A-Z][\w-]*['’]s)\b|(?!is\b|was\b|are\b|were\b))|"
            rf"{_START}whom\b|{_START}whose\b",
            re.I,
        ),
    ),
)

PLACE = frozenset({"GPE", "LOC", "FAC"})
AMOUNT = frozenset({"MONEY", "PERCENT", "QUANTITY"})  # what "how much" asks; "how many" asks for a count
PERCENT = frozenset({"PERCENT"})  # what "what percentage" asks: "43%" answers it, "adults 18 to 49" does not
ORGANISATION = frozenset({"ORG"})
PERSON = frozenset({"PERSON"})
# A nationality ("Russian") names no one: "the name of the group" is never NORP.
NAMED = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"})
# Labels a small model never gives a person's name, as it may give one ORG or GPE ("Haaland scored twice"):
# asked for someone, what they mark names no one ("a former NFL Super Bowl champion").
NO_ONE = frozenset(
    {"NORP", "EVENT", "LAW", "LANGUAGE", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
)
# What spaCy labels the answer to each kind.
LABELS: dict[str, frozenset[str]] = {
    "duration": frozenset(),  # spaCy labels "last month" DATE as it does "three years": no label pins it
    "number": AMOUNT | {"CARDINAL"},
    "date": frozenset({"DATE", "TIME"}),
    "person": PERSON | ORGANISATION,  # "Who won the final?" is often a team
    "name": NAMED,
}


def _nouns(labels: frozenset[str], words: str) -> dict[str, frozenset[str]]:
    return dict.fromkeys(words.split(), labels)


# Nouns for a country, and for places within one, which a country never answers ("Greece" for "which
# town"; an island may be one: Cuba, Iceland).
COUNTRY_NOUNS = frozenset({"country", "nation"})
LOCAL_NOUNS = frozenset("city town village capital county neighborhood neighbourhood suburb borough".split())
# Nouns for who reports the news, and verbs for reporting it: asked "which outlet" or who said, told or
# reported something, the outlet the news was told to ("a spokesman told the BBC") answers.
OUTLET_NOUNS = frozenset("newspaper paper magazine outlet broadcaster network channel publication".split())
_SOURCE_VERBS = frozenset({"report", "say", "tell"})
# "Which <noun>": the nouns that say which kind of name answers. Any other noun after "which" or "what"
# ("which word", "what charge") asks for a description.
NOUN_LABELS: dict[str, frozenset[str]] = {
    # A country is often named by its people: "American intelligence agencies".
    **dict.fromkeys(COUNTRY_NOUNS, PLACE | {"NORP"}),
    **dict.fromkeys(LOCAL_NOUNS, PLACE),
    **_nouns(PLACE, "state region province island continent republic district territory destination"),
    **_nouns(PLACE | ORGANISATION, "river lake sea ocean mountain park volcano desert beach"),
    **_nouns(
        frozenset({"FAC", "ORG", "GPE"}),
        "airport stadium bridge prison jail hotel building venue museum arena hospital restaurant station",
    ),
    **_nouns(
        ORGANISATION | {"PRODUCT"},
        "company firm automaker carmaker retailer airline bank website agency organization organisation party "
        "union team club university college "
        "school court ministry department body brand chain charity studio league conference association "
        "manufacturer maker startup insurer lender publisher platform app service group business giant journal "
        "institution",
    ),
    **_nouns(
        PERSON,
        "person official minister spokesman spokeswoman spokesperson athlete player actor actress singer rapper "
        "musician artist author writer politician senator lawmaker congressman congresswoman governor mayor "
        "president leader justice judge executive ceo coach star celebrity candidate billionaire footballer "
        "golfer quarterback pitcher driver director pope king queen prince princess journalist reporter "
        "scientist astronaut comedian host founder chancellor premier envoy ambassador general runner swimmer "
        "cyclist boxer skier rider jockey striker goalkeeper midfielder defender batter bowler sprinter skater "
        "gymnast winner champion suspect victim whistleblower manager owner chef designer figure veteran mp",
    ),
    **_nouns(
        frozenset({"WORK_OF_ART", "PRODUCT", "ORG"}),  # a newspaper is as often labelled a work as a body
        "film movie book song album show series novel play programme program podcast game " + " ".join(OUTLET_NOUNS),
    ),
    **_nouns(
        frozenset({"PRODUCT", "ORG", "FAC", "WORK_OF_ART"}),
        "ship vessel vehicle car drug vaccine spacecraft lander rover rocket satellite missile weapon drone",
    ),
    **_nouns(PERSON | {"PRODUCT"}, "model"),  # a car's, or a fashion model
    **_nouns(frozenset({"EVENT"}), "event festival tournament championship war storm hurricane holiday"),
    **_nouns(frozenset({"LANGUAGE"}), "language"),
    **_nouns(frozenset({"NORP"}), "nationality religion"),
}
_WH = {"which", "what", "whose"}
_PARTITIVE = {"of", "the", "these", "those", "following"}
# "What type of infection" asks for an infection: these nouns only say that a kind of the next one is asked for.
_KIND_OF = {"type", "kind", "sort", "variety"}
_HOW_MUCH = re.compile(r"\bhow much\b", re.I)
_PERCENTAGE = re.compile(r"\bpercent(age)?\b", re.I)  # of a number question: "what percentage", "how many percent"
_CAPITAL = re.compile(r"\b[A-Z0-9]")
_RELATIVE_DAY = re.compile(
    r"\b(yesterday|today|tomorrow|tonight|last|next|this|morning|afternoon|evening|night|noon|midnight"
    r"|spring|summer|autumn|fall|winter)\b",
    re.I,
)
# "the 42-year-old", "a 3-month-old", "at age 37": who, not when (the "Ice Age" is a date)
_AGE = re.compile(r"\b(?:year|month|week|day)s?[- ]old\b|\bage[ds]? \d", re.I)
_SAID_ON = re.compile(rf"\b(?:{'|'.join(speech_forms(tenses=('third', 'past')))})(?: on)? $")


@dataclass(frozen=True)
class Slot:
    """Where the question's blank stands in its parse: the word the asked-for phrase hangs on (a lemma:
    "recall" of "Which automaker recalled 114,000 cars?", "sanction" of "sanctions against which country")
    and how: "agent" (who does it), "patient" (to whom or what it is done), or a preposition ("against")."""

    head: str
    relation: str


@dataclass(frozen=True)
class Question:
    text: str
    kind: str  # duration, number, date, reason, name, person, other
    labels: frozenset[str]  # spaCy labels of an entity that answers; empty when no label pins it down
    entities: tuple[str, ...]  # what the question names, as written
    noun: str | None = None  # the noun after "which"/"what" ("prison" of "which prison"), as a lemma
    predicates: frozenset[str] = frozenset()  # lemmas of its verbs ("detain" of "Which body detained ...?")
    slot: Slot | None = None  # where its answer stands, when the parse shows it
    # Names it uses only to qualify a common noun ("Biden" of "the Biden family", "Apple" of "an Apple
    # executive"), lower case: they narrow what is asked for and give no one's full name.
    qualifiers: frozenset[str] = frozenset()
    # What it names in two words or more, people and places aside ("Holly Oak Child Care Center", "the
    # London Stock Exchange"): a story about it writes them (`evidence.names_in_full`), where "Shady Oaks
    # Care Center" shares most of the words. A person is often named by surname alone, a country otherwise.
    full_names: tuple[tuple[str, ...], ...] = ()
    asking: str = ""  # the sentence that asks, after any that set the scene ("Which team does he play for?")

    @cached_property
    def anchors(self) -> set[str]:
        """Stems of what it asks about, not of whom, in the sentence that asks: near these in a sentence
        stands the answer. A sentence setting the scene ("Ovechkin scored 895 goals.") tells which story,
        not what is asked of it."""
        return (content_terms(self.asking) - self._named) or (self.terms - self._named) or self.terms

    @cached_property
    def names_only(self) -> bool:
        """Whether it says nothing but whom it is about ("Who is Mary Quinlan?"): no answer reads like it."""
        return bool(self.entities) and not self.terms - self._named

    @cached_property
    def _named(self) -> set[str]:
        return {stem(w) for entity in self.entities for w in words(entity)}

    @cached_property
    def _countries(self) -> set[str]:
        return {country for entity in self.entities if (country := country_named(entity))}

    @cached_property
    def terms(self) -> set[str]:
        """Stems of its meaning-bearing words."""
        return content_terms(self.text)

    @cached_property
    def weights(self) -> dict[str, float]:
        """Its meaning-bearing words (an owner's "'s" dropped) with their `rarity`: what each tells of the
        story it is about."""
        return {w: rarity(w) for w in dict.fromkeys(w.removesuffix("'s") for w in content_words(self.text))}

    @cached_property
    def asks_source(self) -> bool:
        """Whether it asks who said, told or reported something ("Which outlet reported ...?", "Who told
        ...?"): then the outlet the news was told to ("officials told Reuters") may answer."""
        return self.noun in OUTLET_NOUNS or bool(self.predicates & _SOURCE_VERBS)

    @cached_property
    def asks_of_saying(self) -> bool:
        """Whether it asks of words said: "When did Lavrov say ...?", "... make his statement?"."""
        said = {w.removesuffix("s") for w in words(self.text.lower())}
        return bool(self.predicates & SPEECH.keys() or said & (SPEECH.keys() | SPEECH_NOUNS))

    def gives(self, text: str) -> bool:
        """Whether the question itself names `text` (an answer must add something): all of it, or its last
        word ("Harry Kane" when it asks about Kane, "an estimated 150" when it says 150, not "Hunter Biden"
        when it asks about "the Biden family"), as its people ("France" when it says "French"), or by its
        initials ("IOC" when it says "the International Olympic Committee")."""
        asked = {w.removesuffix("'s") for w in words(self.text)}
        asked |= {country for w in asked if (country := country_of(w))}  # "French" gives France
        asked |= {initials(name) for name in self.full_names}
        if country_named(text) in self._countries:  # "the United States" when it says "the U.S."
            return True
        said = [w.removesuffix("'s") for w in words(text)]
        last = bool(said) and said[-1] in asked and (len(said) == 1 or said[-1] not in self.qualifiers)
        return bool(said) and (last or all(w in asked for w in said))

    def answers(self, text: str, entities: list[Entity]) -> list[Entity]:
        """The entities of `text` (offsets into it) that could answer: of a label asked for, not given, and
        written as one (`_reads_as`)."""
        if not self.labels:
            return []
        found = [
            e
            for e in entities
            if e.label in self.labels
            and not self.gives(text[e.start : e.end])
            and _reads_as(e.label, text[e.start : e.end])
        ]
        if "DATE" in self.labels and not self.asks_of_saying:  # "said Thursday" dates the saying
            found = [e for e in found if not _said_on(text, e)]
        if "GPE" in self.labels:  # asked for a country: a group that is no nation ("Himalayan") names none
            found = [e for e in found if e.label != "NORP" or is_demonym(text[e.start : e.end])]
        return found


def _said_on(text: str, date: Entity) -> bool:
    """Whether the date tells when words were said ("the minister said Thursday"), not of what ("said
    Thursday's match would go ahead")."""
    owner = text[date.end : date.end + 2] in ("'s", "’s")
    return not owner and bool(_SAID_ON.search(text[max(0, date.start - 20) : date.start]))


def _reads_as(label: str, text: str) -> bool:
    """Whether an entity is written as what its label says: a name or a date is capitalised or has digits
    ("the foreign ministry" is no name and "the darkest years" no date, whatever a small model labels
    them), a date may be a day or a time told relatively ("yesterday", "last week", "morning") or a season;
    an age ("the 42-year-old") tells who, not when."""
    if label in NAMED:
        return bool(_CAPITAL.search(text))
    if label in LABELS["date"]:
        return not _AGE.search(text) and bool(_CAPITAL.search(text) or _RELATIVE_DAY.search(text))
    return True


def analyse_question(text: str) -> Question:
    doc = parse(text)
    kind = next((k for k, pattern in KINDS if pattern.search(text)), "person" if _who_does(doc) else "other")
    labels = AMOUNT if _HOW_MUCH.search(text) else LABELS.get(kind, frozenset())
    if kind == "number" and _PERCENTAGE.search(text):
        labels = PERCENT
    noun, a_kind = _asked_noun(doc)
    # "What was the name of the player" asks for a person; "what kind of drug" for "fentanyl", no name.
    if kind in ("other", "name") and noun in NOUN_LABELS and not a_kind:
        labels = NOUN_LABELS[noun]
        kind = "person" if labels == PERSON else "name"
    if _offers_choices(doc):  # "Kane or Saka?": the answer is one the question names, no new entity
        labels = frozenset()
    named = tuple(e.text for e in doc.ents if e.label_ in NAMED)
    asking = _asking(doc)
    predicates = frozenset(
        t.lemma_.lower() for t in asking if t.pos_ == "VERB" or (t.dep_ == "ROOT" and t.pos_ != "AUX")
    )
    qualifiers = frozenset(
        t.lower_ for t in doc if t.pos_ == "PROPN" and t.dep_ == "compound" and t.head.pos_ == "NOUN"
    )
    full_names = tuple(
        parts
        for e in doc.ents
        if e.label_ in NAMED - PERSON - {"GPE"}
        and len(parts := tuple(w for w in words(e.text) if w not in STOPWORDS)) > 1
    )
    return Question(text, kind, labels, named, noun, predicates, _slot(doc), qualifiers, full_names, asking.text)


# Dependency labels of a verb's doer and of what it is done to (a passive's subject), in spaCy's English scheme.
AGENT = frozenset({"nsubj", "csubj"})
# A passive's subject is what is given or to whom: "was awarded the medal" asks for "Okafor" of "awarded
# Okafor the medal" (spaCy's "dative").
PATIENT = frozenset({"dobj", "nsubjpass", "dative"})
# Verbs whose subject and "attr" name one thing: "Great Smoky Mountains remains America's most visited park".
COPULAS = frozenset({"be", "become", "remain"})
SAME = "same"  # the relation of "Hart" to "spokesperson" in "the spokesperson is Hart", "Hart, the spokesperson"


def _slot(doc: Doc) -> Slot | None:
    """The relation of the question's "who"/"what" or "which <noun>" phrase to the word it hangs on, or
    to the noun a copula equates it with ("Who is the club's spokesperson?": "spokesperson", SAME); None
    for "when"/"where"/"why" (adverbs), a name ("Who is Mary Quinlan?" asks what she is) and a phrase whose
    head the parse leaves unclear."""
    wh = next((t for t in doc if t.lower_ in QUESTION_WORDS), None)
    if wh is None or wh.lower_ not in _WH | {"who", "whom"} or wh.head.dep_ in ("relcl", "acl"):
        return None  # "When did the player who scored join?": its blank is a date, not who scored
    if wh.dep_ == "attr" and wh.head.lemma_ in COPULAS:
        subject = next((c for c in wh.head.children if c.dep_ == "nsubj"), None)
        return Slot(subject.lemma_.lower(), SAME) if subject is not None and _common(subject) else None
    phrase = wh.head if wh.dep_ == "det" and wh.head.pos_ in ("NOUN", "PROPN") else wh
    governor = phrase.head
    if phrase.dep_ == "pobj" and governor.dep_ == "agent":
        return Slot(governor.head.lemma_.lower(), "agent")
    if phrase.dep_ == "pobj" and governor.head.pos_ in ("VERB", "NOUN"):
        head = governor.head
        if head.pos_ == "NOUN" and head.i > wh.i:
            return None  # "on which project" hung on "project": a misparse
        return Slot(head.lemma_.lower(), governor.lower_)
    if governor.pos_ != "VERB" or governor.lemma_ in ("be", "do", "have"):
        return None  # a copula, or an auxiliary the parser took for the verb
    if phrase.dep_ in AGENT:
        return Slot(governor.lemma_.lower(), "agent")
    if phrase.dep_ in PATIENT:
        return Slot(governor.lemma_.lower(), "patient")
    return None


def _common(noun: Token) -> bool:
    """A common noun, or one written in capitals as a title, after "the" or an owner: "the Oxford
    Dictionary's Word of the Year", "the Pantone Color of the Year" (not "Mary Quinlan", whom "Who is ...?"
    asks about)."""
    return noun.pos_ == "NOUN" or (
        noun.pos_ == "PROPN" and noun.ent_type_ != "PERSON" and any(c.dep_ in ("det", "poss") for c in noun.children)
    )


def _asking(doc: Doc) -> Doc | Span:
    """The sentence that asks, after any that set the scene ("Alex Ovechkin scored 895 goals. Which team
    does he play for?"): its verbs are the relation asked about."""
    wh = next((t for t in reversed(doc) if t.lower_ in QUESTION_WORDS), None)
    return wh.sent if wh is not None else doc


def _who_does(doc: Doc) -> bool:
    """Whether "who" hangs on the question's main verb ("Who was elected mayor?", "Who is taking over?",
    "Who did the Spurs pick?"), not on a copula ("Who is Mary Quinlan?" asks what she is)."""
    return any(
        t.lower_ == "who" and t.head.dep_ == "ROOT" and t.head.pos_ == "VERB" and t.head.lemma_ != "be" for t in doc
    )


def _offers_choices(doc: Doc) -> bool:
    return any(t.lower_ == "or" and t.dep_ == "cc" and t.head.ent_type_ for t in doc)


def _owned(noun: Token) -> bool:
    """Whether the noun owns the next ("which children's author"): a kind of that one is asked for."""
    return any(c.dep_ == "case" for c in noun.children)


def _asked_noun(doc: Doc) -> tuple[str | None, bool]:
    """The noun after "which"/"what"/"whose" that says what is asked for: "state" of "from which US state",
    "infection" of "what type of infection", "show" of "on which Russian talk show", "broadcaster" of
    "which broadcaster's journalists", "numbers" of "whose phone numbers"; and whether it asks for a kind
    of that noun, which a common noun answers as well as a name."""
    for i, token in enumerate(doc):
        if token.lower_ not in _WH:
            continue
        noun = None
        start = i + 1
        while start < len(doc) and doc[start].lower_ in _PARTITIVE:  # "which of the following companies"
            start += 1
        a_kind = start + 1 < len(doc) and doc[start].lemma_.lower() in _KIND_OF and doc[start + 1].lower_ == "of"
        if a_kind:
            start += 2
        elif token.dep_ == "det" and token.head.pos_ == "NOUN" and not _owned(token.head):
            return token.head.lemma_.lower(), False  # "which US-supplied missiles": the parse says
        for word in doc[start : start + 4]:
            after = doc[word.i + 1].lower_ if word.i + 1 < len(doc) else ""
            if not noun and (word.dep_ == "case" or (word.tag_ == "NNS" and after in ("'s", "’s"))):
                continue  # "which children's author", "which women's team": a kind of author (not "countries'")
            # "which MP", not "General" of "which General Motors model"
            if word.pos_ == "NOUN" or (word.pos_ == "PROPN" and word.lower_ in NOUN_LABELS and word.dep_ != "compound"):
                noun = word.lemma_.lower()
            elif word.pos_ not in ("ADJ", "PROPN", "ADV") or noun:
                break
        if noun:
            return noun, a_kind
    # "What is the name of the source ...": the noun named.
    for token in doc[:-2]:
        if token.lemma_.lower() == "name" and token.nbor(1).lower_ == "of":
            return next((w.lemma_.lower() for w in doc[token.i + 2 : token.i + 5] if w.pos_ == "NOUN"), None), False
    return None, False
