"""Answers over made-up stories of kinds the seeds do not cover (travel, sport, a town, a council), each written so
that the answer sits where real news puts it: in the headline, with the body saying "the lagoon city"
(real index, spaCy, model)."""

from __future__ import annotations

import pytest

from index.articles import Passage
from qa import Assistant
from qa.answer import ShortAnswer
from qa.assistant import STORY_TOP, Ranked
from qa.evidence import MIN_COVERAGE
from qa.question import analyse_question as Q
from qa.retrieve import Hit

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
    "library-opens": (
        "Ashford Opens Its New Library\n\n"
        "Mayor Dana Whitcombe opened the town's new library on Friday after three years of building work.\n\n"
        '"It is a great day for readers," said Whitcombe, who grew up in the town.\n\n'
        "The library holds 40,000 books and a room for local history."
    ),
    "riverside-homes": (
        "Riverside Homes Plan Approved\n\n"
        "The planning committee approved the Riverside mill plan on Tuesday night after a four-hour meeting.\n\n"
        "The plan had divided the town for two years. More than 300 people wrote to the council about it.\n\n"
        "Harlow Developments, which bought the mill in 2021, will build the 240 homes and a park by the water.\n\n"
        "Residents said the homes would add traffic to Mill Lane. It already jams at school times.\n\n"
        "Councillor Ruth Abara said the committee had weighed the objections against the need for housing.\n\n"
        "The committee asked for a new crossing on Mill Lane and a bus stop by the primary school.\n\n"
        "Traffic on Mill Lane was studied for six months. The study found queues of up to 20 minutes.\n\n"
        "The study said the new homes would add about 90 cars an hour on Mill Lane at the busiest times.\n\n"
        "Objectors said the traffic study was out of date. They said queues on Mill Lane would grow longer.\n\n"
        "Work is due to begin next spring and to finish in 2028."
    ),
    "juice-diet": (
        "Former rugby star says he lost 40 kilograms on a juice diet\n\n"
        "A former rugby star says he lost 40 kilograms on a 30-day juice diet. Doctors warn it can be dangerous.\n\n"
        "Tomas Ferreira, who captained Harbour Rovers for six seasons, weighed 130 kilograms when he retired.\n\n"
        "What is a juice diet? It means drinking only fruit and vegetable juice, with no solid food at all.\n\n"
        "Doctors warn that a juice diet lacks protein, and that weight lost this way often returns within months.\n\n"
        "Is a juice diet a good way to lose weight? Most doctors say a steady diet works better over a year."
    ),
    "cover-star": (
        "Magazine Names Its Oldest Cover Star\n\n"
        "The 81-year-old is one of the cover stars of the annual issue, alongside Lena Morris and Sam Okoro, the "
        "magazine said on Monday.\n\n"
        "Ruth Calder, a television chef, first appeared in the magazine in 1990."
    ),
    "city-marathon": (
        "Mutiso Wins City Marathon\n\n"
        "Kenya's Alexander Mutiso won the city marathon on Sunday in two hours and four minutes, ahead of "
        "Ethiopia's Tadese Bekele.\n\n"
        "More than 30,000 runners took part."
    ),
    "mayor-quits": (
        "Why Is Dunmore's Mayor Stepping Down?\n\n"
        "The 54-year-old will leave the post in June after eleven years, she told the council on Monday.\n\n"
        "Pat Oduya was first elected in 2013."
    ),
    "embassy-closes": (
        "Embassy Staff Flown Out as Fighting Spreads\n\n"
        "The United States evacuated its embassy in the capital, Khartoum, on Saturday, officials said.\n\n"
        "Fighting between the Sudanese army and a paramilitary force has killed hundreds since April."
    ),
    "flood-aid": (
        "Flood Aid Reaches Cedar Falls\n\n"
        "The Federal Emergency Management Agency opened an office in the county on Monday, two days after the "
        "river burst its banks.\n\n"
        "FEMA sent 40 rescue workers to Cedar Falls, where 300 homes were flooded, the county sheriff said."
    ),
    # One agency report carried by two outlets, one of them with a lead-in of its own.
    "relay-record": (
        "Harbour Relay Team Breaks County Record\n\n"
        "The Harbour relay team ran the 4x100 metres in 41.2 seconds at the Cedar Falls meet on Saturday, "
        "beating the county record set in 1998, officials said."
    ),
    "athletics-roundup": (
        "Weekend Athletics Roundup\n\n"
        "Rain delayed the start of several meets across the county.\n\n"
        "What's more, the Harbour relay team ran the 4x100 metres in 41.2 seconds at the Cedar Falls meet on "
        "Saturday, beating the county record set in 1998, officials said."
    ),
    # A listing: each shop's paragraph, then a status line that names no shop.
    "mall-openings": (
        "What Is New at Harbour Mall\n\n"
        "Splash sells soaps and bath bombs in every colour.\n\n"
        "Opened October 1.\n\n"
        "The Lantern Cafe, awaited for two years, is still pending; its owners now hope to open in the spring."
    ),
    "hamilton-budget": (
        "Hamilton Council Passes Its Budget\n\n"
        "Councillors in Hamilton, Ontario, passed a budget of 1.2 billion dollars on Wednesday.\n\n"
        "Property taxes will rise by 4 percent, the city's treasurer said."
    ),
}


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    folder = tmp_path_factory.mktemp("news") / "articles"
    folder.mkdir()
    for name, text in STORIES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return Assistant.from_folder(folder, index_dir=tmp_path_factory.mktemp("news-index"))


