"""The retrieval part of the evaluation, with floors within 0.05 of what was measured (0.846/0.949/0.987/0.903)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.baselines import CachedBaseline, ExtractiveBaseline, NaiveLlamaIndex
from eval.dataset import DATA, Pair, load_conversations, load_pairs
from eval.metrics import answers_right, correct, first_hit_rank, is_hit, score
from eval.run import evaluate, evaluate_retrieval, write_outputs
from eval.run import main as eval_main
from index.embed import shared_embedder
from qa import Assistant
from qa.answer import Answer, Citation, ShortAnswer
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
            assert len(pair.article_ids) == 1, pair.id
            text = assistant.article(pair.article_ids[0]).text
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
    """Both baselines of `qa eval --baseline`, on a few questions: real LlamaIndex, real LlamaCPP, real MiniLM.
    Their answers are cached: a second run re-scores them without building either baseline."""
    pairs = load_pairs()[:3] + [p for p in load_pairs() if not p.answerable][:1]
    conversations = load_conversations()[:1]
    articles = [assistant.article(a.id) for a in assistant.articles()]
    builds = {
        ExtractiveBaseline.name: lambda: ExtractiveBaseline(articles, shared_embedder()),
        NaiveLlamaIndex.name: lambda: NaiveLlamaIndex(articles, bundled_gguf()),
    }
    results = {}
    for name, build in builds.items():
        system = CachedBaseline(name, build, tmp_path / "cache" / f"{len(name)}.json")
        results[name] = evaluate(system, lambda i: assistant.article(i).text, pairs, conversations)
        system.save()
        assert system.asked == len({p.question for p in pairs} | {t.question for t in conversations[0][1]})
    extractive = results["extractive (no model)"]
    for row in extractive.rows[:3]:
        assert row["extractive"] and row["citation_ok"] == row["correct"] and row["unsupported"] == []
    naive = results["naive LlamaIndex"]
    assert all(r["answer"] for r in naive.rows) and all(r["total"] > 0 for r in naive.rows)
    assert len(naive.turns) == len(conversations[0][1])
    for name, first in results.items():

        def unbuildable() -> ExtractiveBaseline:
            raise AssertionError("a cached baseline was built again")

        again = CachedBaseline(name, unbuildable, tmp_path / "cache" / f"{len(name)}.json")
        rerun = evaluate(again, lambda i: assistant.article(i).text, pairs, conversations)
        assert again.asked == 0 and rerun.rows == first.rows and rerun.turns == first.turns
    write_outputs(tmp_path, results, "baselines")
    report = (tmp_path / "report.md").read_text()
    assert "| metric | extractive (no model) | naive LlamaIndex |" in report
    assert "| kind: unanswerable | 1 |" in report  # correct / wrong / abstained per kind
    assert (tmp_path / "metrics.png").stat().st_size > 10_000


def _jsonl(path: Path, items: list[dict]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


def _passage(article_id: str, start: int, end: int) -> Citation:
    return Citation(article_id=article_id, title="t", text="x" * (end - start), start=start, end=end, score=0.5)


def test_pairs_may_name_several_gold_articles_and_no_span(tmp_path: Path) -> None:
    """Archives name gold articles, not spans; the bundled files' `article_id` + `span` still load."""
    fact = {"question": "Who?", "answers": ["X"], "kind": "fact"}
    pairs = load_pairs(
        _jsonl(
            tmp_path / "pairs.jsonl",
            [
                {"id": "a", **fact, "article_ids": ["x", "y"]},
                {"id": "b", **fact, "article_id": "z", "span": {"text": "X", "start": 3, "end": 4}},
                {"id": "c", **fact, "article_id": "x", "article_ids": ["x", "y"]},
                {"id": "d", **fact, "answers": [], "kind": "unanswerable", "article_id": None, "span": None},
            ],
        )
    )
    assert [(p.id, p.article_ids, p.span) for p in pairs] == [
        ("a", ("x", "y"), None),
        ("b", ("z",), {"text": "X", "start": 3, "end": 4}),
        ("c", ("x", "y"), None),
        ("d", (), None),
    ]
    turn = {**fact, "article_ids": ["y"], "shape": "first"}
    conversations = load_conversations(_jsonl(tmp_path / "conversations.jsonl", [{"id": "c1", "turns": [turn]}]))
    assert [(cid, [(t.id, t.article_ids, t.span) for t in turns]) for cid, turns in conversations] == [
        ("c1", [("c1.1", ("y",), None)])
    ]


def test_a_hit_is_a_gold_article_passage_overlapping_the_span_when_there_is_one() -> None:
    article_level = Pair("a", "Who?", ["X"], "fact", ("a1", "a2"), None)
    text_only = Pair("t", "Who?", ["X"], "fact", ("a1",), {"text": "X"})
    span_level = Pair("s", "Who?", ["X"], "fact", ("a1",), {"text": "X" * 100, "start": 100, "end": 200})
    assert is_hit(article_level, _passage("a2", 0, 50)) and is_hit(article_level, _passage("a1", 500, 600))
    assert is_hit(text_only, _passage("a1", 0, 50))
    assert not is_hit(article_level, _passage("a3", 0, 50)) and not is_hit(text_only, _passage("a2", 0, 50))
    assert is_hit(span_level, _passage("a1", 150, 300)) and is_hit(span_level, _passage("a1", 50, 101))
    assert not is_hit(span_level, _passage("a1", 0, 100)) and not is_hit(span_level, _passage("a1", 200, 260))
    assert not is_hit(span_level, _passage("a2", 150, 300))
    sources = [_passage("a3", 0, 50), _passage("a1", 0, 100), _passage("a1", 120, 180)]
    assert (first_hit_rank(article_level, sources), first_hit_rank(span_level, sources)) == (2, 3)


