"""`qa bench`: indexing, embedding, retrieval, start-up and answering speed, measured side by side in one run.

This 2-core machine is shared and noisy, so every figure comes from the same run and the report leans on
ratios (the indexing pipeline against the raw encoder, int8 against torch) more than on absolute seconds.
Speed targets live here as printed figures; the test suite only checks that every figure is produced.

Runs whose peak memory or start-up time is a figure (the cold index, the serving assistant) happen in
subprocesses of this module (`python -m eval.bench`, a JSON request on stdin, a JSON result on stdout), one
at a time: two processes running llama.cpp or torch on every core slow each other down many times over.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Any

import numpy as np

from index.split import sentence_spans  # light: how the assistant tells where a sentence ends

if TYPE_CHECKING:  # the heavy modules load inside the functions, so workers time their own imports
    from index.embed import TextEmbedder
    from index.store import Store
    from qa.answer import Answer
    from qa.assistant import Assistant
    from qa.settings import Settings

SEED = 11
DIM = 384  # all-MiniLM-L6-v2
PASSAGES_PER_ARTICLE = 100  # synthetic retrieval stores, as in tests/test_store.py
RETRIEVAL_QUESTIONS = 50
WARM_UP_QUESTIONS = 5
USER_ERROR = 2  # a worker's exit status for a corpus the pipeline refuses
SECTIONS = ("onnx", "retrieval", "startup", "answering")  # what --skip-* can leave out


@dataclass(frozen=True)
class Options:
    corpus: Path | None = None  # None: a generated corpus of `articles` articles
    articles: int = 1000
    retrieval_sizes: tuple[int, ...] = (1_000, 10_000, 100_000)
    embed_sample: int = 3_000  # passages encoded raw by each backend
    serve_questions: int = 20  # after the first answer, in the start-up subprocess
    answer_questions: int = 20  # timed for the answering overhead (about a third are written by the model)
    skip: frozenset[str] = frozenset()


# What the test suite runs: about a minute and a half on a quiet 2-core machine.
QUICK = Options(articles=40, retrieval_sizes=(1_000, 10_000), embed_sample=300, serve_questions=3, answer_questions=3)


# A deterministic news-like corpus ------------------------------------------------------------------

FIRST = "Anna Boris Clara Dmitri Elena Felix Grace Hugo Irina James Karin Leon Maria Nikolai Olga Pavel Rosa Sergei"
LAST = "Abramov Bauer Castillo Dubois Eriksen Fischer Gallo Horvat Jansen Kowalski Larsen Moreau Novak Orlov Petrov"
PLACES = "Vienna Lisbon Warsaw Geneva Oslo Madrid Prague Riga Helsinki Athens Dublin Sofia Tallinn Zagreb Bergen"
ORGS = (
    "the Foreign Ministry|the Central Bank|the Interior Ministry|the National Grid|the Port Authority|"
    "the Health Agency|the Energy Council|the Supreme Court|the Defence Ministry|Northwind Shipping|Baltic Rail|"
    "Meridian Energy|the City Council|the Customs Service"
).split("|")
ROLES = "spokesperson|minister|director|chief executive|chief analyst|prosecutor|ambassador|mayor|chairman".split("|")
NOUNS = "contracts shipments inspections permits tariffs loans flights exports licences subsidies visas".split()
VERBS = "suspended approved cancelled delayed expanded reviewed blocked signed renewed".split()
ADJECTIVES = "new unexpected lengthy controversial secret joint annual emergency regional".split()
EVENTS = "fire flood raid collision protest blackout storm".split()
HARMED = "injured evacuated detained questioned rescued".split()
TOPICS = (
    "the rail strike|the border dispute|the spy scandal|the harbour expansion|the bank merger|the drought|"
    "the election campaign|the arms deal|the data breach|the fuel shortage|the bridge collapse|the pension reform"
).split("|")
MONTHS = "January February March April May June July August September October November December".split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday".split()

# Sentences of a story, each with the question it answers (None: filler).
TEMPLATES: list[tuple[str, str | None]] = [
    (
        "{name}, the {role} of {org}, said on {weekday} that {n} {noun} had been {verb} in {place}.",
        "How many {noun} had been {verb} in {place}?",
    ),
    (
        '"We have {verb} the {adj} {noun} because of {topic}," {name} told reporters in {place}.',
        "Why were the {noun} {verb} in {place}?",
    ),
    (
        "According to {org}, {topic} has cost {place} {n} million euros since {month} {year}.",
        "How much has {topic} cost {place}?",
    ),
    ("The {role} said the {noun} would be {verb} by {day} {month}.", None),
    (
        "Officials in {place} confirmed that {n} people were {harmed} after the {adj} {event}.",
        "How many people were {harmed} after the {event} in {place}?",
    ),
    (
        "Critics, including {name} of {org}, warned that {topic} could affect {n} {noun}.",
        "What did {name} warn about {topic}?",
    ),
    ('Asked whether {topic} would end soon, {name} said: "Not before {month}."', "When will {topic} end?"),
    (
        "In {year}, {place} {verb} {n} {noun}, up from {m} the year before.",
        "How many {noun} did {place} approve in {year}?",
    ),
    ("The {adj} {noun} followed {topic}, which began in {month} {year}.", "When did {topic} begin?"),
    ("{name} has served as {role} of {org} since {year}.", "Who is the {role} of {org}?"),
    ("{surname} added that talks with {org} would resume in {place} next week.", None),
    ("Neither {org} nor the government of {place} responded to a request for comment.", None),
]


@dataclass
class Story:
    """One article's cast and setting, so its people, place and topic recur as in a real story."""

    rng: random.Random
    people: list[tuple[str, str, str]]  # (name, role, organisation)
    place: str
    topic: str
    questions: list[str] = field(default_factory=list)

    @classmethod
    def new(cls, rng: random.Random) -> Story:
        people = [
            (f"{rng.choice(FIRST.split())} {rng.choice(LAST.split())}", rng.choice(ROLES), rng.choice(ORGS))
            for _ in range(3)
        ]
        return cls(rng, people, rng.choice(PLACES.split()), rng.choice(TOPICS))

    def headline(self) -> str:
        words = [self.place, self.rng.choice(NOUNS), self.rng.choice(VERBS), "Amid", self.topic.removeprefix("the ")]
        return " ".join(w[:1].upper() + w[1:] for w in " ".join(words).split())

    def sentence(self) -> str:
        """A sentence about this story; a question it answers is kept in `questions`."""
        rng = self.rng
        name, role, org = rng.choice(self.people)
        slots = {
            "name": name,
            "surname": name.split()[-1],
            "role": role,
            "org": org,
            "place": self.place,
            "topic": self.topic,
            "noun": rng.choice(NOUNS),
            "verb": rng.choice(VERBS),
            "adj": rng.choice(ADJECTIVES),
            "event": rng.choice(EVENTS),
            "harmed": rng.choice(HARMED),
            "n": rng.randint(2, 950),
            "m": rng.randint(2, 950),
            "year": rng.randint(2012, 2024),
            "month": rng.choice(MONTHS),
            "day": rng.randint(1, 28),
            "weekday": rng.choice(WEEKDAYS),
        }
        template, question = rng.choice(TEMPLATES)
        if question:
            self.questions.append(question.format(**slots))
        text = template.format(**slots)
        return text[:1].upper() + text[1:]

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 4)))


