"""The evidence and verification rules on their own: plain functions, no model or store needed."""

from __future__ import annotations

import pytest

from index.analysis import Analysis, analyse
from index.articles import Article, Passage
from index.nlp import Entity, entities, parse, syntax
from index.referent import referent
from index.text import (
    capital_of,
    country_named,
    country_of,
    dateline_end,
    dates,
    has_land_border,
    names_day,
    nation_named,
    normalize,
    place_kinds,
    rarity,
    says,
    words,
)
from qa.assistant import (
    MIN_SIMILARITY,
    STORY_MARGIN,
    SURE_COVERAGE,
    SURE_SCORE,
    SURE_SIMILARITY,
    VOTE_MARGIN,
    Ranked,
    _drawn_on,
    _focus,
    _headline_names,
    _sentence_case,
    _shortenings,
    _unsure,
    _with_marker,
)
from qa.evidence import (
    MIN_COVERAGE,
    coverage,
    fills_slot,
    holds_answer,
    misplaces_role,
    names_in_full,
    new_names,
    required_names,
    restates,
    supports,
)
from qa.question import analyse_question as Q
from qa.retrieve import Hit
from qa.short import _trailing, leaves_unnamed, short_answer, subjectless
from qa.verify import problem, unsupported_facts

ELECTED = "Maria Butina, 33, was elected to the Russian Parliament in 2019 after being freed from a US prison."
TERM = "Commenting on the total hybrid war that the collective West has launched against Russia, Lavrov spoke."
LAVROV = "Foreign Minister Sergey Lavrov stated that Western countries were unable to find traitors among diplomats."
DONBASS = (
    "Russia attacked following Ukraine's failure to implement the terms of the Minsk agreements, first signed in 2014,"
    " and Moscow's eventual recognition of the Donbass republics of Donetsk and Lugansk."
)
COVER = "French officials said the six Russians worked under diplomatic cover."
DGSI = "The DGSI, France's domestic intelligence service, had identified a covert operation on April 10."
CUP = "The Avalanche beat the Lightning in Tampa to win the Stanley Cup."
EXPELLED = "Britain expelled four Russian diplomats, and Russia said it would respond."
ENVOY = "Peskov shares the concerns of Russia's Ambassador to the US Anatoly Antonov, who reported the attempts."


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many Russians is France expelling?", "number"),
        ("How long had the operation been going on?", "duration"),
        ("In what year was Maria Butina born?", "date"),
        ("She has served as prime minister since when?", "date"),
        ("The plant will be closed until when?", "date"),
        ("Why was Beseda sent to prison?", "reason"),
        ("Who is the Kremlin spokesperson?", "person"),
        ("Who is Andrei Soldatov?", "other"),  # a description, not a name, answers this
        ("Who is Russia's ambassador to the US?", "person"),
        ("Whose phone numbers were handed out?", "person"),
        ("Which university did Maria Butina attend?", "name"),
        ("On which Russian talk show did Antonov appear?", "name"),
        ("What are the names of the six Russians?", "name"),
        ("What charge is Beseda being held on?", "other"),
        ("What did the State Department say?", "other"),  # "state" is not the category asked for here
        # Other kinds of news: the noun after "which" says what kind of name answers.
        ("Which club did Harry Kane join?", "name"),
        ("Which Kenyan runner won the marathon?", "person"),
        ("Where was he held before that?", "other"),  # "under house arrest" answers as well as a place
        ("The new pope hails from which US state?", "name"),
        ("Which journal published the study?", "name"),
        ("Which word did the president use for his critics?", "other"),
        # "who" doing the main verb asks for someone, as a quiz's question after a sentence of context does.
        ("Who was elected mayor of Leeds on Thursday?", "person"),
        ("Who is taking over as chief executive?", "person"),
        ("Rovers won the draft lottery. Who did they pick last time?", "person"),
        ("Which MP was suspended from the Commons?", "person"),
        ("Which of these companies won the contract?", "name"),
        ("Which model plays the singer in the video?", "name"),
        ("Which General Motors model was recalled?", "name"),  # a fashion model is a person, a car model no one
        ("What kind of drug did police seize?", "other"),  # a kind of drug: "fentanyl" answers, no name
        ("What percent of voters backed the plan?", "number"),
        # The noun the parse ties "which" to, however it is qualified; the noun named after "the name of".
        ("Which fast-food chain is bringing back its burger?", "name"),
        ("What was the name of the player who led the team to the title?", "person"),
    ],
)
def test_answer_types(question: str, kind: str) -> None:
    assert Q(question).kind == kind


def test_a_kind_of_thing_asks_for_the_thing() -> None:
    assert Q("Pope Francis was hospitalized for what type of infection?").noun == "infection"
    assert Q("Which kind of ship did the Navy rename?").noun == "ship"
    # A plural owner with "'s" says what kind ("children's author"); one with a bare apostrophe is asked for.
    assert Q("Books by which children's author are being revised?").noun == "author"
    assert Q("Which broadcaster's journalists were detained?").noun == "broadcaster"
    assert Q("Which countries' leaders attended the summit?").noun == "country"
    assert Q("Which women").noun == "woman"  # a question cut short is read, not a crash
    assert Q("The army may use which US-supplied missiles?").noun == "missile"


def test_a_country_is_given_by_any_of_its_names() -> None:
    """ "The United States" adds nothing to a question saying "the U.S.", nor "Britain" to one saying "UK"."""
    assert Q("The U.S. embassy in which country was evacuated?").gives("the United States")
    assert Q("Why did UK ministers resign?").gives("the United Kingdom") and Q("Who met the king?").gives("UK") is False
    assert not Q("The U.S. embassy in which country was evacuated?").gives("Sudan")


def test_every_country_is_known_by_its_nationality() -> None:
    """ "Which Kenyan runner won?" needs no "Kenyan" in the story ("Kenya's Alexander Mutiso" will do), and
    "South Africans" name South Africa; a first name or a US state's people name no country."""
    assert country_named("Kenyan") == country_named("Kenya") == "kenya"
    assert country_named("South Africans") == country_named("South Africa") and country_named("Emirati")
    assert country_named("American") == country_named("the U.S.") == "america"  # the table's spelling first
    assert country_named("Texan") is None and country_named("Chris") is None
    # A word countryinfo gives a country as its own nationality, or gives several countries, tells none.
    assert country_of("Djibouti") is None and country_of("Dominican") is None
    assert "Djibouti" in required_names("What did the president of Djibouti announce?")
    assert country_named("Bahamian") == country_named("the Bahamas")
    assert "Kenyan" not in required_names("Which Kenyan runner won the marathon?")
    assert nation_named("South Koreans") == "South Korea" and nation_named("Kenya") is None
    sentence = "South Korean markets plunged into chaos after the president declared martial law."
    found = short_answer(
        Q("Which country plunged into chaos after its president declared martial law?"),
        Passage("a", 0, len(sentence), sentence, ""),
        [Entity(0, len("South Korean"), "NORP")],
        1,
    )
    assert found is not None and found.text == "South Korean"  # shown with its country: tests/test_news.py


def test_a_capital_answers_which_country() -> None:
    """News often names a country by its capital ("the embassy in the capital of Khartoum"): asked which
    country, the capital answers; a capital several countries claim, or one named as its country, names
    none, and the table's spellings come first ("Kiev")."""
    assert capital_of("Khartoum") == "Sudan" and capital_of("Kabul") == "Afghanistan" and capital_of("Kiev")
    assert capital_of("Jerusalem") is None and capital_of("Singapore") is None and capital_of("Springfield") is None
    assert nation_named("Khartoum") is None  # a city has no people of its own here
    sentence = "The United States evacuated the embassy in the capital of Khartoum on Saturday."
    found = short_answer(
        Q("The U.S. embassy in which country was evacuated after fighting broke out?"),
        Passage("a", 0, len(sentence), sentence, ""),
        [Entity(sentence.index("Khartoum"), sentence.index("Khartoum") + len("Khartoum"), "GPE")],
        1,
    )
    assert found is not None and found.text == "Khartoum"


@pytest.mark.parametrize(
    ("sentence", "marked"),
    [
        ("The vote was held in Moscow.", "The vote was held in Moscow [1]."),
        ("Clocks go back on Sunday, Nov. 5 at 2 a.m.", "Clocks go back on Sunday, Nov. 5 at 2 a.m. [1]"),
        ("She moved to the U.S.", "She moved to the U.S. [1]"),
        ('"We are moving to the U.S."', '"We are moving to the U.S." [1]'),
        ("Lantern Night returns to Ashford", "Lantern Night returns to Ashford [1]."),
        ('"We will win," he said. "We always do."', '"We will win," he said. "We always do [1]."'),
    ],
)
def test_a_citation_stands_before_the_closing_stop_never_inside_an_abbreviation(sentence: str, marked: str) -> None:
    assert _with_marker(sentence, "[1]") == marked