def _quoted(news: Assistant, article_id: str, opening: str) -> list[Ranked]:
    """The sentence of the story that begins with `opening`, as the one best sentence."""
    article = news.article(article_id)
    start = article.text.index(opening)
    end = article.text.index(".", start) + 1
    sentence = Passage(article_id, start, end, article.text[start:end], article.title)
    return [Ranked(1.0, Hit(sentence, 0.8), sentence.text, [])]


def test_a_name_given_only_in_the_headline_answers(news: Assistant) -> None:
    """The body says "the famed Italian destination"; the headline, set apart in Title Case, says which."""
    answer = news.ask("Which Italian city doubled its entry fee for day trippers?")
    assert not answer.abstained
    assert answer.short is not None and answer.short.text == "Venice"
    cited = answer.citations[answer.short.citation - 1]
    assert cited.article_id == "lagoon-fee" and cited.start == 0


def test_a_story_on_a_neighbouring_subject_does_not_answer(news: Assistant) -> None:
    """The library story writes "library" and "said" but none of the rarer words that tell which story is
    asked about ("councillor", "traffic", "Mill Lane"), which the planning story writes: only that one is
    weighed. A word no story writes ("tramline") counts for neither."""
    hits = [Hit(news._store.records.passages_of(story)[1], 0.5) for story in ("library-opens", "riverside-homes")]
    question = Q("Which councillor said the new library would add traffic and a tramline to Mill Lane?")
    covered = news._coverage(question, hits)
    assert [s for s, share in covered.items() if share >= MIN_COVERAGE] == ["riverside-homes"]
    assert "tramline" in question.weights and "tramline" not in news._store.records.written(list(question.weights))


def test_a_question_in_the_article_is_never_the_answer(news: Assistant) -> None:
    """A subheading that asks the very question shares all its words, and answers nothing."""
    answer = news.ask("Why did Albion lose the cup tie?")
    assert "goalkeeper was sent off" in answer.text
    assert all(not c.text.endswith("?") for c in answer.citations)


def test_a_person_named_by_surname_is_answered_with_the_name_the_story_gives_in_full(news: Assistant) -> None:
    """The sentence that answers says "Whitcombe"; the story named her in full a paragraph before."""
    answer = news.ask("Who said it was a great day for readers?")
    assert answer.short is not None and answer.short.text == "Whitcombe"
    assert answer.short.full == "Dana Whitcombe" and answer.short.shown == "Whitcombe (Dana Whitcombe)"


def test_the_top_of_the_best_story_competes_with_what_retrieval_found(news: Assistant) -> None:
    """Retrieval finds the story by its later paragraphs (traffic on Mill Lane); who builds the homes is
    told near its top. The passages in its first STORY_TOP sentences compete too, scored as the least
    retrieved passage; the end of a long story does not."""
    passages = news._store.records.passages_of("riverside-homes")
    found = passages[-3]  # "The study said the new homes would add about 90 cars ..."
    extra = news._rest_of_story([Hit(found, 0.9)], [Hit(found, 0.9), Hit(passages[-4], 0.4)])
    assert STORY_TOP == 12  # the headline and eight paragraphs; the eighth is the one found
    opening = ["The planning", "The plan", "Harlow Developments,", "Residents said", "Councillor Ruth", "The committee"]
    assert [" ".join(h.passage.text.split()[:2]) for h in extra] == [*opening, "Traffic on"]
    assert all(h.score == 0.4 for h in extra)


def test_asked_who_with_no_name_retrieved_the_top_of_the_best_story_answers(news: Assistant) -> None:
    """Retrieval finds the story by what it shares with the question ("a former rugby star says he lost 40
    kilograms"), and no passage it found names him: the passages at the top of that story that can answer
    are weighed instead, scored as the least retrieved passage. A number is not looked for there."""
    passages = news._store.records.passages_of("juice-diet")
    found = [Hit(passages[0], 0.9), Hit(passages[-1], 0.4)]
    asked = "Which former rugby star says he lost 40 kilograms on a juice diet that doctors warn is dangerous?"
    assert not any(news._supports(Q(asked), h.passage) for h in found)
    extra = news._story_top(Q(asked), found)
    assert [h.passage.text.split(",")[0] for h in extra] == ["Tomas Ferreira"]
    assert extra[0].score == 0.4
    assert news._story_top(Q("How many kilograms did the former rugby star weigh when he retired?"), found) == []
    answer = news.ask(asked)
    assert answer.short is not None and answer.short.text == "Tomas Ferreira"


