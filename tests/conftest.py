"""Session fixtures: the real embedder, Chroma store and llama.cpp model, each built once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from qa import Assistant

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed articles in a scratch folder, so tests never touch the project's own index."""
    folder = tmp_path_factory.mktemp("corpus") / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


@pytest.fixture(scope="session")
def assistant(seed_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """One assistant over the seeds for every read-only test of the session."""
    return Assistant.from_folder(seed_copy, index_dir=tmp_path_factory.mktemp("index"))


@pytest.fixture()
def scratch_corpus(tmp_path: Path) -> Path:
    """A private copy of the seeds that a test may edit, with its own index folder beside it."""
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    return folder