@pytest.mark.parametrize(
    ("question", "sentence", "answers"),
    [
        ("Which club did Harry Kane join?", "Harry Kane completed his £100m move to Bayern Munich.", ["Bayern Munich"]),
        ("How much did Apple earn?", "Apple reported a profit of $23.6 billion for the quarter.", ["$23.6 billion"]),
        # "How much" measures, "how many" counts.
        ("How much was the club fined?", "The club was fined $9,000 for nine breaches.", ["9,000"]),
        ("How many breaches did the club commit?", "The club was fined $9,000 for nine breaches.", ["9,000", "nine"]),
        # A share is a percentage, never the count beside it.
        (
            "What percentage of adults got the booster?",
            "Only 11% of the 2,400 adults in the survey got the booster.",
            ["Only 11%"],
        ),
        # A craft or a weapon is named as a product or a body, never by the country it flies for.
        ("What is the name of the spacecraft?", "The U.S. spacecraft Voyager 1 left the solar system.", ["Voyager 1"]),
        ("Which missile did Russia fire?", "Russia fired a Kinzhal missile at the Ukrainian capital.", ["Kinzhal"]),
        ("Who is Boeing's chief executive?", "Boeing's chief executive Dave Calhoun said so.", ["Dave Calhoun"]),
        ("Which journal published the study?", "The study was published in The Lancet.", ["Lancet"]),
        ("Who will replace the manager?", "Fans want a new manager.", []),  # "Fans" is no one's name
        ("When did Harry Kane join Bayern Munich?", "Harry Kane joined Bayern Munich.", []),  # names given, no date
        # An age tells who, and "said Thursday" when the words were said: asked when it was said, it answers.
        (
            "When did the mayor take office?",
            "The 42-year-old mayor, who took office in 2019, said Thursday she would run for a third term.",
            ["2019"],
        ),
        (
            "When did the mayor say she would run again?",
            "The 42-year-old mayor said Thursday she would run for a third term.",
            ["Thursday"],
        ),
        ("When will the match be played?", "The club said Thursday's match would go ahead.", ["Thursday"]),
        ("When was the girl found?", "The 3-month-old girl was found on Sunday, police said.", ["Sunday"]),
        (
            "On which day did the minister make his statement?",
            "The minister stated on Saturday that the talks had failed.",
            ["Saturday"],
        ),
        # A season is a date, written without capitals or digits.
        (
            "When will the stadium open?",
            "The stadium will open in the spring, the club's 58-year-old owner said on Monday.",
            ["the spring"],
        ),
        # Asked for a country, a group that is no nation ("Himalayan") names none; a nationality may.
        (
            "Which country is banning solo trekking?",
            "Solo trekking will be banned from Nepal's national parks to cut rescues in the Himalayan country.",
            ["Nepal"],
        ),
        (
            "Which country did the envoy criticise?",
            "In Geneva, the envoy criticised American spies.",
            ["Geneva", "American"],
        ),
        # An abbreviation given with dots is given without them, and a name is given by its initials.
        ("The U.S. embassy in which country was evacuated?", "The US embassy in Sudan was evacuated.", ["Sudan"]),
        (
            "Who was elected president of the International Olympic Committee?",
            "Kirsty Coventry was elected the first female president of the IOC.",
            ["Kirsty Coventry"],
        ),
    ],
)
def test_an_answer_is_an_entity_of_the_kind_asked_for(question: str, sentence: str, answers: list[str]) -> None:
    """spaCy's entities decide what can answer, on sport, business and science news alike; what the question
    names itself never answers it."""
    found = Q(question).answers(sentence, list(entities(sentence)))
    assert [sentence[e.start : e.end] for e in found] == answers
    assert supports(Q(question), sentence, "", list(entities(sentence))) == bool(answers)


def test_a_passage_must_name_what_the_question_names() -> None:
    assert supports(Q("When was Maria Butina elected?"), ELECTED, "")
    assert not supports(Q("When was Anna Petrova elected?"), ELECTED, "")
    # A nationality is not a required name: articles often name the country instead.
    assert supports(Q("When was the Russian activist Butina elected?"), ELECTED, "")


def test_a_story_must_write_every_word_of_a_name_the_question_gives_in_full() -> None:
    """ "Shady Oaks Care Center" shares most words with "Holly Oak Child Care Center" and is another place; a
    person is often named by surname alone, and a word counts in another form ("Oaks")."""
    story = Article("a", "t", "Inspectors visited Shady Oaks Care Center, where Butina's child was cared for.", "p")
    assert not names_in_full(Q("Why was the Holly Oak Child Care Center closed?"), story)
    assert names_in_full(Q("Why was the Shady Oak Care Center visited?"), story)
    assert names_in_full(Q("Why did Maria Butina visit the centre?"), story)
    # A name's short forms: its first word and half its words, or its initials.
    games = Article("b", "t", "The IOC said Leeds council would bid for the Paris Games.", "p")
    assert names_in_full(Q("Did the International Olympic Committee back the Paris Olympics?"), games)
    assert names_in_full(Q("What did Leeds City Council bid for?"), games)
    band = Article("c", "t", "The bandleader backed it.", "p")  # initials are a word, not its start
    assert not names_in_full(Q("Why did Bank of America leave the bid?"), band)


def test_a_story_must_write_most_of_what_the_question_says_weighed_by_rarity() -> None:
    """Another outbreak's story writes "killed" and "billions" but not "cholera" or "bacteria", the rarer words
    that tell which outbreak is asked about; asked about its own, the same story answers. A word no story in
    the archive writes (a misspelling) tells no story apart and is left out."""
    assert rarity("cholera") > rarity("killed") > rarity("week") > rarity("the") == 0
    story = Article("d", "t", "A virus has killed billions of starfish along the Pacific coast, scientists said.", "p")
    near_miss = Q("A cholera-related bacteria has killed billions of which sea creature?")
    assert coverage(near_miss, story, set(near_miss.weights)) < MIN_COVERAGE
    asked = Q("Which sea creature has a virus killed by the billions along the Pacific coast?")
    assert coverage(asked, story, set(asked.weights)) >= MIN_COVERAGE
    final = Article("w", "t", "Carlos Alcaraz won the Wimbledon final on Sunday.", "p")
    misspelt = Q("Who won the Wimbeldon final?")
    assert coverage(misspelt, final, set(misspelt.weights)) < MIN_COVERAGE
    assert coverage(misspelt, final, set(misspelt.weights) - {"wimbeldon"}) >= MIN_COVERAGE


def test_a_sentence_that_only_restates_the_question_answers_nothing() -> None:
    """A headline that repeats the question's words with a common verb says nothing of what is asked; a
    sentence adding a rarer word, a number or a name the question lacks (however common) does."""

    def restated(question: str, sentence: str) -> bool:
        return restates(Q(question), sentence, list(entities(sentence)))

    infection = "Pope Francis was recently hospitalized for what type of infection?"
    assert restated(infection, "Pope Francis remains hospitalized.")
    assert not restated(infection, "Pope Francis remains hospitalized with double pneumonia.")
    assert not restated("She has served as prime minister since when?", "She has served as prime minister since 2017.")
    assert not restated("Who scored the winner for the club?", "Brown scored the winner for the club.")


def test_words_read_abbreviations_and_possessives_as_news_writes_them_either_way() -> None:
    assert words("The U.S. and the U.K at 5 p.m.") == ["the", "us", "and", "the", "uk", "at", "5", "pm"]
    assert normalize("Nepal’s national parks") == "nepal national parks"
    assert normalize("$2000 checks") == normalize("$2,000 checks") == "2000 checks"  # a number, either way
    assert normalize("ages 3, 400 and 5") == "ages 3 400 and 5"  # a list is no number
    assert normalize("$1,234,567") == "1234567"
    # Hyphened to a word, the letters stay apart, as the name finder reads them: a verbatim quote states
    # nothing its source does not.
    seat = "Tom Suozzi won the seat vacated by George Santos, R-N.Y."
    assert words(seat)[-3:] == ["r", "n", "y"]
    assert unsupported_facts(f"{seat} [1]", [seat]) == set()


