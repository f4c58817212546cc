"""Scoring one answer against a reference pair."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from functools import cache

from eval.dataset import Pair
from index.nlp import parse
from index.text import normalize
from qa.answer import Answer, Citation
from qa.verify import unsupported_facts


def correct(pair: Pair, text: str) -> bool:
    """An accepted answer appears in the text (case, punctuation, possessives and number words normalized),
    as written, without a leading title ("Sean Duffy" answers "Transportation Secretary Sean Duffy", as
    newsbench's README says its answers do), or with a plural "s" on its last word ("Avocados" answers
    "Avocado"; "met" never answers "Mets", nor "1990" "1990s")."""
    padded = f" {normalize(text)} "
    accepted = {normalize(form) for a in pair.answers for form in (a, _without_title(a)) if form}
    return any(f" {form} " in padded for a in accepted for form in _forms(a))


def _forms(answer: str) -> list[str]:
    last = answer.rsplit(" ", 1)[-1]
    plural = last.isalpha() and len(last) >= 4 and not last.endswith("s")
    return [answer, f"{answer}s"] if plural else [answer]


@cache
def _without_title(answer: str) -> str | None:
    """The person an answer names in full after a title or office ("Former Vice President Mike Pence"; not
    "Harry" of "Prince Harry")."""
    doc = parse(answer)
    full = (e for e in doc.ents if e.label_ == "PERSON" and e.start > 0 and e.end == len(doc) and len(e) > 1)
    return next((e.text for e in full), None)


def answers_right(pair: Pair, answer: Answer) -> bool:
    """Correct: an accepted answer is in the short answer when there is one (else in the text), and a
    citation comes from an article that states it."""
    if answer.abstained:
        return False
    said = answer.short.shown if answer.short else answer.text
    return correct(pair, said) and any(c.article_id in pair.article_ids for c in answer.citations)


def is_hit(pair: Pair, citation: Citation) -> bool:
    """A passage of a gold article that overlaps the span when the pair has one; any of its passages when not."""
    if citation.article_id not in pair.article_ids:
        return False
    span = pair.span or {}
    if "start" not in span or "end" not in span:
        return True
    return citation.start < span["end"] and span["start"] < citation.end


def first_hit_rank(pair: Pair, sources: list[Citation]) -> int | None:
    return next((rank for rank, s in enumerate(sources, start=1) if is_hit(pair, s)), None)


def score(pair: Pair, answer: Answer, text_of: Callable[[str], str]) -> dict:
    """One answer's row; `text_of(article_id)` is asked only for cited articles, so large archives stay cheap."""
    cited = [c.text for c in answer.citations]
    offsets_ok = all(text_of(c.article_id)[c.start : c.end] == c.text for c in answer.citations)
    return {
        "id": pair.id,
        "question": pair.question,
        "kind": pair.kind,
        "source": pair.source,
        "answer": answer.text,
        "searched": answer.searched,
        "abstained": answer.abstained,
        "extractive": answer.extractive,
        "short": answer.short.shown if answer.short else None,
        "cited": [
            {"article_id": c.article_id, "start": c.start, "end": c.end, "text": c.text} for c in answer.citations
        ],
        "correct": answer.abstained if not pair.answerable else answers_right(pair, answer),
        "hit_rank": first_hit_rank(pair, answer.sources) if pair.answerable else None,
        "citation_ok": bool(answer.citations) and offsets_ok and any(correct(pair, t) for t in cited),
        "unsupported": sorted(unsupported_facts(answer.text, cited, answer.searched)) if not answer.abstained else [],
        "words": len(answer.text.split()),
        "first_text": answer.timings.get("first_text"),
        "total": answer.timings.get("total"),
    }


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def summarize(rows: list[dict], turns: list[dict]) -> dict:
    answerable = [r for r in rows if r["kind"] != "unanswerable"]
    unanswerable = [r for r in rows if r["kind"] == "unanswerable"]
    answered = [r for r in answerable if not r["abstained"]]
    share = lambda xs, f: round(sum(1 for x in xs if f(x)) / len(xs), 3) if xs else None  # noqa: E731
    summary = {
        f"hit@{k}": share(answerable, lambda r, k=k: r["hit_rank"] is not None and r["hit_rank"] <= k)
        for k in (1, 3, 5)
    }
    summary["mrr"] = (
        round(sum(1 / r["hit_rank"] for r in answerable if r["hit_rank"]) / len(answerable), 3) if answerable else None
    )
    summary |= {
        "correct (answerable)": share(answerable, lambda r: r["correct"]),
        "wrong (answerable)": share(answerable, lambda r: not r["abstained"] and not r["correct"]),
        "citation precision": share(answered, lambda r: r["citation_ok"]),
        "answers with unsupported facts": share(answered, lambda r: r["unsupported"]),
        "unsupported facts (count)": sum(len(r["unsupported"]) for r in answered),
        "abstained (unanswerable)": share(unanswerable, lambda r: r["abstained"]),
        "false abstentions (answerable)": share(answerable, lambda r: r["abstained"]),
        "follow-up turns correct": share(turns, lambda r: r["correct"]),
        "median words": statistics.median([r["words"] for r in answered]) if answered else None,
        "median words (fact)": statistics.median([r["words"] for r in answered if r["kind"] == "fact"] or [0]),
        "extractive share": share(answered, lambda r: r["extractive"]),
    }
    latencies = [r for r in rows if r["first_text"] is not None]
    for key in ("first_text", "total"):
        values = [r[key] for r in latencies]
        summary[f"{key} p50 (s)"] = round(percentile(values, 50), 3) if values else None
        summary[f"{key} p95 (s)"] = round(percentile(values, 95), 3) if values else None
    return summary
