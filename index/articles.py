"""The two records ingestion produces: a cleaned article and a passage with its exact span."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from index.text import initials, place_kinds, stem, words

if TYPE_CHECKING:
    from index.analysis import Analysis

_POSSESSIVE = re.compile(r"['’]s$")
_THE = re.compile(r"^the\s+", re.I)  # "The Federal Emergency Management Agency" opening a sentence
_JOINING = {"of", "and", "for", "the", "on", "in", "&"}  # words an acronym may skip: NASA's "and"
_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
# Titles an entity model may take into a name ("King Charles", "Sen. Jane Doe"): no one's first name.
_TITLES = set(
    "mr mrs ms miss dr sir dame lord lady king queen prince princess pope president sen gov rep judge justice "
    "coach gen col capt rev".split()
)


def _name_words(name: str) -> list[str]:
    """A person's name as words, without a generational suffix: "Martin Luther King Jr." ends in "king"."""
    found = words(name)
    return found[:-1] if len(found) > 1 and found[-1] in _NAME_SUFFIXES else found


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

    def writes(self, prefix: str, whole: bool = False) -> bool:
        """Whether a word it writes has a stem starting with `prefix` ("oak" in "Oaks"), or with `whole`
        equal to it ("IOC", not "Iocaste"): whether it names what a question names."""
        at = bisect_left(self._stems, prefix)
        found = self._stems[at] if at < len(self._stems) else ""
        return found == prefix if whole else found.startswith(prefix)

    def full_name(self, start: int, end: int) -> str | None:
        """The whole name of the person text[start:end] names by one name alone, as the story writes it
        elsewhere: by surname ("Dana Whitcombe" for "Whitcombe"), else by first name ("LeBron James" for a
        headline's "LeBron"; a place's name, "Jordan", is no first name). None when it names no one so, or
        two people ("Jo Hart" and "Sam Hart": news names each person in full once, so a relative shows here
        too)."""
        if self.analysis is None or not any(e.label == "PERSON" for e in self.analysis.entities_in(start, end)):
            return None
        said = _name_words(_POSSESSIVE.sub("", self.text[start:end]))
        if len(said) != 1:
            return None
        by_surname: dict[tuple[str, str], str] = {}
        by_first: dict[tuple[str, str], str] = {}
        for entity in self.analysis.entities:
            if entity.label != "PERSON":
                continue
            name = _POSSESSIVE.sub("", self.text[entity.start : entity.end])
            written = _name_words(name)
            if len(written) < 2:
                continue
            person = (written[0], words(name)[-1])  # first and last word as written: "Jr." is not his father
            if written[-1] == said[0]:
                by_surname.setdefault(person, name)
            elif written[0] == said[0] and said[0] not in _TITLES:
                by_first.setdefault(person, name)
        found = by_surname or ({} if place_kinds(said[0]) else by_first)
        return next(iter(found.values())) if len(found) == 1 else None

    def spelled_out(self, start: int, end: int) -> str | None:
        """The name an acronym, text[start:end], stands for where the story writes that name too: "New York
        City" for "NYC", "National Aeronautics and Space Administration" for "NASA" (with or without its small
        words). None for a word that is no acronym (written in capitals, without stops: "U.S." needs no
        spelling out) or a story writing two such names."""
        said = _POSSESSIVE.sub("", self.text[start:end])
        if self.analysis is None or not (said.isalpha() and said.isupper() and 2 <= len(said) <= 6):
            return None
        found = set()
        for entity in self.analysis.entities:
            name = _THE.sub("", _POSSESSIVE.sub("", self.text[entity.start : entity.end]))
            written = words(name)
            spelled = {initials(written), initials([w for w in written if w not in _JOINING])}
            if len(written) > 1 and said.lower() in spelled:
                found.add(name)
        return found.pop() if len(found) == 1 else None

    @cached_property
    def _stems(self) -> tuple[str, ...]:
        return tuple(sorted({stem(w) for w in words(self.text)}))


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