def test_a_passage_must_hold_the_kind_of_answer_asked_for() -> None:
    assert supports(Q("How old is Maria Butina?"), ELECTED, "")
    assert not supports(Q("How old is Maria Butina?"), "Maria Butina claims to be a peacemaker.", "")
    # A nationality does not answer "which city", nor does the country of one the question gives.
    assert not supports(
        Q("In which city was the operation uncovered?"), "French officials uncovered the operation.", ""
    )
    assert not supports(Q("In which French city was it uncovered?"), "The operation was uncovered in France.", "")
    assert supports(Q("In which French city was it uncovered?"), "The operation was uncovered in Lyon.", "")


def test_a_name_labelled_another_kind_names_no_one() -> None:
    """Capitals mark names a small model's labels miss, but asked for someone, not one it labels as what is
    never a person's name: a Super Bowl champion is no player's name. A surname it calls a place still is."""
    player = Q("Which NFL player says he lost more than 100 pounds on a water fast?")
    unnamed = "A former NFL Super Bowl champion says he lost more than 100 pounds during a 40-day fast."
    assert holds_answer(player, unnamed) and not holds_answer(player, unnamed, list(entities(unnamed)))
    named = "Russell Okung, an alum of the 2014 Super Bowl team, lost more than 100 pounds."
    assert holds_answer(player, named, list(entities(named)))
    scorer = "Haaland scored twice for City."  # a small model may take a surname for a place
    assert holds_answer(Q("Which player scored twice for City?"), scorer, list(entities(scorer)))


@pytest.mark.parametrize(
    ("answer", "question", "focus", "reason"),
    [
        # Words the question gives, stated as if the source said them.
        (
            "VAR stopped Lauren James from scoring twice.",
            "Which player did VAR stop from scoring twice?",
            "VAR stopped Lauren James from scoring a hat trick on Saturday.",
            "does not say: twice",
        ),
        ("Acme will cut 500 jobs.", "Which company will cut 500 jobs?", "Acme said it would cut 300 jobs.", "500"),
        (
            "Cases in the US fell by 5%.",
            "By how much did cases fall in the US?",
            "The statewide share of cases fell by 5%, officials said.",
            "does not say: us",
        ),
        # The number of another statement ("elected in 2019"), tied to the question's word ("born").
        ("Butina was born in 2019.", "In what year was Maria Butina born?", ELECTED, "does not say: born"),
        ("Butina was elected in 2021.", "When was Maria Butina elected?", ELECTED, "not in the cited passage: 2021"),
        ("Butina was elected with Anna Petrova.", "When was Butina elected?", ELECTED, "not in the cited passage"),
        # Each number is there, the date is not: the year belongs to another day.
        (
            "The last total solar eclipse seen in the US was on April 8, 2017.",
            "When was the last total solar eclipse seen in the US?",
            "The last total solar eclipse seen in the US was on Aug. 21, 2017, and this year's falls on April 8.",
            "not in the cited passage: apr 8 2017",
        ),
        ("The six Russians are French officials.", "What are the names of the six Russians?", COVER, "name asked for"),
        ("The article says Butina was elected.", "When was Butina elected?", ELECTED, "talks about the passage"),
        ("Butina was elected in 2019 by a landslide of gun groups.", "When was Butina elected?", ELECTED, "says more"),
        # Every word it adds must be grounded: four from the sentence and one invented are not enough.
        (
            "Butina was elected to the Russian Parliament in 2019 unanimously.",
            "When was Butina elected?",
            ELECTED,
            "unanim",
        ),
        ("The Foreign Minister.", "What did Lavrov say Western countries could not find?", LAVROV, "only says who"),
        # Every word is in the source, the doer is not: "to win" takes its subject from "beat".
        ("The Lightning won the Stanley Cup.", "Who won the Stanley Cup?", CUP, "who did what"),
        ("Russia expelled four Russian diplomats.", "Which country expelled diplomats?", EXPELLED, "who did what"),
        # In the passive the doer follows "by"; its subject is what was done to.
        ("The Avalanche were beaten by the Lightning.", "Who beat the Avalanche?", CUP, "who did what"),
        # Each of several doers must do it in the source: the runner-up did not win.
        (
            "The marathon was won by Kenyans Alexander Mutiso and Tadese Bekele.",
            "Who won the marathon?",
            "Kenya's Alexander Mutiso won the marathon on Sunday, ahead of Ethiopia's Tadese Bekele.",
            "who did what",
        ),
        # ... also in a clause set beside its noun.
        (
            "The marathon, won by Tadese Bekele, drew 30,000 runners.",
            "Who won the marathon?",
            "Kenya's Alexander Mutiso won the marathon, which drew 30,000 runners, ahead of Tadese Bekele.",
            "who did what",
        ),
        # Quantifiers and negation are stop words to every other check.
        ("Britain expelled all four Russian diplomats.", "How many diplomats were expelled?", EXPELLED, "how much"),
        ("The Lightning never beat the Avalanche.", "Who beat the Avalanche?", CUP, "how much or whether: never"),
        ("Britain didn't expel four Russian diplomats.", "Did Britain expel diplomats?", EXPELLED, "whether: not"),
        # The owner of a thing is the one the source gives it to, not another name of that sentence.
        (
            "Soldatov said Beseda's imprisonment sent a message, and Soldatov's imprisonment too.",
            "Who said the imprisonment sent a message?",
            "Soldatov, an expert, said Beseda's imprisonment sent a message.",
            "wrong owner: Soldatov's imprisonment",
        ),
        (
            "The Donbass republics were Ukraine.",
            "Which Donbass republics did Moscow recognise?",
            DONBASS,
            "not next to",
        ),
        # A name called what the source calls another: the company is Yum Brands, not the chain it owns.
        (
            "Pizza Hut is a digital company.",
            "What is Pizza Hut planning?",
            "Yum Brands, the company which owns chains like KFC and Pizza Hut, has teased a shift to digital sales.",
            "calls something what the source does not: hut pizza company",
        ),
        # Sentences that break off: at a colon, at a preposition without its object.
        (
            "The Emmys announced the nominees for:",
            "What did the Emmys announce?",
            "The Emmys announced the nominees for 2024, with The Bear on top.",
            "breaks off",
        ),
        (
            'Richard Belzer, comedian and TV detective John Munch on "Law.',
            "Which comedian will return to late-night TV?",
            'Richard Belzer, comedian and TV detective John Munch on "Law ...',
            "breaks off",
        ),
        # The same cut headline with its quotation closed by the model: no verb, no statement.
        (
            'Richard Belzer, comedian and TV detective John Munch on "Law".',
            "Which comedian will return to late-night TV?",
            'Richard Belzer, comedian and TV detective John Munch on "Law ...',
            "breaks off",
        ),
        (
            "The Times reported that the money storage facility in Los Angeles.",
            "What did the Times report?",
            "Thieves stole $30 million from a money storage facility in Los Angeles, the Times reported.",
            "breaks off",
        ),
        (
            "The State of South Carolina is Murdaugh from.",
            "Which state is Murdaugh from?",
            "The State of South Carolina rests its case in the Murdaugh trial today.",
            "breaks off",
        ),
    ],
)
def test_answers_that_must_not_be_shown(answer: str, question: str, focus: str, reason: str) -> None:
    found = problem(answer, Q(question), [focus], [focus])
    assert found and reason in found


def test_words_joined_from_two_sentences_are_not_shown() -> None:
    focus = ["The Times reports that officers were dismissed.", "Philip Ingram, an officer, told Insider."]
    found = problem(
        "The Times reports that Philip Ingram.", Q("Who said the officers will no longer work?"), focus, focus
    )
    assert found and "joins words from different sentences" in found
    # Dropping the "not" of "have not been arrested" by borrowing from the other sentence.
    focus = ["The Times reports 150 officers were dismissed, some even arrested.", "A significant number were not."]
    found = problem("The Times reports a significant number were arrested.", Q("What did Grozev say?"), focus, focus)
    assert found and "joins words from different sentences" in found


