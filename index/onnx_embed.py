"""All-MiniLM-L6-v2 through ONNX Runtime with int8 weights: close to the torch vectors, about 2.5x as fast.

Indexing time is nearly all MiniLM encoding (issue #11). The transformer is exported once per model folder
(torch.onnx.export), its layers fused into ONNX Runtime's BERT kernels (one Attention node per layer instead of
some twenty small ones), its weights quantized to int8 (onnxruntime's dynamic quantization), and cached under
$XDG_CACHE_HOME/qa-news/onnx/<key>/, built in a temporary folder and renamed into place, so a crash never leaves
a half-written model there. Mean pooling and L2 normalisation follow the sentence-transformers model card.

Trust: the export records the torch vectors of the seed articles cut into 40-word chunks. Every load encodes
those chunks with the int8 model on this machine's kernels and needs a mean cosine above MEAN_COSINE and none
below MIN_COSINE, or raises UntrustedExport (`index.embed.open_embedder` then falls back to torch with a
warning). Checking at load as well as after export costs a fraction of a second and catches a cache carried to
a CPU whose int8 kernels differ (with or without AVX-512 VNNI or AMX).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
import warnings
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.embed import Embedder, bundled_model_dir, model_name

if TYPE_CHECKING:
    import onnxruntime
    import tokenizers

EXPORT_RECIPE = 4  # bump when the export or quantisation steps change, so every cache re-exports
MEAN_COSINE = 0.99
# The floor for any one passage. Int8 rounding costs a few passages in a hundred more than the mean: on 800
# newsbench passages the lowest cosine was 0.984 unfused and 0.986 fused, at the same mean (0.9935), while
# kernels that go wrong give cosines far below (0.49 on average for vectors of the neighbouring texts).
MIN_COSINE = 0.98
REFERENCE_WORDS = 40
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
INT8_MODEL = "model.int8.onnx"
REFERENCE = "reference.npz"  # the reference texts and their torch vectors
RECORD = "export.json"  # what was exported, from what, how long it took and how close it came to torch


class UntrustedExport(RuntimeError):
    """The int8 model's vectors strayed from the torch ones; the message gives the figures and the folder."""


def onnx_cache_root() -> Path:
    """Where exports live: the user's cache folder, beside the indexes."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "qa-news" / "onnx"


def export_key(model_dir: Path) -> str:
    """A digest of the model folder's files and of the tools that export it: any change means a new export."""
    digest = hashlib.sha256(f"{EXPORT_RECIPE} torch {version('torch')} ort {version('onnxruntime')}".encode())
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        digest.update(path.relative_to(model_dir).as_posix().encode() + b"\0")
        with path.open("rb") as file:
            digest.update(hashlib.file_digest(file, "sha256").digest())
    return digest.hexdigest()[:16]


def max_seq_length(model_dir: Path) -> int:
    """The word-piece limit sentence-transformers applies (256 here), not the tokenizer's 512."""
    return int(json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))["max_seq_length"])


def reference_texts(folder: Path = SEEDS, words: int = REFERENCE_WORDS) -> list[str]:
    """The seed articles in chunks of about the length the index embeds: real news prose to compare on."""
    texts = []
    for path in sorted(folder.glob("*.txt")):
        tokens = path.read_text(encoding="utf-8").split()
        texts += [" ".join(tokens[i : i + words]) for i in range(0, len(tokens), words)]
    if not texts:
        raise RuntimeError(f"no reference articles in {folder} to check an ONNX export against")
    return texts


