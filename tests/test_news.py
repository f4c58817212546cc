"""Answers over made-up stories of kinds the seeds do not cover (travel, sport), each written so
that the answer sits where real news puts it: in the headline, with the body saying "the lagoon city"
(real index, spaCy, model)."""

from __future__ import annotations

import pytest

from qa import Assistant

STORIES = {
    "lagoon-fee": (
        "Venice Doubles Its Entry Fee for Day Trippers\n\n"
        "The famed Italian destination will charge visitors who do not stay overnight 10 euros on busy days "
        "from April, twice last year's fee, the city council said on Thursday.\n\n"
        "Officials hope the charge will thin the crowds that fill the lagoon city's narrow streets in spring. "
        "Residents, students and commuters do not pay.\n\n"
        "Last year the charge raised 2.4 million euros, more than the council had expected."
    ),
    "cup-tie": (
        "Harbour Rovers 2-1 Kingsmead Albion\n\n"
        "Why did Albion lose the cup tie?\n\n"
        "Albion lost because their goalkeeper was sent off in the 80th minute, and Dara Quinlan scored the "
        "winner with a header eight minutes later to send Harbour Rovers into the county cup final.\n\n"
        "Albion had led through a penalty before the break."
    ),
}


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    folder = tmp_path_factory.mktemp("news") / "articles"
    folder.mkdir()
    for name, text in STORIES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return Assistant.from_folder(folder, index_dir=tmp_path_factory.mktemp("news-index"))


def test_a_name_given_only_in_the_headline_answers(news: Assistant) -> None:
    """The body says "the famed Italian destination"; the headline, set apart in Title Case, says which."""
    answer = news.ask("Which Italian city doubled its entry fee for day trippers?")
    assert not answer.abstained
    assert answer.short is not None and answer.short.text == "Venice"
    cited = answer.citations[answer.short.citation - 1]
    assert cited.article_id == "lagoon-fee" and cited.start == 0


def test_a_question_in_the_article_is_never_the_answer(news: Assistant) -> None:
    """A subheading that asks the very question shares all its words, and answers nothing."""
    answer = news.ask("Why did Albion lose the cup tie?")
    assert "goalkeeper was sent off" in answer.text
    assert all(not c.text.endswith("?") for c in answer.citations)