@pytest.mark.parametrize(
    ("answer", "question", "focus"),
    [
        ("Butina was elected to the Russian Parliament in 2019.", "When was Maria Butina elected?", ELECTED),
        ("Lavrov said they were unable to find traitors.", "What did Lavrov say the West could not find?", LAVROV),
        ("Sergey Lavrov is the Foreign Minister.", "Who is Sergey Lavrov?", LAVROV),
        ("The republics were Donetsk and Lugansk.", "Which Donbass republics did Moscow recognise?", DONBASS),
        # "speak to" and "told" are the same kind of word.
        ("Ingram told Insider.", "Which outlet did Ingram speak to?", "Philip Ingram, an officer, told Insider."),
        # Framing words ("term", "used", "describe") are not facts the passage must hold.
        ("The term used to describe it was total hybrid war.", "What did Lavrov call the West's campaign?", TERM),
        # A newspaper whose name ends like a nationality is still a name.
        (
            "The Guardian reported it.",
            "Which newspaper reported the arrest?",
            "The arrest was reported by The Guardian.",
        ),
        # A nationality is the country the passage names in another form.
        ("The French DGSI identified it on April 10.", "When did the spy agency find it?", DGSI),
        # The doer in the answer is the doer in the source.
        ("The Avalanche beat the Lightning.", "Who beat the Lightning?", CUP),
        (
            "The Avalanche defeated the Lightning.",
            "Who defeated the Lightning?",
            "The Lightning were defeated by the Avalanche.",
        ),
        (
            "The marathon was won by Alexander Mutiso.",
            "Who won the marathon?",
            "Kenya's Alexander Mutiso won the marathon.",
        ),
        # A clause without a subject takes the passive's subject, not its "by"; a verb with its own "by" is passive.
        (
            "Eliud Kipchoge finished second.",
            "Who finished second?",
            "Eliud Kipchoge was beaten by Kenenisa Bekele and finished second.",
        ),
        ("Smith was charged by Brown.", "Who charged Smith?", "Smith was arrested by Jones and charged by Brown."),
        # "Who called ...?" asks who did something, not whom a quote belongs to.
        (
            "John Smith called the police.",
            "Who called the police?",
            "Neighbour John Smith called the police on Friday.",
        ),
        # An acronym the source writes out.
        (
            "Cases in the US fell by 5%.",
            "By how much did cases fall in the US?",
            "Cases in the United States fell by 5%, officials said.",
        ),
        # The question's full name stands in the source by its last word.
        ("Ana Ruiz joined Rovers in 2019.", "When did Ana Ruiz join Rovers?", "Ruiz joined Rovers in 2019 from Leeds."),
        # Said in full, a contraction of the source says what it says.
        ("The council did not approve the plan.", "What did it decide?", "The council didn't approve the plan."),
        # What the source sets beside a name, or the name it titles, the answer may call it.
        (
            "The chain that said sales rose is Dunmore.",
            "Which chain said sales rose?",
            "Dunmore, a restaurant chain, said sales rose.",
        ),
        ("Dunmore is the company.", "Which company cut jobs?", "The company Dunmore cut 300 jobs on Monday."),
        # A particle, or "against" after a number, ends a whole sentence; so does a short answer without a verb.
        ("The measure was voted down.", "What happened to the measure?", "The measure was voted down on Monday."),
        ("The vote was 62% for and 38% against.", "How did the vote go?", "The vote was 62% for and 38% against."),
        ("Vanuatu, a Pacific island nation.", "Which nation was hit?", "A quake hit Vanuatu, a Pacific island nation."),
        # "The company" that speaks of Apple again gives the noun to no other name.
        (
            "Apple is the company that reported record profits.",
            "Which company reported record profits?",
            "Apple reported record profits. The company said sales rose.",
        ),
        # A preposition ending a relative clause ends a whole sentence.
        (
            "Barnaul is the city Butina comes from.",
            "Where is Butina from?",
            "Butina comes from Barnaul, a city in Siberia.",
        ),
    ],
)
def test_grounded_answers_pass(answer: str, question: str, focus: str) -> None:
    assert problem(answer, Q(question), [focus], [focus]) is None


@pytest.mark.parametrize(
    ("sentence", "source", "shorter"),
    [
        (
            "Nearly 4 million people in New York, Vermont, New Hampshire and Maine faced flood warnings, USA TODAY "
            "reported Tuesday.",
            "USA TODAY reported that nearly 4 million people faced flood warnings.",
            ["Nearly 4 million people in New York, Vermont, New Hampshire and Maine faced flood warnings."],
        ),
        ("Ford, Chevrolet, BMW, Mitsubishi recall nearly 1.3 million vehicles.", "", []),
        ("The last total solar eclipse seen in the US was on April 8, 2017, officials said.", "", []),
        (
            "Beseda, a former commander, was sent to Lefortovo prison, his lawyer said.",
            "Beseda was sent to Lefortovo prison, his lawyer said on Monday.",
            [
                "Beseda was sent to Lefortovo prison, his lawyer said.",
                "Beseda, a former commander, was sent to Lefortovo prison.",
            ],
        ),
        # An aside the source gives restricts the rest: it stays (the sentence may still end before it).
        (
            "The eclipse was seen by 1.8 million people, which was only 0.55% of the population, in total.",
            "The eclipse was seen by 1.8 million people, which was only 0.55% of the population, in total.",
            ["The eclipse was seen by 1.8 million people."],
        ),
        (
            "Arsenal beat Chelsea 2-1 at the Emirates, with goals from Saka, Havertz and Rice.",
            "",
            ["Arsenal beat Chelsea 2-1 at the Emirates."],
        ),
    ],
)
def test_a_model_sentence_is_shortened_at_a_clause_never_inside_a_list(
    sentence: str, source: str, shorter: list[str]
) -> None:
    """A list's first members do not hold what the whole list holds ("4 million people in New York"), and an
    aside is dropped only when the source does not give it."""
    assert list(_shortenings(sentence, source)) == [sentence, *shorter]


def test_a_clause_running_on_past_a_comma_is_no_aside() -> None:
    """Dropping "which only 0.55% of the global population" would leave "4:41 p.m. or 43,800,000 people"."""
    sentence = (
        "It will be visible at 4:41 p.m., which only 0.55% of the global population, or 43,800,000 people, will"
        " be able to see it."
    )
    assert not [s for s in _shortenings(sentence, "") if "p.m. or" in s]


@pytest.mark.parametrize(
    ("question", "names_only"),
    [
        ("Who is Christo Grozev?", True),
        ("What is Bellingcat?", True),
        ("Who is Boeing's chief executive?", False),
        ("Which game did the woman play with her tongue?", False),
    ],
)
def test_a_sentence_reading_unlike_the_question_is_a_near_miss(question: str, names_only: bool) -> None:
    """Unless the question says nothing but whom it is about: no answer reads like "Who is X?"."""
    text = "Play the USA TODAY Daily Crossword Puzzle."
    sentence = Passage("a", 0, len(text), text, "")
    far = Ranked(2.0, Hit(sentence, 0.5), sentence.text, [], MIN_SIMILARITY - 0.1)
    close = far._replace(similarity=MIN_SIMILARITY + 0.1)
    assert Q(question).names_only is names_only
    assert _unsure(Q(question), far, {"a": 1.0}) is not names_only
    assert not _unsure(Q(question), close, {"a": 1.0})


def test_a_sentence_weak_on_every_count_is_a_near_miss() -> None:
    """From a story writing little of the question, a sentence reading unlike it and scoring low answers
    nothing ("South Korea passed a law banning the sale of what?" over its martial law); strong on any one
    count, it may."""
    text = "A declaration of martial law in South Korea triggered a political crisis."
    sentence = Passage("a", 0, len(text), text, "")
    weak = Ranked(SURE_SCORE - 0.2, Hit(sentence, 0.7), text, [], SURE_SIMILARITY - 0.05)
    question = Q("South Korea passed a law this week banning the sale of what?")
    thin = {"a": SURE_COVERAGE - 0.1}
    assert _unsure(question, weak, thin)
    assert not _unsure(question, weak, {"a": SURE_COVERAGE + 0.1})
    assert not _unsure(question, weak._replace(similarity=SURE_SIMILARITY + 0.05), thin)
    assert not _unsure(question, weak._replace(score=SURE_SCORE + 0.1), thin)


