"""HTML and Markdown for the chat page: pure functions of API objects, so they stay easy to test and escape."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from qa import Answer, Article, Citation
from qa.llm import is_server
from qa.settings import BUNDLED, Settings

CITED_ID = "cited"  # the <mark> the page scrolls to


def short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def about(settings: Settings) -> str:
    """One line naming the model and the store, so users know what answers them and where the index lives."""
    remote_model = is_server(settings.model)
    if settings.model == BUNDLED:
        model = "SmolLM2-135M-Instruct (Q4_1, bundled) on llama.cpp"
    elif remote_model:
        model = f"{settings.model_name} at {settings.model}"
    else:
        model = f"{Path(settings.model).name} on llama.cpp"
    store = settings.chroma_url or str(settings.resolved_index_dir()).replace(str(Path.home()), "~", 1)
    parts = [f"Model: {model}", f"Store: Chroma at {store}", "Embeddings: all-MiniLM-L6-v2"]
    if not (remote_model or settings.chroma_url):
        parts.append("Runs offline on this machine")
    return " · ".join(parts)


def chat_message(answer: Answer) -> str:
    """The bot message once the answer is final: the text with its markers, the short answer when there is
    one, plus a plain note when needed."""
    if answer.abstained:
        return f"{answer.text}\n\n*The closest passages found are listed beside the chat; none of them answers this.*"
    lines = [answer.text]
    if answer.short:
        lines.append(f"**Answer:** {answer.short.shown} [{answer.short.citation}]")
    if answer.extractive:
        lines.append("*Quoted from the article.*")
    return "\n\n".join(lines)


def shown(answer: Answer) -> list[Citation]:
    """The passages the sources panel lists: the citations, or the closest passages when abstaining."""
    return answer.sources[:3] if answer.abstained else answer.citations


def choice_labels(answer: Answer) -> list[tuple[str, int]]:
    if answer.abstained:
        return [(f"Passage {i} · {short(c.title, 48)}", i - 1) for i, c in enumerate(shown(answer), start=1)]
    return [(f"[{i}] {short(c.title, 52)}", i - 1) for i, c in enumerate(shown(answer), start=1)]


def sources_html(answer: Answer | None) -> str:
    if answer is None:
        return '<p class="muted">Ask a question: the passages each answer cites appear here.</p>'
    heading = "Closest passages" if answer.abstained else "Sources"
    cards = []
    for i, c in enumerate(shown(answer), start=1):
        label = "•" if answer.abstained else f"[{i}]"
        cards.append(
            f'<div class="src"><div class="src-head"><span class="num">{label}</span>'
            f'<span class="src-title">{escape(c.title)}</span>'
            f'<span class="score" title="retrieval similarity, 0 to 1">score {c.score:.2f}</span></div>'
            f'<blockquote class="src-text">{_with_short(answer, i, c)}</blockquote></div>'
        )
    note = '<p class="muted">None of these passages answers the question.</p>' if answer.abstained else ""
    return f'<h4 class="panel-title">{heading}</h4>{note}{"".join(cards)}'


def _with_short(answer: Answer, number: int, citation: Citation) -> str:
    """The citation's text, escaped, with the short answer marked when this citation holds it."""
    found = answer.short
    if answer.abstained or found is None or found.citation != number:
        return escape(citation.text)
    start, end = found.start - citation.start, found.end - citation.start
    text = citation.text
    return f'{escape(text[:start])}<mark class="short">{escape(text[start:end])}</mark>{escape(text[end:])}'


def article_html(article: Article, span: Citation | None = None) -> str:
    """The whole article, escaped, with the cited span marked; the page scrolls the mark into view."""
    text = article.text
    if span is None:
        body = escape(text)
    else:
        body = (
            f"{escape(text[: span.start])}<mark id={CITED_ID!r}>{escape(text[span.start : span.end])}</mark>"
            f"{escape(text[span.end :])}"
        )
    meta = " · ".join(x for x in (Path(article.path).name, article.date) if x)
    return (
        f'<div class="article"><h3>{escape(article.title)}</h3><p class="muted">{escape(meta)}</p>'
        f'<div class="article-body">{body}</div></div>'
    )


def article_placeholder(message: str = "Choose a citation to read it in its article.") -> str:
    return f'<p class="muted">{escape(message)}</p>'


def corpus_rows(articles: Iterable[Article]) -> list[list[Any]]:
    """The article list's table rows; list Articles carry no text, so nothing here reads one."""
    return [[a.title, Path(a.path).name, a.date or "", a.passage_count] for a in articles]


def corpus_summary(total: int, query: str, matching: int, offset: int, shown: int) -> str:
    """The line above the article list: how many there are, how many match the search, which ones are shown."""
    if not total:
        return '<p class="muted">No articles yet: add one below.</p>'
    parts = [f"<b>{total} article{'s' if total != 1 else ''}</b>"]
    if query:
        parts.append(f"{matching or 'none'} matching “{escape(query)}”")
    if shown:
        parts.append(f"showing {offset + 1}–{offset + shown} of {matching}")
    return f"<p>{' · '.join(parts)}</p>"


def _overlaps(source: Citation, citations: list[Citation]) -> bool:
    return any(c.article_id == source.article_id and c.start < source.end and source.start < c.end for c in citations)


def why_html(answer: Answer | None) -> str:
    """What was searched and every retrieved passage, cited or not: the evidence behind the latest answer."""
    if answer is None:
        return '<p class="muted">Details of the latest answer appear here.</p>'
    timings = answer.timings
    times = " · ".join(
        f"{label} {timings[key]:.1f} s"
        for key, label in (("retrieval", "search"), ("first_text", "first words"), ("total", "total"))
        if key in timings
    )
    rows = []
    for c in answer.sources:
        badge = '<span class="badge">cited</span>' if _overlaps(c, answer.citations) else ""
        rows.append(
            f"<li><div class='src-head'><span class='src-title'>{escape(c.title)}</span>"
            f"<span class='score'>score {c.score:.2f}</span>{badge}</div>"
            f"<div class='src-text'>{escape(c.text)}</div></li>"
        )
    return (
        f"<p><b>Searched for:</b> <q>{escape(answer.searched)}</q></p>"
        f"<p class='muted'>{escape(times)}</p>"
        f"<p><b>Retrieved passages</b> ({len(answer.sources)}), best first:</p><ol class='why'>{''.join(rows)}</ol>"
    )


def export_markdown(answers: list[Answer]) -> str:
    """The chat as Markdown: each question, its answer and the passages it cites, for sharing or records."""
    lines = [f"# News Q&A chat, {datetime.now():%Y-%m-%d %H:%M}", ""]
    for answer in answers:
        lines += [f"## {answer.question}", "", answer.text, ""]
        if answer.short:
            lines += [f"**Answer:** {answer.short.shown} [{answer.short.citation}]", ""]
        if answer.extractive:
            lines += ["*Quoted from the article.*", ""]
        if answer.searched != answer.question:
            lines += [f"Searched for: *{answer.searched}*", ""]
        lines += ["Closest passages (none answers the question):" if answer.abstained else "Sources:", ""]
        for i, c in enumerate(shown(answer), start=1):
            lines += [f"{i}. **{c.title}** ({c.article_id}, characters {c.start}–{c.end}, score {c.score:.2f})"]
            lines += [f"   > {' '.join(c.text.split())}", ""]
    return "\n".join(lines).rstrip() + "\n"
