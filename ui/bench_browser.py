"""Time answers as a person sees them: Enter pressed → first answer words → finished answer, in headless Chromium.

Run `python -m ui.bench_browser [--screenshot docs/screenshot.png]`. The page serves seeds/ as `./setup.sh`
does. The helpers here are shared with tests/test_ui.py so the benchmark and the tests watch the page the same way.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import gradio as gr
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from qa import Assistant
from qa.settings import Settings
from ui.app import build_app, launch_options

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
QUESTIONS = [
    "Which prison was Sergei Beseda sent to?",
    "Why is France expelling six Russians?",
    "Who is Andrei Soldatov?",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}

# Installed once per page: from each Enter in the question box, record every distinct text of the new bot
# message, when the first answer words appear (status lines are italic-only) and when the sources panel is final.
WATCH_JS = """() => {
  const chat = document.querySelector('#chat');
  const sources = document.querySelector('#sources');
  const box = document.querySelector('#question textarea');
  const bots = () => chat.querySelectorAll('[data-testid="bot"] .message-content');
  const fresh = () => ({t0: performance.now(), before: bots().length, texts: [], first: null, total: null,
                        searching: false});
  window.__qa = fresh();
  box.addEventListener('keydown', e => { if (e.key === 'Enter' && !e.shiftKey) window.__qa = fresh(); }, true);
  new MutationObserver(() => {
    const w = window.__qa, all = bots();
    if (w.total !== null || all.length <= w.before) return;
    const last = all[all.length - 1], text = last.innerText.trim();
    if (text && w.texts[w.texts.length - 1] !== text) w.texts.push(text);
    const em = last.querySelector('p > em');
    const status = em !== null && em.innerText.trim() === text;
    if (text && !status && w.first === null) w.first = performance.now() - w.t0;
    if (sources.querySelector('.muted') && !sources.querySelector('.panel-title')) w.searching = true;
    if (w.searching && sources.querySelector('.panel-title')) w.total = performance.now() - w.t0;
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


@dataclass
class Observed:
    """One answer as the browser showed it: each distinct text of the bot message, and times in seconds."""

    texts: list[str]
    first_text: float
    total: float

    @property
    def final(self) -> str:
        return self.texts[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(assistant: Assistant, settings: Settings) -> tuple[gr.Blocks, str]:
    """Serve the page in this process on a free loopback port; returns the app (to close) and its URL."""
    settings = replace(settings, host="127.0.0.1", port=free_port())
    app = build_app(assistant, settings)
    app.launch(prevent_thread_lock=True, quiet=True, **launch_options(settings))
    return app, f"http://127.0.0.1:{settings.port}/"


def launch_chromium(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(
        executable_path=shutil.which("chromium"),
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )


def track_external(page: Page) -> list[str]:
    """Every request the page makes to a host off this machine lands in the returned list."""
    external: list[str] = []

    def check(url: str) -> None:
        parsed = urlparse(url)
        if parsed.scheme not in ("data", "blob") and parsed.hostname not in LOCAL_HOSTS:
            external.append(url)

    page.on("request", lambda request: check(request.url))
    return external


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#question textarea")
    for watched in ("#chat", "#sources"):  # Gradio may attach them after the question box
        page.wait_for_selector(watched, state="attached")
    page.evaluate(WATCH_JS)


def send(page: Page, question: str) -> None:
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")


def wait_answer(page: Page, timeout_s: float = 240) -> Observed:
    page.wait_for_function("window.__qa.total !== null", timeout=timeout_s * 1000)
    seen: dict[str, Any] = page.evaluate("window.__qa")
    first = seen["first"] if seen["first"] is not None else seen["total"]
    return Observed(seen["texts"], first / 1000, seen["total"] / 1000)


def new_chat(page: Page) -> None:
    """Start over, and wait until the page shows it: an answer watched before that would be miscounted."""
    page.click("#new-chat")
    page.wait_for_function("document.querySelectorAll('#chat [data-testid=\"bot\"]').length === 0")


def open_citation(page: Page, number: int) -> str:
    """Choose a citation in the sources panel; returns the highlighted span of the article it shows."""
    page.locator("#cite-pick label").nth(number - 1).click()
    mark = page.locator("#article-view mark#cited")
    mark.wait_for()
    return mark.inner_text()


def ask(page: Page, question: str) -> Observed:
    send(page, question)
    return wait_answer(page)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ui.bench_browser", description=__doc__.splitlines()[0])
    parser.add_argument("--screenshot", type=Path, help="also save the answered page, citation open, as a PNG")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # seeds/ and its default index, as `./setup.sh` serves them: the benchmark only asks, it never edits.
    assistant = Assistant.from_folder(SEEDS)
    app, url = start_app(assistant, assistant.settings)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1360, "height": 1000})
            external = track_external(page)
            open_page(page, url)
            print(f"{'question (seconds from Enter, as the browser shows it)':<62} first words   finished")
            cold = ("(cold: model loads) " + QUESTIONS[0], QUESTIONS[0])
            for label, question in [cold, *((q, q) for q in QUESTIONS)]:
                new_chat(page)  # each question in a fresh conversation: no follow-up rewriting
                seen = ask(page, question)
                print(f"{label:<62} {seen.first_text:>11.2f} {seen.total:>10.2f}")
            if args.screenshot:
                new_chat(page)
                ask(page, QUESTIONS[0])
                open_citation(page, 1)
                page.locator("#question textarea").blur()
                args.screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.screenshot))
            browser.close()
        if external:
            sys.exit(f"the page fetched from off this machine: {external}")
    finally:
        app.close()


if __name__ == "__main__":
    main()