def test_correct_means_the_short_answer_holds_it_and_a_gold_article_is_cited() -> None:
    pair = Pair("c", "How many Russians is France expelling?", ["six"], "fact", ("a1",), None)
    cited = [_passage("a1", 0, 60)]
    text = "France is expelling six Russians, on top of 35 diplomats [1]."

    def answer(short: ShortAnswer | None, citations: list[Citation] = cited) -> Answer:
        return Answer(text, False, citations, citations, pair.question, pair.question, short=short)

    assert answers_right(pair, answer(None))  # no short answer: the text is what counts
    assert answers_right(pair, answer(ShortAnswer("six", "a1", 20, 23, 1)))
    assert not answers_right(pair, answer(ShortAnswer("35", "a1", 45, 47, 1)))  # the wrong number marked
    assert not answers_right(pair, answer(None, [_passage("a2", 0, 60)]))  # right words, another article


def test_an_answer_in_the_plural_is_the_same_answer() -> None:
    def accepts(answer: str, text: str) -> bool:
        return correct(Pair("p", "Which?", [answer], "fact", ("a1",), None), text)

    assert accepts("Avocado", "Avocados growers in Mexico call the fruit green gold")
    assert accepts("Vaquita", "a plan to save vaquitas")
    assert not accepts("Mets", "they met on Tuesday")  # the answer as written, or its plural: never shorter
    assert not accepts("Times", "at the time")
    assert not accepts("Williams", "Prince William")
    assert not accepts("1990s", "in 1990") and not accepts("1990", "in the 1990s")
    assert not accepts("Avocado", "Avocadoes")  # only a plain "s"


def test_a_person_asked_for_with_a_title_is_named_without_it() -> None:
    """Newsbench's answers carry the name without its leading title too ("Justice Ketanji Brown Jackson",
    "Ketanji Brown Jackson"); the scorer reads every answer so, titles it missed included."""

    def accepts(answer: str, text: str) -> bool:
        return correct(Pair("t", "Who?", [answer], "fact", ("a1",), None), text)

    assert accepts("Transportation Secretary Sean Duffy", "Sean Duffy is Trump's pick for NASA interim head")
    assert accepts("Former Vice President Mike Pence", "documents were found at Mike Pence's home")
    assert not accepts("Transportation Secretary Sean Duffy", "Duffy said")  # the whole name, not a part
    assert not accepts("Prince Harry", "Harry said")  # a name in full, never one word of it
    assert not accepts("President Biden", "Biden said")


def test_citation_offsets_are_checked_in_the_cited_articles_only() -> None:
    texts = {"a1": "Six Russians were expelled. The rest stayed.", "a2": "Unrelated."}
    looked_up: list[str] = []

    def text_of(article_id: str) -> str:
        looked_up.append(article_id)
        return texts[article_id]

    pair = Pair("a", "How many?", ["six"], "fact", ("a1",), None)
    good = Citation("a1", "t", "Six Russians were expelled.", 0, 27, 0.9)
    for citation, ok in ((good, True), (Citation("a1", "t", good.text, 1, 28, 0.9), False)):
        answer = Answer("Six [1].", False, [citation], [citation, _passage("a2", 0, 10)], "How many?", "How many?")
        row = score(pair, answer, text_of)
        assert (row["citation_ok"], row["correct"], row["hit_rank"]) == (ok, True, 1)
    assert looked_up == ["a1", "a1"]


class _Quoting:
    """A model-free stand-in for the assistant: answers with the best passage retrieval finds, verbatim."""

    def __init__(self, assistant: Assistant) -> None:
        self._assistant = assistant
        self.settings, self.folder = assistant.settings, assistant.folder
        self.looked_up: set[str] = set()

    def ask(self, question: str) -> Answer:
        sources = self._assistant.search(question)
        return Answer(sources[0].text, False, sources[:1], sources, question, question)

    def chat(self) -> _Quoting:
        return self

    def article(self, article_id: str) -> object:
        self.looked_up.add(article_id)
        return self._assistant.article(article_id)

    def articles(self) -> list:
        raise AssertionError("scoring must not read every article of an archive")


def test_a_qa_file_alone_asks_no_conversations(assistant: Assistant, tmp_path: Path) -> None:
    """`qa eval --qa-file` with article-level pairs: no bundled conversations, gold articles score as hits."""
    gold = [p for p in load_pairs() if p.answerable][:4]
    own = [
        {
            "id": p.id,
            "question": p.question,
            "answers": p.answers,
            "kind": p.kind,
            "article_ids": [*p.article_ids, "zz"],
        }
        for p in gold
    ]
    qa_file = _jsonl(tmp_path / "pairs.jsonl", own)
    quoting = _Quoting(assistant)
    bundled_turns = len(load_conversations()[0][1])
    for name, pairs_file, turns in (("bundled", None, bundled_turns), ("own", qa_file, 0)):
        quoting.looked_up.clear()
        assert eval_main(quoting, pairs_file, None, 8, False, None, tmp_path / name) == 0
        result = json.loads((tmp_path / name / "results.json").read_text())["systems"]["pipeline"]
        assert len(result["conversation_turns"]) == turns, name
    assert quoting.looked_up == {assistant.search(p.question)[0].article_id for p in gold}
    for pair, row in zip(gold, result["questions"], strict=True):
        span_rank = first_hit_rank(pair, assistant.search(pair.question))
        assert row["hit_rank"] is not None and (span_rank is None or row["hit_rank"] <= span_rank), pair.id
