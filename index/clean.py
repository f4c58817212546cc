"""Remove page furniture by general rules, find headlines and a date, and lay out the cleaned text.

The rules describe kinds of clutter seen on any news site (notification prompts, image credits,
bare photo-credit lines, tag footers, calls to action, repeated headlines); none names a site. A line that
tells the story is never clutter, whatever words it shares with a prompt ("Apple said iPhone users would get
notifications about the recall"): spaCy's parse tells a sentence with a subject from a prompt to the reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.nlp import parse
from index.read import Line, RawDocument

CLEANING_VERSION = 8  # bump whenever a rule changes: the index rebuilds itself

_FURNITURE = [
    re.compile(p, re.I)
    for p in (
        r"\bnotifications?\b.*\b(enable|allow|turn on|receive|get|push)\b",
        r"\b(enable|allow|turn on|receive|get|push)\b.*\bnotifications?\b",
        r"\bnever miss\b",
        r"\bsign up\b.*\b(newsletter|alerts?)\b",
        r"\bsubscribe (to|for|now)\b",
        r"\bcookies?\b.*\b(accept|consent|policy)\b",
        r"\bclick here\b",
        r"^(featured\s+)?(image|photo|picture|video)\s*(credit|source)s?\s*:",
        r"^(credit|credits|photo|image|picture|source)\s*:",
        r"^special to\b",  # a byline's second line: "Special to USA TODAY"
        r"^(advertisement|sponsored content|share on \w+|follow us on \w+)$",
    )
]
# A label in front of links to other pages ("Related ››", "Tags:"): the line is furniture unless what follows
# the label reads as a story sentence (`_is_furniture`).
_LINK_LABEL = re.compile(
    r"^(topics|tags|related|related articles|related topics|read more|more on this|share this|share)\s*[:›»>|]+\s*",
    re.I,
)
_MAX_FURNITURE_WORDS = 60
_DATE_LINE = re.compile(r"^(published|updated|posted|date)(\s+on)?\s*:?\s*(?P<date>.{6,40})$", re.I)
_DATE_VALUE = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+ \d{1,2},? \d{4}|\d{1,2}/\d{1,2}/\d{4}"
)
# What a time stamp says besides its dates: "March 12, 2017 Updated April 8, 2017, 2:19 p.m. ET".
_STAMPED = re.compile(r"(?i:\b(published|updated|posted|modified)\b)|\b\d{1,2}(:\d\d)?\s*(?i:[ap]\.?m\b\.?)")
_STAMP_WORDS = re.compile(
    rf"{_STAMPED.pattern}|(?i:\b(last|on|at|(mon|tues|wednes|thurs|fri|satur|sun)(day)?|mon|tue|wed|thu|fri|sat|sun)"
    r"(?!\w))|\b([ECMP][SD]?T|GMT|BST|UTC|CES?T)\b|[\W_]"
)
# A first line that is no headline: a byline, a time stamp, a date alone.
_NO_HEADLINE = re.compile(rf"^(by|updated|published|posted)\b|^({_DATE_VALUE.pattern})$", re.I)
_TERMINAL = re.compile(r"[.!?:;,][\"'”’)\]]*$")
_CREDIT_MAX_WORDS = 3
_CAPTION_MAX_WORDS = 12
_HEADLINE_MAX_WORDS = 20
_TITLE_SEARCH_LINES = 5


@dataclass(frozen=True)
class CleanArticle:
    title: str
    text: str
    date: str | None
    headlines: list[tuple[int, int]]  # spans of headline lines in `text`
    removed: list[str]


def clean(doc: RawDocument) -> CleanArticle:
    """Drop clutter lines, de-duplicate repeated lines, and join paragraphs with blank lines."""
    kept: list[Line] = []
    removed: list[str] = []
    seen: set[str] = set()
    date = doc.date
    for line in doc.lines:
        text = " ".join(line.text.split())
        if not text:
            continue
        date_match = _DATE_LINE.match(text)
        if (date_match and _DATE_VALUE.search(date_match.group("date"))) or _is_time_stamp(text):
            date = date or _DATE_VALUE.search(text).group(0)
            removed.append(text)
            continue
        if _is_furniture(text):
            removed.append(text)
            continue
        if line.heading is not True and _is_bare_credit(text):
            removed.append(text)
            # A caption stands above its credit inside the story; above a byline stands the headline.
            if len(kept) > 1 and kept[-1].heading is not True and _is_caption(kept[-1].text):
                removed.append(kept.pop().text)
            continue
        key = re.sub(r"\W+", " ", text.lower()).strip()
        if key in seen:
            removed.append(text)
            continue
        seen.add(key)
        heading = line.heading if line.heading is not None else _looks_like_headline(text)
        kept.append(Line(text, heading))
    plain = all(line.heading is None for line in doc.lines)  # a text file: nothing marks its headline
    return _layout(kept, doc.title, date, removed, plain)


def _layout(lines: list[Line], title: str | None, date: str | None, removed: list[str], plain: bool) -> CleanArticle:
    parts: list[str] = []
    headlines: list[tuple[int, int]] = []
    offset = 0
    for line in lines:
        if line.heading:
            headlines.append((offset, offset + len(line.text)))
        parts.append(line.text)
        offset += len(line.text) + 2
    text = "\n\n".join(parts)
    if not title:
        title = _title(lines, text, plain)
    return CleanArticle(title=title, text=text, date=date, headlines=headlines, removed=removed)


def _is_time_stamp(text: str) -> bool:
    """A line of dates stamped as published or updated or with their hour, and nothing else: "March 12,
    2017 Updated April 8, 2017, 2:19 p.m. ET", "Friday, March 8, 2024 at 7 PM". A date alone may head an
    entry of a timeline, and a line naming anything else ("NASA, ESA | March 12, 2024") is no stamp."""
    return (
        bool(_DATE_VALUE.search(text))
        and bool(_STAMPED.search(text))
        and not _STAMP_WORDS.sub("", _DATE_VALUE.sub("", text)).strip()
    )


def _is_furniture(text: str) -> bool:
    """A prompt, notice or credit, or links under a label ("Related ›› See the clips"), that does not tell
    the story; the label itself is no subject ("Read more: Shoppers can claim a refund" is kept)."""
    label = _LINK_LABEL.match(text)
    return (
        len(text.split()) <= _MAX_FURNITURE_WORDS
        and (label is not None or any(p.search(text) for p in _FURNITURE))
        and not _tells_the_story(text[label.end() :] if label else text)
    )


_READER = {"you", "we", "us"}  # a prompt speaks to the reader, or as the site


def _tells_the_story(text: str) -> bool:
    """A sentence whose main verb has a subject other than the reader or the site: "Shoppers who subscribe
    to the service can claim a refund", not "Subscribe to our newsletter" or "We use cookies"."""
    for sentence in parse(text).sents:
        root = sentence.root
        subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
        if root.pos_ in ("VERB", "AUX") and subjects and subjects[0].lower_ not in _READER:
            return True
    return False


