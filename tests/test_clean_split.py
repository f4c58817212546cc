"""Cleaning and splitting: furniture removed by general rules, and every passage's offsets hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.clean import _LINK_LABEL, clean
from index.read import read_article
from index.split import sentence_spans, split_passages

from .conftest import SEEDS

MADE_UP_HTML = """<html><head><title>Harbour Fire | Coastal Times</title>
<meta property="article:published_time" content="2023-03-12T08:00:00Z">
<script>var tracking = "analytics";</script></head>
<body><nav>Home | World | Sport</nav>
<h1>Fire Destroys Harbour Warehouse</h1>
<p>Sign up for our newsletter to get breaking alerts.</p>
<p>A fire destroyed a warehouse at the harbour on Sunday. Nobody was hurt.</p>
<figure><img src="x.jpg"><figcaption>Firefighters at the scene.</figcaption></figure>
<p>Firefighters arrived within 12 minutes. Nobody was hurt.</p>
<p>Photo: Getty Images</p>
<p>Related: Harbour plans, Port news</p>
<footer>Copyright Coastal Times</footer></body></html>
"""

MADE_UP_TEXT = """Turn on notifications to never miss a story
Published: 4 May 2021
Council Approves New Bridge Plan

Council Approves New Bridge Plan
The council approved a new bridge on Tuesday. Dr. Jane Smith said the vote was close. The vote was close.
Workers at the river bank.
Reuters
Construction starts in 2022 and costs 40 million euros. The vote was close.
Tags: bridge, council
"""


def _passages(path: Path, words: int = 45):
    cleaned = clean(read_article(path))
    return cleaned, split_passages(path.stem, cleaned.text, cleaned.title, cleaned.headlines, words)


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem)
def test_seed_offsets_hold_for_every_passage(path: Path) -> None:
    cleaned, passages = _passages(path)
    assert passages
    for passage in passages:
        assert cleaned.text[passage.start : passage.end] == passage.text
        assert passage.text[-1] in ".!?\"'”’" or passage.text == cleaned.text[passage.start : passage.end]


def test_seed_furniture_is_removed_and_headline_found() -> None:
    cleaned = clean(read_article(SEEDS / "002_2096c75ca362c109.txt"))
    for clutter in ("notifications", "Image Credit", "\nAlamy", "Topics:", "click here", "Workers on collapsed"):
        assert clutter not in cleaned.text
    assert cleaned.title == "Putin ‘Purges’ 150 FSB Agents Over Ukraine Invasion Failures"
    assert cleaned.text.count(cleaned.title) == 1
    assert "Sergei Beseda" in cleaned.text


def test_article_with_two_stories_keeps_both_headlines_as_sections() -> None:
    cleaned, passages = _passages(SEEDS / "000_1b3a15c18913f4d0.txt")
    assert cleaned.title == "France Expels 6 Russian Spies Over Diplomatic Cover"
    butina = next(p for p in passages if "Maria Butina" in p.text)
    assert butina.section == "Russian Spy Close to Putin Convicted in US"


def test_untitled_article_takes_its_first_sentence_as_title() -> None:
    cleaned = clean(read_article(SEEDS / "001_7dbcc557f4863a9a.txt"))
    assert cleaned.title.startswith("Moscow has issued a harsh response")


def test_made_up_html_article(tmp_path: Path) -> None:
    path = tmp_path / "harbour.html"
    path.write_text(MADE_UP_HTML, encoding="utf-8")
    cleaned, passages = _passages(path)
    assert cleaned.title == "Fire Destroys Harbour Warehouse"
    assert cleaned.date == "2023-03-12T08:00:00Z"
    for clutter in ("newsletter", "tracking", "Home | World", "Getty", "Related", "Copyright", "figcaption"):
        assert clutter not in cleaned.text
    assert "Firefighters arrived within 12 minutes." in cleaned.text
    _assert_repeats_have_distinct_spans(cleaned.text, passages, "Nobody was hurt.")


def test_made_up_text_article_with_other_clutter(tmp_path: Path) -> None:
    path = tmp_path / "bridge.txt"
    path.write_text(MADE_UP_TEXT, encoding="utf-8")
    cleaned, passages = _passages(path, words=12)
    assert cleaned.title == "Council Approves New Bridge Plan"
    assert cleaned.date == "4 May 2021"
    assert cleaned.text.count("Council Approves New Bridge Plan") == 1
    for clutter in ("notifications", "Reuters", "Workers at the river bank", "Tags:", "Published"):
        assert clutter not in cleaned.text
    assert "Dr. Jane Smith said the vote was close." in [cleaned.text[s:e] for s, e in sentence_spans(cleaned.text)]
    _assert_repeats_have_distinct_spans(cleaned.text, passages, "The vote was close.")


def _assert_repeats_have_distinct_spans(text: str, passages, sentence: str) -> None:
    for passage in passages:
        assert text[passage.start : passage.end] == passage.text
    occurrences = [i for i in range(len(text)) if text.startswith(sentence, i)]
    assert len(occurrences) >= 2
    covered = {s for s in occurrences if any(p.start <= s < p.end for p in passages)}
    assert covered == set(occurrences)


# Made-up articles of other kinds: (text, story sentences that must survive, clutter that must go).
OTHER_NEWS = [
    (
        "Arsenal Edge Chelsea In Derby\n\nArsenal beat Chelsea at the Emirates on Saturday.\nArsenal 2-1 Chelsea\n"
        "Bukayo Saka scored the winner in the 78th minute.\nGetty Images\nSign up for our football newsletter.\n",
        ["Arsenal beat Chelsea at the Emirates on Saturday.", "Arsenal 2-1 Chelsea", "Bukayo Saka scored the winner"],
        ["Getty Images", "Sign up for our football newsletter."],
    ),
    (
        "Retailer Profits Jump\n\nThe retailer reported a profit of $1.2 billion for the quarter.\n"
        "Shoppers who subscribe to the service can claim a refund.\nSubscribe now for unlimited access.\n",
        ["a profit of $1.2 billion", "Shoppers who subscribe to the service can claim a refund."],
        ["Subscribe now for unlimited access."],
    ),
    (
        "Phone Recall Announced\n\nApple said iPhone users would get notifications about the recall.\n"
        "About 40,000 handsets are affected.\nTurn on notifications to never miss a story\nTags: recall, phones\n",
        ["Apple said iPhone users would get notifications about the recall.", "About 40,000 handsets are affected."],
        ["Turn on notifications", "Tags: recall"],
    ),
    (
        "Study Links Sleep To Memory\n\nResearchers at Leiden University studied 2,000 adults.\n"
        "March 4, 2024\nThe study was published in The Lancet on Monday.\nPhoto: Alamy\n",
        [
            "Researchers at Leiden University studied 2,000 adults.",
            "March 4, 2024",  # a date alone may head an entry of a timeline: no time stamp
            "The study was published in The Lancet on Monday.",
        ],
        ["Photo: Alamy"],
    ),
    (
        "Council Backs Library Plan\n\nMarch 12, 2024 Updated March 13, 2024, 2:19 p.m. ET\n\n"
        "The council voted 7-2 to keep the library open.\nThe council met on March 12, 2024.\n"
        "Residents can get updates by subscribing to the council's newsletter, the mayor said.\n"
        "Click here to read more\n",
        [
            "The council voted 7-2 to keep the library open.",
            "The council met on March 12, 2024.",
            "Residents can get updates by subscribing",
        ],
        ["Click here", "Updated March 13"],
    ),
    (
        "Growers Fear Fuel Shortages\n\nDavid Agren\n\nSpecial to The Daily Courier\n\n"
        "MEXICO CITY – Avocado growers send truckloads of fruit north every week.\n"
        "Special to this year's harvest is a drought that began in March.\n",
        ["Avocado growers send truckloads", "Special to this year's harvest is a drought that began in March."],
        ["Special to The Daily Courier"],  # a byline's line, which read as a heading would head the story
    ),
    (
        "Film Festival Opens\n\nThe festival opened on Friday with a silent classic.\n"
        "Related ›› See select festival clips\nRead more: Organisers say tickets sold out in an hour.\n",
        ["The festival opened on Friday", "Organisers say tickets sold out in an hour."],
        ["See select festival clips"],  # its label is no subject: "See ..." speaks to the reader
    ),
]


def test_a_link_label_needs_its_separator() -> None:
    assert _LINK_LABEL.match("Related ›› See select clips").end() == len("Related ›› ")
    for sentence in ("Related charges were filed on Monday.", "Share prices fell 3%.", "Tags on the bags showed it."):
        assert not _LINK_LABEL.match(sentence), sentence


@pytest.mark.parametrize(("text", "story", "clutter"), OTHER_NEWS)
def test_cleaning_never_loses_a_story_sentence(tmp_path: Path, text: str, story: list[str], clutter: list[str]) -> None:
    """Sport with a scoreline, business, a product recall, science and a council story: a sentence of the
    story stays even when it shares words with a prompt to subscribe or turn on notifications."""
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    cleaned = clean(read_article(path))
    for sentence in story:
        assert sentence in cleaned.text
    for line in clutter:
        assert line not in cleaned.text


def test_a_text_story_opening_with_a_short_line_takes_it_as_its_headline(tmp_path: Path) -> None:
    """Real text exports open with the headline, often in sentence case, then a byline in Title Case."""
    path = tmp_path / "recall.txt"
    path.write_text(
        "Carmaker recalls 90,000 vans over faulty brake sensors\n\n"
        "Priya Nandra and Tom Pike\n\n"
        "A carmaker is recalling 90,000 vans because a brake sensor can fail in cold weather.\n",
        encoding="utf-8",
    )
    assert clean(read_article(path)).title == "Carmaker recalls 90,000 vans over faulty brake sensors"
    path.write_text("Record crowds at harvest fair\n\nAP\n\nThe harvest fair drew 12,000 people.\n", encoding="utf-8")
    cleaned = clean(read_article(path))  # "AP" goes as a credit; the headline above it is no photo caption
    assert cleaned.title == "Record crowds at harvest fair" and cleaned.text.startswith("Record crowds")
    for first in ("By Priya Nandra", "Updated 3 hours ago", "March 3, 2024", "March 3, 2024 Updated 2:19 p.m. ET"):
        path.write_text(f"{first}\n\nHarvest Fair Draws Record Crowds\n\nThe fair drew 12,000.\n", encoding="utf-8")
        assert clean(read_article(path)).title == "Harvest Fair Draws Record Crowds"
    path.write_text(
        "The council voted on Tuesday night to close the old library on Mill Lane, after a debate that ran for four "
        "hours and drew a crowd of more than 200 residents to the town hall.\n\nMore than 300 people wrote in.\n",
        encoding="utf-8",
    )
    assert clean(read_article(path)).title.startswith("The council voted on Tuesday night")
