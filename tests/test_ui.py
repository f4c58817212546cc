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

from playwright.sync_api import Browser, Page, sync_playwright

from qa import Assistant
from ui.app import safe_name
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
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture()
def open_tab(browser: Browser, url: str) -> Iterator[Callable[[], Page]]:
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
    assert "quillhaven_museum.txt" in page.locator("#corpus-table").inner_text()
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
    assert "quillhaven_museum.txt" in table.inner_text()
    page.locator("#remove-pick input").click()
    page.get_by_role("option", name=re.compile("Quillhaven")).click()
    page.click("#remove")
    page.wait_for_selector("#corpus-notice :text('Removed')")
    assert "quillhaven_museum.txt" not in table.inner_text()
    assert "quillhaven_museum" not in {a.id for a in ui_assistant.articles()}


def test_upload_names_stay_inside_the_corpus_folder() -> None:
    assert safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_name("..\\..\\boot.ini.md") == "boot.ini.md"
    assert safe_name(".hidden.html") == "hidden.html"
    assert safe_name("my story (draft).txt") == "my_story_draft_.txt"
    assert safe_name("..") == "article.txt"
