"""The retrieval part of the evaluation, with floors within 0.05 of what was measured (0.821/0.923/0.949/0.873)."""

from __future__ import annotations

from pathlib import Path

from eval.dataset import load_conversations, load_pairs
from eval.metrics import correct
from eval.run import evaluate_retrieval, write_outputs
from qa import Assistant

FLOORS = {"hit@1": 0.77, "hit@3": 0.87, "hit@5": 0.90, "mrr": 0.82}


def test_reference_set_is_well_formed(assistant: Assistant) -> None:
    pairs = load_pairs()
    assert len(pairs) >= 60 and sum(not p.answerable for p in pairs) >= 12
    for pair in pairs:
        if pair.answerable:
            text = assistant.article(pair.article_id).text
            assert text[pair.span["start"] : pair.span["end"]] == pair.span["text"], pair.id
            assert correct(pair, pair.span["text"]), pair.id
    assert len(load_conversations()) >= 8


def test_retrieval_does_not_regress(assistant: Assistant, tmp_path: Path) -> None:
    result = evaluate_retrieval(assistant, load_pairs())
    write_outputs(tmp_path, {"pipeline": result}, "retrieval")
    assert (tmp_path / "report.md").read_text().count("| hit@") == 3
    summary = result.summary
    for metric, floor in FLOORS.items():
        assert summary[metric] >= floor, f"{metric} fell to {summary[metric]} (floor {floor})"