def test_a_sentence_holding_the_name_asked_for_beats_as_good_ones_that_hold_none() -> None:
    """Asked which veteran the Angels hired, "Washington replaced Nevin" (a place, to the tagger) scores
    best; "The Angels hired Ron Washington", a little lower, names him. Lower still, it joins the best one
    when the same story tells it (an opening restates the question, the next sentence answers); from
    another story, or far lower, it does not count."""

    def ranked(score: float, text: str, answers: list[Entity], story: str = "a") -> Ranked:
        return Ranked(score, Hit(Passage(story, 0, len(text), text, ""), 0.5), text, answers)

    replaced = ranked(1.64, "Washington replaced Nevin as manager.", [])
    signed = ranked(1.6, "Washington signed a two-year contract.", [])
    hired = ranked(1.58, "The Angels hired Ron Washington.", [Entity(18, 31, "PERSON")])
    question = Q("Which veteran did the Angels hire as manager?")
    assert _focus(question, [replaced, signed, hired]) == [hired]
    lower = hired._replace(score=1.64 - STORY_MARGIN + 0.05)
    assert _focus(question, [replaced, signed, lower]) == [replaced, lower]
    elsewhere = ranked(lower.score, lower.read, lower.answers, story="b")
    assert _focus(question, [replaced, signed, elsewhere]) == [replaced, signed]
    far = hired._replace(score=1.64 - STORY_MARGIN - 0.05)
    assert _focus(question, [replaced, signed, far]) == [replaced, signed]
    assert _focus(Q("Why did the Angels hire a veteran?"), [replaced, signed, hired]) == [replaced, signed]
    # A line without a subject holds a date, and says of nothing what happened on it.
    status = ranked(1.4, "Opened October 1.", [Entity(7, 16, "DATE")])
    assert _focus(Q("When did the Angels hire a veteran?"), [replaced, signed, status]) == [replaced, signed]


def test_an_answer_most_of_the_best_sentences_name_beats_one_only_the_best_names() -> None:
    """A link to an old story tops the sentences of this week's: two of the three name another airline."""

    def ranked(score: float, text: str, name: str) -> Ranked:
        start = text.index(name)
        return Ranked(
            score, Hit(Passage("a", 0, len(text), text, ""), 0.5), text, [Entity(start, start + len(name), "ORG")]
        )

    old = ranked(1.56, "Video shows ALK Airlines hitting turbulence in 2019.", "ALK Airlines")
    died = ranked(1.51, "One person died after a Singapore Airlines flight hit turbulence.", "Singapore Airlines")
    landed = ranked(1.5, "The Singapore Airlines flight landed in Bangkok.", "Singapore Airlines")
    question = Q("Which airline was rocked by deadly turbulence?")
    assert _focus(question, [old, died, landed]) == [died]
    far = landed._replace(score=old.score - VOTE_MARGIN - 0.05)
    assert _focus(question, [old, died, far]) == [old, died]  # one each: the best stands
    # Named as often by the best as by any other, or put where the question's blank stands, it stands.
    both = ranked(1.56, "ALK Airlines and Singapore Airlines flights hit turbulence.", "ALK Airlines")
    both = both._replace(answers=[*both.answers, Entity(17, 35, "ORG")])
    assert _focus(question, [both, died, landed]) == [both, died]
    assert _focus(question, [old._replace(fills=True), died, landed]) == [old._replace(fills=True), died]
    # A surname alone votes for the full name: the sentence naming the man in full is not outvoted.
    kane = ranked(1.6, "Harry Kane joined Bayern Munich.", "Harry Kane")
    scored = [ranked(1.55, f"Kane scored {n}.", "Kane") for n in ("twice", "again")]
    assert _focus(Q("Which striker joined Bayern Munich?"), [kane, *scored]) == [kane, scored[0]]


def test_a_date_is_read_whole() -> None:
    """Day, month and year as one date, as news writes them; "may" the verb and a month alone are none."""
    found = dates("It was Aug. 21, 2017, and this year it falls on 08 April.")
    assert found == {("aug", "21", "2017"), ("apr", "8", "")}
    assert dates("Sept. 11 and May 5th, 2024") == {("sep", "11", ""), ("may", "5", "2024")}
    assert dates("It may 12 times have failed in June 2024.") == set()
    # A day is named by a weekday, "today" or a day of a month; a weekend or a month is none.
    assert all(names_day(t) for t in ("Monday", "Sept. 3", "4 July", "today"))
    assert not any(names_day(t) for t in ("Labor Day weekend", "May 2024", "this week"))


def test_an_answer_cites_the_sentence_it_draws_on() -> None:
    sentences = ["Butina founded a gun-rights group called Right to Bear Arms.", ELECTED]
    chosen = [Hit(Passage("a", i, i + 1, text, "s"), 1.0) for i, text in enumerate(sentences)]
    assert _drawn_on("Butina was elected in 2019.", "When was Butina elected?", chosen) == 1
    assert _drawn_on("Butina founded Right to Bear Arms.", "What did Butina found?", chosen) == 0


def test_a_post_given_to_another_place_does_not_answer_who_holds_it() -> None:
    assert misplaces_role(Q("Who is the US ambassador to Russia?"), ENVOY)
    assert not misplaces_role(Q("Who is Russia's ambassador to the US?"), ENVOY)
    assert misplaces_role(Q("Who is Russia's ambassador to France?"), "The French Ambassador to Ukraine left Kyiv.")
    assert misplaces_role(
        Q("Who is the head of the Russian national guard?"), "Gavrilov, deputy chief of the Russian guard."
    )
    assert not misplaces_role(
        Q("Who was the deputy chief of the Russian guard?"), "Gavrilov, deputy chief of the Russian guard."
    )
    # The same holder named another way.
    assert not misplaces_role(
        Q("Who is the director of the CIA?"), "Burns, director of the Central Intelligence Agency."
    )
    assert not misplaces_role(Q("Who is the US ambassador to Russia?"), "Sullivan, the US ambassador to Moscow, spoke.")
    assert not misplaces_role(Q("Who is the president of the United States?"), "Joe Biden, president of the US, spoke.")
    # A former, deputy or acting holder is not the holder, unless that is what is asked.
    assert misplaces_role(
        Q("Who is Boeing's chief executive?"), "Dave Calhoun, Boeing's former chief executive, said so."
    )
    assert not misplaces_role(
        Q("Who was Boeing's former chief executive?"), "Dave Calhoun, Boeing's former chief executive."
    )
    assert misplaces_role(Q("Who is the mayor of Leeds?"), "The acting mayor, Jane Smith, opened the bridge.")
    assert not misplaces_role(Q("Who is the mayor of Leeds?"), "The mayor, Jane Smith, thanked the acting mayor.")
    # Outside "who" questions the object may be the answer itself.
    assert not misplaces_role(Q("Which republics of the Donbass did Moscow recognise?"), DONBASS)


def test_the_first_name_of_the_person_asked_about_is_not_a_new_name() -> None:
    question = "Who said Beseda was sacked?"
    assert new_names(question, "Sergei Beseda was sacked, according to Grozev.") == {"grozev"}
    assert new_names("Who is Hunter Biden's father?", "Joe Biden, Hunter Biden's father, spoke.") == {"joe"}
    assert new_names("Who is Russia's ambassador to the US?", ENVOY) == {"ambassador", "peskov", "anatoly", "antonov"}


def test_an_acronym_is_not_the_city_asked_for() -> None:
    assert new_names("In which French city was the operation uncovered?", DGSI) == set()
    assert new_names("Which agency uncovered the operation?", DGSI) == {"dgsi", "france"}
    assert new_names("In which city did it happen?", "The DGSI found it in Lyon.") == {"lyon"}


STORY = (
    "Sergei Beseda has been sent to Lefortovo prison. He was sacked for lying, according to Grozev.\n"
    'He added: "They will no longer work for the FSB."\n'
    "Andrei Soldatov, an expert on the security services, said Beseda's imprisonment sent a message.\n"
    'He said: "I was surprised. Putin could have fired him."\n'
    "Maria Butina was born in 1988, according to the BBC.\n"
    "She founded a gun-rights group."
)


@pytest.mark.parametrize(
    ("sentence", "name", "named_in"),
    [
        ("He was sacked", "Beseda", "Sergei Beseda has"),  # the subject of the sentence before
        ("He added", "Grozev", "He was sacked"),  # the speaker of the sentence before, not its subject
        ("He said", "Soldatov", "Andrei Soldatov"),  # not the owner in "Beseda's imprisonment"
        ("Putin could", "Soldatov", "Andrei Soldatov"),  # the quote goes on in a paragraph opened by "He said"
        ("She founded", "Butina", "Maria Butina was born"),  # the BBC is an organisation, not "she"
    ],
)
def test_who_he_or_she_is(sentence: str, name: str, named_in: str) -> None:
    found = referent(STORY, STORY.index(sentence))
    assert found is not None
    assert found.name == name
    assert STORY.startswith(named_in, found.start)


def test_a_surname_that_is_also_a_nationality_names_a_person() -> None:
    """ "He" after "Mark Cuban said" is Cuban; "He" after "The Cuban said" has no name to go by."""
    story = "Mark Cuban said the deal was done. He added that talks took a year."
    found = referent(story, story.index("He added"))
    assert found is not None and found.name == "Cuban"
    nameless = "The Cuban said the deal was done. He added that talks took a year."
    assert referent(nameless, nameless.index("He added")) is None