def news_article(rng: random.Random) -> tuple[str, str]:
    """A file's text (headline, date line, paragraphs of about 6,000 characters in all) and one question it answers."""
    story = Story.new(rng)
    lines = [story.headline(), f"Published: {rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2019, 2024)}"]
    target = rng.randint(5_000, 7_000)
    while sum(len(line) + 1 for line in lines) < target:
        lines.append(story.paragraph())
    return "\n".join(lines) + "\n", rng.choice(story.questions)


def write_corpus(folder: Path, articles: int) -> list[str]:
    """Write the generated articles as .txt files; returns one question per article, in file order."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    questions = []
    for number in range(articles):
        text, question = news_article(rng)
        (folder / f"news-{number:05d}.txt").write_text(text, encoding="utf-8")
        questions.append(question)
    return questions


def headline_questions(titles: list[str]) -> list[str]:
    """Questions for a corpus the bench did not write: about each article's headline."""
    return [f"What happened in the story '{title}'?" for title in titles]


# Subprocess workers -------------------------------------------------------------------------------


def bench_settings(folder: str | Path, index_dir: str | Path) -> Settings:
    """The settings `qa index FOLDER --index-dir DIR` uses, so the bench indexes exactly as the CLI does."""
    from qa.settings import load_settings

    return load_settings({"corpus": folder, "index_dir": index_dir})


