"""The int8 ONNX embedder: a real export, close to torch on the seed passages, honest about truncation."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from index.embed import Embedder, open_embedder, shared_embedder
from index.onnx_embed import MEAN_COSINE, MIN_COSINE, RECORD, REFERENCE, OnnxEmbedder, UntrustedExport, reference_texts


@pytest.fixture(scope="session")
def int8(tmp_path_factory: pytest.TempPathFactory) -> OnnxEmbedder:
    """One export per session into a scratch cache, so the test covers export, quantisation and the trust check."""
    return OnnxEmbedder(cache_root=tmp_path_factory.mktemp("onnx-cache"))


def test_int8_vectors_match_torch_on_seed_passages(int8: OnnxEmbedder) -> None:
    # Index-sized and long passages, mixed so each batch holds texts of different lengths.
    texts = reference_texts(words=45) + reference_texts(words=150)
    vectors = int8.encode(texts)
    reference = shared_embedder().encode(texts)
    assert vectors.dtype == np.float32 and vectors.shape == reference.shape
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = (vectors * reference).sum(axis=1)
    assert cosines.min() > MIN_COSINE and cosines.mean() > MEAN_COSINE


def test_token_counts_flag_a_passage_that_would_be_truncated(int8: OnnxEmbedder) -> None:
    texts = ["Sergei Beseda was sent to Lefortovo prison.", " ".join(["word"] * 300)]
    counts = int8.token_counts(texts)
    assert counts[0] < 20 and counts[1] == 302  # 300 word pieces plus [CLS] and [SEP]
    assert int8.max_seq_length == 256 and counts[1] > int8.max_seq_length
    assert shared_embedder().token_counts(texts) == counts
    assert int8.token_counts([]) == [] and int8.encode([]).shape == (0, 384)
    long_vector = int8.encode(texts[1:])[0]
    assert float(long_vector @ shared_embedder().encode(texts[1:])[0]) > MIN_COSINE  # both cut at 256


def test_the_export_is_cached_whole_and_reused(int8: OnnxEmbedder) -> None:
    assert [p.name for p in int8.folder.parent.iterdir()] == [int8.folder.name]  # no scratch folder left
    assert sorted(p.name for p in int8.folder.iterdir()) == sorted([RECORD, REFERENCE, "model.int8.onnx"])
    written = (int8.folder / RECORD).stat().st_mtime_ns
    again = OnnxEmbedder(cache_root=int8.folder.parent)
    assert again.folder == int8.folder and (int8.folder / RECORD).stat().st_mtime_ns == written
    assert again.name == int8.name != shared_embedder().name


def test_an_export_that_strays_from_torch_is_not_used(
    int8: OnnxEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same export, checked against the wrong reference vectors (each text paired with another's).
    copy = tmp_path / "qa-news" / "onnx" / int8.folder.name
    shutil.copytree(int8.folder, copy)
    with np.load(copy / REFERENCE) as reference:
        np.savez(copy / REFERENCE, texts=reference["texts"], vectors=np.roll(reference["vectors"], 1, axis=0))
    with pytest.raises(UntrustedExport, match="lowest cosine"):
        OnnxEmbedder(cache_root=copy.parent)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.warns(RuntimeWarning, match="using the torch embedder"):
        fallback = open_embedder("onnx-int8")
    assert isinstance(fallback, Embedder)


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="onnx-int8"):
        open_embedder("onnx-fp16")
