"""The model setting pointed at an OpenAI-compatible server: llama.cpp's own server on a loopback port.

The same checks run whatever the model: the answer must still be verified, cited and abstain when it should.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa import Assistant, LLMError
from qa.llm import bundled_gguf

from .servers import free_port, running


@pytest.fixture(scope="module")
def server_url() -> Iterator[str]:
    port = free_port()
    command = [
        sys.executable,
        *("-m", "llama_cpp.server", "--model", str(bundled_gguf())),
        *("--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"),
    ]
    url = f"http://127.0.0.1:{port}/v1"
    with running(command, url + "/models"):
        yield url


@pytest.fixture(scope="module")
def served_assistant(assistant: Assistant, server_url: str) -> Assistant:
    """The session's corpus and index, answered by the server instead of the in-process model."""
    return Assistant.from_folder(
        assistant.folder, index_dir=assistant.settings.resolved_index_dir(), model=server_url, model_name="smollm2"
    )


def test_answers_through_the_server_with_checks_on(served_assistant: Assistant) -> None:
    answer = served_assistant.ask("Which prison was Sergei Beseda sent to?")
    assert not answer.abstained and "Lefortovo" in answer.text
    assert answer.citations
    for citation in answer.citations:
        assert served_assistant.article(citation.article_id).text[citation.start : citation.end] == citation.text
    assert served_assistant.ask("How old is Andrei Soldatov?").abstained


def test_follow_up_through_the_server(served_assistant: Assistant) -> None:
    chat = served_assistant.chat()
    chat.ask("Where was Maria Butina born?")
    answer = chat.ask("And in which year?")
    assert "Butina" in answer.searched and "1988" in answer.text


def test_unreachable_server_is_named(assistant: Assistant, tmp_path: Path) -> None:
    offline = Assistant.from_folder(
        assistant.folder, index_dir=assistant.settings.resolved_index_dir(), model=f"http://127.0.0.1:{free_port()}"
    )
    with pytest.raises(LLMError, match=r"cannot reach the model server at http://127\.0\.0\.1"):
        offline.ask("Which prison was Sergei Beseda sent to?")
