"""Answering on the real embedder, Chroma store and bundled SmolLM2 model."""

from __future__ import annotations

import subprocess
import sys

import pytest

from qa import Assistant, Final, QuestionError, Status, Text
from qa.followup import Turn, rewrite

from .conftest import ROOT

RETRIEVAL_CASES = [
    ("Which intelligence service uncovered the Russian operation in France?", "000_1b3a15c18913f4d0"),
    ("Where was Maria Butina born?", "000_1b3a15c18913f4d0"),
    ("What did Dmitry Peskov say about American intelligence services?", "001_7dbcc557f4863a9a"),
    ("What did Lavrov say about the Cold War?", "001_7dbcc557f4863a9a"),
    ("How many FSB officers were dismissed?", "002_2096c75ca362c109"),
    ("Which prison was Sergei Beseda sent to?", "002_2096c75ca362c109"),
]


@pytest.mark.parametrize(("question", "article_id"), RETRIEVAL_CASES)
def test_retrieval_finds_the_right_article(assistant: Assistant, question: str, article_id: str) -> None:
    hits = assistant._retriever.search(question, 3)
    assert hits[0].passage.article_id == article_id
    assert all(0.0 <= h.score <= 1.0 for h in hits)


def test_ask_cites_passages_whose_offsets_hold(assistant: Assistant) -> None:
    answer = assistant.ask("Which prison was Sergei Beseda sent to?")
    assert not answer.abstained
    assert "Lefortovo" in answer.text
    assert "[1]" in answer.text and answer.citations
    for number, citation in enumerate(answer.citations, start=1):
        assert f"[{number}]" in answer.text
        assert assistant.article(citation.article_id).text[citation.start : citation.end] == citation.text
    assert "Lefortovo" in answer.citations[0].text
    assert answer.sources and all(0 <= s.score <= 1 for s in answer.sources)


def test_a_name_question_gets_its_short_answer_marked_in_the_citation(assistant: Assistant) -> None:
    """The seed article calls him "Kremlin spokesperson Dmitry Peskov": the name is the short answer, with
    offsets inside the citation it comes from; a question asking for a description has none."""
    answer = assistant.ask("Who is the Kremlin spokesperson?")
    short = answer.short
    assert short is not None and "Peskov" in short.text
    cited = answer.citations[short.citation - 1]
    assert cited.article_id == short.article_id and cited.start <= short.start < short.end <= cited.end
    assert assistant.article(short.article_id).text[short.start : short.end] == short.text
    assert assistant.ask("What did Lavrov say about the Cold War?").short is None


