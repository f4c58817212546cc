"""The public API: an Assistant over a folder of articles, answering with verified, numbered citations."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, Any, NamedTuple

from index.articles import Article, Passage
from index.clean import CLEANING_VERSION
from index.embed import shared_embedder
from index.errors import CorpusError
from index.ingest import Ingestor, Progress, SplitSettings, SyncReport
from index.lock import write_lock
from index.nlp import NLP_VERSION, Entity, preload, syntax
from index.read import SUFFIXES
from index.referent import Referent, paragraph_end, paragraph_start
from index.split import sentence_spans
from index.store import Store, StoreConfig
from index.text import capital_of, content_terms, dates, nation_named, normalize, numbers, says, stem, words
from qa.answer import Answer, Citation, Event, Final, ShortAnswer, Status, Text
from qa.evidence import (
    CONTEXT_BEFORE,
    MIN_COVERAGE,
    coverage,
    fills_slot,
    misplaces_role,
    names_in_full,
    place_score,
    restates,
    sentence_score,
    slot_score,
    supports,
)
from qa.followup import Standalone, Turn, asks_for_more, rewrite
from qa.llm import LLM, open_llm
from qa.prompt import build_messages
from qa.question import COUNTRY_NOUNS, NAMED, Question, analyse_question
from qa.retrieve import Hit, Retriever
from qa.settings import Settings, load_settings
from qa.short import leaves_unnamed, short_answer, subject_unnamed, subjectless
from qa.verify import MARKER, names_asked_for, problem

if TYPE_CHECKING:
    from spacy.tokens import Doc

MAX_QUESTION_CHARS = 1000
_PINNED = ("number", "duration", "date", "person", "name")  # answer types the checks pin down
CANDIDATE_PASSAGES = 3  # the best supporting passages, whose sentences compete to be shown to the model
STORY_TOP = 12  # sentences at the top of the best story that compete with the retrieved ones
MAX_SENTENCES = 2  # for "why" questions; others get one sentence
FOCUS_SENTENCES = 2  # the model sees at most this many of the best sentences,
FOCUS_MARGIN = 0.15  # and only those scoring within this of the best (0.1 measured worse, and so did wider)
STORY_MARGIN = 0.6  # or within this, the best story's sentence holding what is asked (0.3 gained less; to 1.5 alike)
VOTE_MARGIN = 0.1  # sentences this close to the best vote on the answer (0.2: same scores, one right short lost)
_SHOWN = max(FOCUS_SENTENCES, MAX_SENTENCES) + 1  # the ranked sentences an answer may show, and one spare
# A best sentence scoring below this shares few of the question's words, holds nothing of the kind asked for
# and reads unlike it. On the reference sets the lowest best sentence that answered scored 0.53 ("Who is
# <name>?": a short question shares little meaning with its answer); 0.6 abstained on it and on a
# follow-up, and answered three newsbench near misses fewer.
MIN_SCORE = 0.5
# Nor does a best sentence whose meaning (MiniLM) is this far from the question's, whatever words it shares:
# "Play the USA TODAY Daily Crossword Puzzle" for "Which game did she play with her tongue?" (0.27). On
# newsbench each such best sentence was wrong or a near miss; the lowest that answered read 0.38 there and
# 0.335 on the reference sets. A question that gives nothing but a name ("Who is Mary Quinlan?": 0.16 on the
# reference sets) or leans on the conversation ("Who is its executive director?", 0.26) reads unlike any answer.
MIN_SIMILARITY = 0.3
# Each bar above alone lets through a best sentence that is weak on every count at once: from a story writing
# little of the question (`coverage`), reading unlike it and scoring low. On newsbench such answers were near
# misses from a neighbouring story ("South Korea passed a law banning the sale of what?" answered with its
# martial law): 5 unanswerable questions, 1 wrong and 1 right answer; on the reference sets none.
SURE_COVERAGE = 0.6
SURE_SIMILARITY = 0.6
SURE_SCORE = 1.1


class QuestionError(ValueError):
    """The question cannot be asked as given (empty, or too long)."""


def check_question(question: str) -> str:
    text = (question or "").strip()
    if not text:
        raise QuestionError("the question is empty; type a question about the articles")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the question is {len(text):,} characters long; the limit is {MAX_QUESTION_CHARS:,}")
    return text


class Assistant:
    """Answers questions about the articles in one folder; see DESIGN.md for the contract."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.folder = settings.corpus.expanduser().resolve()
        self._store = Store(StoreConfig(settings.resolved_index_dir(), settings.chroma_url))
        self._embedder = shared_embedder(settings.embedder)
        self._ingestor = Ingestor(self._store, self._embedder, SplitSettings(settings.passage_words))
        self._retriever = Retriever(self._store, self._embedder)
        self._llm: LLM | None = None
        preload()  # questions and answers are parsed with spaCy

    @classmethod
    def from_folder(cls, folder: str | Path = "seeds", progress: Progress | None = None, **overrides: Any) -> Assistant:
        """Open (and bring up to date) the index of `folder`; `overrides` are settings by name."""
        assistant = cls(load_settings({"corpus": folder, **overrides}))
        assistant.index(progress=progress)
        return assistant

    @property
    def llm(self) -> LLM:
        if self._llm is None:
            self._llm = open_llm(self.settings)
        return self._llm

    # Corpus -----------------------------------------------------------------------------------

    def index(self, progress: Progress | None = None, rebuild: bool = False) -> SyncReport:
        """Bring the index in step with the folder: only new, changed and deleted files cost work."""
        return self._ingestor.sync(self.folder, progress=progress, rebuild=rebuild)

    def add(self, path: str | Path) -> Article:
        """Copy an article file into the corpus folder (if it is not there already) and index it."""
        source = Path(path).expanduser().resolve()
        if source.suffix.lower() not in SUFFIXES:
            raise CorpusError(f"{source.name}: only {', '.join(SUFFIXES)} files can be added")
        if not source.is_file():
            raise CorpusError(f"{source} does not exist")
        target = source if source.parent == self.folder else self.folder / source.name
        if target != source:
            if target.exists() and target.read_bytes() != source.read_bytes():
                raise CorpusError(f"{target.name}: an article with this file name already exists; rename it first")
            shutil.copyfile(source, target)
        report = self.index()
        problems = [w for w in report.warnings if w.startswith(target.name + ":")]
        if problems:
            if target != source:
                target.unlink()
                self.index()
            raise CorpusError(problems[0])
        return self.article(target.stem)

    def remove(self, article_id: str) -> None:
        """Take an article out of the index; its file moves to `.removed/` in the corpus folder, not deleted."""
        article = self.article(article_id)
        path = Path(article.path)
        with write_lock(self._store.config.index_dir):
            if path.exists():
                trash = self.folder / ".removed"
                trash.mkdir(exist_ok=True)
                path.replace(trash / path.name)
            self._store.drop(article_id)

    def article(self, article_id: str) -> Article:
        return self._store.article(article_id)

    def corpus_version(self) -> str:
        """A digest of every indexed article's file and how it is cleaned (rules and the spaCy parse they
        read): equal digests, same texts."""
        recipe = [CLEANING_VERSION, NLP_VERSION, sorted(self._store.hashes().items())]
        return hashlib.sha256(json.dumps(recipe).encode()).hexdigest()[:16]

    def articles(self) -> list[Article]:
        """Every indexed article with its passage count, by id; without text (`article(id)` reads it)."""
        return self._store.articles()

    def find_articles(self, query: str = "", offset: int = 0, limit: int = 20) -> tuple[int, list[Article]]:
        """One page of the articles whose headline or id (file name) holds `query`, and how many match in all."""
        return self._store.article_count(query), self._store.articles(query, offset, limit)

    # Answering --------------------------------------------------------------------------------

    def search(self, question: str, k: int | None = None) -> list[Citation]:
        """The passages retrieval finds for a question, best first, without asking the model."""
        hits = self._retriever.search(check_question(question), k or self.settings.top_k)
        return [self._citation(h.passage, h.score) for h in hits]

    def ask(self, question: str) -> Answer:
        return _final(self.ask_stream(question))

    def chat(self) -> Conversation:
        return Conversation(self)

    def ask_stream(self, question: str, history: list[Turn] | None = None) -> Iterator[Event]:
        """Status events, then Text pieces that already passed every check, then Final(answer)."""
        question = check_question(question)
        yield from self._answer(question, rewrite(question, history or []), history or [])

    def _answer(self, question: str, standalone: Standalone, history: list[Turn]) -> Iterator[Event]:
        started = perf_counter()
        yield Status("Searching the articles…")
        searched, asked = standalone.searched, standalone.question
        hits = self._retriever.search(searched, self.settings.top_k)
        sources = [self._citation(h.passage, h.score) for h in hits]
        said: tuple[tuple[str, int, int], ...] = ()
        nearby: list[Hit] = []
        if history and searched != question:
            nearby = self._nearby(hits, history[-1].cited)
            if asks_for_more(question):  # "And why?" wants what the last answer did not say
                said = history[-1].cited
        # The kind of answer is the question's own, not that of a topic kept from an earlier turn.
        analysed = analyse_question(asked)
        kind = analysed.kind
        for_search = replace(analysed, text=searched)
        supporting = [h for h in hits + nearby if self._supports(for_search, h.passage)]
        alone = searched == question  # asked on its own: a follow-up leans on the story of the last answer
        covered: dict[str, float] = {}
        if alone:
            supporting = supporting or self._story_top(for_search, hits)
            covered = self._coverage(analysed, supporting)
            supporting = [h for h in supporting if covered[h.passage.article_id] >= MIN_COVERAGE]
        timings: dict[str, float] = {"retrieval": perf_counter() - started}
        chosen = supporting[:CANDIDATE_PASSAGES] + [h for h in supporting[CANDIDATE_PASSAGES:] if h in nearby]
        chosen += self._rest_of_quote(chosen)
        if kind != "reason":  # a headline tells what happened and to whom, seldom why
            chosen += self._openings(chosen)
        if alone:  # a follow-up weighs the passages around the last answer instead
            chosen += self._rest_of_story(chosen, hits)
        ranked = self._ranked_sentences(analysed, chosen, said) if chosen else []
        if not ranked or ranked[0].score < MIN_SCORE or (alone and _unsure(analysed, ranked[0], covered)):
            yield from _abstain(question, searched, sources, timings, started)
            return
        yield Status("Writing the answer…")
        best = _focus(analysed, ranked)
        pieces: list[str] = []
        citations: list[Citation] = []
        short: ShortAnswer | None = None
        # The model sees only the sentences that answer: a tiny prompt (fast first token) and a focused
        # model. If its first sentence fails a check, it tries once more from the best sentence alone, and
        # for a number, date or name (_PINNED: the checks pin those down) from the second alone; then the best
        # sentences are quoted. Asked for a name, number or date that none of them holds, they are quoted at once.
        attempts = [best, best[:1]] + ([best[1:2]] if kind in _PINNED else []) if len(best) > 1 else [best]
        if analysed.labels and not any(r.answers for r in best):
            attempts = []  # nothing there is what is asked for: a model would bend a sentence into the question's words
        for context in attempts:
            for piece, cited, found in self._generate(analysed, context):
                timings.setdefault("first_text", perf_counter() - started)
                pieces.append(piece)
                citations.extend(c for c in cited if c not in citations)
                short = short or found
                yield Text(piece)
            if pieces:
                break
        extractive = not pieces
        if extractive:
            # A "why" is often told over two sentences; otherwise the sentences as good as the best.
            quoted = ranked[:MAX_SENTENCES] if kind == "reason" else best
            texts = [r.read for r in quoted]
            short = short_answer(analysed, quoted[0].hit.passage, quoted[0].answers, 1)
            tied = short is not None and short_answer(analysed, quoted[0].hit.passage, quoted[0].answers, 1, tied=True)
            if kind in ("person", "name") and not tied and not names_asked_for(asked, " ".join(texts), texts):
                # The best sentences name no one where the question points ("which university"): no answer.
                yield from _abstain(question, searched, sources, timings, started)
                return
            if short is None and leaves_unnamed(analysed, quoted[0].read):
                quoted = self._under_headline(quoted)
            citations = [self._citation(r.hit.passage, r.hit.score) for r in quoted]
            quote = " ".join(
                _with_marker(" ".join(r.hit.passage.text.split()), f"[{i}]") for i, r in enumerate(quoted, start=1)
            )
            pieces = [quote]
            timings["first_text"] = perf_counter() - started
            yield from (Text(piece) for piece, _, _ in _pieces(quote, []))
        if short:
            short = replace(short, full=self._shown_with(analysed, short))
        timings["total"] = perf_counter() - started
        answer = Answer(
            "".join(pieces).strip(), False, citations, sources, question, searched, extractive, timings, short
        )
        yield Final(answer)

    def _coverage(self, question: Question, hits: list[Hit]) -> dict[str, float]:
        """How much of the question's words each hit's story writes (`coverage`): below MIN_COVERAGE it is
        another story on a neighbouring subject."""
        written = self._store.records.written(list(question.weights))
        stories = dict.fromkeys(h.passage.article_id for h in hits)
        return {s: coverage(question, self.article(s), written) for s in stories}

    def _shown_with(self, question: Question, short: ShortAnswer) -> str | None:
        """What the short answer is shown with: the name the story spells an acronym out as ("NYC (New York
        City)"); the whole name the story gives a surname or a first name ("Whitcombe (Dana Whitcombe)");
        asked which country, the country a nationality names ("South Korean (South Korea)"), or a capital
        whose country the story names ("Khartoum (Sudan)": "Hamilton" may be Ontario's)."""
        article = self.article(short.article_id)
        if spelled := article.spelled_out(short.start, short.end):
            return spelled
        if question.noun not in COUNTRY_NOUNS:
            return article.full_name(short.start, short.end)
        if nationality := nation_named(short.text):
            return nationality
        capital = capital_of(short.text)
        return capital if capital and all(article.writes(stem(w)) for w in words(capital)) else None

    def _nearby(self, hits: list[Hit], cited: tuple[tuple[str, int, int], ...]) -> list[Hit]:
        """A follow-up is often answered right next to the last answer: the passages around the last
        citations that retrieval did not find, to be weighed with the best ones it did."""
        known = {h.passage.id for h in hits}
        extra: list[Hit] = []
        for article_id, start, end in cited:
            for near in self._retriever.around(article_id, start, end):
                if near.id not in known:
                    known.add(near.id)
                    extra.append(Hit(near, hits[-1].score if hits else 0.0))
        return extra

    def _rest_of_quote(self, chosen: list[Hit]) -> list[Hit]:
        """The rest of a quote a chosen passage belongs to: its paragraph when it carries on someone's words
        ("He said: ..."), and the next paragraph when that carries the quote on. Passages split a quote, and
        its answer may sit in another part."""
        known = {h.passage.id for h in chosen}
        extra: list[Hit] = []
        for hit in chosen:
            passage = hit.passage
            article = self.article(passage.article_id)
            text = article.text
            carried = article.analysis.referent(passage.start) is not None
            first = paragraph_start(text, passage.start) if carried else passage.end
            last = paragraph_end(text, passage.end)
            following = len(text) - len(text[last:].lstrip())
            if article.analysis.continues_quote(following):
                last = paragraph_end(text, following)
            elif not carried:
                continue
            for near in self._retriever.around(passage.article_id, first, last):
                if near.id not in known and first <= near.start and near.end <= last:
                    known.add(near.id)
                    extra.append(Hit(near, hit.score))
        return extra

    def _openings(self, chosen: list[Hit]) -> list[Hit]:
        """The headline and first passage of each chosen passage's story, not chosen already. A story names
        who or what it is about at its top and then says "the famed Italian destination" or "the president's
        son": the sentence that answers "which destination?" is often the headline. A headline set apart
        (Title Case, an HTML heading) is no passage, only its passages' `section`; it competes as a sentence
        of its own, cited where it stands in the text."""
        known = {h.passage.id for h in chosen}
        extra: list[Hit] = []
        for hit in chosen:
            head = self._headline(hit.passage)
            story = head.end if head else 0
            first = next((p for p in self._store.records.passages_of(hit.passage.article_id) if p.start >= story), None)
            for opening in [p for p in (head, first) if p]:
                if opening.id not in known:
                    known.add(opening.id)
                    extra.append(Hit(opening, hit.score))
        return extra

    def _story_top(self, question: Question, hits: list[Hit]) -> list[Hit]:
        """Asked who or which, when no passage retrieval found can answer: the passages at the top of the
        best one's story that can, scored as the least retrieved passage. Retrieval found the story by what
        it shares with the question ("An NFL star says he lost 100 pounds"), and the story names whom or
        what it is about near its top, in a passage that may share few words with the question. (The top
        of every retrieved story answered one more near miss on newsbench and gained nothing; numbers and
        dates at a story's top answered a near miss of the reference set.)"""
        if not hits or question.kind not in ("person", "name"):
            return []
        return [h for h in self._rest_of_story(hits[:1], hits) if self._supports(question, h.passage)]

    def _rest_of_story(self, chosen: list[Hit], hits: list[Hit]) -> list[Hit]:
        """The other passages at the top of the best passage's story (its first STORY_TOP sentences), scored
        as the least retrieved passage: retrieval finds the story, and news states who, what and where at its
        top in sentences that may share few words with the question."""
        if not chosen:
            return []
        article = self.article(chosen[0].passage.article_id)
        sentences = article.analysis.sentences
        top = sentences[min(STORY_TOP, len(sentences)) - 1][1] if sentences else 0
        known = {h.passage.id for h in chosen}
        floor = min((h.score for h in hits), default=0.0)
        story = self._store.records.passages_of(article.id)
        return [Hit(p, floor) for p in story if p.id not in known and p.end <= top]

    def _under_headline(self, quoted: list[Ranked]) -> list[Ranked]:
        """The quote with its story's headline in front, unless quoted already or it asks ("Why is Ardern
        resigning?" states nothing): the headline names what the first sentence speaks of without naming
        ("Lantern Night returns to Ashford" over "The festival drew 40,000 people")."""
        first = quoted[0].hit
        head = self._headline(first.passage)
        spans = tuple((r.hit.passage.article_id, r.hit.passage.start, r.hit.passage.end) for r in quoted)
        if head is None or _overlaps(head, spans) or _ASKS.search(head.text):
            return quoted
        return [Ranked(quoted[0].score, Hit(head, first.score), head.text, []), *quoted]

    def _generate(
        self, question: Question, best: list[Ranked]
    ) -> Iterator[tuple[str, list[Citation], ShortAnswer | None]]:
        """Stream the model's answer one verified sentence at a time; stop at the first that fails. The
        first piece of a sentence carries its new citations and, when the sentence states one, the short
        answer."""
        limit = MAX_SENTENCES if question.kind == "reason" else 1
        messages = build_messages(question.text, [r.hit.passage.text for r in best])
        stream = self.llm.stream(messages, self.settings.max_answer_tokens, stop=["\n"])
        numbering: dict[int, int] = {}
        buffer: list[str] = []
        sentences = 0
        try:
            for piece in stream:
                buffer.append(piece)
                text = "".join(buffer).lstrip()
                # A sentence is whole once the next one begins: "from the U.S. in" is not cut at "U."
                spans = sentence_spans(text)
                if len(spans) < 2:
                    continue
                checked = self._checked_sentence(text[: spans[1][0]], question, best, numbering)
                if checked is None:
                    return
                yield from _pieces((" " if sentences else "") + checked[0], checked[1], checked[2])
                buffer, sentences = [text[spans[1][0] :]], sentences + 1
                if sentences >= limit:
                    return
            tail = "".join(buffer)
            if tail.strip():
                checked = self._checked_sentence(tail, question, best, numbering)
                if checked:
                    yield from _pieces((" " if sentences else "") + checked[0], checked[1], checked[2])
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()

    def _checked_sentence(
        self, raw: str, question: Question, best: list[Ranked], numbering: dict[int, int]
    ) -> tuple[str, list[Citation], ShortAnswer | None] | None:
        """The sentence with answer-wide citation numbers, its newly numbered citations and the short answer
        it states; None if it fails.

        The model saw no numbers, so any [n] it writes is dropped; the citation is the sentence it drew on.
        Where that sentence holds an entity of the kind asked for, the answer must state one of them: that
        is what it answers with (a name from elsewhere, or none, is a sentence that only sounds right).
        Asked who or which, a first sentence whose subject goes unnamed ("The 81-year-old is one of the
        cover stars") answers nothing on its own: the sentence is quoted instead, under its headline.
        """
        chosen = [r.hit for r in best]
        focus = [h.passage.text for h in chosen]
        body = _without_meta_lead(MARKER.sub("", raw).strip())
        for short in _shortenings(body, " ".join(focus)):
            source = _drawn_on(short, question.text, chosen)
            stated = _stated(best[source], short)
            sentence = best[source]
            cited = list(dict.fromkeys([sentence.hit.passage.text, sentence.read]))  # as written, and as read
            unnamed = question.kind in ("person", "name") and not numbering and subject_unnamed(question, short)
            if (stated or not sentence.answers) and not unnamed and not problem(short, question, cited, focus):
                break
        else:
            return None
        new = [] if source in numbering else [self._citation(chosen[source].passage, chosen[source].score)]
        numbering.setdefault(source, len(numbering) + 1)
        passage = best[source].hit.passage
        found = short_answer(question, passage, best[source].answers, numbering[source], short) if stated else None
        return _with_marker(short, f"[{numbering[source]}]"), new, found

    def _ranked_sentences(
        self, question: Question, chosen: list[Hit], said: tuple[tuple[str, int, int], ...] = ()
    ) -> list[Ranked]:
        """The sentences of the chosen passages with their scores, best answer first, each as its own passage.

        A sentence scores by shared meaning-bearing words and the kind of answer asked for
        (`sentence_score`), its passage's retrieval score and its place in its article (`place_score`), what
        it puts in the question's slot (`slot_score`), plus its MiniLM similarity to the question; ties go
        to the better-retrieved passage. Sentences in `said` (already cited) are left out unless nothing else
        is left, and so are sentences giving the post asked about to another place (`misplaces_role`) and
        sentences that only restate the question (`restates`).
        """
        candidates: list[Ranked] = []
        for rank, hit in enumerate(chosen):
            article = self.article(hit.passage.article_id)
            text = article.text
            for start, end in article.analysis.sentences_in(hit.passage.start, hit.passage.end):
                if start in article.analysis.instructions or _ASKS.search(text[start:end]):
                    continue  # a line addressing a machine is data; a question ("Which breeds won?") states nothing
                position = article.analysis.position(start)  # where it stands, not the sentence naming "he"
                person = article.analysis.referent(start)
                # "He added: ..." is read as Grozev's words; asked who, it is shown with the sentence naming him.
                if person and question.kind == "person":
                    start, end = min(start, person.start), max(end, person.end)
                sentence = Passage(hit.passage.article_id, start, end, text[start:end], hit.passage.section)
                if _overlaps(sentence, said) or misplaces_role(question, sentence.text):
                    continue
                entities = article.analysis.entities_in(start, end)
                headline = hit.passage.text == hit.passage.section
                if headline:
                    entities = _headline_names(text, entities, end)
                read, read_entities = _read_with(person, sentence, entities)
                if restates(question, read, read_entities):
                    continue
                answers = question.answers(text, entities)
                if headline:  # its capitals mark no names
                    if question.labels and not answers:
                        continue  # nor does it answer a name, number or date question without one
                    read = _sentence_case(read, read_entities)
                score = sentence_score(question, read, read_entities)
                score += place_score(hit.score, position)
                candidates.append(Ranked(score - 0.01 * rank, Hit(sentence, hit.score), read, answers))
        if not candidates and said:
            return self._ranked_sentences(question, chosen)
        if question.slot:  # parsed in one batch, for what each puts where the question's blank stands
            parsed = syntax([c.read for c in candidates])
            fills = [fills_slot(question, d) for d in parsed]
            candidates = [
                c._replace(score=c.score + slot_score(f), fills=f) for c, f in zip(candidates, fills, strict=True)
            ]
        vectors = self._embedder.encode([question.text] + [c.read for c in candidates])
        similar = [float(vectors[0] @ v) for v in vectors[1:]]
        scored = sorted(
            (c._replace(score=c.score + x, similarity=x) for c, x in zip(candidates, similar, strict=True)),
            key=lambda c: -c.score,
        )
        # A sentence joined to the one naming "he" overlaps that sentence alone, and an agency's story runs
        # word for word in several outlets, one of them with a lead-in ("What's more, NASA has ..."): keep
        # the better of the two.
        ranked: list[Ranked] = []
        seen: list[str] = []
        for candidate in scored:
            kept = tuple((r.hit.passage.article_id, r.hit.passage.start, r.hit.passage.end) for r in ranked)
            wording = f" {normalize(candidate.read)} "
            if not _overlaps(candidate.hit.passage, kept) and not any(_same_wording(wording, w) for w in seen):
                seen.append(wording)
                ranked.append(candidate)
        # A line without a subject ("Opened October 1." under a list's item) tells of nothing named; read
        # only down to the sentences an answer may show (parses are kept: slot questions pay nothing more).
        shown: list[Ranked] = []
        for at, candidate in enumerate(ranked):
            if len(shown) == _SHOWN:
                return shown + ranked[at:]
            if _states(candidate):
                shown.append(candidate)
        return shown

    def _supports(self, question: Question, passage: Passage) -> bool:
        """Whether the passage can answer, read alone or under its story's headline (which may name what
        the passage calls "the lagoon city"), in a story that names in full what the question does."""
        article = self.article(passage.article_id)
        if not names_in_full(question, article):
            return False
        analysis = article.analysis
        entities = analysis.entities_in(passage.start, passage.end)
        read, read_entities = _read_with(analysis.referent(passage.start), passage, entities)
        context = self._context(passage)
        if supports(question, read, context, read_entities):
            return True
        head = self._headline(passage)
        if head is None:
            return False
        shift = len(head.text) + 2
        under = [
            e._replace(start=e.start - head.start, end=e.end - head.start)
            for e in analysis.entities_in(head.start, head.end)
        ]
        headline = _sentence_case(head.text, under)
        under += [e._replace(start=e.start + shift, end=e.end + shift) for e in read_entities]
        return supports(question, f"{headline}\n\n{read}", context, under)

    def _headline(self, passage: Passage) -> Passage | None:
        """The headline of the passage's story where it stands in the text before the passage."""
        text = self.article(passage.article_id).text
        story = text.rfind(passage.section, 0, passage.start) if passage.section else -1
        if story < 0:
            return None
        return Passage(passage.article_id, story, story + len(passage.section), passage.section, passage.section)

    def _context(self, passage: Passage) -> str:
        """The headline and the story so far (up to CONTEXT_BEFORE characters): who "he" or "the activist" is."""
        article = self.article(passage.article_id)
        head = self._headline(passage)
        before = article.text[max(0, head.start if head else 0, passage.start - CONTEXT_BEFORE) : passage.start]
        return f"{article.title}\n{passage.section}\n{before}"

    def _citation(self, passage: Passage, score: float) -> Citation:
        title = self.article(passage.article_id).title
        return Citation(passage.article_id, title, passage.text, passage.start, passage.end, round(score, 4))


