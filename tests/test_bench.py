"""`qa bench --quick` produces every figure with sane values. No timing thresholds: speed targets live in the
bench's printed figures, never in tests (this machine is shared and noisy)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.bench import QUICK, write_corpus
from qa.cli import main


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    """One quick run through the real command, shared by the tests below (a minute and a half on a quiet machine)."""
    out = tmp_path_factory.mktemp("bench")
    assert main(["bench", "--quick", "--out", str(out)]) == 0
    return json.loads((out / "bench.json").read_text(encoding="utf-8")), out


def test_indexing_figures(bench: tuple[dict, Path]) -> None:
    results, _ = bench
    ix = results["indexing"]
    assert ix["articles"] == QUICK.articles and ix["passages"] > ix["articles"]
    assert ix["passages_per_s"] > 0 and ix["articles_per_s"] > 0
    assert 0 < ix["warm_seconds"] < ix["cold_seconds"] and ix["warm_cli_seconds"] > 0
    assert ix["warm_unchanged"] and ix["warm_cli_unchanged"]  # a warm run re-embeds nothing, in-process or CLI
    assert ix["peak_rss_mb"] > 100
    # Every stage took time, and together no more than the whole cold run.
    stages = ix["cold_stages"]
    assert set(stages) == {"reading", "analysis", "embedding", "storing"} and min(stages.values()) > 0
    assert sum(stages.values()) <= ix["cold_seconds"]
    assert ix["passages_per_s_without_analysis"] > ix["passages_per_s"]


def test_embedding_ratios_and_truncation(bench: tuple[dict, Path]) -> None:
    results, _ = bench
    em, tr = results["embedding"], results["truncation"]
    assert 0 < em["sample"] <= results["indexing"]["passages"]
    assert em["torch_per_s"] > 0 and 0 < em["pipeline_over_torch"] < em["pipeline_without_analysis_over_torch"]
    # The int8 figures are there when its export is trusted; otherwise the note says why not.
    assert (em["int8_per_s"] > 0 and em["int8_over_torch"] > 0) if em["int8_per_s"] else em["int8_note"]
    assert tr["texts"] == results["indexing"]["passages"] and 0 <= tr["truncated"] <= tr["texts"]
    assert tr["limit"] == 256 and tr["longest_word_pieces"] > 0


def test_retrieval_startup_and_answering(bench: tuple[dict, Path]) -> None:
    results, out = bench
    assert [row["passages"] for row in results["retrieval"]] == [1_000, 10_000]
    for row in results["retrieval"]:
        assert row["questions"] >= 40 and 0 < row["p50_ms"] <= row["p95_ms"]
    st = results["startup"]
    assert st["ready_seconds"] > 0 and st["first_answer_seconds"] > 0 and st["serving_peak_rss_mb"] > 100
    assert 0 < st["first_text_p50_seconds"] <= st["first_text_p95_seconds"]
    assert 0 < st["total_p50_seconds"] <= st["total_p95_seconds"]
    an = results["answering"]
    assert an["model_answers"] >= 1, an
    assert 0 < an["llm_sentence_p50_seconds"] < an["first_text_p50_seconds"]
    assert an["overhead_p50_seconds"] <= an["overhead_p95_seconds"] and an["prompt_tokens_p50"] > 20
    if an["first_attempt_answers"]:
        assert 0 <= an["first_attempt_overhead_p50_seconds"] <= an["first_attempt_overhead_p95_seconds"]
    assert (out / "bench.png").stat().st_size > 10_000


def test_generated_corpus_is_deterministic_news(tmp_path: Path) -> None:
    """Same seed, same files; each reads like news to the cleaner: a headline, a date line, paragraphs."""
    questions = write_corpus(tmp_path / "a", 3)
    assert questions == write_corpus(tmp_path / "b", 3)
    first = (tmp_path / "a" / "news-00000.txt").read_text(encoding="utf-8")
    assert first == (tmp_path / "b" / "news-00000.txt").read_text(encoding="utf-8")
    headline, date, *paragraphs = first.splitlines()
    assert not headline.endswith(".") and date.startswith("Published: ")
    assert 5_000 <= len(first) <= 7_500 and len(paragraphs) > 5
    assert all(q.endswith("?") for q in questions)