def export_onnx(model_dir: Path, path: Path) -> None:
    """Write the fp32 transformer (token vectors out; pooling is done in numpy) with dynamic batch and length."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    class LastHiddenState(torch.nn.Module):
        """The model with one output, so the unused pooler head is not exported."""

        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
        ) -> torch.Tensor:
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    # Eager attention traces to the MatMul/Softmax pattern that ONNX Runtime's BERT fusion recognises.
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    # Traced on a batch with padding: tracing reads Python-side branches once, and a batch without padding
    # could take a branch that drops the attention mask.
    example = tokenizer(["A short one.", "A longer sentence, so that this batch holds padding."], padding=True)
    args = tuple(torch.tensor(example[name]) for name in INPUTS)
    axes = {0: "batch", 1: "sequence"}
    with torch.no_grad(), warnings.catch_warnings():
        # The TorchScript exporter's deprecation and tracer notes; the trust check judges the result instead.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHiddenState(model),
            args,
            str(path),
            dynamo=False,  # the dynamo exporter needs onnxscript; this one needs nothing more
            input_names=list(INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes={name: axes for name in (*INPUTS, "last_hidden_state")},
            opset_version=17,
        )


def fuse_bert(model_dir: Path, path: Path, fused_path: Path) -> None:
    """Replace each layer's attention, layer norms and GELU by ONNX Runtime's fused BERT operators.

    Measured on newsbench passages run one at a time: int8 fused runs 1.2-1.3x as many passages per second as
    int8 unfused, at the same mean cosine to torch."""
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    fused = optimize_model(
        str(path),
        model_type="bert",
        num_heads=config["num_attention_heads"],
        hidden_size=config["hidden_size"],
        opt_level=0,  # only the fusions; the session applies its own graph optimisations when it loads
    )
    if not fused.get_fused_operator_statistics().get("Attention"):
        # An exporter that traces attention another way leaves the graph as it was: slower, still right.
        warnings.warn(
            f"ONNX Runtime fused no attention layer of {model_dir}; the int8 model runs unfused", stacklevel=2
        )
    fused.save_model_to_file(str(fused_path))


def quantize_int8(fp32_path: Path, int8_path: Path) -> None:
    """Int8 weights with one scale per output channel; activations are quantized per run, so no calibration.

    One scale per weight matrix (the default) is not enough for this model: on the seed chunks of the unfused
    graph its lowest cosine to torch is 0.941; per channel it is 0.992 (7-bit weights, `reduce_range`, 0.804;
    uint8 weights 0.965). Fused, per channel, 0.988 (mean 0.994).
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        fp32_path,
        int8_path,
        per_channel=True,
        weight_type=QuantType.QInt8,
        # Shape inference does not know the fused operators' outputs; they are float like the rest.
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


