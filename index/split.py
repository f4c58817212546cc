"""Cut a cleaned article into sentences and passages that keep their exact character spans.

Our own splitter, because LlamaIndex's splitters recover offsets with `str.find` and so place
a repeated sentence at its first occurrence.
"""

from __future__ import annotations

import re

from index.articles import Passage

SPLITTER_VERSION = 1

# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space and a capital, digit or quote.
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "jr",
    "sr",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "gov",
    "sen",
    "rep",
    "rev",
    "mt",
    "no",
    "vs",
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the sentences in text[start:end]; paragraph breaks always end a sentence."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text[start:end]):
        p_start = start + para.start()
        p_text = para.group(0)
        cut = 0
        for match in _BOUNDARY.finditer(p_text):
            if _is_abbreviation(p_text, match.start()):
                continue
            spans.append(_strip(text, p_start + cut, p_start + match.start() + len(match.group(0).rstrip())))
            cut = match.end()
        spans.append(_strip(text, p_start + cut, p_start + len(p_text)))
    return [s for s in spans if s[1] > s[0]]


def _is_abbreviation(paragraph: str, dot: int) -> bool:
    word = re.search(r"(\w+)$", paragraph[:dot])
    if not word or paragraph[dot] != ".":
        return False
    token = word.group(1)
    return token.lower() in _ABBREVIATIONS or (len(token) == 1 and token.isupper())


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_passages(
    article_id: str, text: str, title: str, headlines: list[tuple[int, int]], max_words: int
) -> list[Passage]:
    """Group consecutive sentences of one paragraph into passages of at most `max_words` words.

    Headlines are not passages; each passage records the headline of the story it belongs to.
    """
    passages: list[Passage] = []
    section = title
    heads = sorted(headlines)
    for para in re.finditer(r"[^\n]+", text):
        span = (para.start(), para.end())
        if span in heads:
            section = text[span[0] : span[1]]
            continue
        group: list[tuple[int, int]] = []
        words = 0
        for s, e in sentence_spans(text, *span):
            n = len(text[s:e].split())
            if group and words + n > max_words:
                passages.append(_passage(article_id, text, group, section))
                group, words = [], 0
            group.append((s, e))
            words += n
        if group:
            passages.append(_passage(article_id, text, group, section))
    return passages


def _passage(article_id: str, text: str, group: list[tuple[int, int]], section: str) -> Passage:
    start, end = group[0][0], group[-1][1]
    return Passage(article_id=article_id, start=start, end=end, text=text[start:end], section=section)
