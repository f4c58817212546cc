"""The chat page driven in real headless Chromium against a real assistant: streaming, citations, corpus edits.

Every test fails if the page fetches anything from off this machine. `python -m ui.bench_browser --screenshot
docs/screenshot.png` refreshes the README's screenshot.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright")
if not shutil.which("chromium"):
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright

from qa import Assistant
from qa.answer import Answer, Citation, ShortAnswer
from ui import render
from ui.app import PAGE_SIZE, build_app, corpus_page, safe_name
from ui.bench_browser import (
    ask,
    launch_chromium,
    open_citation,
    open_page,
    send,
    start_app,
    track_external,
    wait_answer,
)

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas deprecations inside Gradio

ROOT = Path(__file__).resolve().parents[1]
BESEDA = "Which prison was Sergei Beseda sent to?"
FRANCE = "Why is France expelling six Russians?"
QUILLHAVEN = (
    "Quillhaven Opens Lighthouse Museum\n\n"
    "The town of Quillhaven opened a lighthouse museum on 3 June 2024. "
    "The museum's curator is Edith Marlowe.\n\n"
    "The museum occupies the old keeper's cottage beside the harbour lighthouse. "
    "Visitors can climb the tower on weekends.\n"
)
# 45 made-up towns, one tiny article each: enough for three pages of the article list.
TOWNS = [
    head + tail
    for head in ("Ash", "Bram", "Cor", "Dun", "Elm", "Fen", "Glen", "Hol", "Ivy")
    for tail in ("ford", "wick", "mere", "by", "stead")
]
BUILDINGS = ("library", "bridge", "market", "school", "park")


@pytest.fixture(scope="module")
def ui_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """An assistant over a private copy of the seeds: these tests add and remove articles."""
    folder = tmp_path_factory.mktemp("ui-corpus") / "seeds"
    shutil.copytree(ROOT / "seeds", folder)
    return Assistant.from_folder(folder, index_dir=tmp_path_factory.mktemp("ui-index"))


@pytest.fixture(scope="module")
def url(ui_assistant: Assistant) -> Iterator[str]:
    app, address = start_app(ui_assistant, ui_assistant.settings)
    yield address
    app.close()


@pytest.fixture(scope="module")
def many_assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """An assistant over a collection that needs several pages of the article list."""
    folder = tmp_path_factory.mktemp("many-corpus") / "articles"
    folder.mkdir()
    for i, town in enumerate(TOWNS):
        building = BUILDINGS[i % len(BUILDINGS)]
        (folder / f"{i:03d}_{town.lower()}.txt").write_text(
            f"{town} Opens a New {building.title()}\n\n"
            f"The town of {town} opened a new {building} on {i % 28 + 1} May 2024. "
            f"The mayor of {town} said the {building} had taken {i % 4 + 2} years to build.\n",
            encoding="utf-8",
        )
    return Assistant.from_folder(folder, index_dir=tmp_path_factory.mktemp("many-index"))


@pytest.fixture(scope="module")
def many_url(many_assistant: Assistant) -> Iterator[str]:
    app, address = start_app(many_assistant, many_assistant.settings)
    yield address
    app.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture()
def open_tab(browser: Browser, url: str) -> Iterator[Callable[[], Page]]:
    yield from tabs(browser, url)


@pytest.fixture()
def open_many_tab(browser: Browser, many_url: str) -> Iterator[Callable[[], Page]]:
    yield from tabs(browser, many_url)


def tabs(browser: Browser, url: str) -> Iterator[Callable[[], Page]]:
    """Open the page in fresh browser contexts (separate sessions); fail if any of them went off this machine."""
    pages: list[tuple[Page, list[str]]] = []

    def opener() -> Page:
        page = browser.new_context(viewport={"width": 1360, "height": 1000}).new_page()
        pages.append((page, track_external(page)))
        open_page(page, url)
        return page

    yield opener
    external = [u for _, found in pages for u in found]
    for page, _ in pages:
        page.context.close()
    assert not external, f"the page fetched from off this machine: {external}"


def bot_texts(page: Page) -> list[str]:
    return page.locator("#chat [data-testid='bot'] .message-content").all_inner_texts()


def squash(text: str) -> str:
    return " ".join(text.split())


def listed_files(page: Page) -> list[str]:
    """The File column of the article list as the page shows it."""
    return page.locator("#corpus-table .virtual-row [data-col='1']").all_inner_texts()


@pytest.mark.browser
def test_answer_streams_with_a_citation(open_tab: Callable[[], Page]) -> None:
    page = open_tab()
    seen = ask(page, BESEDA)
    statuses = [t for t in seen.texts if t.endswith("…")]
    assert "Searching the articles…" in statuses, seen.texts  # shown before any answer text
    answer_texts = seen.texts[seen.texts.index(statuses[-1]) + 1 :]
    assert len(answer_texts) >= 3, f"the answer did not stream: {seen.texts}"
    assert "[1]" in seen.final
    assert "Lefortovo" in seen.final
    assert page.locator("#sources .src").count() >= 1


@pytest.mark.browser
def test_citation_shows_the_cited_span(open_tab: Callable[[], Page], ui_assistant: Assistant) -> None:
    question = "Who is Andrei Soldatov?"
    page = open_tab()
    seen = ask(page, question)
    assert "[1]" in seen.final
    marked = open_citation(page, 1)
    listed = page.locator("#sources .src .src-text").first.inner_text()
    assert squash(marked) == squash(listed)
    direct = ui_assistant.chat().ask(question)
    assert direct.citations, direct.text
    first = direct.citations[0]
    assert ui_assistant.article(first.article_id).text[first.start : first.end] == first.text
    assert squash(marked) == squash(first.text)
    assert page.locator("#article-view h3").inner_text() == first.title


@pytest.mark.browser
def test_follow_up_question(open_tab: Callable[[], Page]) -> None:
    page = open_tab()
    ask(page, BESEDA)
    follow = ask(page, "And why?")
    assert len(bot_texts(page)) == 2
    assert not follow.final.startswith("The articles don't"), follow.final
    page.click("#why-accordion button")
    assert "Beseda" in page.locator("#why").inner_text()  # the follow-up was searched as a stand-alone question


@pytest.mark.browser
def test_abstains_with_closest_passages(open_tab: Callable[[], Page]) -> None:
    page = open_tab()
    seen = ask(page, "Who won the 2022 World Cup?")
    assert seen.final.startswith("The articles don't say")
    assert "[1]" not in seen.final
    assert "Closest passages" in page.locator("#sources").inner_text()
    assert 1 <= page.locator("#sources .src").count() <= 3


@pytest.mark.browser
def test_two_tabs_keep_separate_conversations(open_tab: Callable[[], Page]) -> None:
    first, second = open_tab(), open_tab()
    send(first, BESEDA)
    send(second, FRANCE)  # queued behind the first: one generation at a time
    wait_answer(first)
    wait_answer(second)
    ask(first, "And why?")
    assert "France" not in " ".join(bot_texts(first))
    assert "Beseda" not in squash(second.locator("#chat").inner_text())
    first.click("#why-accordion button")
    assert "Beseda" in first.locator("#why").inner_text()
    assert len(bot_texts(first)) == 2
    assert len(bot_texts(second)) == 1


@pytest.mark.browser
def test_upload_then_ask(open_tab: Callable[[], Page], ui_assistant: Assistant, tmp_path: Path) -> None:
    article = tmp_path / "quillhaven museum.txt"
    article.write_text(QUILLHAVEN, encoding="utf-8")
    page = open_tab()
    page.get_by_role("tab", name="Articles").click()
    page.locator("#upload input[type=file]").set_input_files(str(article))
    page.wait_for_selector("#corpus-notice :text('Added')", timeout=120_000)
    expect(page.locator("#corpus-table")).to_contain_text("quillhaven_museum.txt")
    assert (ui_assistant.folder / "quillhaven_museum.txt").read_text(encoding="utf-8") == QUILLHAVEN
    page.get_by_role("tab", name="Ask").click()
    seen = ask(page, "Who is the curator of the lighthouse museum in Quillhaven?")
    assert "Marlowe" in seen.final
    assert "Quillhaven Opens Lighthouse Museum" in page.locator("#sources").inner_text()


@pytest.mark.browser
def test_remove_an_article(open_tab: Callable[[], Page], ui_assistant: Assistant, tmp_path: Path) -> None:
    if "quillhaven_museum" not in {a.id for a in ui_assistant.articles()}:
        source = tmp_path / "quillhaven_museum.txt"
        source.write_text(QUILLHAVEN, encoding="utf-8")
        ui_assistant.add(source)
    page = open_tab()
    page.get_by_role("tab", name="Articles").click()
    table = page.locator("#corpus-table")
    expect(table).to_contain_text("quillhaven_museum.txt")
    page.locator("#remove-pick input").click()
    page.get_by_role("option", name=re.compile("Quillhaven")).click()
    page.click("#remove")
    page.wait_for_selector("#corpus-notice :text('Removed')")
    expect(table).not_to_contain_text("quillhaven_museum.txt")
    assert "quillhaven_museum" not in {a.id for a in ui_assistant.articles()}


@pytest.mark.browser
def test_answers_keep_flowing_during_a_reindex(open_tab: Callable[[], Page], ui_assistant: Assistant) -> None:
    """A re-index queues apart from answers: a question asked meanwhile is answered before the re-index ends."""
    added = [ui_assistant.folder / f"harbour_log_{i:02d}.txt" for i in range(40)]
    for i, path in enumerate(added):
        days = " ".join(f"On day {d} ferry {i} crossed the harbour of Wexcombe in a storm." for d in range(40))
        path.write_text(f"Harbour Log {i}\n\n{days}\n", encoding="utf-8")
    try:
        corpus, chat = open_tab(), open_tab()
        corpus.get_by_role("tab", name="Articles").click()
        corpus.click("#reindex")
        notice = corpus.locator("#corpus-notice")
        expect(notice).to_contain_text(re.compile(r"\d+/\d+"))  # its progress shows while it runs
        seen = ask(chat, BESEDA)
        assert "Lefortovo" in seen.final
        assert "Index up to date" not in notice.inner_text(), "the answer waited for the re-index"
        expect(notice).to_contain_text("40 added", timeout=300_000)
        total = ui_assistant.find_articles(limit=0)[0]
        expect(corpus.locator("#corpus-summary")).to_contain_text(f"{total} articles · showing 1–20 of {total}")
    finally:
        for path in added:
            path.unlink()
        ui_assistant.index()


def test_article_list_pages(many_assistant: Assistant) -> None:
    first = corpus_page(many_assistant)
    assert (first.total, first.matching, len(first.articles)) == (45, 45, PAGE_SIZE)
    assert not first.has_previous and first.has_next
    assert all(a.text == "" for a in first.articles)  # a page never carries article texts
    last = corpus_page(many_assistant, offset=2 * PAGE_SIZE)
    assert [a.id for a in last.articles] == [f"{i:03d}_{t.lower()}" for i, t in enumerate(TOWNS)][40:]
    assert last.has_previous and not last.has_next
    assert corpus_page(many_assistant, offset=200).offset == 2 * PAGE_SIZE  # past the end: the last page
    assert "showing 41–45 of 45" in last.summary()


def test_article_list_search(many_assistant: Assistant) -> None:
    found = corpus_page(many_assistant, " dunmere ")
    assert [a.title for a in found.articles] == ["Dunmere Opens a New Market"]
    assert (found.total, found.matching) == (45, 1)
    assert "1 matching “dunmere”" in found.summary()
    assert corpus_page(many_assistant, "017_").matching == 1  # ids and file names match too
    assert corpus_page(many_assistant, "Park").matching == 9
    nothing = corpus_page(many_assistant, "<b>nowhere</b>")
    assert (nothing.matching, nothing.articles) == (0, ())
    assert "none matching “&lt;b&gt;nowhere&lt;/b&gt;”" in nothing.summary()


def test_index_changes_do_not_wait_behind_answers(ui_assistant: Assistant) -> None:
    """Answers and changes to the collection queue apart: a long re-index must not hold up the chat."""
    app = build_app(ui_assistant, ui_assistant.settings)
    groups = {fn.name: (fn.concurrency_id, fn.concurrency_limit) for fn in app.fns.values()}
    assert groups["respond"][0] == "assistant"
    for change in ("add_article", "remove_article", "reindex"):
        assert groups[change] == ("corpus", 1), change
    for browse in ("show_page", "same_page", "previous_page", "next_page", "pick_row", "open_listed"):
        assert groups[browse][1] is None, browse


@pytest.mark.browser
def test_article_list_in_the_browser(open_many_tab: Callable[[], Page]) -> None:
    page = open_many_tab()
    page.get_by_role("tab", name="Articles").click()
    summary = page.locator("#corpus-summary")
    expect(summary).to_have_text("45 articles · showing 1–20 of 45")
    assert listed_files(page)[:2] == ["000_ashford.txt", "001_ashwick.txt"]
    assert len(listed_files(page)) == PAGE_SIZE
    expect(page.locator("#previous-page")).to_be_disabled()
    page.click("#next-page")
    expect(summary).to_have_text("45 articles · showing 21–40 of 45")
    assert len(listed_files(page)) == PAGE_SIZE
    page.click("#next-page")
    expect(summary).to_have_text("45 articles · showing 41–45 of 45")
    assert listed_files(page) == [
        "040_ivyford.txt",
        "041_ivywick.txt",
        "042_ivymere.txt",
        "043_ivyby.txt",
        "044_ivystead.txt",
    ]
    expect(page.locator("#next-page")).to_be_disabled()
    page.fill("#corpus-search input", "Dunmere")
    expect(summary).to_contain_text("1 matching “Dunmere”")
    assert listed_files(page) == ["017_dunmere.txt"]
    page.locator("#corpus-table [data-testid='cell-0-0']").click()  # opening it reads its text, only now
    expect(page.locator("#corpus-article .article-body")).to_contain_text("The town of Dunmere opened a new market")
    expect(page.locator("#remove-pick input")).to_have_value(re.compile("Dunmere"))


def test_the_short_answer_is_marked_in_its_citation() -> None:
    text = "Kremlin spokesperson Dmitry Peskov confirmed it."
    citation = Citation("a1", "Moscow responds", text, 100, 100 + len(text), 0.6)
    short = ShortAnswer("Dmitry Peskov", "a1", 121, 134, 1)
    answer = Answer("It is Dmitry Peskov [1].", False, [citation], [citation], "Who?", "Who?", short=short)
    assert '<mark class="short">Dmitry Peskov</mark> confirmed it.' in render.sources_html(answer)
    assert "**Answer:** Dmitry Peskov [1]" in render.chat_message(answer)
    assert "**Answer:** Dmitry Peskov [1]" in render.export_markdown([answer])


def test_upload_names_stay_inside_the_corpus_folder() -> None:
    assert safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_name("..\\..\\boot.ini.md") == "boot.ini.md"
    assert safe_name(".hidden.html") == "hidden.html"
    assert safe_name("my story (draft).txt") == "my_story_draft_.txt"
    assert safe_name("..") == "article.txt"
    assert safe_name("/etc/cron.d/job.txt") == "job.txt"
    assert safe_name("report\x00.txt.html") == "report_.txt.html"
    assert safe_name("CON.txt") == "article-CON.txt" and safe_name("lpt1") == "article-lpt1"
    long = safe_name("x" * 300 + ".txt")
    assert len(long) == 120 and long.endswith(".txt")
