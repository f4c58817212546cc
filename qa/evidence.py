"""Decide from evidence, not from one similarity threshold, whether passages can answer a question.

A passage supports a question when it (with the text just before it) names every entity the question
names, shares a meaning-bearing word with it, and holds the kind of thing asked for: a number for
"how many", a date for "when", a reason for "why", a duration for "how long", a name for "who".
"""

from __future__ import annotations

import re

from qa.text import content_terms, name_groups, names, numbers, stem, words

_DURATION = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|many|a few)[- ]"
    r"(year|month|week|day|hour|minute|decade)s?\b",
    re.I,
)
_DATE = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|december|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|last (week|month|year)|"
    r"(19|20)\d\d|week|month|year)\b",
    re.I,
)
_REASON = re.compile(
    r"\b(because|due to|as a result|over|for|so that|in order to|amid|"
    r"reason|caused|led to|aimed|designed to|goal|to protect|to keep)\b",
    re.I,
)

ANSWER_TYPES = (
    ("duration", re.compile(r"\bhow long\b", re.I)),
    ("number", re.compile(r"\b(how many|how much|what number|how old|what age|what percentage)\b", re.I)),
    ("date", re.compile(r"^\s*(when)\b|\b(what|which) (year|date|day|month)\b|\bwhen did\b", re.I)),
    ("reason", re.compile(r"^\s*(and )?why\b|\bwhat (was|is) the reason\b|\bwhy did\b|\bwhy was\b", re.I)),
    (
        "person",
        re.compile(r"^\s*who (?!is\b|was\b|are\b)|^\s*whom\b|\bwhich (person|official|minister|spokes\w+)\b", re.I),
    ),
)
CONTEXT_BEFORE = 300  # characters of the article before a passage that still count as its context


def answer_type(question: str) -> str:
    for kind, pattern in ANSWER_TYPES:
        if pattern.search(question):
            return kind
    return "other"


def holds_answer_type(kind: str, question: str, text: str) -> bool:
    """Whether `text` holds the kind of thing the question asks for."""
    if kind == "number":
        return bool(numbers(text) - numbers(question))
    if kind == "duration":
        return bool(_DURATION.search(text))
    if kind == "date":
        return bool(_DATE.search(text))
    if kind == "reason":
        return bool(_REASON.search(text))
    if kind == "person":
        return bool(names(text) - names(question))
    return True


def supports(question: str, passage: str, context: str) -> bool:
    """Whether a passage (read with its `context`: headline and text just before) can answer the question."""
    window = f"{context}\n{passage}"
    window_words = {stem(w) for w in re.findall(r"[A-Za-z0-9']+", window.lower())}
    # Each name in the question ("Maria Butina", "World Cup") must be there, by at least one of its words.
    groups = name_groups(question)
    if any(not any(stem(w) in window_words for w in words(group)) for group in groups):
        return False
    entities = names(question)
    terms = content_terms(question) - {stem(e) for e in entities}
    if terms and not terms & content_terms(window):
        return False
    return holds_answer_type(answer_type(question), question, passage)


def sentence_score(question: str, sentence: str) -> float:
    """How well one sentence answers: shared meaning-bearing words, plus the kind of thing asked for."""
    q_terms = content_terms(question)
    overlap = len(q_terms & content_terms(sentence)) / max(1, len(q_terms))
    kind = answer_type(question)
    return overlap + (0.5 if kind != "other" and holds_answer_type(kind, question, sentence) else 0.0)
