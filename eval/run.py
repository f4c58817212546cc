"""`qa eval`: run the real pipeline on the reference set; write a table, JSON, a Markdown report and a chart."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from tqdm import tqdm

from eval.baselines import CACHE_VERSION, CachedBaseline, ExtractiveBaseline, NaiveLlamaIndex
from eval.dataset import Pair, load_conversations, load_pairs
from eval.metrics import first_hit_rank, score, summarize
from index.articles import Article
from index.embed import shared_embedder
from qa.answer import Answer, Citation
from qa.assistant import Assistant
from qa.llm import bundled_gguf, is_server, local_gguf

PIPELINE = "pipeline"
COLOURS = ["#3b6ea8", "#e39c37", "#7a9e58", "#9b59b6"]


class System(Protocol):
    """Anything answered the way `Assistant` answers: the pipeline, or a baseline."""

    name: str

    def ask(self, question: str) -> Answer: ...

    def chat(self) -> Any: ...


@dataclass
class Result:
    rows: list[dict]
    turns: list[dict]
    summary: dict


def evaluate(
    system: System,
    text_of: Callable[[str], str],
    pairs: list[Pair],
    conversations: list[tuple[str, list[Pair]]],
) -> Result:
    """Every pair asked alone, then every conversation turn by turn in one chat; `text_of` checks citation offsets."""
    rows: list[dict] = []
    turns: list[dict] = []
    total = len(pairs) + sum(len(t) for _, t in conversations)
    with tqdm(total=total, desc=system.name, unit="q", file=sys.stderr) as bar:
        for pair in pairs:
            rows.append(score(pair, system.ask(pair.question), text_of))
            bar.update()
        for conversation_id, conversation_turns in conversations:
            chat = system.chat()
            for number, turn in enumerate(conversation_turns, start=1):
                answer: Answer = chat.ask(turn.question)
                turns.append(score(turn, answer, text_of) | {"conversation": conversation_id, "turn": number})
                bar.update()
    return Result(rows, turns, summarize(rows, [t for t in turns if t["turn"] > 1]))


def evaluate_retrieval(assistant: Assistant, pairs: list[Pair]) -> Result:
    """Retrieval only: no model, seconds for the whole set, so it runs in the test suite."""
    bar = tqdm(pairs, desc="retrieval", unit="q", file=sys.stderr)
    rows = [_retrieval_row(pair, assistant.search(pair.question)) for pair in bar]
    summary = {k: v for k, v in summarize(rows, []).items() if k.startswith("hit@") or k == "mrr"}
    return Result(rows, [], summary)


def _retrieval_row(pair: Pair, sources: list[Citation]) -> dict:
    return {
        "id": pair.id,
        "question": pair.question,
        "kind": pair.kind,
        "source": pair.source,
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


def write_outputs(out: Path, results: dict[str, Result], label: str) -> None:
    """results.json (every question, every system), report.md (systems side by side) and metrics.png."""
    out.mkdir(parents=True, exist_ok=True)
    systems = {
        name: {"summary": r.summary, "questions": r.rows, "conversation_turns": r.turns} for name, r in results.items()
    }
    (out / "results.json").write_text(json.dumps({"label": label, "systems": systems}, indent=1), encoding="utf-8")
    main_name, main = next(iter(results.items()))
    lines = [
        f"# Evaluation: {label}",
        "",
        f"{len(main.rows)} questions, {len(main.turns)} conversation turns.",
        "",
        "| metric | " + " | ".join(results) + " |",
        "| --- |" + " --- |" * len(results),
    ]
    lines += [
        f"| {key} | " + " | ".join(_cell(r.summary.get(key)) for r in results.values()) + " |" for key in main.summary
    ]
    lines += ["", f"![metrics]({_chart(out, results).name})"]
    lines += _breakdown(results)
    wrong = [r for r in main.rows if r["kind"] != "unanswerable" and not r["correct"] and r["first_text"] is not None]
    if wrong:
        lines += ["", f"## Answerable questions {main_name} got wrong", ""]
        lines += [f"- **{r['id']}** {r['question']} -> {r['answer']}" for r in wrong]
    missed = [r for r in main.rows if r["kind"] == "unanswerable" and not r["correct"] and r["first_text"] is not None]
    if missed:
        lines += ["", f"## Unanswerable questions {main_name} answered anyway", ""]
        lines += [f"- **{r['id']}** {r['question']} -> {r['answer']}" for r in missed]
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _breakdown(results: dict[str, Result]) -> list[str]:
    """Correct / wrong / abstained per kind of question and per source, every system side by side: a
    figure that holds for one outlet's quiz and not another's shows here."""
    main = next(iter(results.values()))
    if all(r["first_text"] is None for r in main.rows):
        return []  # retrieval only: nothing was answered
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(main.rows):
        groups.setdefault(f"kind: {row['kind']}", []).append(i)
        if row.get("source") and row["kind"] != "unanswerable":  # a source's answerable questions
            groups.setdefault(f"source: {row['source']} (answerable)", []).append(i)
    lines = ["", "## By kind and source (correct / wrong / abstained)", ""]
    lines += ["| group | n | " + " | ".join(results) + " |", "| --- | --- |" + " --- |" * len(results)]
    for group, members in groups.items():
        cells = []
        for result in results.values():
            rows = [result.rows[i] for i in members]
            # An unanswerable question is correct when abstained, wrong when answered.
            shares = (
                sum(r["correct"] for r in rows),
                sum(not r["abstained"] and not r["correct"] for r in rows),
                sum(r["abstained"] for r in rows),
            )
            cells.append(" / ".join(f"{n / len(rows):.2f}" for n in shares))
        lines.append(f"| {group} | {len(members)} | " + " | ".join(cells) + " |")
    return lines


def _cell(value: object) -> str:
    return "–" if value is None else str(value)


def _chart(out: Path, results: dict[str, Result]) -> Path:
    """Grouped bars of every share metric, one colour per system, and each system's latency distribution."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    first = next(iter(results.values())).summary
    metrics = [k for k, v in first.items() if isinstance(v, float) and 0 <= v <= 1 and "(s)" not in k]
    timed = {name: r for name, r in results.items() if any(row["total"] is not None for row in r.rows)}
    fig, axes = plt.subplots(1, 2 if timed else 1, figsize=(13 if timed else 8, 5.5), squeeze=False)
    ax = axes[0][0]
    height = 0.8 / len(results)
    for i, (name, result) in enumerate(results.items()):
        values = [result.summary.get(m) or 0.0 for m in metrics]
        ax.barh([y + i * height for y in range(len(metrics))], values, height=height, label=name, color=COLOURS[i])
    ax.set_yticks([y + 0.4 - height / 2 for y in range(len(metrics))], metrics)
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_title("Metrics (share; higher is better except unsupported and false abstentions)")
    ax.legend(loc="lower right", fontsize="small")
    if timed:
        ax = axes[0][1]
        series, labels = [], []
        for name, result in timed.items():
            for key in ("first_text", "total"):
                series.append([row[key] for row in result.rows if row[key] is not None])
                labels.append(f"{name}\n{key.replace('_', ' ')}")
        ax.boxplot(series, orientation="horizontal", tick_labels=labels)
        ax.invert_yaxis()
        ax.set_xlabel("seconds")
        ax.set_title("Latency per question")
    fig.tight_layout()
    path = out / "metrics.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def print_table(results: dict[str, Result]) -> None:
    keys = list(next(iter(results.values())).summary)
    width = max(len(k) for k in keys)
    columns = [max(len(name), 8) for name in results]
    print(f"{'':<{width}}  " + "  ".join(f"{name:>{w}}" for name, w in zip(results, columns, strict=True)))
    for key in keys:
        cells = [_cell(r.summary.get(key)) for r in results.values()]
        print(f"{key:<{width}}  " + "  ".join(f"{c:>{w}}" for c, w in zip(cells, columns, strict=True)))