def test_ask_stream_yields_status_then_text_then_final(assistant: Assistant) -> None:
    events = list(assistant.ask_stream("How many Russian diplomats did France announce on April 4 it was expelling?"))
    assert isinstance(events[0], Status)
    texts = [e for e in events if isinstance(e, Text)]
    assert len(texts) >= 2
    assert isinstance(events[-1], Final)
    answer = events[-1].answer
    assert "".join(t.piece for t in texts).strip() == answer.text
    assert "35" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "Who won the 2022 World Cup?",  # off-topic
        "How long was Maria Butina's prison sentence?",  # near miss: right person, fact not given
        "Which university did Philip Ingram study at?",  # near miss: names nearby, none where the question points
    ],
)
def test_abstains_and_still_shows_closest_passages(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained
    assert answer.text.startswith("The articles don't say")
    assert not answer.citations
    assert answer.sources


def test_a_speakers_words_are_found_where_he_is_not_named_again(assistant: Assistant) -> None:
    # "... according to Grozev." / "He added: ..." and "She created ..." two sentences after "Butina".
    answer = assistant.ask("What did Grozev add about the officers who were not arrested?")
    assert "no longer work" in answer.text
    answer = assistant.ask("Who created the Right to Bear Arms organization?")
    assert not answer.abstained
    assert any("Butina" in c.text and "Right to Bear Arms" in c.text for c in answer.citations)


def test_follow_up_with_a_pronoun(assistant: Assistant) -> None:
    conversation = assistant.chat()
    conversation.ask("Who is Andrei Soldatov?")
    answer = conversation.ask("What did he say about the imprisonment?")
    assert "Soldatov" in answer.searched
    assert not answer.abstained
    assert any("Soldatov" in c.text or "surprised" in c.text or "strong message" in c.text for c in answer.citations)


def test_follow_up_with_ellipsis(assistant: Assistant) -> None:
    conversation = assistant.chat()
    first = conversation.ask("Which prison was Sergei Beseda sent to?")
    assert "Lefortovo" in first.text
    answer = conversation.ask("And why?")
    assert "Beseda" in answer.searched
    assert not answer.abstained
    assert any(word in answer.text for word in ("false information", "failures", "embezzlement", "sacked"))


def test_follow_up_with_a_change_of_topic(assistant: Assistant) -> None:
    conversation = assistant.chat()
    conversation.ask("Which prison was Sergei Beseda sent to?")
    answer = conversation.ask("Where was Maria Butina born?")
    assert answer.searched == "Where was Maria Butina born?"
    assert "Barnaul" in answer.text


def test_rewrite_rules_without_the_model() -> None:
    history = [Turn("Who is Maria Butina?", "Maria Butina is a Russian MP [1].")]
    assert rewrite("Where was she born?", history).searched == "Where was Maria Butina born?"
    assert rewrite("What is her party?", history).searched == "What is Maria Butina's party?"
    assert rewrite("What about Peskov?", [Turn("What did Lavrov say?", "x")]).searched == "What did Peskov say?"
    born = [Turn("Where was Maria Butina born?", "In Barnaul [1].")]
    assert rewrite("And in which year?", born).searched == "In which year was Maria Butina born?"
    assert rewrite("In which year?", born).searched == "In which year was Maria Butina born?"
    lavrov = [Turn("Who is Sergey Lavrov?", "Sergey Lavrov is Russia's foreign minister [1].")]
    called = rewrite("What did he call the West's campaign?", lavrov)
    assert called.searched == "What did Sergey Lavrov call the West's campaign?"
    assert rewrite("What did Putin say he wanted?", lavrov).searched == "What did Putin say he wanted?"


def test_a_follow_up_means_the_person_named_after_a_nationality() -> None:
    """ "French President Emmanuel Macron" names Macron; "the Chinese Foreign Ministry" names no one, nor
    does "American Airlines", and "Mark Cuban" is no nationality in front of a person."""
    macron = [Turn("Who hosted the summit?", "French President Emmanuel Macron hosted the summit [1].")]
    assert rewrite("What did he say?", macron).searched == "What did Emmanuel Macron say?"
    ministry = [Turn("What did the Chinese Foreign Ministry say about the talks?", "Spokeswoman Mao Ning said so [1].")]
    assert rewrite("Where was she born?", ministry).searched == "Where was Spokeswoman Mao Ning born?"
    cuban = [Turn("Who bought the team?", "Mark Cuban bought the team from American Airlines [1].")]
    assert rewrite("What did he pay?", cuban).searched == "What did Mark Cuban pay?"
    fired = [Turn("Why was Roman Gavrilov fired, according to Bellingcat's source?", "x")]
    assert rewrite("And according to others?", fired).searched == "Why was Roman Gavrilov fired, according to others?"
    assert (
        rewrite("And according to others?", [Turn("Who fired Gavrilov?", "x")]).searched == "Who according to others?"
    )
    # "he" is the person the answer named, not the "Kremlin" of the question.
    spokesperson = [Turn("Who is the Kremlin spokesperson?", "The Kremlin spokesperson is Dmitry Peskov [1].")]
    assert rewrite("When did he speak?", spokesperson).question == "When did Dmitry Peskov speak?"
    # No person named ("Russia's ambassador" is a role): the last question stays as the search topic only.
    envoy = [Turn("What did Russia's ambassador compare the embassy to?", "He compared it to a besieged castle [1].")]
    unresolved = rewrite("What did he say next?", envoy)
    assert unresolved.question == "What did he say next?"
    assert unresolved.searched == "What did he say next (What did Russia's ambassador compare the embassy to)?"
    # Asked what "he" said, "he" is the one the last turn quoted, not the "Cold War" it also named.
    campaign = [Turn("Which campaign did Lavrov say had not bypassed diplomats?", "Even in the Cold War, no [1].")]
    assert rewrite("What did he say was destroyed?", campaign).question == "What did Lavrov say was destroyed?"
    # A question that calls the person it asks for "her" names others only: "she" is whom its answer names,
    # and no one when it abstained (not "Putin").
    loyal = "Which Russian MP is known for her steadfast loyalty to Putin?"
    named = [Turn(loyal, "Maria Butina is known for her loyalty to Putin [1].")]
    assert rewrite("When was she elected?", named).question == "When was Maria Butina elected?"
    abstained = rewrite("When was she elected?", [Turn(loyal, "The articles don't say which Russian MP ...")])
    assert abstained.question == "When was she elected?" and abstained.topic == loyal
    # "What about X?" swaps the subject, never a nationality ("six Russians").
    expelling = [Turn("Why is France expelling six Russians?", "x")]
    assert rewrite("What about Germany?", expelling).question == "Why is Germany expelling six Russians?"


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "the question is empty"),
        ("   ", "the question is empty"),
        ("w" * 10_000, "10,000 characters long; the limit is 1,000"),
    ],
)
def test_bad_questions_get_one_clear_message(assistant: Assistant, question: str, message: str) -> None:
    with pytest.raises(QuestionError, match=message):
        assistant.ask(question)


def test_cli_ask_prints_answer_and_sources(assistant: Assistant, seed_copy) -> None:
    index_dir = assistant.settings.resolved_index_dir()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "qa.cli",
            "ask",
            "Where was Maria Butina born?",
            "--corpus",
            str(seed_copy),
            "--index-dir",
            str(index_dir),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Barnaul" in result.stdout
    assert "Sources:" in result.stdout and "France Expels 6 Russian Spies" in result.stdout
    empty = subprocess.run(
        [sys.executable, "-m", "qa.cli", "ask", " ", "--corpus", str(seed_copy), "--index-dir", str(index_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert empty.returncode == 2 and "the question is empty" in empty.stderr and "Traceback" not in empty.stderr


def test_a_pinned_answer_may_come_from_the_second_best_sentence(assistant: Assistant) -> None:
    # The best sentence gives "33" and "2019"; the model answers from the second ("born ... in 1988").
    answer = assistant.ask("In what year was Maria Butina born?")
    assert "1988" in answer.text and "2019" not in answer.text
    assert any("1988" in c.text for c in answer.citations)