def open_session(path: Path) -> onnxruntime.InferenceSession:
    """One session using every core for each run; runs (and the graph's nodes) go one after another."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def word_pieces(model_dir: Path, limit: int | None) -> tokenizers.Tokenizer:
    """The model's own tokenizer (its tokenizer.json, with [CLS] and [SEP]), unpadded, truncated at `limit`.
    The `tokenizers` library loads it in milliseconds; transformers, only to wrap it, takes 1.8 s to import."""
    import tokenizers

    tokenizer = tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()
    if limit is None:
        tokenizer.no_truncation()
    else:
        tokenizer.enable_truncation(max_length=limit)
    return tokenizer


def mean_pool_normalise(token_vectors: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """The model card's sentence vector: the mean of the unpadded token vectors, scaled to unit length."""
    weights = attention_mask[..., None].astype(np.float32)
    pooled = (token_vectors * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


class OnnxEmbedder:
    """The int8 ONNX backend, with the interface of `index.embed.Embedder`."""

    def __init__(self, model_dir: Path | None = None, cache_root: Path | None = None) -> None:
        self.model_dir = model_dir or bundled_model_dir()
        self.folder = (cache_root or onnx_cache_root()) / export_key(self.model_dir)
        # The export's key (recipe, torch and onnxruntime versions, model files): new vectors, new fingerprint.
        self.name = f"{model_name(self.model_dir)}+onnx-int8-{self.folder.name}"
        self.max_seq_length = max_seq_length(self.model_dir)
        self._tokenizer = word_pieces(self.model_dir, self.max_seq_length)
        self._counter = word_pieces(self.model_dir, None)
        if not (self.folder / RECORD).is_file():
            self._export()
        self._session = open_session(self.folder / INT8_MODEL)
        self.min_cosine, self.mean_cosine = self._check()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """L2-normalised float32 rows in input order, one run per text.

        `batch_size` is taken for Embedder's interface and not used. Int8 activations get one scale per run, so
        in a padded batch a text's vector would depend on its batch-mates (cosine down to 0.989 to the same text
        run alone). Alone, a text needs no padding and comes closer to torch, and on 2 cores the runs are as
        fast as batches of 32 while using about a fifth less CPU time.
        """
        dimension = self._session.get_outputs()[0].shape[-1]
        if not texts:
            return np.empty((0, dimension), dtype=np.float32)
        pieces = [encoding.ids for encoding in self._tokenizer.encode_batch(list(texts))]
        vectors = np.empty((len(pieces), dimension), dtype=np.float32)
        for row, ids in enumerate(pieces):
            input_ids = np.array([ids], dtype=np.int64)
            attention_mask = np.ones_like(input_ids)
            feed = {
                "input_ids": input_ids,
                "attention_mask": attention_mask,
                "token_type_ids": np.zeros_like(input_ids),
            }
            (token_vectors,) = self._session.run(None, feed)
            vectors[row] = mean_pool_normalise(token_vectors, attention_mask)[0]
        return vectors

    def token_counts(self, texts: list[str]) -> list[int]:
        """Word pieces per text; a count above `max_seq_length` means the text is truncated when embedded."""
        return [len(encoding.ids) for encoding in self._counter.encode_batch(list(texts))]

    def _export(self) -> None:
        """Export, quantize and record the torch reference vectors in a scratch folder, then rename it into place."""
        started = time.perf_counter()
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{self.folder.name}-", dir=self.folder.parent))
        try:
            export_onnx(self.model_dir, scratch / "model.onnx")
            fuse_bert(self.model_dir, scratch / "model.onnx", scratch / "fused.onnx")
            quantize_int8(scratch / "fused.onnx", scratch / INT8_MODEL)
            for fp32 in ("model.onnx", "fused.onnx"):
                (scratch / fp32).unlink()  # 90 MB each that nothing loads
            texts = reference_texts()
            torch_vectors = Embedder(self.model_dir).encode(texts)
            np.savez(scratch / REFERENCE, texts=np.array(texts), vectors=torch_vectors)
            self._session = open_session(scratch / INT8_MODEL)
            cosines = self._reference_cosines(scratch)
            record = {
                "model_dir": str(self.model_dir),
                "recipe": EXPORT_RECIPE,
                "torch": version("torch"),
                "onnxruntime": version("onnxruntime"),
                "seconds": round(time.perf_counter() - started, 1),
                "reference_texts": len(texts),
                "min_cosine": float(cosines.min()),
                "mean_cosine": float(cosines.mean()),
            }
            (scratch / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
            try:
                scratch.rename(self.folder)
            except OSError:
                if not (self.folder / RECORD).is_file():  # not a concurrent export that finished first
                    raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _reference_cosines(self, folder: Path) -> np.ndarray:
        """Cosine of this session's vector to the recorded torch vector, per reference text."""
        with np.load(folder / REFERENCE) as reference:
            texts, torch_vectors = [str(t) for t in reference["texts"]], reference["vectors"]
        return (self.encode(texts) * torch_vectors).sum(axis=1)

    def _check(self) -> tuple[float, float]:
        """Min and mean cosine to the recorded torch vectors, here and now; raises below MIN_COSINE or MEAN_COSINE."""
        cosines = self._reference_cosines(self.folder)
        cosines = np.nan_to_num(cosines, nan=-1.0)
        lowest, mean = float(cosines.min()), float(cosines.mean())
        if not (lowest > MIN_COSINE and mean > MEAN_COSINE):
            raise UntrustedExport(
                f"the int8 ONNX embedder in {self.folder} gives vectors too far from torch's on {len(cosines)} "
                f"reference passages (lowest cosine {lowest:.4f}, mean {mean:.4f}; "
                f"needs > {MIN_COSINE}, and a mean > {MEAN_COSINE})"
            )
        return lowest, mean