class Ranked(NamedTuple):
    """A candidate answering sentence: its score, the sentence as a passage, the text it was scored as, and
    its entities that could answer (article offsets)."""

    score: float
    hit: Hit
    read: str
    answers: list[Entity]
    similarity: float = 0.0  # MiniLM's, to the question (part of the score)
    fills: bool | None = None  # whether it puts something new where the question's blank stands (`fills_slot`)


class Conversation:
    """Multi-turn chat: each follow-up is rewritten into a stand-alone question before searching."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.history: list[Turn] = []

    def ask(self, question: str) -> Answer:
        return _final(self.ask_stream(question))

    def ask_stream(self, question: str) -> Iterator[Event]:
        question = check_question(question)
        standalone = rewrite(question, self.history)
        for event in self.assistant._answer(question, standalone, self.history):
            if isinstance(event, Final):
                cited = tuple((c.article_id, c.start, c.end) for c in event.answer.citations)
                # What the next follow-up builds on: the stand-alone question, without a search topic.
                self.history.append(Turn(standalone.question, event.answer.text, cited))
            yield event


def _abstain(
    question: str, searched: str, sources: list[Citation], timings: dict[str, float], started: float
) -> Iterator[Event]:
    """Say that the articles do not answer, streamed like any answer, with the closest passages as sources."""
    text = abstention(question)
    timings["first_text"] = perf_counter() - started
    yield from (Text(piece) for piece, _, _ in _pieces(text, []))
    timings["total"] = perf_counter() - started
    yield Final(Answer(text, True, [], sources, question, searched, False, timings))


def abstention(question: str) -> str:
    """A plain sentence saying the articles do not answer, echoing what was asked."""
    q = question.strip().rstrip("?").strip()
    first = q.split()[0].lower() if q else ""
    if first in {"who", "what", "when", "where", "why", "how", "which", "whose", "whom"}:
        return f"The articles don't say {q[0].lower() + q[1:]}."
    return "The articles don't answer that question."


def _with_marker(sentence: str, labels: str) -> str:
    """Put citation labels before the sentence's closing punctuation: 'in Moscow [1].' A headline quoted
    as a sentence gets a full stop; an abbreviation's stop stays with it ('at 2 a.m. [1]')."""
    if _ABBREVIATION_END.search(sentence):
        return f"{sentence} {labels}"
    end = re.search(r"[.!?]?[\"'”’]?$", sentence)
    stop = sentence[end.start() :] or "."
    return f"{sentence[: end.start()]} {labels}{stop}"


