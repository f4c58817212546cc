"""The chat page: streamed, cited answers beside their sources, and a corpus tab to add or remove articles."""

from __future__ import annotations

import ipaddress
import logging
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from index.lock import serving
from qa import (
    Answer,
    Article,
    Assistant,
    Conversation,
    CorpusError,
    Final,
    IndexLocked,
    QuestionError,
    SettingsError,
    Status,
    Text,
)
from qa.settings import Settings
from ui import render

log = logging.getLogger(__name__)
EXAMPLES = [
    "Which prison was Sergei Beseda sent to?",
    "Why is France expelling six Russians?",
    "Who is Andrei Soldatov?",
    "What did Dmitry Peskov say about US intelligence agencies?",
]
UPLOAD_SUFFIXES = (".txt", ".md", ".html")
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
CORPUS_HEADERS = ["Headline", "File", "Date", "Passages"]
PAGE_SIZE = 20  # rows of the article list: a page must stay cheap however large the collection grows
WAITING = "Waiting for the model…"
SEARCHING = '<p class="muted">Looking for passages…</p>'

# Runs whenever the article viewer's HTML changes: scroll the article box to the cited span, then
# the page only if the span is still off screen.
SCROLL_TO_CITED = f"""
watch('value', () => {{
  const mark = element.querySelector('#{render.CITED_ID}');
  const box = element.querySelector('.article-body');
  if (!mark || !box) return;
  box.scrollTop = mark.offsetTop - box.clientHeight / 3;
  const r = mark.getBoundingClientRect();
  if (r.top < 0 || r.bottom > window.innerHeight) mark.scrollIntoView({{block: 'center'}});
}});
"""

CSS = """
.gradio-container { max-width: 1280px !important; margin: 0 auto; }
#brand h1 { font-size: 1.6rem; margin: 0.2rem 0 0.1rem; }
#brand p { margin: 0.15rem 0; }
.muted { color: var(--body-text-color-subdued); font-size: 0.9em; }
.panel-title { margin: 0 0 0.4rem; font-size: 1rem; }
.src { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.5rem 0.7rem;
  margin-bottom: 0.5rem; }
.src-head { display: flex; gap: 0.5rem; align-items: baseline; flex-wrap: wrap; }
.src-head .num { font-weight: 600; color: var(--color-accent); }
.src-head .src-title { font-weight: 600; flex: 1; }
.score { font-size: 0.8em; color: var(--body-text-color-subdued); font-variant-numeric: tabular-nums; }
.badge { font-size: 0.75em; background: var(--primary-100); color: var(--primary-700); border-radius: 4px;
  padding: 0 0.35rem; }
.src-text { margin: 0.35rem 0 0; padding-left: 0.6rem; border-left: 3px solid var(--border-color-primary);
  font-size: 0.9em; }
.article h3 { margin: 0 0 0.2rem; font-size: 1.05rem; }
.article-body { position: relative; white-space: pre-wrap; line-height: 1.55; max-height: 24rem; overflow-y: auto;
  font-size: 0.92em;
  border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.6rem 0.8rem; }
mark#cited { background: #fde68a; color: inherit; border-radius: 3px; padding: 0 1px; }
mark.short { background: #bbf7d0; color: inherit; font-weight: 600; border-radius: 3px; padding: 0 1px; }
ol.why li { margin-bottom: 0.5rem; }
#corpus-table, #corpus-table * { font-family: var(--font); }
"""


@dataclass
class ChatSession:
    """One browser tab's conversation and its answers, kept in gr.State so tabs never share history."""

    conversation: Conversation
    answers: list[Answer] = field(default_factory=list)
    export_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="qa-chat-")))

    def export(self) -> Path:
        path = self.export_dir / "news-qa-chat.md"
        path.write_text(render.export_markdown(self.answers), encoding="utf-8")
        return path


_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)", re.I)  # device names on Windows
_NAME_CHARS = 120