def open_store(settings: Settings) -> Store:
    from index.store import Store, StoreConfig

    return Store(StoreConfig(settings.resolved_index_dir(), settings.chroma_url))


def peak_rss_mb() -> float:
    """This process's peak resident memory (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def index_worker(request: dict) -> dict:
    """Cold index of the folder into an empty index folder, then a warm re-index of the unchanged folder."""
    from index.embed import shared_embedder
    from index.ingest import Ingestor, SplitSettings

    settings = bench_settings(request["folder"], request["index_dir"])
    store = open_store(settings)
    ingestor = Ingestor(store, shared_embedder(settings.embedder), SplitSettings(settings.passage_words))
    loaded = time.time() - request["spawned"]
    started = perf_counter()
    cold = ingestor.sync(settings.corpus)
    cold_seconds = perf_counter() - started
    started = perf_counter()
    warm = ingestor.sync(settings.corpus)
    return {
        "embedder": ingestor.embedder.name,
        "load_seconds": loaded,
        "cold_seconds": cold_seconds,
        "cold_stages": cold.seconds,
        "warm_seconds": perf_counter() - started,
        "articles": len(cold.added),
        "passages": store.records.passage_count(),
        "warm_unchanged": len(warm.unchanged) == len(cold.added) and not warm.rebuilt,
        "peak_rss_mb": peak_rss_mb(),
    }


def serve_worker(request: dict) -> dict:
    """An assistant started the way a user starts one, its first answer, then more questions."""
    from qa.assistant import Assistant

    assistant = Assistant.from_folder(request["folder"], index_dir=request["index_dir"])
    ready = time.time() - request["spawned"]
    first, *rest = request["questions"]
    started = perf_counter()
    assistant.ask(first)
    first_answer = perf_counter() - started
    timings = [assistant.ask(question).timings for question in rest]
    first_texts, totals = [t["first_text"] for t in timings], [t["total"] for t in timings]
    return {
        "ready_seconds": ready,
        "first_answer_seconds": first_answer,
        "questions": len(rest),
        "first_text_p50_seconds": _percentile(first_texts, 50),
        "first_text_p95_seconds": _percentile(first_texts, 95),
        "total_p50_seconds": _percentile(totals, 50),
        "total_p95_seconds": _percentile(totals, 95),
        "serving_peak_rss_mb": peak_rss_mb(),
    }


WORKERS: dict[str, Callable[[dict], dict]] = {"index": index_worker, "serve": serve_worker}


def run_worker(kind: str, **request: Any) -> dict:
    """Run one worker in a fresh Python process; its wall-clock start is sent along for start-up figures."""
    payload = json.dumps({"kind": kind, "spawned": time.time(), **request}, default=str)
    done = subprocess.run(
        [sys.executable, "-m", "eval.bench"], input=payload, capture_output=True, text=True, check=False
    )
    if done.returncode == USER_ERROR:
        from index.errors import CorpusError

        raise CorpusError(done.stdout.strip().splitlines()[-1])
    if done.returncode != 0:
        raise RuntimeError(f"bench {kind} worker failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _worker_main() -> int:
    """A worker's result, or the one-line message of a corpus the pipeline refuses (missing, empty, unreadable)."""
    from index.errors import CorpusError

    request = json.loads(sys.stdin.read())
    try:
        print(json.dumps(WORKERS[request["kind"]](request)))
    except CorpusError as exc:
        print(exc)
        return USER_ERROR
    return 0


# Figures ------------------------------------------------------------------------------------------


def _timed(function: Callable[..., Any], *args: Any) -> float:
    started = perf_counter()
    function(*args)
    return perf_counter() - started