_ABBREVIATION_END = re.compile(r"\b(?:[A-Za-z]\.){2,}[\"'”’]?$")  # "a.m.", "U.S.": the last stop is theirs


_ASKS = re.compile(r"\?\s*$")  # a sentence that ends by asking (not one quoting a question or a title)


_META_LEAD = re.compile(
    r"^(according to the (article|passage|text|context),?\s*|"
    r"(the|this) (article|passage|text|context) (says|states|mentions|notes|reports|explains|suggests) that\s+)",
    re.I,
)


def _without_meta_lead(sentence: str) -> str:
    """'The article states that the war began in February.' -> 'The war began in February.'"""
    rest = _META_LEAD.sub("", sentence, count=1)
    return rest[:1].upper() + rest[1:] if rest != sentence else sentence


_ASIDE = re.compile(r"(a|an|the|who|which|whose|whom|where|now|formerly|previously|also)\b", re.I)


def _unsure(question: Question, best: Ranked, covered: dict[str, float]) -> bool:
    """Whether the best sentence (its story writing `covered` of the question's words) does not answer a
    question asked on its own: it reads unlike the question, which says more than whom it is about, or it
    is weak on every count."""
    if best.similarity < MIN_SIMILARITY and not question.names_only:
        return True
    story = covered[best.hit.passage.article_id]
    return story < SURE_COVERAGE and best.similarity < SURE_SIMILARITY and best.score < SURE_SCORE