def test_a_sentence_naming_its_subject_has_no_referent() -> None:
    assert referent(STORY, STORY.index("Andrei Soldatov")) is None


def test_a_quote_carried_into_the_next_paragraph_keeps_its_speaker() -> None:
    story = 'Philip Ingram, an officer, told Insider: "They failed.\n\n"It is almost a perfect storm."'
    found = referent(story, story.index('"It is'))
    assert found is not None and found.name == "Ingram" and found.start == 0
    closed = 'Philip Ingram, an officer, told Insider: "They failed."\n\n"It is almost a perfect storm."'
    assert referent(closed, closed.index('"It is')) is None


def test_a_quote_attributed_where_it_closes_has_its_speaker() -> None:
    story = (
        "Foreign Minister Sergey Lavrov spoke on Saturday.\n"
        '"We never saw this. It is worse than the Cold War," the foreign minister said.\n'
        '"There is such information. We share the concern," said Peskov.'
    )
    for sentence, name in [("It is worse", "Lavrov"), ("We share", "Peskov")]:
        found = referent(story, story.index(sentence))
        assert found is not None and found.name == name


def test_a_name_put_together_from_words_found_apart_is_not_shown() -> None:
    focus = ["Foreign Minister Sergey Lavrov greeted Ambassador Anatoly Antonov on Tuesday."]
    question = "Whom did Lavrov greet?"
    assert "Foreign Minister Antonov" in (
        problem("He greeted Foreign Minister Antonov.", Q(question), focus, focus) or ""
    )
    assert problem("Foreign Minister Lavrov greeted Ambassador Antonov.", Q(question), focus, focus) is None


@pytest.mark.parametrize(
    "story",
    [
        '"We are ready. It is close," he said, according to Reuters.',  # Reuters reported, it did not speak
        "However, the officers were freed. He added: they are gone.",  # a sentence adverb is no one
        "In Moscow, police arrested two men. He said it was fine.",
        "The president said Russia would respond. He said more.",  # Russia is what was said, not who said it
        "Beseda was arrested.\nHe was sacked. Putin then fired Bortnikov.",  # names its own subject, no quote
    ],
)
def test_no_referent_is_made_up(story: str) -> None:
    last = story.rindex(". ") + 2
    assert referent(story, last) is None


@pytest.mark.parametrize(
    ("question", "sentence", "short"),
    [
        (
            "Which club did Harry Kane join?",
            "Harry Kane completed his £100m move to Bayern Munich on Saturday.",
            "Bayern Munich",
        ),
        # Several organisations: the one doing what was asked, not the one reporting it.
        (
            "Which agency arrested the man?",
            "The FBI arrested the man after a tip from the Ohio State Highway Patrol, Reuters reported.",
            "FBI",
        ),
        (
            "Which stadium will host the final?",
            "The final will be played at Wembley Stadium, the FA said on Monday.",
            "Wembley Stadium",
        ),
        (
            "How much did the company earn?",
            "The company, which employs 4,000 people, earned $2.3 billion in the quarter.",
            "$2.3 billion",
        ),
        (
            "When will the rocket launch?",
            "The rocket, first tested in 2019, will launch on Friday morning, NASA said.",
            "Friday morning",
        ),
        (
            "Who spoke first, Peskov or Antonov?",
            "Antonov spoke first, and Peskov agreed on Monday.",
            None,
        ),  # a choice given
        # The owner of the thing asked about does not name it: the volcano is not "Europe".
        ("Which volcano erupted on Monday?", "Europe's largest and most active volcano erupted on Monday.", None),
        # Two countries, one where the question's blank stands ("against which country").
        (
            "The government will lift sanctions against which country?",
            "The US government will lift sanctions against Venezuela, officials in Washington said.",
            "Venezuela",
        ),
        # The noun asked for opens the name: it stays in the answer.
        (
            "Which football conference will Delaware join in 2025?",
            "Delaware is joining Conference USA as a full member starting in 2025.",
            "Conference USA",
        ),
        (
            "Which lake froze over this week?",
            "Lake Michigan froze over on Tuesday for the first time in decades.",
            "Lake Michigan",
        ),
        # Asked who was given something, the answer is to whom it was given, not who gave it.
        (
            "Which scientist was awarded the gold medal this week?",
            "Academy president Maria Fenwick awarded Ruth Okafor the gold medal on Monday.",
            "Ruth Okafor",
        ),
        # A title keeps its "The"; a preposition the entity model ran into it is dropped.
        (
            "Which book won the Pulitzer Prize for author Cormac McCarthy?",
            "McCarthy won the Pulitzer Prize for The Road in 2007.",
            "The Road",
        ),
        # Several joined where the blank stands answer together, not the one a tie-break picks.
        (
            "Which automaker recalled nearly 1.3 million vehicles?",
            "Ford, Chevrolet, BMW and Mitsubishi recall nearly 1.3 million vehicles.",
            "Ford, Chevrolet, BMW and Mitsubishi",
        ),
        # ... but not with one the question gives between them.
        ("Which automaker joined Ford in the recall?", "Toyota, Ford and BMW recall 90,000 cars.", "Toyota"),
        # The kind of place asked for: the country, not its capital (whatever label the entity model gives)...
        (
            "Which Pacific nation was struck by a 7.3 magnitude earthquake?",
            "The earthquake struck less than 20 miles west of Port Vila, Vanuatu's capital, on Tuesday.",
            "Vanuatu",
        ),
        # ... a state, not the township inside it ...
        (
            "Which state did the senator visit for the town hall?",
            "The senator will be in Pennsylvania on Wednesday for a town hall in Chester Township.",
            "Pennsylvania",
        ),
        # ... not the country the question names ...
        ("The pope hails from which US state?", "The first US pope grew up in Illinois.", "Illinois"),
        # ... and never a country alone for a city or a town.
        ("Which city hosted the talks?", "Envoys from the United States and France met in Geneva on Monday.", "Geneva"),
        (
            "Which town declared a state of emergency?",
            "The government of Greece declared a state of emergency after earthquakes near the town.",
            None,
        ),
        # An island is no country with a land border; an island nation may be one.
        (
            "Which tourist island declared a state of emergency?",
            "The government of Greece declared a state of emergency after earthquakes near the island.",
            None,
        ),
        ("Which Caribbean island did the storm hit hardest?", "The storm hit Jamaica hardest on Monday.", "Jamaica"),
        # A place the other way from the one asked is no answer: where the plane took off, not where it was going.
        (
            "The plane was heading to which city when it crashed?",
            "The plane, bound for Lisbon, crashed after taking off from the city of Porto.",
            None,
        ),
        (
            "The plane was heading to which city when it crashed?",
            "The plane crashed after taking off from the city of Porto.",
            None,
        ),
        # A nationality is no country: the delegation is India's, the country visited Japan.
        (
            "Which country did the delegation visit?",
            "The Indian delegation met officials in Tokyo, Japan's capital.",
            "Japan",
        ),
        # A dateline says where the story was filed.
        ("Which state is Santos from?", "WASHINGTON – Rep. George Santos was expelled from Congress on Friday.", None),
        # A day and its hour are one answer to "when".
        (
            "When does daylight saving time end?",
            "Daylight saving time ends Sunday, Nov. 5 at 2 a.m.",
            "Sunday, Nov. 5 at 2 a.m.",
        ),
        # The country the question names, under another of its names, adds nothing.
        (
            "The U.K. embassy in which country was closed this week?",
            "Britain closed its embassy in Sudan after days of fighting, the foreign office said.",
            "Sudan",
        ),
        # Asked about someone named, the name written in front of theirs answers, unless another is tied to a
        # word of the question ("his move to Bayern Munich" for "which club did Kane join").
        (
            "Which club does Harry Kane play for?",
            "Bayern Munich striker Harry Kane scored twice against Werder Bremen on Saturday.",
            "Bayern Munich",
        ),
        # What a sentence setting the scene says ("two goals") tells which story, not what is asked of it.
        (
            "Dara Quinlan scored two goals on Saturday. Which club does he play for?",
            "Kingsmead Albion striker Dara Quinlan tied the club record with two goals against Harbour Rovers.",
            "Kingsmead Albion",
        ),
        # A word the question gives is trimmed whole: "Spiced", not "-Cola Spiced".
        (
            "Coca-Cola is making a new flavor permanent. What is it called?",
            "Coca-Cola is adding a new permanent flavor to its lineup: Coca-Cola Spiced, a raspberry cola.",
            "Spiced",
        ),
        (
            "Which club did Harry Kane move to this summer?",
            "Tottenham striker Harry Kane completed his move to Bayern Munich on Saturday.",
            "Bayern Munich",
        ),
        # The outlet the news was told to answers only a question about who reported it; whose account
        # the story gives ("according to") may answer.
        (
            "Which company recalled the blenders?",
            "A kitchen maker recalled 40,000 blenders on Friday, officials told Reuters.",
            None,
        ),
        (
            "Which group claimed responsibility for the attack?",
            "The Taliban claimed responsibility for the attack on Sunday, a spokesman told Reuters.",
            "Taliban",
        ),
        (
            "Which agency estimated the death toll?",
            "The death toll rose to 2,000, according to an estimate by the World Health Organization.",
            "World Health Organization",
        ),
        (
            "Which country was added to the travel ban list?",
            "The government added Brazil to the travel ban list on Monday, officials told Reuters.",
            "Brazil",
        ),
        (
            "Which news outlet reported the recall?",
            "Vitamix recalled 40,000 blenders on Friday, a spokesman told the BBC.",
            "BBC",
        ),
        # "Which day" asks for a day: a weekday or a day of a month, not a weekend or a week.
        ("Which day did the season end?", "The season ended last week, on Thursday, Oct. 3.", "Thursday, Oct. 3"),
        (
            "Which day marked the unofficial end of summer?",
            "Labor Day weekend, which ran through Monday, Sept. 2, marked the unofficial end of summer.",
            None,
        ),
    ],
)
def test_the_short_answer_is_what_stands_where_the_question_asks(
    question: str, sentence: str, short: str | None
) -> None:
    """Sport, crime, business and science sentences holding more than one entity of the kind asked for."""
    asked = Q(question)
    found = short_answer(
        asked,
        Passage("a", 10, 10 + len(sentence), sentence, ""),
        [e._replace(start=e.start + 10, end=e.end + 10) for e in asked.answers(sentence, list(entities(sentence)))],
        1,
    )
    assert (found and found.text) == short
    if found:
        assert sentence[found.start - 10 : found.end - 10] == found.text


