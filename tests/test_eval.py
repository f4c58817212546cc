"""The retrieval part of the evaluation, with floors within 0.05 of what was measured (0.846/0.949/0.987/0.903)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.baselines import ExtractiveBaseline, NaiveLlamaIndex
from eval.dataset import DATA, load_conversations, load_pairs
from eval.metrics import correct
from eval.run import evaluate, evaluate_retrieval, write_outputs
from index.embed import shared_embedder
from qa import Assistant
from qa.llm import bundled_gguf

FLOORS = {"hit@1": 0.80, "hit@3": 0.90, "hit@5": 0.94, "mrr": 0.86}


@pytest.mark.parametrize(
    ("pairs_file", "conversations_file", "least"),
    [
        ("qa_pairs.jsonl", "conversations.jsonl", (90, 18, 12)),
        ("extra_pairs.jsonl", "extra_conversations.jsonl", (43, 12, 6)),
    ],
)
def test_reference_sets_are_well_formed(
    assistant: Assistant, pairs_file: str, conversations_file: str, least: tuple[int, int, int]
) -> None:
    pairs = load_pairs(DATA / pairs_file)
    conversations = load_conversations(DATA / conversations_file)
    assert len(pairs) >= least[0] and sum(not p.answerable for p in pairs) >= least[1]
    for pair in pairs + [t for _, turns in conversations for t in turns]:
        if pair.answerable:
            text = assistant.article(pair.article_id).text
            assert text[pair.span["start"] : pair.span["end"]] == pair.span["text"], pair.id
            assert correct(pair, pair.span["text"]), pair.id
    assert len(conversations) >= least[2]


def test_retrieval_does_not_regress(assistant: Assistant, tmp_path: Path) -> None:
    result = evaluate_retrieval(assistant, load_pairs())
    write_outputs(tmp_path, {"pipeline": result}, "retrieval")
    assert (tmp_path / "report.md").read_text().count("| hit@") == 3
    summary = result.summary
    for metric, floor in FLOORS.items():
        assert summary[metric] >= floor, f"{metric} fell to {summary[metric]} (floor {floor})"


def test_baselines_answer_the_same_questions(assistant: Assistant, tmp_path: Path) -> None:
    """Both baselines of `qa eval --baseline`, on a few questions: real LlamaIndex, real LlamaCPP, real MiniLM."""
    pairs = load_pairs()[:3] + [p for p in load_pairs() if not p.answerable][:1]
    conversations = load_conversations()[:1]
    texts = {a.id: a.text for a in assistant.articles()}
    results = {}
    for system in (
        ExtractiveBaseline(assistant.articles(), shared_embedder()),
        NaiveLlamaIndex(assistant.articles(), bundled_gguf()),
    ):
        results[system.name] = evaluate(system, texts, pairs, conversations)
    extractive = results["extractive (no model)"]
    for row in extractive.rows[:3]:
        assert row["extractive"] and row["citation_ok"] == row["correct"] and row["unsupported"] == []
    naive = results["naive LlamaIndex"]
    assert all(r["answer"] for r in naive.rows) and all(r["total"] > 0 for r in naive.rows)
    assert len(naive.turns) == len(conversations[0][1])
    write_outputs(tmp_path, results, "baselines")
    report = (tmp_path / "report.md").read_text()
    assert "| metric | extractive (no model) | naive LlamaIndex |" in report
    assert (tmp_path / "metrics.png").stat().st_size > 10_000