def safe_name(name: str) -> str:
    """A plain file name for an upload: no folders, no hidden files, no device names, only unremarkable
    characters, at most _NAME_CHARS of them (the suffix kept)."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name.replace("\\", "/")).name).lstrip("._")
    if _RESERVED.match(base):
        base = f"article-{base}"
    stem, dot, suffix = base.rpartition(".")
    if dot and len(base) > _NAME_CHARS:
        base = f"{stem[: _NAME_CHARS - len(suffix) - 1]}.{suffix}"
    return base[:_NAME_CHARS] or "article.txt"


def hidden_pick() -> gr.Radio:
    return gr.Radio(choices=[], value=None, visible=False)


@dataclass(frozen=True)
class CorpusPage:
    """The page of the article list a tab shows, kept in gr.State so paging, picking and removal know where it is."""

    query: str = ""
    offset: int = 0
    matching: int = 0
    total: int = 0
    articles: tuple[Article, ...] = ()

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.articles) < self.matching

    def summary(self) -> str:
        return render.corpus_summary(self.total, self.query, self.matching, self.offset, len(self.articles))

    def choices(self) -> list[tuple[str, str]]:
        return [(f"{render.short(a.title, 60)} ({Path(a.path).name})", a.id) for a in self.articles]


def corpus_page(assistant: Assistant, query: str = "", offset: int = 0) -> CorpusPage:
    """One page of the articles matching `query`; past the end (the last ones were removed) the last page instead."""
    query = query.strip()
    offset = max(0, offset)
    matching, articles = assistant.find_articles(query, offset, PAGE_SIZE)
    if offset and matching and not articles:
        offset = (matching - 1) // PAGE_SIZE * PAGE_SIZE
        matching, articles = assistant.find_articles(query, offset, PAGE_SIZE)
    total = assistant.find_articles(limit=0)[0] if query else matching
    return CorpusPage(query, offset, matching, total, tuple(articles))


def build_app(assistant: Assistant, settings: Settings) -> gr.Blocks:
    """The page; launch it with `launch_options(settings)` (theme, CSS and auth are launch-time in Gradio 6)."""

    def post(question: str, history: list[dict[str, Any]]) -> tuple[Any, ...]:
        """Echo the question at once, before the queue: a tab waiting behind another's answer still sees it taken."""
        if not question.strip():
            return history, gr.skip(), question
        waiting = {"role": "assistant", "content": f"*{WAITING}*"}
        return (
            [*history, {"role": "user", "content": question}, waiting],
            gr.Textbox(value="", interactive=False),
            question,
        )

    def respond(question: str, history: list[dict[str, Any]], session: ChatSession | None) -> Iterator[tuple[Any, ...]]:
        """Stream one answer into the chat, then fill the sources, the evidence and the export."""
        session = session or ChatSession(assistant.chat())
        history = history[:-2] if question.strip() else history  # drop post()'s echo: it is rebuilt below
        turn = [{"role": "user", "content": question}, {"role": "assistant", "content": f"*{WAITING}*"}]
        text = ""
        first = True
        try:
            for event in session.conversation.ask_stream(question):
                if isinstance(event, Status) and not text:
                    turn[1]["content"] = f"*{event.message}*"
                elif isinstance(event, Text):
                    text += event.piece
                    turn[1]["content"] = text
                elif isinstance(event, Final):
                    answer = event.answer
                    session.answers.append(answer)
                    turn[1]["content"] = render.chat_message(answer)
                    yield (
                        [*history, *turn],
                        gr.skip(),
                        "",
                        render.sources_html(answer),
                        gr.Radio(choices=render.choice_labels(answer), value=None, visible=True),
                        render.article_placeholder(),
                        render.why_html(answer),
                        gr.DownloadButton(value=session.export(), interactive=True),
                        session,
                    )
                    return
                # The first update clears the previous answer's panels; later ones only touch the chat.
                panels = (SEARCHING, hidden_pick(), render.article_placeholder("")) if first else (gr.skip(),) * 3
                first = False
                yield [*history, *turn], gr.skip(), "", *panels, gr.skip(), gr.skip(), session
        except QuestionError as exc:
            yield history, question, f"⚠️ {exc}", *(gr.skip(),) * 5, session
        except Exception as exc:  # e.g. a model server that went away: say so instead of waiting forever
            log.exception("answering %r failed", question)
            yield history, question, f"⚠️ The answer failed: {exc}", *(gr.skip(),) * 5, session

    def open_citation(index: int | None, session: ChatSession | None) -> str:
        if index is None or session is None or not session.answers:
            return render.article_placeholder()
        passages = render.shown(session.answers[-1])
        if not 0 <= index < len(passages):
            return render.article_placeholder()
        span = passages[index]
        try:
            return render.article_html(assistant.article(span.article_id), span)
        except KeyError:
            return render.article_placeholder("That article has been removed from the collection.")

    def new_chat() -> tuple[Any, ...]:
        return (
            [],
            "",
            "",
            render.sources_html(None),
            hidden_pick(),
            render.article_placeholder(),
            render.why_html(None),
            gr.DownloadButton(value=None, interactive=False),
            None,
        )

    def show_page(query: str, offset: int = 0) -> tuple[Any, ...]:
        page = corpus_page(assistant, query, offset)
        return (
            render.corpus_rows(page.articles),
            page.summary(),
            gr.Dropdown(choices=page.choices(), value=None),
            gr.Button(interactive=page.has_previous),
            gr.Button(interactive=page.has_next),
            page,
        )

    def same_page(query: str, page: CorpusPage) -> tuple[Any, ...]:
        """The list again after a change to the collection, at the page the tab shows now (or the last one left)."""
        return show_page(query, page.offset)

    def previous_page(query: str, page: CorpusPage) -> tuple[Any, ...]:
        return show_page(query, page.offset - PAGE_SIZE)

    def next_page(query: str, page: CorpusPage) -> tuple[Any, ...]:
        return show_page(query, page.offset + PAGE_SIZE)

    def open_listed(article_id: str | None) -> str:
        """Read one article's text only now, when it is opened: the list itself never carries texts."""
        if not article_id:
            return render.article_placeholder("Choose an article in the list to read it.")
        try:
            return render.article_html(assistant.article(article_id))
        except KeyError:
            return render.article_placeholder("That article is no longer in the collection.")

    def pick_row(page: CorpusPage, event: gr.SelectData) -> tuple[str, Any]:
        """A row chosen in the list opens that article and makes it the one the Remove button takes out."""
        row = event.index[0]
        article_id = page.articles[row].id if 0 <= row < len(page.articles) else None
        return open_listed(article_id), gr.Dropdown(value=article_id)

    def add_article(path: str | None) -> tuple[None, str]:
        if not path:
            return None, ""
        name = safe_name(Path(path).name)
        try:
            if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
                raise CorpusError(f"{name}: only {', '.join(UPLOAD_SUFFIXES)} files can be added")
            if Path(path).stat().st_size > MAX_UPLOAD_BYTES:
                raise CorpusError(f"{name}: the file is larger than 2 MB")
            with tempfile.TemporaryDirectory() as staging:
                staged = Path(staging) / name
                shutil.copyfile(path, staged)
                article = assistant.add(staged)
        except (CorpusError, IndexLocked) as exc:
            return None, f"⚠️ {exc}"
        return None, f"✅ Added **{article.title}** ({article.passage_count} passages)."

    def remove_article(article_id: str | None) -> tuple[str, Any]:
        if not article_id:
            return "Choose an article to remove first.", gr.skip()
        try:
            title = assistant.article(article_id).title
            assistant.remove(article_id)
        except (CorpusError, IndexLocked) as exc:
            return f"⚠️ {exc}", gr.skip()
        except KeyError:
            return "⚠️ That article is no longer in the collection.", gr.skip()
        return f"Removed **{title}**; its file was moved to `.removed/` in the articles folder.", open_listed(None)

    def reindex(progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008 (Gradio's idiom)
        try:
            report = assistant.index(progress=lambda done, total, name: progress((done, total), desc=name))
        except (CorpusError, IndexLocked) as exc:
            return f"⚠️ {exc}"
        summary = (
            f"Index up to date: {len(report.added)} added, {len(report.updated)} updated, "
            f"{len(report.removed)} removed, {len(report.unchanged)} unchanged."
        )
        return "  \n".join([summary, *(f"⚠️ {w}" for w in report.warnings)])

    with gr.Blocks(title="News Q&A", analytics_enabled=False, fill_width=True) as app:
        session = gr.State(None)
        pending = gr.State("")  # the question just submitted, handed from post() to respond()
        gr.HTML(
            "<h1>News Q&amp;A</h1><p>Ask about the news articles in the collection; every answer cites the passages "
            f"it comes from.</p><p class='muted'>{escape(render.about(settings))}</p>",
            elem_id="brand",
        )
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"), gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        elem_id="chat",
                        show_label=False,
                        height=460,
                        feedback_options=None,
                        buttons=["copy"],
                        placeholder="**Ask about the articles.** Answers cite passages like [1]; "
                        "choose a citation to read it in its article.",
                    )
                    question = gr.Textbox(
                        elem_id="question",
                        show_label=False,
                        placeholder="Ask a question about the articles…",
                        submit_btn="Ask",
                        max_lines=4,
                    )
                    notice = gr.Markdown(elem_id="notice")
                    gr.Examples([[q] for q in EXAMPLES], inputs=[question], label="Try asking")
                    with gr.Row():
                        new = gr.Button("New chat", size="sm", elem_id="new-chat")
                        export = gr.DownloadButton("Export chat (.md)", size="sm", interactive=False, elem_id="export")
                    with gr.Accordion("Why this answer", open=False, elem_id="why-accordion"):
                        why = gr.HTML(render.why_html(None), elem_id="why")
                with gr.Column(scale=2):
                    sources = gr.HTML(render.sources_html(None), elem_id="sources")
                    pick = gr.Radio(label="Read in the article", choices=[], visible=False, elem_id="cite-pick")
                    article = gr.HTML(render.article_placeholder(), elem_id="article-view", js_on_load=SCROLL_TO_CITED)
            with gr.Tab("Articles", id="articles"):
                listing = gr.State(CorpusPage())
                gr.Markdown(f"Articles folder: `{assistant.folder}`", elem_classes="muted")
                with gr.Row(equal_height=False):
                    search = gr.Textbox(
                        "",
                        show_label=False,
                        container=False,
                        placeholder="Search headlines, file names or ids…",
                        max_lines=1,
                        scale=4,
                        elem_id="corpus-search",
                    )
                    previous = gr.Button("← Previous", size="md", interactive=False, scale=0, elem_id="previous-page")
                    following = gr.Button("Next →", size="md", interactive=False, scale=0, elem_id="next-page")
                summary = gr.HTML(elem_id="corpus-summary")
                with gr.Row(equal_height=False):
                    table = gr.Dataframe(
                        headers=CORPUS_HEADERS,
                        interactive=False,
                        wrap=True,
                        column_widths=["55%", "25%", "10%", "10%"],
                        max_height=800,
                        scale=3,
                        elem_id="corpus-table",
                    )
                    corpus_article = gr.HTML(
                        render.article_placeholder("Choose an article in the list to read it."),
                        scale=2,
                        elem_id="corpus-article",
                    )
                corpus_notice = gr.Markdown(elem_id="corpus-notice", min_height=40)
                with gr.Row(equal_height=False):
                    upload = gr.File(
                        label="Add an article (.txt, .md or .html, up to 2 MB)",
                        file_types=list(UPLOAD_SUFFIXES),
                        type="filepath",
                        height=160,
                        elem_id="upload",
                    )
                    with gr.Column():
                        remove_pick = gr.Dropdown(
                            label="Remove an article (from this page of the list)", choices=[], elem_id="remove-pick"
                        )
                        remove = gr.Button("Remove", variant="stop", size="md", elem_id="remove")
                    with gr.Column():
                        gr.Markdown(
                            "Files added to or deleted from the folder by hand are picked up by re-indexing; "
                            "unchanged articles cost nothing.",
                            elem_classes="muted",
                        )
                        reindex_button = gr.Button("Re-index the folder", size="md", elem_id="reindex")

        chat_outputs = [chatbot, question, notice, sources, pick, article, why, export, session]
        question.submit(post, [question, chatbot], [chatbot, question, pending], concurrency_limit=None).then(
            respond, [pending, chatbot, session], chat_outputs, concurrency_id="assistant", show_progress="hidden"
        ).then(lambda: gr.Textbox(interactive=True), None, question, concurrency_limit=None)
        pick.input(open_citation, [pick, session], article, concurrency_limit=None, show_progress="hidden")
        new.click(new_chat, None, chat_outputs, concurrency_limit=None)
        chatbot.clear(new_chat, None, chat_outputs, concurrency_limit=None)
        # Reading the list is cheap and never waits. Changes to the collection queue one at a time in their own group,
        # so a long re-index never holds up answers (which read the index as it was until the new one is complete);
        # each change then shows the list again at the search and page the tab shows by then.
        listing_outputs = [table, summary, remove_pick, previous, following, listing]
        browse: dict[str, Any] = {"concurrency_limit": None, "show_progress": "hidden"}
        app.load(show_page, search, listing_outputs, **browse)
        search.change(show_page, search, listing_outputs, trigger_mode="always_last", **browse)
        previous.click(previous_page, [search, listing], listing_outputs, **browse)
        following.click(next_page, [search, listing], listing_outputs, **browse)
        table.select(pick_row, listing, [corpus_article, remove_pick], **browse)
        remove_pick.input(open_listed, remove_pick, corpus_article, **browse)
        edit: dict[str, Any] = {"concurrency_id": "corpus", "concurrency_limit": 1, "show_progress_on": corpus_notice}
        for change in (
            upload.upload(add_article, upload, [upload, corpus_notice], **edit),
            remove.click(remove_article, remove_pick, [corpus_notice, corpus_article], **edit),
            reindex_button.click(reindex, None, corpus_notice, **edit),
        ):
            change.then(same_page, [search, listing], listing_outputs, **browse)
    app.queue(default_concurrency_limit=1)
    return app


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not (sep and user and password):
        raise SettingsError("setting auth must look like user:password")
    return user, password


def launch_options(settings: Settings) -> dict[str, Any]:
    """Everything `launch` needs: local-only assets (system fonts, no footer links, no share tunnel)."""
    theme = gr.themes.Default(
        primary_hue="indigo",
        neutral_hue="slate",
        font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "monospace"],
    )
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "share": False,
        "auth": parse_auth(settings.auth),
        "theme": theme,
        "css": CSS,
        "footer_links": [],
        "max_file_size": MAX_UPLOAD_BYTES,
        "ssr_mode": False,
        "mcp_server": False,
        "pwa": False,
        "run_history": False,
        "enable_monitoring": False,
    }


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(assistant: Assistant, settings: Settings) -> None:
    """Serve the page until interrupted; warn when it is reachable from other machines."""
    if not is_loopback(settings.host):
        guard = "password-protected" if settings.auth else "NOT password-protected (set --auth user:pass)"
        print(
            f"warning: serving on {settings.host}: other machines on the network can reach this page; it is {guard}.",
            file=sys.stderr,
        )
    app = build_app(assistant, settings)
    with serving(settings.resolved_index_dir()):
        # Gradio's own banner suggests a share link, which cannot work offline: print the address ourselves.
        app.launch(**launch_options(settings), quiet=True, prevent_thread_lock=True)
        print(f"Chat page: http://{settings.host}:{app.server_port}  (Ctrl-C to stop)", flush=True)
        app.block_thread()