def _shortenings(sentence: str, source: str) -> Iterator[str]:
    """The sentence, then without one aside between commas that says what `source` does not ("Smith, a
    former captain, was sent off"), then its leading clauses, longest first: a small model's true answer often
    carries an invented aside; an aside the source gives may restrict what the rest says ("which only 0.55%
    of the population"). No cut splits a list ("4 million people in New York, Vermont and Maine"): its first
    members would be said to hold what all of them hold; nor a date ("was on April 8" of "April 8, 2017")."""
    yield sentence
    doc = syntax([sentence])[0]
    cuts = [m.start() for m in re.finditer(r",\s", sentence)]
    listed = {cut for cut in cuts if _in_list(doc, cut)}
    stated = dates(sentence)
    for first, second in pairwise(cuts):
        aside, shorter = sentence[first + 1 : second], sentence[:first] + sentence[second + 1 :]
        invented = content_terms(aside) - content_terms(source) or numbers(aside) - numbers(source)
        whole = not {first, second} & listed and _closed(doc, first + 2, second)
        if _ASIDE.match(sentence, first + 2) and invented and whole and dates(shorter) <= stated:
            yield shorter
    for n, cut in reversed(list(enumerate(cuts))):
        # An odd cut would leave an open aside: "Philip Ingram, a former officer." answers nothing; nor does
        # a part without a verb ("Ford, Chevrolet, BMW.").
        clause = any(t.pos_ in ("VERB", "AUX") for t in doc if t.idx < cut)
        shorter = sentence[:cut].rstrip() + "."
        if n % 2 == 0 and len(shorter.split()) >= 3 and cut not in listed and clause and dates(shorter) <= stated:
            yield shorter


