"""The `qa` command: index, ask, chat, serve, eval. User errors print one line, never a traceback."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from index.errors import CorpusError, IndexLocked
from index.ingest import SyncReport
from qa.assistant import Assistant, QuestionError
from qa.llm import LLMError
from qa.settings import Settings, SettingsError, load_settings

USER_ERRORS = (CorpusError, IndexLocked, QuestionError, LLMError, SettingsError)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except USER_ERRORS as exc:
        print(f"qa: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qa",
        description="Ask questions about a folder of news articles; answers cite the passages they come from.",
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    index = sub.add_parser(
        "index",
        help="build or update the index of an articles folder",
        description="Index new and changed articles; drop deleted ones. Unchanged files are skipped.",
    )
    index.add_argument("folder", nargs="?", type=Path, help="articles folder (default: the corpus setting, ./seeds)")
    index.add_argument("--rebuild", action="store_true", help="re-embed every article from scratch")
    _common(index, corpus=False)
    index.set_defaults(run=_index)

    ask = sub.add_parser(
        "ask",
        help="answer one question, with the cited passages",
        description="Answer one question from the articles and list the passages it cites.",
    )
    ask.add_argument("question", help="the question, in quotes")
    _common(ask)
    ask.set_defaults(run=_ask)

    chat = sub.add_parser(
        "chat",
        help="a conversation in the terminal (follow-ups understood)",
        description="Chat in the terminal. Follow-ups like 'And why?' use the conversation. "
        "Type /new to start over, /quit or Ctrl-D to leave.",
    )
    _common(chat)
    chat.set_defaults(run=_chat)

    serve = sub.add_parser(
        "serve",
        help="the chat page in a browser (http://127.0.0.1:7860)",
        description="Serve the chat page. It binds to 127.0.0.1 unless --host says otherwise.",
    )
    serve.add_argument("--port", type=int, help="port (QA_PORT; default 7860)")
    serve.add_argument("--host", help="address to bind (QA_HOST; default 127.0.0.1); others get a warning")
    serve.add_argument("--auth", help="user:password protecting the page and its API (QA_AUTH)")
    serve.add_argument("--share", action="store_true", help=argparse.SUPPRESS)
    _common(serve)
    serve.set_defaults(run=_serve)

    evaluate = sub.add_parser(
        "eval",
        help="score the pipeline on the reference Q&A set",
        description="Run every reference question through the real pipeline and report "
        "retrieval hit@k/MRR, correctness, citations, abstention, follow-ups and latency.",
    )
    evaluate.add_argument("--only", choices=["retrieval"], help="retrieval metrics only (no model, fast)")
    evaluate.add_argument(
        "--baseline",
        nargs="?",
        const="both",
        choices=["both", "extractive", "naive"],
        help="also run the naive LlamaIndex and/or the no-model extractive baseline, as extra columns "
        "(answers cached in the index folder)",
    )
    evaluate.add_argument("--limit", type=int, help="evaluate only the first N questions")
    evaluate.add_argument("--qa-file", type=Path, help="Q&A pairs (JSON Lines; default eval/data/qa_pairs.jsonl)")
    evaluate.add_argument(
        "--conversations",
        type=Path,
        help="conversations (default eval/data/conversations.jsonl; none when only --qa-file is given)",
    )
    evaluate.add_argument("--out", type=Path, help="folder for report.md, results.json, metrics.png")
    _common(evaluate)
    evaluate.set_defaults(run=_eval)

    bench = sub.add_parser(
        "bench",
        help="measure indexing, embedding, retrieval, start-up and answering speed",
        description="Measure every speed and memory figure side by side in one run; print a table and write "
        "bench.json and bench.png. Without --corpus it indexes a generated corpus in a temporary folder.",
    )
    bench.add_argument("--corpus", type=Path, help="articles folder to index (default: a generated news corpus)")
    bench.add_argument("--articles", type=int, help="articles in the generated corpus (default 1000; 40 with --quick)")
    bench.add_argument("--out", type=Path, help="folder for bench.json and bench.png (default eval/results/bench-TIME)")
    bench.add_argument("--quick", action="store_true", help="40 articles, retrieval at 1k and 10k passages only")
    for section, what in (
        ("onnx", "the int8 ONNX encoder"),
        ("retrieval", "retrieval latency at growing store sizes"),
        ("startup", "the start-up and serving-memory subprocess"),
        ("answering", "the answering overhead (loads the LLM)"),
    ):
        bench.add_argument(f"--skip-{section}", action="store_true", help=f"leave out {what}")
    bench.set_defaults(run=_bench)
    return parser


def _common(parser: argparse.ArgumentParser, corpus: bool = True) -> None:
    if corpus:
        parser.add_argument("--corpus", type=Path, help="articles folder (setting QA_CORPUS; default ./seeds)")
    parser.add_argument("--index-dir", type=Path, help="where the index lives (setting QA_INDEX_DIR)")
    parser.add_argument("--chroma-url", help="use a `chroma run` server, e.g. http://127.0.0.1:8000 (QA_CHROMA_URL)")
    parser.add_argument("--model", help="'bundled', a .gguf path, or an OpenAI-compatible server URL (QA_MODEL)")
    parser.add_argument("--config", type=Path, help="settings file (default ./qa.toml)")


def settings_from(args: argparse.Namespace, **extra: Any) -> Settings:
    overrides = {
        "corpus": getattr(args, "corpus", None),
        "index_dir": args.index_dir,
        "chroma_url": args.chroma_url,
        "model": args.model,
        **extra,
    }
    return load_settings(overrides, args.config)


def open_assistant(
    settings: Settings, rebuild: bool = False, always_warn: bool = False
) -> tuple[Assistant, SyncReport]:
    """An assistant whose index is up to date, with a progress bar while new or changed files are indexed;
    skipped-file warnings are printed when there was work (or always, for `qa index`)."""
    from tqdm import tqdm

    assistant = Assistant(settings)
    bar: tqdm | None = None

    def progress(done: int, total: int, name: str) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc="Indexing", unit="file", file=sys.stderr, leave=False)
        bar.n = done
        bar.set_postfix_str(name[:40])
        bar.refresh()

    report = assistant.index(progress=progress, rebuild=rebuild)
    if bar is not None:
        bar.close()
    if always_warn or report.added or report.updated or report.removed:
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    return assistant, report


def _index(args: argparse.Namespace) -> int:
    settings = settings_from(args, corpus=args.folder)
    assistant, report = open_assistant(settings, rebuild=args.rebuild, always_warn=True)
    print(
        f"{assistant.find_articles(limit=0)[0]} articles indexed from {assistant.folder} "
        f"in {settings.resolved_index_dir()}: "
        f"{len(report.added)} added, {len(report.updated)} updated, {len(report.removed)} removed, "
        f"{len(report.unchanged)} unchanged" + (" (rebuilt)" if report.rebuilt else "")
    )
    if any(report.seconds.values()):
        print("time: " + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in report.seconds.items()))
    return 0


def _ask(args: argparse.Namespace) -> int:
    from qa.render import print_answer_stream

    assistant, _ = open_assistant(settings_from(args))
    print_answer_stream(assistant.ask_stream(args.question))
    return 0


def _chat(args: argparse.Namespace) -> int:
    from qa.render import print_answer_stream

    assistant, _ = open_assistant(settings_from(args))
    conversation = assistant.chat()
    print(
        f"Chatting about {assistant.find_articles(limit=0)[0]} articles in {assistant.folder}. "
        "/new starts over, /quit leaves."
    )
    while True:
        try:
            question = input("\nyou> ").strip()
        except EOFError:
            print()
            return 0
        if question in ("/quit", "/exit"):
            return 0
        if question == "/new":
            conversation = assistant.chat()
            print("(new conversation)")
            continue
        if not question:
            continue
        try:
            print_answer_stream(conversation.ask_stream(question))
        except QuestionError as exc:
            print(f"qa: {exc}")


def _serve(args: argparse.Namespace) -> int:
    if args.share:
        raise SettingsError(
            "--share is not available: Gradio share links go through a tunnel on the internet, and this tool "
            "runs offline. To reach the page from your network, use --host 0.0.0.0 with --auth user:password"
        )
    from ui.app import serve

    settings = settings_from(args, host=args.host, port=args.port, auth=args.auth)
    assistant, _ = open_assistant(settings)
    serve(assistant, settings)
    return 0


def _eval(args: argparse.Namespace) -> int:
    from eval.run import main as run_eval

    assistant, _ = open_assistant(settings_from(args))
    return run_eval(
        assistant, args.qa_file, args.conversations, args.limit, args.only == "retrieval", args.baseline, args.out
    )


def _bench(args: argparse.Namespace) -> int:
    from eval.bench import SECTIONS
    from eval.bench import main as run_bench

    skip = [section for section in SECTIONS if getattr(args, f"skip_{section}")]
    return run_bench(args.corpus, args.articles, args.out, args.quick, skip)


if __name__ == "__main__":
    sys.exit(main())
