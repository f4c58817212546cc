"""Settings: defaults, then `qa.toml`, then `QA_*` environment variables, then command-line flags."""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from index.embed import BACKENDS

BUNDLED = "bundled"


class SettingsError(Exception):
    """A setting has a value that cannot work; the message names it."""


@dataclass(frozen=True)
class Settings:
    corpus: Path = Path("seeds")  # QA_CORPUS: the articles folder
    index_dir: Path | None = None  # QA_INDEX_DIR: default derived from the corpus path
    chroma_url: str | None = None  # QA_CHROMA_URL: a `chroma run` server instead of the embedded store
    model: str = BUNDLED  # QA_MODEL: "bundled", a .gguf path, or an OpenAI-compatible URL
    model_name: str = "default"  # QA_MODEL_NAME: model name sent to a server
    api_key: str | None = None  # QA_API_KEY: bearer token for a server
    context_tokens: int = 2048  # QA_CONTEXT_TOKENS: llama.cpp context (its own default is 512)
    threads: int = max(1, os.cpu_count() or 1)  # QA_THREADS: llama.cpp threads (its own default is 1 here)
    top_k: int = 5  # QA_TOP_K: passages retrieved per question
    passage_words: int = 45  # QA_PASSAGE_WORDS: longest passage, in words
    embedder: str = "onnx-int8"  # QA_EMBEDDER: "onnx-int8" (MiniLM exported to int8 ONNX) or "torch"
    max_answer_tokens: int = 80  # QA_MAX_ANSWER_TOKENS
    host: str = "127.0.0.1"  # QA_HOST: chat page address
    port: int = 7860  # QA_PORT
    auth: str | None = None  # QA_AUTH: "user:password" for the chat page and its API

    def resolved_index_dir(self) -> Path:
        """The index folder: the setting, or one per corpus under the user's cache folder."""
        if self.index_dir:
            return self.index_dir.expanduser().resolve()
        corpus = self.corpus.expanduser().resolve()
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        digest = hashlib.sha1(str(corpus).encode()).hexdigest()[:10]
        return cache / "qa-news" / f"{corpus.name}-{digest}"


def load_settings(overrides: dict[str, Any] | None = None, config_file: Path | None = None) -> Settings:
    """Merge the sources in order; later ones win. `None` overrides are ignored."""
    settings = Settings()
    path = config_file or Path(os.environ.get("QA_CONFIG", "qa.toml"))
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{path}: not valid TOML ({exc})") from None
        settings = _apply(settings, data, str(path))
    env = {f.name: os.environ[f"QA_{f.name.upper()}"] for f in fields(Settings) if f"QA_{f.name.upper()}" in os.environ}
    settings = _apply(settings, env, "environment")
    return _apply(settings, {k: v for k, v in (overrides or {}).items() if v is not None}, "command line")


def _apply(settings: Settings, values: dict[str, Any], source: str) -> Settings:
    known = {f.name: f for f in fields(Settings)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise SettingsError(f"{source}: unknown setting {key!r}; known: {', '.join(known)}")
        changes[key] = _convert(key, value, getattr(Settings(), key), source)
    return replace(settings, **changes)


def _convert(key: str, value: Any, default: Any, source: str) -> Any:
    if key in ("corpus", "index_dir"):
        return Path(str(value)).expanduser()
    if isinstance(default, int):
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{source}: setting {key} must be a whole number, got {value!r}") from None
        if number <= 0:
            raise SettingsError(f"{source}: setting {key} must be positive, got {number}")
        return number
    if key == "embedder" and value not in BACKENDS:
        raise SettingsError(f"{source}: setting embedder must be one of {', '.join(BACKENDS)}, got {value!r}")
    return None if value == "" else str(value)