def _closed(doc: Doc, start: int, end: int) -> bool:
    """Whether text[start:end] is an aside the sentence reads on without: its words hang on it or on a word
    before it, and no word after it hangs on it ("which only 0.55% of the population, or 43.8 million
    people, will see it" runs on to "see")."""
    aside = {t.i for t in doc if start <= t.idx < end}
    return all(doc[i].head.i in aside or doc[i].head.idx < start for i in aside) and not any(
        t.head.i in aside for t in doc if t.i not in aside
    )


def _in_list(doc: Doc, at: int) -> bool:
    """Whether the comma at character `at` separates members of a list: the phrase after it is a conjunct."""
    comma = doc.char_span(at, at + 1)
    if comma is None or comma.end >= len(doc):
        return False
    token = doc[comma.end]
    while token.head.i > comma.start and token.head.i != token.i:
        token = token.head
    return token.dep_ == "conj"


def _read_as(person: Referent | None, text: str) -> str:
    """A passage as a reader takes it in: "Grozev: He added: ..." when it carries on someone's words
    without naming them."""
    return f"{person.name}: {text}" if person and not re.search(rf"\b{re.escape(person.name)}\b", text) else text


def _overlaps(passage: Passage, spans: tuple[tuple[str, int, int], ...]) -> bool:
    return any(a == passage.article_id and s < passage.end and passage.start < e for a, s, e in spans)