def test_asked_who_a_model_sentence_whose_subject_goes_unnamed_answers_nothing(news: Assistant) -> None:
    """ "The 81-year-old is one of the cover stars, alongside ..." names others, not the one asked for: asked
    who, such a first sentence fails, and the sentence is quoted instead (under its headline); asked how
    old, the same sentence answers."""
    best = _quoted(news, "cover-star", "The 81-year-old")
    written = "The 81-year-old is one of the cover stars of the annual issue, alongside Lena Morris and Sam Okoro."
    assert news._checked_sentence(written, Q("Which TV chef is the magazine's oldest cover star?"), best, {}) is None
    assert news._checked_sentence(written, Q("How old is the magazine's oldest cover star?"), best, {})


def test_a_headline_that_asks_is_never_put_in_front_of_a_quote(news: Assistant) -> None:
    """A headline that asks ("Why Is Dunmore's Mayor Stepping Down?") states nothing: the quote stands alone."""
    quoted = _quoted(news, "mayor-quits", "The 54-year-old")
    assert news._headline(quoted[0].hit.passage) is not None
    assert news._under_headline(quoted) == quoted


def test_a_quote_naming_the_thing_asked_for_only_as_the_destination_carries_its_headline(news: Assistant) -> None:
    """Asked which destination, "the famed Italian destination" answers only under its headline."""
    quoted = _quoted(news, "lagoon-fee", "The famed Italian destination")
    shown = news._under_headline(quoted)
    assert [r.hit.passage.text for r in shown] == [news.article("lagoon-fee").title, quoted[0].hit.passage.text]
    both = [*quoted, shown[0]]
    assert news._under_headline(both) == both  # the headline is quoted once
    answer = news.ask("Which destination will charge day visitors 10 euros?")
    assert answer.text.startswith("Venice Doubles Its Entry Fee for Day Trippers [1].")


def test_a_nationality_in_the_question_is_met_by_the_country_the_story_names(news: Assistant) -> None:
    """ "Which Kenyan runner" over "Kenya's Alexander Mutiso"; and the runner-up is never said to have won."""
    answer = news.ask("Which Kenyan runner won the city marathon?")
    assert answer.short is not None and answer.short.text == "Alexander Mutiso"
    winner = news.ask("Who won the city marathon?")
    assert winner.short is not None and winner.short.text == "Alexander Mutiso"
    assert "Bekele" not in winner.text or "ahead of Ethiopia's Tadese Bekele" in winner.text


def test_asked_which_country_a_nationality_or_a_capital_is_shown_with_its_country(news: Assistant) -> None:
    """ "Sudanese" names Sudan; "Khartoum" is Sudan's capital, and the story names Sudan. "Hamilton" is
    also Bermuda's capital, but the story speaks of Hamilton, Ontario, and names no Bermuda."""
    asked = Q("Which country's army is fighting a paramilitary force?")
    assert news._shown_with(asked, _short(news, "embassy-closes", "Sudanese")) == "Sudan"
    assert news._shown_with(asked, _short(news, "embassy-closes", "Khartoum")) == "Sudan"
    assert news._shown_with(asked, _short(news, "hamilton-budget", "Hamilton")) is None
    answer = news.ask("The U.S. embassy in which country was evacuated on Saturday?")
    assert answer.short is not None and "Sudan" in answer.short.shown


def test_an_acronym_is_shown_with_the_name_the_story_spells_it_out_as(news: Assistant) -> None:
    """The sentence that answers says "FEMA"; the story wrote the agency's name out a paragraph before."""
    answer = news.ask("Which agency sent rescue workers to Cedar Falls?")
    assert answer.short is not None and answer.short.text == "FEMA"
    assert answer.short.shown == "FEMA (Federal Emergency Management Agency)"


def test_a_report_two_outlets_carry_is_ranked_once(news: Assistant) -> None:
    """One outlet opens the agency's sentence with "What's more,": it is still the same sentence, and an
    answer quoting both would say it twice."""
    hits = [
        Hit(passage, 0.5)
        for story in ("relay-record", "athletics-roundup")
        for passage in news._store.records.passages_of(story)
    ]
    question = Q("How fast did the Harbour relay team run the 4x100 metres at the Cedar Falls meet?")
    ranked = news._ranked_sentences(question, hits)
    assert sum("41.2 seconds" in r.read for r in ranked) == 1
    assert ranked[0].hit.passage.article_id == "relay-record"  # the better of the two: no lead-in


def test_a_status_line_naming_nothing_is_never_shown(news: Assistant) -> None:
    """ "Opened October 1." holds a date and the question's verb, but says of nothing that it opened."""
    hits = [Hit(passage, 0.5) for passage in news._store.records.passages_of("mall-openings")]
    ranked = news._ranked_sentences(Q("When is the Lantern Cafe expected to open?"), hits)
    assert ranked and all(r.read != "Opened October 1." for r in ranked[:3])
    answer = news.ask("When is the Lantern Cafe at Harbour Mall expected to open?")
    assert "Opened October 1" not in answer.text


def _short(news: Assistant, article_id: str, text: str) -> ShortAnswer:
    start = news.article(article_id).text.index(text)
    return ShortAnswer(text, article_id, start, start + len(text), 1)