def main(
    assistant: Assistant,
    qa_file: Path | None,
    conversations_file: Path | None,
    limit: int | None,
    only_retrieval: bool,
    baseline: str | None,
    out: Path | None,
) -> int:
    pairs = load_pairs(qa_file) if qa_file else load_pairs()
    if conversations_file:
        conversations = load_conversations(conversations_file)
    else:  # the bundled conversations are about the bundled articles: not asked of someone else's pairs
        conversations = [] if qa_file else load_conversations()
    if limit:
        pairs, conversations = pairs[:limit], conversations[: max(1, limit // 8)]
    label = f"{assistant.settings.model} on {assistant.folder.name}"
    if only_retrieval:
        results = {PIPELINE: evaluate_retrieval(assistant, pairs)}
        label += " (retrieval only)"
    else:
        text_of = _text_lookup(assistant)
        results = {PIPELINE: evaluate(_Pipeline(assistant), text_of, pairs, conversations)}
        if baseline:
            for system in _baselines(assistant, baseline):
                try:
                    results[system.name] = evaluate(system, text_of, pairs, conversations)
                finally:  # stopped halfway (Ctrl-C), the answers asked so far are kept
                    system.save()
                print(f"{system.name}: {system.asked} questions asked, the rest from {system.path}", file=sys.stderr)
    out = out or Path("eval/results") / time.strftime("%Y%m%d-%H%M%S")
    write_outputs(out, results, label)
    print_table(results)
    print(f"\nReport: {out / 'report.md'}  (per-question results: {out / 'results.json'})")
    return 0


class _Pipeline:
    name = PIPELINE

    def __init__(self, assistant: Assistant) -> None:
        self.ask = assistant.ask
        self.chat = assistant.chat


def _text_lookup(assistant: Assistant) -> Callable[[str], str]:
    """Each cited article's text, fetched when checked: an archive may hold thousands of articles."""
    return lambda article_id: assistant.article(article_id).text


def _baselines(assistant: Assistant, which: str = "both") -> list[CachedBaseline]:
    """The baselines asked for ("both", "extractive", "naive"), answering from a cache in the index folder
    when the corpus and model are the same."""

    def articles() -> list[Article]:
        return [assistant.article(a.id) for a in assistant.articles()]  # baselines read every text

    model = _baseline_model(assistant)
    embedder_name = shared_embedder(assistant.settings.embedder).name  # the extractive baseline ranks with it
    builds = {
        ExtractiveBaseline.name: lambda: ExtractiveBaseline(articles(), shared_embedder(assistant.settings.embedder)),
        NaiveLlamaIndex.name: lambda: NaiveLlamaIndex(articles(), model),
    }
    if which != "both":
        builds = {name: build for name, build in builds.items() if name.startswith(which)}
    cache = assistant.settings.resolved_index_dir() / "baseline-answers"
    systems = []
    for name, build in builds.items():
        recipe = [name, CACHE_VERSION, assistant.corpus_version(), model.name, model.stat().st_size, embedder_name]
        key = hashlib.sha256(json.dumps(recipe).encode()).hexdigest()[:16]
        systems.append(CachedBaseline(name, build, cache / f"{key}.json"))
    return systems


def _baseline_model(assistant: Assistant) -> Path:
    """The naive baseline runs in-process on the GGUF in use, or the bundled one when a server answers."""
    if is_server(assistant.settings.model):
        return bundled_gguf()
    return local_gguf(assistant.settings)