def _drawn_on(sentence: str, question: str, chosen: list[Hit]) -> int:
    """The chosen sentence an answer draws on: the one holding most of what it adds to the question (the
    checks require one sentence to hold all of it: a small model joining two sentences misstates both)."""
    added = (content_terms(sentence) | numbers(sentence)) - content_terms(question)
    held = [len(added & (content_terms(h.passage.text) | numbers(h.passage.text))) for h in chosen]
    return held.index(max(held))


def _pieces(
    text: str, cited: list[Citation], short: ShortAnswer | None = None
) -> Iterator[tuple[str, list[Citation], ShortAnswer | None]]:
    """A verified sentence re-emitted word by word, so pages render it as it streams."""
    parts = re.findall(r"\s*\S+", text)
    for i, part in enumerate(parts):
        yield (part, cited, short) if i == 0 else (part, [], None)


def _states(ranked: Ranked) -> bool:
    """Whether the sentence says of something named what happened: not a line without a subject."""
    return not subjectless(syntax([ranked.read])[0])


def _same_wording(a: str, b: str) -> bool:
    """Whether one wording holds the other and is not twice as long: the same sentence under another
    outlet's lead-in ("What's more, ..."), not a short line that a longer sentence happens to contain."""
    short, long = sorted((a, b), key=len)
    return short in long and 2 * len(short) >= len(long)