def _percentile(values: list[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


def _note(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def measure_indexing(folder: Path, index_dir: Path) -> dict:
    """Cold and warm indexing in a subprocess (its peak memory is its own), then a warm CLI run, imports included."""
    result = run_worker("index", folder=folder, index_dir=index_dir)
    started = perf_counter()
    cli = subprocess.run(
        [sys.executable, "-m", "qa.cli", "index", str(folder), "--index-dir", str(index_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    if cli.returncode != 0:
        raise RuntimeError(f"qa index failed (exit {cli.returncode}):\n{cli.stderr[-3000:]}")
    result["warm_cli_seconds"] = perf_counter() - started
    # A CLI that re-embedded would mean the bench indexed differently from `qa index`: its figures would lie.
    result["warm_cli_unchanged"] = "0 added, 0 updated, 0 removed" in cli.stdout and "(rebuilt)" not in cli.stdout
    result["passages_per_s"] = result["passages"] / result["cold_seconds"]
    # The first target leaves out the analysis (spaCy) that the second adds: both rates side by side.
    result["passages_per_s_without_analysis"] = result["passages"] / (
        result["cold_seconds"] - result["cold_stages"]["analysis"]
    )
    result["articles_per_s"] = result["articles"] / result["cold_seconds"]
    return result


def embedded_texts(folder: Path, index_dir: Path) -> tuple[list[str], list[str]]:
    """Every text the indexer embedded, read back from the store's records, and every article's headline."""
    from index.ingest import embedding_text

    records = open_store(bench_settings(folder, index_dir)).records
    articles = records.list()
    texts = [embedding_text(p.section, p.text) for a in articles for p in records.passages_of(a.id)]
    records.close()
    return texts, [a.title for a in articles]


def sample(texts: list[str], limit: int) -> list[str]:
    """Every k-th text, at most `limit`: the corpus's mix of lengths at a fraction of the encoding time."""
    return texts[:: max(1, math.ceil(len(texts) / limit))]


def raw_rate(embedder: TextEmbedder, texts: list[str]) -> tuple[float, np.ndarray]:
    """Passages per second of one encode call (batch size 32) after a warm-up batch, and the vectors."""
    embedder.encode(texts[:32], batch_size=32)
    started = perf_counter()
    vectors = embedder.encode(texts, batch_size=32)
    return len(texts) / (perf_counter() - started), vectors


def measure_embedding(texts: list[str], indexing: dict, with_onnx: bool) -> dict:
    """The raw encoder rates on the same passages the indexer embedded, and the pipeline's share of them."""
    from index.embed import shared_embedder

    torch_rate, torch_vectors = raw_rate(shared_embedder("torch"), texts)
    result: dict[str, Any] = {
        "sample": len(texts),
        "torch_per_s": torch_rate,
        "pipeline_over_torch": indexing["passages_per_s"] / torch_rate,
        "pipeline_without_analysis_over_torch": indexing["passages_per_s_without_analysis"] / torch_rate,
        "int8_per_s": None,
        "int8_over_torch": None,
    }
    if with_onnx:
        result |= _int8(texts, torch_rate, torch_vectors)
    else:
        result["int8_note"] = "skipped (--skip-onnx)"
    return result


def _int8(texts: list[str], torch_rate: float, torch_vectors: np.ndarray) -> dict:
    """The int8 ONNX backend's raw rate and how close its vectors come to torch's on the same passages."""
    from index.embed import open_embedder
    from index.onnx_embed import OnnxEmbedder

    started = perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        embedder = open_embedder("onnx-int8")
    loaded = perf_counter() - started
    if not isinstance(embedder, OnnxEmbedder):  # an untrusted export falls back to torch with a warning
        return {"int8_note": "; ".join(str(w.message) for w in caught) or "the int8 backend is not available"}
    rate, vectors = raw_rate(embedder, texts)
    cosines = (vectors * torch_vectors).sum(axis=1)
    return {
        "int8_per_s": rate,
        "int8_over_torch": rate / torch_rate,
        "int8_load_seconds": loaded,
        "int8_cosine_min": float(cosines.min()),
        "int8_cosine_mean": float(cosines.mean()),
    }


def count_truncated(texts: list[str]) -> dict:
    """Embedded texts longer than the model's word-piece limit: the model never sees their ends."""
    from index.embed import shared_embedder

    embedder = shared_embedder("torch")
    counts = embedder.token_counts(texts)
    truncated = sum(c > embedder.max_seq_length for c in counts)
    return {
        "texts": len(texts),
        "truncated": truncated,
        "share": truncated / len(texts),
        "limit": embedder.max_seq_length,
        "longest_word_pieces": max(counts),
        "median_word_pieces": float(np.median(counts)),
    }


def synthetic_store(index_dir: Path, passages: int) -> tuple[Store, list[str]]:
    """A store of `passages` generated passages with random unit vectors, and questions about its texts."""
    from index.analysis import Analysis
    from index.articles import Article, Passage
    from index.ingest import EMBED_PASSAGES, embedding_text
    from index.store import Entry, Store, StoreConfig

    store = Store(StoreConfig(index_dir))
    store.claim()
    rng, vectors_rng = random.Random(SEED + passages), np.random.default_rng(SEED)
    questions: list[str] = []
    entries: list[Entry] = []
    for number in range(math.ceil(passages / PASSAGES_PER_ARTICLE)):
        story, article_id = Story.new(rng), f"s{number:05d}"
        section = story.headline()
        texts = [f"{story.sentence()} {story.sentence()}" for _ in range(PASSAGES_PER_ARTICLE)]
        starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]]).tolist()
        items = [Passage(article_id, s, s + len(t), t, section) for s, t in zip(starts, texts, strict=True)]
        article = Article(article_id, section, " ".join(texts), f"/synthetic/{article_id}.txt")
        vectors = vectors_rng.normal(size=(len(items), DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        analysis = Analysis(tuple((p.start, p.end) for p in items), {}, frozenset())
        keywords = [embedding_text(p.section, p.text) for p in items]
        entries.append(Entry(article, f"hash{number}", analysis, items, keywords, vectors.tolist()))
        questions += story.questions
        if len(entries) * PASSAGES_PER_ARTICLE >= EMBED_PASSAGES:
            store.put(entries)
            entries = []
    store.put(entries)
    return store, sample(questions, RETRIEVAL_QUESTIONS)


def measure_retrieval(sizes: tuple[int, ...], scratch: Path) -> list[dict]:
    """Search latency (query embedding, dense, keyword, fusion) as the store grows."""
    from index.embed import shared_embedder
    from qa.retrieve import Retriever
    from qa.settings import load_settings

    settings = load_settings()
    k = settings.top_k
    rows = []
    for size in sizes:
        _note(f"retrieval: building a store of {size:,} passages")
        started = perf_counter()
        store, questions = synthetic_store(scratch / f"retrieval-{size}", size)
        built = perf_counter() - started
        retriever = Retriever(store, shared_embedder(settings.embedder))
        for question in questions[:WARM_UP_QUESTIONS]:  # first-query costs are start-up, not latency
            retriever.search(question, k)
        latencies = [_timed(retriever.search, question, k) * 1000 for question in questions]
        rows.append(
            {
                "passages": store.records.passage_count(),
                "questions": len(questions),
                "p50_ms": _percentile(latencies, 50),
                "p95_ms": _percentile(latencies, 95),
                "build_seconds": built,
            }
        )
        store.records.close()
    return rows


@dataclass
class Call:
    """One call to the model: its messages, when it began and when its output first completed a sentence."""

    messages: list[dict[str, str]]
    began: float
    sentence_end: float | None = None


class RecordingStream:
    """Stands in for an LLM's `stream`, passing every piece through and timing the model's own part."""

    def __init__(self, stream: Callable[..., Iterator[str]]) -> None:
        self._stream = stream
        self.calls: list[Call] = []

    def __call__(self, messages: list[dict[str, str]], max_tokens: int, stop: list[str]) -> Iterator[str]:
        call = Call(messages, perf_counter())
        self.calls.append(call)
        return self._pieces(call, self._stream(messages, max_tokens, stop))

    @staticmethod
    def _pieces(call: Call, pieces: Iterator[str]) -> Iterator[str]:
        text = ""
        with contextlib.closing(pieces):  # type: ignore[type-var]
            for piece in pieces:
                text += piece
                # Where the assistant first checks and shows a sentence: once the next one begins.
                if call.sentence_end is None and len(sentence_spans(text.lstrip())) > 1:
                    call.sentence_end = perf_counter()
                yield piece
        if call.sentence_end is None:  # a sentence without an end mark is shown when the stream ends
            call.sentence_end = perf_counter()


def prompt_counter(settings: Settings) -> Callable[[list[dict[str, str]]], int] | None:
    """Token count of a chat prompt as the local model sees it (its GGUF chat template, its tokenizer), loading
    only the vocabulary; None for a model behind a server."""
    from qa.llm import is_server, local_gguf

    if is_server(settings.model):
        return None
    from llama_cpp import Llama
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    vocab = Llama(model_path=str(local_gguf(settings)), vocab_only=True, verbose=False)

    def token_text(token: int) -> str:
        return vocab.detokenize([token], special=True).decode()

    formatter = Jinja2ChatFormatter(
        template=vocab.metadata["tokenizer.chat_template"],
        eos_token=token_text(vocab.token_eos()),
        bos_token=token_text(vocab.token_bos()),
    )

    def count(messages: list[dict[str, str]]) -> int:
        prompt = formatter(messages=messages).prompt  # type: ignore[arg-type]
        return len(vocab.tokenize(prompt.encode(), add_bos=False, special=True))

    return count


def measure_answering(folder: Path, index_dir: Path, questions: list[str]) -> dict:
    """Time to the first shown sentence against the model's own time to write that sentence.

    The model's time runs from its call to the sentence's end mark in the same stream: running the prompt a
    second time would hit llama.cpp's prompt cache and flatter the model. The overhead is everything else
    before text is shown: retrieval, choosing the sentences, checking the model's sentence, and any attempt
    whose sentence failed a check.
    """
    from qa.assistant import Assistant

    assistant = Assistant.from_folder(folder, index_dir=index_dir)
    llm = assistant.llm
    recorder = RecordingStream(llm.stream)
    llm.stream = recorder  # type: ignore[method-assign]
    try:
        assistant.ask(questions[0])  # warm-up: the fixed system prompt's KV cache, first-call costs
        rows = [_answer_row(assistant, recorder, question) for question in questions[1:]]
    finally:
        del llm.stream
    counter = prompt_counter(assistant.settings)
    return _answering_summary(rows, counter)


def _answer_row(assistant: Assistant, recorder: RecordingStream, question: str) -> dict:
    recorder.calls.clear()
    asked = perf_counter()
    answer = assistant.ask(question)
    first_text = answer.timings["first_text"]
    row: dict[str, Any] = {"first_text": first_text, "calls": len(recorder.calls), "kind": _kind(answer)}
    if row["kind"] == "model":
        shown = [c for c in recorder.calls if c.began <= asked + first_text][-1]
        row |= {"llm": shown.sentence_end - shown.began, "messages": shown.messages}
    return row


def _kind(answer: Answer) -> str:
    return "abstained" if answer.abstained else "quoted" if answer.extractive else "model"


def _answering_summary(rows: list[dict], counter: Callable[[list[dict[str, str]]], int] | None) -> dict:
    model = [r for r in rows if r["kind"] == "model"]
    overheads = [r["first_text"] - r["llm"] for r in model]
    # Shown from the model's first attempt: the pipeline's own cost. A sentence that failed a check adds that
    # whole attempt to the rest.
    first_attempt = [r["first_text"] - r["llm"] for r in model if r["calls"] == 1]
    tokens = [counter(r["messages"]) for r in model] if counter else []
    return {
        "questions": len(rows),
        "model_answers": len(model),
        "quoted_answers": sum(r["kind"] == "quoted" for r in rows),
        "abstained": sum(r["kind"] == "abstained" for r in rows),
        "llm_calls_per_answer": float(np.mean([r["calls"] for r in rows])) if rows else None,
        "first_text_p50_seconds": _percentile([r["first_text"] for r in model], 50),
        "llm_sentence_p50_seconds": _percentile([r["llm"] for r in model], 50),
        "overhead_p50_seconds": _percentile(overheads, 50),
        "overhead_p95_seconds": _percentile(overheads, 95),
        "first_attempt_answers": len(first_attempt),
        "first_attempt_overhead_p50_seconds": _percentile(first_attempt, 50),
        "first_attempt_overhead_p95_seconds": _percentile(first_attempt, 95),
        "prompt_tokens_p50": _percentile(tokens, 50),
        "prompt_tokens_max": max(tokens, default=None),
    }


# The run ------------------------------------------------------------------------------------------


def run(options: Options, scratch: Path) -> dict:
    """Every figure, in one run, in the order that keeps at most one heavy process busy at a time."""
    folder = options.corpus or scratch / "corpus"
    questions = [] if options.corpus else write_corpus(folder, options.articles)
    index_dir = scratch / "index"
    _note(f"indexing {folder} in a subprocess (cold, then warm), then `qa index` warm")
    results: dict[str, Any] = {
        "machine": _machine(),
        "corpus": {"folder": str(folder), "generated": not options.corpus},
    }
    results["indexing"] = measure_indexing(folder, index_dir)
    texts, titles = embedded_texts(folder, index_dir)
    questions = questions or headline_questions(titles)
    results["corpus"] |= {"articles": len(titles), "passages": len(texts)}
    _note(f"raw encoding of {len(sample(texts, options.embed_sample)):,} of the {len(texts):,} embedded passages")
    results["truncation"] = count_truncated(texts)
    results["embedding"] = measure_embedding(
        sample(texts, options.embed_sample), results["indexing"], "onnx" not in options.skip
    )
    # Start-up before the retrieval stores are written: started right after a 100,000-passage store, an
    # assistant took 6.9 s to its first answer; alone on the same generated index, 2.1-2.4 s.
    if "startup" not in options.skip:
        _note("start-up: an assistant in a subprocess, its first answer, then more questions")
        asked = _cycle(questions, options.serve_questions + 1)
        results["startup"] = run_worker("serve", folder=folder, index_dir=index_dir, questions=asked)
    if "retrieval" not in options.skip:
        results["retrieval"] = measure_retrieval(options.retrieval_sizes, scratch)
    if "answering" not in options.skip:
        _note("answering: first shown sentence against the model's own time for it")
        results["answering"] = measure_answering(
            folder, index_dir, _cycle(questions[::-1], options.answer_questions + 1)
        )
    return results


def _cycle(items: list[str], count: int) -> list[str]:
    return [items[i % len(items)] for i in range(count)]


def _machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "load_average_at_start": os.getloadavg()[0],  # above the core count, other work skews every figure
    }


# Output -------------------------------------------------------------------------------------------


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


Rows = list[tuple[str, str]]


def _pair(a: Any, b: Any, digits: int = 2) -> str:
    return f"{_fmt(a, digits)} / {_fmt(b, digits)}"


def table_rows(results: dict) -> Rows:
    """The figures as (label, value) rows, in the order the issue lists them; skipped parts have none."""
    machine = results["machine"]
    rows = [
        (
            f"machine: load average at start / end ({machine['cpus']} cores)",
            _pair(machine["load_average_at_start"], machine["load_average_at_end"]),
        )
    ]
    rows += _indexing_rows(results["indexing"]) + _embedding_rows(results["embedding"], results["truncation"])
    for row in results.get("retrieval", []):
        rows.append(
            (f"retrieval p50 / p95 at {row['passages']:,} passages (ms)", _pair(row["p50_ms"], row["p95_ms"], 1))
        )
    if "startup" in results:
        rows += _startup_rows(results["startup"])
    if "answering" in results:
        rows += _answering_rows(results["answering"])
    return rows


def _indexing_rows(ix: dict) -> Rows:
    return [
        ("corpus: articles / passages", _pair(ix["articles"], ix["passages"])),
        ("index: embedder", ix["embedder"]),
        ("index: process start, imports, model load (s)", _fmt(ix["load_seconds"])),
        ("index cold: seconds", _fmt(ix["cold_seconds"], 1)),
        ("index cold: passages/s / articles/s", f"{_fmt(ix['passages_per_s'], 1)} / {_fmt(ix['articles_per_s'])}"),
        (
            f"index cold: {' / '.join(ix['cold_stages'])} (s)",
            " / ".join(_fmt(seconds, 1) for seconds in ix["cold_stages"].values()),
        ),
        (
            "index warm: in-process / `qa index` CLI (s)",
            f"{_fmt(ix['warm_seconds'], 3)} / {_fmt(ix['warm_cli_seconds'])}",
        ),
        ("index warm: nothing re-embedded", _fmt(ix["warm_unchanged"] and ix["warm_cli_unchanged"])),
        ("index: peak RSS (MB)", _fmt(ix["peak_rss_mb"], 0)),
    ]


def _embedding_rows(em: dict, tr: dict) -> Rows:
    return [
        (f"raw torch encode, {em['sample']:,} passages: passages/s", _fmt(em["torch_per_s"], 1)),
        ("raw int8 ONNX encode: passages/s", _fmt(em["int8_per_s"], 1) if em["int8_per_s"] else "- (see note)"),
        (
            "ratio: indexing / raw torch, with / without the analysis",
            _pair(em["pipeline_over_torch"], em["pipeline_without_analysis_over_torch"]),
        ),
        ("ratio: int8 / torch", _fmt(em["int8_over_torch"])),
        ("int8 vs torch cosine: min / mean", _pair(em.get("int8_cosine_min"), em.get("int8_cosine_mean"), 4)),
        (
            f"truncated passages (> {tr['limit']} word pieces)",
            f"{_fmt(tr['truncated'])} of {_fmt(tr['texts'])} (longest {_fmt(tr['longest_word_pieces'])})",
        ),
    ]


def _startup_rows(st: dict) -> Rows:
    return [
        ("start-up: ready / first answer (s)", _pair(st["ready_seconds"], st["first_answer_seconds"])),
        (
            f"serving: first text p50 / p95 of {st['questions']} (s)",
            _pair(st["first_text_p50_seconds"], st["first_text_p95_seconds"]),
        ),
        ("serving: whole answer p50 / p95 (s)", _pair(st["total_p50_seconds"], st["total_p95_seconds"])),
        ("serving: peak RSS (MB)", _fmt(st["serving_peak_rss_mb"], 0)),
    ]


def _answering_rows(an: dict) -> Rows:
    return [
        (
            "answers: model / quoted / abstained",
            f"{an['model_answers']} / {an['quoted_answers']} / {an['abstained']} of {an['questions']}",
        ),
        (
            "first text p50 / model's own sentence p50 (s)",
            _pair(an["first_text_p50_seconds"], an["llm_sentence_p50_seconds"]),
        ),
        ("answering overhead p50 / p95 (s)", _pair(an["overhead_p50_seconds"], an["overhead_p95_seconds"])),
        (
            f"  of the {an['first_attempt_answers']} shown from a first attempt (s)",
            _pair(an["first_attempt_overhead_p50_seconds"], an["first_attempt_overhead_p95_seconds"]),
        ),
        ("prompt tokens p50 / max", _pair(an["prompt_tokens_p50"], an["prompt_tokens_max"], 0)),
    ]


def print_table(results: dict) -> None:
    rows = table_rows(results)
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    if note := results["embedding"].get("int8_note"):
        print(f"note: int8 ONNX encoder not measured: {note}")
    machine = results["machine"]
    if machine["load_average_at_start"] > machine["cpus"] / 2:  # the bench's own load comes on top of this
        print(
            f"note: load average {machine['load_average_at_start']:.1f} on {machine['cpus']} cores before the bench "
            "started: other work ran beside it, so its timings are skewed (llama.cpp and torch slow down many times "
            "over when another process takes a core)"
        )


def plot(results: dict, path: Path) -> None:
    """Retrieval latency against store size (log x), and passages/s of each encoder and of the pipeline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (curve, bars) = plt.subplots(1, 2, figsize=(11, 4))
    retrieval = results.get("retrieval", [])
    sizes = [row["passages"] for row in retrieval]
    for key, label in (("p50_ms", "p50"), ("p95_ms", "p95")):
        curve.plot(sizes, [row[key] for row in retrieval], marker="o", label=label)
    curve.set(xscale="log", xlabel="passages in the store", ylabel="search latency (ms)", title="Retrieval")
    curve.legend()
    em = results["embedding"]
    names = ["torch raw", "int8 raw" if em["int8_per_s"] else "int8 raw (n/a)", "indexing pipeline"]
    rates = [em["torch_per_s"], em["int8_per_s"] or 0.0, results["indexing"]["passages_per_s"]]
    bars.bar(names, rates, color=["#3b6ea8", "#e39c37", "#7a9e58"])
    bars.set(ylabel="passages / s", title="Embedding and indexing throughput")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _check_input(options: Options) -> None:
    """Bad input fails with one clear message before any work (an unusable folder: from the index worker)."""
    from qa.settings import SettingsError

    if options.articles < 1:
        raise SettingsError(f"--articles must be at least 1, got {options.articles}")


def main(
    corpus: Path | None = None,
    articles: int | None = None,
    out: Path | None = None,
    quick: bool = False,
    skip: list[str] | None = None,
) -> int:
    """`qa bench`: run, print the table, write bench.json and bench.png."""
    base = QUICK if quick else Options()
    options = replace(base, corpus=corpus, articles=articles or base.articles, skip=frozenset(skip or ()))
    _check_input(options)
    out = out or Path("eval/results") / f"bench-{time.strftime('%Y%m%d-%H%M%S')}"
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as scratch:
        results = run(options, Path(scratch))
    results["machine"]["load_average_at_end"] = os.getloadavg()[0]
    results["options"] = {"quick": quick, "articles": options.articles, "retrieval_sizes": options.retrieval_sizes}
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    plot(results, out / "bench.png")
    print_table(results)
    print(f"\nbench.json and bench.png in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(_worker_main())
