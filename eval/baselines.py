"""The two baselines `qa eval --baseline` runs beside the pipeline, so every improvement is a measured difference.

Both answer the same questions as the pipeline and return the same `Answer`, so one scorer serves all three.
Follow-up questions are asked literally: neither baseline keeps a conversation.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING

import numpy as np

from index.articles import Article
from index.embed import Embedder, bundled_model_dir
from index.split import sentence_spans
from index.text import content_terms
from qa.answer import Answer, Citation, ShortAnswer

if TYPE_CHECKING:
    from llama_index.core.llms import ChatMessage

# An answer of the naive pipeline containing one of these counts as an abstention.
REFUSALS = (
    "i don't know",
    "i do not know",
    "cannot answer",
    "can't answer",
    "unable to answer",
    "not mentioned",
    "does not mention",
    "doesn't mention",
    "not provided",
    "does not provide",
    "doesn't provide",
    "no information",
    "not enough information",
    "not specified",
    "not stated",
    "does not say",
    "doesn't say",
)
SOURCES = 5
CACHE_VERSION = 1  # bump when a baseline answers differently: cached answers are then asked again
SAVE_EVERY = 20


class NaiveLlamaIndex:
    """LlamaIndex as its documentation shows it: default chunking, default query engine, LlamaCPP at temperature 0.

    The documents are the cleaned article texts (the same ones the pipeline indexes), so citation offsets
    and retrieval hits are scored the same way; the embedding model is the bundled MiniLM because the
    default (OpenAI) cannot run offline. The prompt format is the model's own (ChatML), passed the way
    the LlamaCPP documentation passes `messages_to_prompt` and `completion_to_prompt`.
    """

    name = "naive LlamaIndex"

    def __init__(self, articles: list[Article], model_path: Path) -> None:
        from llama_index.core import Document, VectorStoreIndex
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
        from llama_index.llms.llama_cpp import LlamaCPP

        self._titles = {a.id: a.title for a in articles}
        documents = [Document(text=a.text, id_=a.id) for a in articles]
        embed_model = HuggingFaceEmbedding(model_name=str(bundled_model_dir()), device="cpu")
        index = VectorStoreIndex.from_documents(documents, embed_model=embed_model)
        llm = LlamaCPP(
            model_path=str(model_path),
            temperature=0.0,
            context_window=2048,
            messages_to_prompt=_chatml_messages,
            completion_to_prompt=_chatml_completion,
            verbose=False,
        )
        self._engine = index.as_query_engine(llm=llm, streaming=True)

    def ask(self, question: str) -> Answer:
        started = perf_counter()
        response = self._engine.query(question)
        pieces: list[str] = []
        first_text = None
        for piece in response.response_gen:
            if first_text is None and piece.strip():
                first_text = perf_counter() - started
            pieces.append(piece)
        total = perf_counter() - started
        text = "".join(pieces).strip()
        sources = [
            Citation(
                n.node.ref_doc_id,
                self._titles[n.node.ref_doc_id],
                n.node.get_content(),
                n.node.start_char_idx,
                n.node.end_char_idx,
                round(n.score or 0.0, 4),
            )
            for n in response.source_nodes
        ]
        abstained = any(phrase in text.lower().replace("’", "'") for phrase in REFUSALS)
        timings = {"first_text": first_text if first_text is not None else total, "total": total}
        return Answer(text, abstained, [] if abstained else sources, sources, question, question, False, timings)

    def chat(self) -> NaiveLlamaIndex:
        return self


class ExtractiveBaseline:
    """No model: answer with the one sentence most similar to the question (MiniLM), cited.

    It abstains only when no sentence shares a content word with the question.
    """

    name = "extractive (no model)"

    def __init__(self, articles: list[Article], embedder: Embedder) -> None:
        self._embedder = embedder
        self._sentences = [
            Citation(a.id, a.title, a.text[start:end], start, end, 0.0)
            for a in articles
            for start, end in sentence_spans(a.text)
        ]
        self._terms = [content_terms(s.text) for s in self._sentences]
        self._vectors = embedder.encode([s.text for s in self._sentences])

    def ask(self, question: str) -> Answer:
        started = perf_counter()
        terms = content_terms(question)
        scores = self._vectors @ self._embedder.encode([question])[0]
        ranked = [replace(self._sentences[i], score=round(float(scores[i]), 4)) for i in np.argsort(-scores)[:SOURCES]]
        abstained = not any(terms & sentence_terms for sentence_terms in self._terms)
        text = "The articles don't answer that question." if abstained else f"{ranked[0].text} [1]"
        total = perf_counter() - started
        timings = {"first_text": total, "total": total}
        citations = [] if abstained else ranked[:1]
        return Answer(text, abstained, citations, ranked, question, question, not abstained, timings)

    def chat(self) -> ExtractiveBaseline:
        return self


class CachedBaseline:
    """A baseline's answers kept on disk, keyed by what decides them (`key`: the system, the corpus, the
    model), and scored afresh on every run. The baseline itself is built only when a question is not in the
    cache: over an archive, building it (embedding every sentence) costs more than the pipeline's whole run.
    Both baselines ask follow-ups literally, so a chat is the same as single questions."""

    def __init__(self, name: str, build: Callable[[], NaiveLlamaIndex | ExtractiveBaseline], path: Path) -> None:
        self.name = name
        self._build = build
        self._system: NaiveLlamaIndex | ExtractiveBaseline | None = None
        self.path = path
        self._answers: dict[str, dict] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        self.asked = 0  # questions not found in the cache

    def ask(self, question: str) -> Answer:
        if question not in self._answers:
            self._system = self._system or self._build()
            self._answers[question] = asdict(self._system.ask(question))
            self.asked += 1
            if self.asked % SAVE_EVERY == 0:  # a long run stopped halfway keeps what it asked
                self.save()
        return _answer(self._answers[question])

    def chat(self) -> CachedBaseline:
        return self

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self._answers), encoding="utf-8")
        temporary.replace(self.path)


def _answer(data: dict) -> Answer:
    short = data.get("short")
    return Answer(
        **data
        | {
            "citations": [Citation(**c) for c in data["citations"]],
            "sources": [Citation(**c) for c in data["sources"]],
            "short": ShortAnswer(**short) if short else None,
        }
    )


def _chatml_messages(messages: Sequence[ChatMessage]) -> str:
    turns = "".join(f"<|im_start|>{m.role.value}\n{m.content}<|im_end|>\n" for m in messages)
    return turns + "<|im_start|>assistant\n"


def _chatml_completion(completion: str) -> str:
    return f"<|im_start|>user\n{completion}<|im_end|>\n<|im_start|>assistant\n"