def _voted(ranked: list[Ranked]) -> Ranked | None:
    """The best sentence naming the answer most of the sentences within VOTE_MARGIN of the best name, when
    the best names none that often: a link to an old story ("Video shows ALK Airlines hitting turbulence in
    June 2019") tops three sentences naming Singapore Airlines. A best sentence putting its answer where the
    question's blank stands is not outvoted ("Arsenal beat Chelsea" for "Which team did Arsenal beat?",
    whatever else names Liverpool), nor votes one that puts another there; a name counts for the longer
    names holding it ("Kane" for "Harry Kane")."""
    best = ranked[0]
    if not best.answers or best.fills:
        return None
    pool = [(r, _named(r)) for r in ranked if r.score >= best.score - VOTE_MARGIN and r.fills is not False]
    every = {name for _, held in pool for name in held}
    votes = Counter(name for _, held in pool for name in every if _holds(name, held))
    if not votes:
        return None
    top, count = votes.most_common(1)[0]
    if count < 2 or any(_holds(top, {n}) or _holds(n, {top}) for n in _named(best)):
        return None
    return next((r for r, held in pool if top in held and _states(r)), None)


def _named(ranked: Ranked) -> set[str]:
    """The answers a sentence holds, as words."""
    passage = ranked.hit.passage
    return {normalize(passage.text[e.start - passage.start : e.end - passage.start]) for e in ranked.answers}