def test_only_a_small_word_set_apart_ends_no_name() -> None:
    """ "The Road in" loses its "in"; "Knives Out" keeps its "Out", and a sentence's first word has nothing
    before it to be set apart from."""
    doc = parse("in the week Knives Out and The Road in 2007")
    assert [t.text for t in doc if _trailing(t)] == ["the", "and", "in"]


def test_an_hour_the_article_parse_missed_joins_its_day() -> None:
    """Parsed within its article, "2 a.m." may be no entity; the sentence parsed alone finds it, and the
    day and its hour answer together. An hour standing alone is not added, nor another kind of entity."""
    asked = Q("When does daylight saving time officially end?")
    sentence = "Daylight saving time officially ends Sunday, Nov. 5 at 2 a.m."
    day = sentence.index("Sunday")
    passage = Passage("a", 0, len(sentence), sentence, "")
    found = short_answer(asked, passage, [Entity(day, day + len("Sunday, Nov. 5"), "DATE")], 1)
    assert found is not None and found.text == "Sunday, Nov. 5 at 2 a.m."
    assert short_answer(asked, passage, [], 1) is None
    pincher = "A committee said Tory MP Chris Pincher should be suspended."
    name = pincher.index("Chris")
    chosen = short_answer(
        Q("The committee recommended suspending which MP?"),
        Passage("a", 0, len(pincher), pincher, ""),
        [Entity(name, name + len("Chris Pincher"), "PERSON")],
        1,
    )
    assert chosen is not None and chosen.text == "Chris Pincher"


def test_a_stated_number_is_a_whole_number() -> None:
    """An answer saying 100 does not state 10, nor one naming Ukraine the UK."""
    assert says("Police arrested 100 people on Saturday.", "100") and not says("Police arrested 100 people.", "10")
    assert not says("Troops left Ukraine.", "UK") and says("The UK's envoy left.", "UK")


def test_a_paragraph_too_long_for_spacy_is_read_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """spaCy refuses a text over a million characters; a file of one long line is cut at spaces, and every
    entity keeps its offsets in the whole text."""
    text = "Officials met in Paris on Monday. " * 4 + "The mayor of Lyon spoke."
    monkeypatch.setattr("index.nlp._LONGEST", 40)
    found = {text[e.start : e.end] for e in entities(text)}
    assert {"Paris", "Monday", "Lyon"} <= found


def test_the_same_paragraph_in_two_articles_is_read_in_both() -> None:
    """Archives repeat lines (a standfirst, a boilerplate paragraph): each article gets its own entities."""
    text = "The council in Leeds approved the budget on Tuesday."
    assert entities(text) == entities(text) != ()


def test_places_and_datelines_are_known_as_news_writes_them() -> None:
    assert place_kinds("Vanuatu") == {"country"} and place_kinds("the U.S.") == {"country"}
    assert place_kinds("Pennsylvania") == {"state"} and place_kinds("Georgia") == {"country", "state"}
    assert not place_kinds("Washington") and not place_kinds("Europe") and not place_kinds("Port Vila")
    assert has_land_border("Greece") and has_land_border("the Democratic Republic of the Congo")
    assert not any(has_land_border(island) for island in ("Jamaica", "Cyprus", "Ireland", "Sri Lanka"))
    for line, filed in [
        ("WASHINGTON – Rep. George Santos was expelled.", "WASHINGTON – "),
        ("SÃO PAULO — Brazil's president said.", "SÃO PAULO — "),
        ("MAUI, Hawaii − Wind-whipped wildfires spread.", "MAUI, Hawaii − "),
        ("GENEVA (Reuters) - The WHO said.", "GENEVA (Reuters) - "),
        ("UK - EU talks resumed on Monday.", ""),
        ("NASA - the agency said it would launch.", ""),
    ]:
        assert line[: dateline_end(line)] == filed


def test_a_verb_in_a_headlines_capitals_is_no_name() -> None:
    """Title Case leads the entity model to take a verb into a name ("Putin Convicted"); a word the story
    writes in lower case is no name, while a name only the headline gives ("Venice") stays one."""
    for headline, story, kept in [
        ("Russian Spy Close to Putin Convicted in US", "A court convicted her. Putin said nothing.", "US"),
        ("Venice Doubles Its Entry Fee for Day Trippers", "The city said the fee would double.", "Venice"),
    ]:
        text = f"{headline}\n\n{story}"
        names = [text[e.start : e.end] for e in _headline_names(text, list(entities(headline)), len(headline))]
        assert kept in names and not any("Convicted" in n for n in names)


def test_a_headlines_capitals_mark_no_names() -> None:
    """Read as a sentence, a Title Case headline keeps capitals on its entities only: "Spies" and "Cover" do
    not answer "What are the names of the six Russians?"."""
    headline = "France Expels Six Russian Spies Over Diplomatic Cover"
    read = _sentence_case(headline, list(entities(headline)))
    assert read.startswith("France") and read.endswith("spies over diplomatic cover")


