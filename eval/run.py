"""`qa eval`: run the real pipeline on the reference set; write a table, JSON, a Markdown report and a chart."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from tqdm import tqdm

from eval.dataset import Pair, load_conversations, load_pairs
from eval.metrics import first_hit_rank, score, summarize
from qa.answer import Answer, Citation
from qa.assistant import Assistant


def evaluate(
    assistant: Assistant, pairs: list[Pair], conversations: list[tuple[str, list[Pair]]], only_retrieval: bool = False
) -> tuple[list[dict], list[dict], dict]:
    texts = {a.id: a.text for a in assistant.articles()}
    rows: list[dict] = []
    turns: list[dict] = []
    total = len(pairs) + (0 if only_retrieval else sum(len(t) for _, t in conversations))
    with tqdm(total=total, desc="Evaluating", unit="q", file=sys.stderr) as bar:
        for pair in pairs:
            if only_retrieval:
                sources = assistant.search(pair.question)
                rows.append(_retrieval_row(pair, sources))
            else:
                rows.append(score(pair, assistant.ask(pair.question), texts))
            bar.update()
        if not only_retrieval:
            for conversation_id, conversation_turns in conversations:
                chat = assistant.chat()
                for number, turn in enumerate(conversation_turns, start=1):
                    answer: Answer = chat.ask(turn.question)
                    turns.append(score(turn, answer, texts) | {"conversation": conversation_id, "turn": number})
                    bar.update()
    summary = summarize(rows, [t for t in turns if t["turn"] > 1])
    if only_retrieval:
        summary = {k: v for k, v in summary.items() if k.startswith("hit@") or k == "mrr"}
    return rows, turns, summary


def _retrieval_row(pair: Pair, sources: list[Citation]) -> dict:
    return {
        "id": pair.id,
        "question": pair.question,
        "kind": pair.kind,
        "abstained": False,
        "correct": False,
        "hit_rank": first_hit_rank(pair, sources) if pair.answerable else None,
        "citation_ok": False,
        "unsupported": [],
        "words": 0,
        "extractive": False,
        "first_text": None,
        "total": None,
    }


def write_outputs(out: Path, rows: list[dict], turns: list[dict], summary: dict, label: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(
        json.dumps({"label": label, "summary": summary, "questions": rows, "conversation_turns": turns}, indent=1),
        encoding="utf-8",
    )
    chart = _chart(out, rows, summary)
    lines = [
        f"# Evaluation: {label}",
        "",
        f"{len(rows)} questions, {len(turns)} conversation turns.",
        "",
        "| metric | value |",
        "| --- | --- |",
    ]
    lines += [f"| {k} | {v} |" for k, v in summary.items()]
    if chart:
        lines += ["", f"![metrics]({chart.name})"]
    wrong = [r for r in rows if r["kind"] != "unanswerable" and not r["correct"] and r["first_text"] is not None]
    if wrong:
        lines += ["", "## Answerable questions answered wrongly", ""]
        lines += [f"- **{r['id']}** {r['question']} -> {r['answer']}" for r in wrong]
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _chart(out: Path, rows: list[dict], summary: dict) -> Path | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shares = {k: v for k, v in summary.items() if isinstance(v, float) and 0 <= v <= 1 and "(s)" not in k}
    latencies = [r["total"] for r in rows if r["total"] is not None]
    fig, axes = plt.subplots(1, 2 if latencies else 1, figsize=(12 if latencies else 7, 4.5), squeeze=False)
    ax = axes[0][0]
    ax.barh(list(shares), list(shares.values()), color="#3b6ea8")
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_title("Metrics (share)")
    for i, v in enumerate(shares.values()):
        ax.text(min(v + 0.01, 0.9), i, f"{v:.2f}", va="center")
    if latencies:
        firsts = [r["first_text"] for r in rows if r["first_text"] is not None]
        axes[0][1].hist([firsts, latencies], bins=20, label=["first text", "total"], color=["#e39c37", "#3b6ea8"])
        axes[0][1].set_title("Latency (s)")
        axes[0][1].legend()
    fig.tight_layout()
    path = out / "metrics.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def print_table(summary: dict) -> None:
    width = max(len(k) for k in summary)
    for key, value in summary.items():
        print(f"{key:<{width}}  {value}")


def main(
    assistant: Assistant,
    qa_file: Path | None,
    conversations_file: Path | None,
    limit: int | None,
    only_retrieval: bool,
    out: Path | None,
) -> int:
    pairs = load_pairs(qa_file) if qa_file else load_pairs()
    conversations = load_conversations(conversations_file) if conversations_file else load_conversations()
    if limit:
        pairs, conversations = pairs[:limit], conversations[: max(1, limit // 8)]
    rows, turns, summary = evaluate(assistant, pairs, conversations, only_retrieval)
    label = f"{assistant.settings.model} on {assistant.folder.name}" + (" (retrieval only)" if only_retrieval else "")
    out = out or Path("eval/results") / time.strftime("%Y%m%d-%H%M%S")
    write_outputs(out, rows, turns, summary, label)
    print_table(summary)
    print(f"\nReport: {out / 'report.md'}  (per-question results: {out / 'results.json'})")
    return 0