def _holds(name: str, held: set[str]) -> bool:
    """Whether one of the names in `held` is `name` or part of it, word for word ("kane" of "harry kane")."""
    return any(f" {h} " in f" {name} " for h in held)


def _focus(question: Question, ranked: list[Ranked]) -> list[Ranked]:
    """The best sentences, those scoring within FOCUS_MARGIN of the best. Asked for a name, number or date
    that none of them holds, a sentence as good that holds one ("The Angels hired Ron Washington" beats
    "Washington replaced Phil Nevin" for "Which veteran did the Angels hire?"); failing that, the best one
    and the best of its own story that holds one, within STORY_MARGIN: a story's opening often restates
    what the question asks ("Ardern is quitting her job as prime minister") and the next sentences answer
    it ("Ardern, who's been in the role since 2017, ..."). Where the best holds one, an answer more of the
    sentences near it name takes its place (`_voted`)."""
    near = [r for r in ranked if r.score >= ranked[0].score - FOCUS_MARGIN]
    best = near[:FOCUS_SENTENCES]
    if question.labels and (voted := _voted(ranked)):
        return [voted]
    if question.labels and not any(r.answers for r in best):
        # Sentences past the few `_ranked_sentences` read for a subject are read here.
        if as_good := next((r for r in near if r.answers and _states(r)), None):
            return [as_good]
        story = best[0].hit.passage.article_id
        told = next((r for r in ranked if r.answers and r.hit.passage.article_id == story and _states(r)), None)
        return [*best[:1], told] if told and told.score >= ranked[0].score - STORY_MARGIN else best
    return best


def _read_with(person: Referent | None, passage: Passage, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """The passage as read (`_read_as`) and its entities with offsets into that text; the speaker named in
    front is a person too."""
    read = _read_as(person, passage.text)
    shift = len(read) - len(passage.text)
    found = [e._replace(start=e.start - passage.start + shift, end=e.end - passage.start + shift) for e in entities]
    return read, ([Entity(0, len(person.name), "PERSON")] if shift and person else []) + found


def _headline_names(text: str, entities: list[Entity], end: int) -> list[Entity]:
    """The entities of a Title Case headline (ending at `end` in the article `text`) that are names: the
    entity model takes a verb in capitals after a name into it ("Putin Convicted", "France Expels"), a word
    the story below writes in lower case ("convicted", "expelling"); "Venice" or "New York" it never does."""
    lower = {stem(w) for w in re.findall(r"\b[a-z][a-z'’-]+", text[end:])}
    last = [{stem(w) for w in words(text[e.start : e.end])[-1:]} for e in entities]
    return [e for e, word in zip(entities, last, strict=True) if e.label not in NAMED or not word & lower]


def _sentence_case(text: str, entities: list[Entity]) -> str:
    """A headline as a sentence would write it: "France Expels 6 Russian Spies" reads "France expels 6 Russian
    spies", so its Title Case is not taken for names; only its entities (offsets into it) keep capitals."""
    kept = [(e.start, e.end) for e in entities]
    return re.sub(
        r"(?<=\s)[A-Z][a-z]+\b",
        lambda m: m.group(0) if any(s <= m.start() < e for s, e in kept) else m.group(0).lower(),
        text,
    )


def _stated(ranked: Ranked, answer: str) -> list[Entity]:
    """The sentence's answering entities that the answer states: whole, or for a name by its last word
    ("Lopez" of "the UN Maria Lopez": a small model's entity spans run over)."""
    text, origin = ranked.hit.passage.text, ranked.hit.passage.start
    said = set(words(answer))
    stated = []
    for entity in ranked.answers:
        written = text[entity.start - origin : entity.end - origin]
        last = words(written)[-1:]
        if says(answer, written) or (entity.label in NAMED and last and last[0] in said):
            stated.append(entity)
    return stated


def _final(events: Iterator[Event]) -> Answer:
    for event in events:
        if isinstance(event, Final):
            return event.answer
    raise RuntimeError("answering ended without a final answer")