def _is_bare_credit(text: str) -> bool:
    """A line of one to three capitalised words ("Getty Images", "Reuters"); a score ("Arsenal 2-1
    Chelsea") has digits and is kept."""
    words = text.split()
    return (
        len(words) <= _CREDIT_MAX_WORDS
        and not _TERMINAL.search(text)
        and not any(c.isdigit() for c in text)
        and all(w[0].isupper() for w in words if w[0].isalpha())
    )


def _is_caption(text: str) -> bool:
    """A short line above a credit that tells no story ("Workers at the river bank."): one that does
    ("Bukayo Saka scored the winner in the 78th minute.") is kept, though a caption may then stay."""
    return len(text.split()) <= _CAPTION_MAX_WORDS and not _tells_the_story(text)


def _looks_like_headline(text: str) -> bool:
    words = text.split()
    if not 3 <= len(words) <= _HEADLINE_MAX_WORDS or _TERMINAL.search(text):
        return False
    long_words = [w.strip("'\"‘’“”") for w in words if len(w.strip("'\"‘’“”")) >= 4]
    if not long_words:
        return False
    capitalized = sum(1 for w in long_words if w[0].isupper() or w[0].isdigit())
    return capitalized / len(long_words) >= 0.6


def _title(lines: list[Line], text: str, plain: bool) -> str:
    """The headline of a file that does not name one: a text file's first line when that is short (a
    plain-text story opens with its headline, in Title Case or not), else a line near the top that reads as
    a heading (a long first line is the story itself), else the first sentence; never a byline or a date."""
    first = lines[:1] if plain and lines and len(lines[0].text.split()) <= _HEADLINE_MAX_WORDS else []
    early = [line for line in lines[:_TITLE_SEARCH_LINES] if line.heading]
    found = next((line.text for line in first + early if not _NO_HEADLINE.search(line.text)), None)
    return found or _first_sentence(text)


def _first_sentence(text: str) -> str:
    """The first sentence of the first line (a headline without a full stop does not run into the story)."""
    line = text.split("\n")[0]
    match = re.search(r"[.!?][\"'”’]?(\s|$)", line)
    sentence = line[: match.end()].strip() if match else line
    words = sentence.split()
    return " ".join(words[:25]) + (" ..." if len(words) > 25 else "")
