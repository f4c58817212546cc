"""Check generated text against the passages it cites, before anyone sees it."""

from __future__ import annotations

import re

from qa.evidence import answer_type, holds_answer_type
from qa.text import content_terms, names, numbers, words

MARKER = re.compile(r"\s*\[(\d+)\]")
_REFUSAL = re.compile(
    r"\b(not (mentioned|stated|specified|given|provided)|no information|does not (say|mention)|"
    r"doesn't (say|mention)|cannot (answer|determine)|i don't know|unknown)\b",
    re.I,
)


def unsupported_facts(text: str, cited: list[str], question: str = "") -> set[str]:
    """Numbers and names in `text` that appear in none of the cited passages (nor the question)."""
    source = " ".join(cited) + " " + question
    source_words = {w.removesuffix("'s") for w in words(source)}
    missing = numbers(MARKER.sub("", text)) - numbers(source)
    missing |= {n for n in names(MARKER.sub("", text)) if not set(words(n)) <= source_words}
    return missing


def problem(sentence: str, question: str, cited: list[str]) -> str | None:
    """Why this answer sentence must not be shown, or None when it passes every check."""
    body = MARKER.sub("", sentence).strip()
    tokens = words(body)
    if len(tokens) < 2:
        return "too short"
    if _REFUSAL.search(body):
        return "model declined although the passages hold an answer"
    if _repeats(tokens):
        return "repetition"
    if not cited:
        return "no citation"
    missing = unsupported_facts(body, cited, question)
    if missing:
        return f"not in the cited passage: {', '.join(sorted(missing))}"
    new_terms = content_terms(body) - content_terms(question)
    if not new_terms & content_terms(" ".join(cited)):
        return "adds nothing from the passage"
    kind = answer_type(question)
    if not holds_answer_type(kind, question, body):
        return f"does not give the {kind} asked for"
    return None


def _repeats(tokens: list[str], n: int = 3) -> bool:
    grams = [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return len(grams) != len(set(grams))