@pytest.mark.parametrize(
    ("question", "sentence", "fills"),
    [
        # Something new where the question's blank stands: the one asked for.
        ("Which automaker recalled 114,000 cars this week?", "Volkswagen is recalling 114,000 cars.", True),
        ("Which automaker recalled 114,000 cars this week?", "The cars were recalled by Volkswagen on Monday.", True),
        ("Which club signed the striker?", "Bayern Munich signed the striker in a £100m deal.", True),
        ("Which company makes the iPhone?", "Apple, the company that makes the iPhone, said sales rose.", True),
        ("The league imposed sanctions against which club?", "The league imposed sanctions against Rovers.", True),
        ("Which team does the goalkeeper play for?", "The goalkeeper plays for Rovers.", True),
        ("The league imposed sanctions against which club?", "The league imposed sanctions on Rovers.", True),
        # Asked what a noun is, the answer is what the sentence equates with it; a mention of the noun
        # alone does not say, "he" says nothing.
        ("What is the dictionary's word of the year?", "Its word of the year is polarization.", True),
        ("Who is the Kremlin spokesperson?", "Kremlin spokesperson Dmitry Peskov said the talks would go on.", True),
        ("Who is the Kremlin spokesperson?", "Dmitry Peskov, the Kremlin spokesperson, said so.", True),
        ("Who is the Kremlin spokesperson?", "He is the Kremlin spokesperson.", False),
        ("What is the dictionary's word of the year?", "The dictionary announced its word of the year.", None),
        ("What is the dictionary's word of the year?", "It chose its word of the year, one that defined 2024.", None),
        ("Who is the club's captain?", "Smith, who is the club's captain, said so.", True),
        # "remain" and "become" equate as "be" does.
        ("What is the most visited national park?", "Great Smoky Mountains remains the most visited park.", True),
        ("Who is the club's manager?", "Smith became the club's new manager in May.", True),
        # A title in capitals is a noun too; a person's name is not asked about this way.
        ("What is the Oxford Dictionary’s Word of the Year?", "'Rage bait' is the Oxford word of the year.", True),
        ("What is the Pantone Color of the Year?", "Pantone announced its Color of the Year on Thursday.", None),
        ("Which club did Kane join?", "Kane joined one of Europe's giants, Bayern Munich.", True),
        # "On" stands for "against" after a noun only: "play on Saturday" is no opponent.
        ("Which team will Rovers play against?", "Rovers play on Saturday.", None),
        # The verbs asked about are those of the sentence that asks, not of one setting the scene.
        ("Smith scored twice on Friday. Which team does he play for?", "Smith plays for Rovers.", True),
        # The blank filled only with what the question says, or with "it": the sentence does not say which.
        (
            "Which volcano erupted on Monday?",
            "The continent's largest volcano shook the island when it erupted.",
            False,
        ),
        ("Which company makes the iPhone?", "The company that makes the iPhone said sales rose.", False),
        ("Who was arrested in Leeds on Friday?", "He was arrested in Leeds on Friday.", False),
        # A "who" opening a relative clause is not the question's blank: this question asks when.
        ("When did the player who scored twice join Rovers?", "Smith scored twice for Rovers on Saturday.", None),
        # The word the blank hangs on is not there: the parse cannot judge.
        (
            "Which automaker recalled 114,000 cars this week?",
            "Airbags in 114,000 cars may fail, regulators said.",
            None,
        ),
    ],
)
def test_what_a_sentence_puts_where_the_question_asks(question: str, sentence: str, fills: bool | None) -> None:
    assert fills_slot(Q(question), parse(sentence)) is fills


def test_a_name_that_qualifies_a_noun_gives_no_ones_full_name() -> None:
    """Asked about "the Biden family", Hunter Biden is an answer; asked about Kane, Harry Kane is not."""
    family = Q("Which member of the Biden family was convicted this week?")
    assert not family.gives("Hunter Biden") and family.gives("Biden")
    assert Q("Which club did Kane join in the summer?").gives("Harry Kane")


def test_sentences_parsed_in_one_batch_read_as_parsed_alone() -> None:
    """The batch (no entities) gives each text, in order and repeated, the parse it gets alone."""
    texts = ["Rovers signed the striker on Friday.", "The council that met on Monday approved it.", ""]
    batch = syntax([*texts, texts[0]])
    assert [d.text for d in batch] == [*texts, texts[0]] and batch[3] is batch[0]
    assert syntax(texts[::-1]) == batch[2::-1]  # kept, the empty one too
    for doc, text in zip(batch, texts, strict=False):
        alone = parse(text)
        assert [(t.lemma_, t.dep_, t.head.i) for t in doc] == [(t.lemma_, t.dep_, t.head.i) for t in alone]
        assert not doc.ents


def test_one_name_is_named_in_full_only_when_the_story_names_one_person_so() -> None:
    def article(text: str) -> Article:
        return Article("a", "Library", text, "a.txt", analysis=analyse(text))

    one = (
        "Mayor Dana Whitcombe opened the new library in Ashford on Friday. "
        '"It is a great day for readers," said Whitcombe, who grew up in the town.'
    )
    said = one.rindex("Whitcombe")
    assert article(one).full_name(said, said + len("Whitcombe")) == "Dana Whitcombe"
    place = one.index("Ashford")
    assert article(one).full_name(place, place + len("Ashford")) is None  # no person
    two = one + " Her brother, Sam Whitcombe, cut the ribbon."
    assert article(two).full_name(said, said + len("Whitcombe")) is None  # which Whitcombe?
    addressed = one + " Ms. Whitcombe cut the ribbon."  # a title or an honorific is the same person
    assert article(addressed).full_name(said, said + len("Whitcombe")) == "Dana Whitcombe"
    star = "LeBron passes Kareem\n\nLeBron James became the NBA's all-time leading scorer on Tuesday."
    assert article(star).full_name(0, len("LeBron")) == "LeBron James"  # a headline's first name
    praised = star + " Coach Darvin Ham praised James for his patience."
    lone = praised.rindex("James")
    assert article(praised).full_name(lone, lone + len("James")) == "LeBron James"
    sharing = praised + " James Harden congratulated him."
    assert article(sharing).full_name(lone, lone + len("James")) == "LeBron James"  # a surname first
    family = star + " His son, LeBron James Jr., watched from the stands."
    assert article(family).full_name(0, len("LeBron")) is None  # father or son?
    # A title the entity model took into a name is no one's first name: "Prince" the singer is not Harry.
    royal = "Prince tribute\n\nPrince Harry paid tribute."
    marked = Analysis((), {}, frozenset(), entities=(Entity(0, 6, "PERSON"), Entity(16, 28, "PERSON")))
    assert Article("a", "t", royal, "a.txt", analysis=marked).full_name(0, len("Prince")) is None


def test_an_acronym_is_spelled_out_only_as_the_story_writes_it() -> None:
    def spelled(text: str, acronym: str) -> str | None:
        at = text.rindex(acronym)
        return Article("a", "Flood", text, "a.txt", analysis=analyse(text)).spelled_out(at, at + len(acronym))

    story = (
        "The Federal Emergency Management Agency opened an office in the county on Monday. "
        "FEMA sent 40 rescue workers to Cedar Falls, the sheriff said."
    )
    assert spelled(story, "FEMA") == "Federal Emergency Management Agency"
    assert spelled("Crowds filled New York City on Sunday. NYC's mayor spoke.", "NYC") == "New York City"
    space = "The National Aeronautics and Space Administration chose a new rocket. NASA said it was cheaper."
    assert spelled(space, "NASA") == "National Aeronautics and Space Administration"
    assert spelled("FEMA sent 40 rescue workers to Cedar Falls on Monday.", "FEMA") is None  # not written out
    assert spelled("The United States sent aid. The U.S. sent more on Monday.", "U.S.") is None  # no acronym
    two = story + " The Fire Engine Maintenance Authority sent trucks."
    assert spelled(two, "FEMA") is None  # which one?


@pytest.mark.parametrize(
    ("sentence", "without"),
    [
        ("Opened October 1.", True),  # a status line under a list's item
        ("Stay tuned!", True),
        ("Expected to open in spring.", True),
        ("Killed in the crash were two pilots.", False),  # its subject stands after the verb
        ("Quietly, Carhartt opened its only store on October 17.", False),
        ("Founded in 1902, the club won the cup.", False),
        ("Harbour Rovers 2-1 Kingsmead Albion", False),  # no verb: a scoreline, not a fragment of one
    ],
)
def test_a_line_that_opens_with_its_verb_and_names_no_subject_tells_of_nothing(sentence: str, without: bool) -> None:
    assert subjectless(parse(sentence)) is without


@pytest.mark.parametrize(
    ("question", "sentence", "unnamed"),
    [
        ("Which festival ended this week?", "The festival drew 40,000 people.", True),
        ("Which destination doubled its fee?", "The famed Italian destination will charge 10 euros.", True),
        ("Which festival ended this week?", "Europe's largest festival ended on Sunday.", True),  # its owner
        ("Which festival ended this week?", "The Lantern Night festival ended on Sunday.", False),
        ("Which festival ended this week?", "Lantern Night, the town's festival, ended on Sunday.", False),
        ("Which festival ended this week?", "Thousands came to pray on Sunday.", False),  # says nothing of it
        ("What did the council approve?", "The council approved the plan.", False),  # asks for no noun
        # A subject that stands for what came before: a pronoun, or "the ..." without a name.
        ("What is the most endangered marine mammal?", "It is the most endangered of the 128 species.", True),
        ("Which star is on the cover?", "The 81-year-old is serving looks as one of the cover models.", True),
        ("Which star is on the cover?", "Martha Stewart is serving looks on the cover.", False),
    ],
)
def test_a_sentence_can_speak_of_the_thing_asked_for_without_naming_it(
    question: str, sentence: str, unnamed: bool
) -> None:
    assert leaves_unnamed(Q(question), sentence) is unnamed
