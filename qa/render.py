"""Terminal rendering of a streamed answer: text as it arrives, then the cited passages."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator

from qa.answer import Answer, Event, Final, Status, Text


def print_answer_stream(events: Iterator[Event]) -> Answer:
    answer: Answer | None = None
    status_showing = False
    for event in events:
        if isinstance(event, Status):
            print(f"\r\033[K{event.message}", end="", file=sys.stderr, flush=True)
            status_showing = True
        elif isinstance(event, Text):
            if status_showing:
                print("\r\033[K", end="", file=sys.stderr, flush=True)
                status_showing = False
            print(event.piece, end="", flush=True)
        elif isinstance(event, Final):
            answer = event.answer
    assert answer is not None
    print()
    if answer.extractive:
        print("(quoted from the article)")
    shown = answer.citations if not answer.abstained else answer.sources[:3]
    if shown:
        print("\nClosest passages:" if answer.abstained else "\nSources:")
    for number, c in enumerate(shown, start=1):
        label = f"[{number}]" if not answer.abstained else "-"
        print(f"{label} {c.title} ({c.article_id}, chars {c.start}-{c.end}, score {c.score:.2f})")
        print(textwrap.indent(textwrap.fill(c.text, 96), "    "))
    return answer
