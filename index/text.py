"""Small text tools shared by retrieval checks, abstention and citation checks."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING

from wordfreq import zipf_frequency

if TYPE_CHECKING:
    from countryinfo import CountryInfo

STOPWORDS = frozenset(
    """
a about above according after again against all also am an and any anything are aren't as at be been before
being below between both but by can could did do does doing done down during each either else ever few for
from further had has have having he her here hers herself him himself his how i if in into is it its itself
just least less let like many may me might more most much must my myself neither no nor not now of off on once
one ones only or other our ours out over own per quite rather said same say says she should since so some
something such tell than that the their theirs them themselves then there these they thing this those though
through thus to told too under until up upon us very was we were what whatever when where whether which while
who whom whose why will with within without would yet you your yours
""".split()
)
CALENDAR = (
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
).split()
QUESTION_WORDS = frozenset(["what", "which", "who", "whom", "whose", "when", "where", "why", "how"])

# Verbs that report what someone said, as news writes them: base, third person, past. Every rule about who
# said what takes its verbs from here.
SPEECH = {
    "say": ("say", "says", "said"),
    "tell": ("tell", "tells", "told"),
    "speak": ("speak", "speaks", "spoke"),
    "state": ("state", "states", "stated"),
    "add": ("add", "adds", "added"),
    "claim": ("claim", "claims", "claimed"),
    "explain": ("explain", "explains", "explained"),
    "note": ("note", "notes", "noted"),
    "write": ("write", "writes", "wrote"),
    "tweet": ("tweet", "tweets", "tweeted"),
    "warn": ("warn", "warns", "warned"),
    "argue": ("argue", "argues", "argued"),
    "insist": ("insist", "insists", "insisted"),
    "call": ("call", "calls", "called"),
    "describe": ("describe", "describes", "described"),
}
# What news calls what someone said: asked when a statement was made, "said Thursday" answers.
SPEECH_NOUNS = frozenset(
    "statement remark comment speech interview announcement tweet post claim warning testimony".split()
)
_TENSES = ("base", "third", "past")


def speech_forms(*lemmas: str, tenses: tuple[str, ...] = _TENSES) -> list[str]:
    """The written forms of those speech verbs (of all when none is named), in the tenses asked for."""
    chosen = lemmas or tuple(SPEECH)
    return sorted({SPEECH[lemma][_TENSES.index(tense)] for lemma in chosen for tense in tenses})


_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "dozen": 12,
    "dozens": 12,
}
# An abbreviation written with dots is one word, as outlets that write it without them have it ("U.S."/"US");
# not one hyphened to a word ("R-N.Y."), whose letters `names` reads apart.
_WORD = re.compile(r"(?<![\w'’-])[^\W\d_](?:\.[^\W\d_])+\b\.?|[^\W_]+(?:['’][^\W_]+)?")


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'").replace(".", "") for w in _WORD.findall(text)]


def initials(name: Sequence[str]) -> str:
    """The initials of a name's words ("nyc" of New York City's): what its acronym is written as."""
    return "".join(w[0] for w in name)


def stem(word: str) -> str:
    """A light suffix stripper: enough to match 'expelled'/'expelling'/'expels' and 'spies'/'spy'."""
    word = word.lower().removesuffix("'s")
    for suffix, keep in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: len(word) - len(suffix)] + keep
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


def says(text: str, phrase: str) -> bool:
    """Whether `text` holds `phrase` as whole words, case aside: "100" does not say "10", nor "Ukraine" "UK"."""
    return re.search(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)", text.lower()) is not None


def content_words(text: str) -> list[str]:
    """The words that carry meaning (no stopwords, no question words), each once, in order."""
    return list(dict.fromkeys(w for w in words(text) if w not in STOPWORDS and w not in QUESTION_WORDS and len(w) > 1))


def content_terms(text: str) -> set[str]:
    """Stems of the words that carry meaning."""
    return {stem(w) for w in content_words(text)}


# Words at least this common in English ("the", "of": 7 on wordfreq's Zipf scale) say nothing of a subject.
COMMONEST_ZIPF = 7.0


def rarity(word: str) -> float:
    """How much a word tells of what a text is about: how much rarer it is in English than the commonest
    words (wordfreq's Zipf scale, from its bundled tables). "cholera" says more than "killed", a name more
    than "week", whatever the size of the archive (a small one's own counts are chance). A word wordfreq does
    not know (a misspelling, a new name) weighs the most: whether any story writes it is for the caller."""
    return max(0.0, COMMONEST_ZIPF - zipf_frequency(word, "en"))


_MONTHS = [m.capitalize() for m in CALENDAR[:12]]
_MONTH = "({})\\.?".format("|".join([*_MONTHS, "Sept", *(m[:3] for m in _MONTHS)]))
_DAY_MONTH = re.compile(
    rf"\b(?:{_MONTH} (\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th)? {_MONTH})(?:,? ((?:19|20)\d\d))?\b"
)


def dates(text: str) -> set[tuple[str, str, str]]:
    """Every day of a month the text writes ("Aug. 21, 2017", "10 April"), as (month, day, year or "")."""
    found = set()
    for m in _DAY_MONTH.finditer(text):
        month = (m.group(1) or m.group(4)).lower()[:3]
        found.add((month, str(int(m.group(2) or m.group(3))), m.group(5) or ""))
    return found


_DAY_WORD = re.compile(rf"\b({'|'.join(CALENDAR[12:])}|today|tomorrow|yesterday|tonight)\b", re.I)


def names_day(text: str) -> bool:
    """Whether the text names a day: a weekday, one told relatively ("today") or a day of a month ("Sept. 3");
    "Labor Day weekend" and "May 2024" name none."""
    return bool(_DAY_WORD.search(text) or dates(text))


def numbers(text: str) -> set[str]:
    """Every number in the text, digits and number words alike, as digit strings."""
    found = {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}
    found |= {str(_NUMBER_WORDS[w]) for w in words(text) if w in _NUMBER_WORDS}
    return {n.rstrip(".") for n in found}


def names(text: str) -> set[str]:
    """Capitalized words that are not ordinary sentence openers: people, places, organizations."""
    found = set()
    for match in re.finditer(r"\b[A-Z][\w'’\-]*[^\W\d_]", text):
        word = match.group(0).replace("’", "'").removesuffix("'s")
        if word.lower() not in STOPWORDS and word.lower() not in QUESTION_WORDS and not word.isdigit():
            found.add(word.lower())
    return found


# Nationalities and the country each names, for nationalities mentioned as either ("French" / "France").
_COUNTRIES = {
    "afghan": "afghanistan",
    "american": "america",
    "argentine": "argentina",
    "argentinian": "argentina",
    "australian": "australia",
    "austrian": "austria",
    "belarusian": "belarus",
    "belgian": "belgium",
    "brazilian": "brazil",
    "british": "britain",
    "bulgarian": "bulgaria",
    "canadian": "canada",
    "chinese": "china",
    "croatian": "croatia",
    "czech": "czechia",
    "danish": "denmark",
    "dutch": "netherlands",
    "egyptian": "egypt",
    "english": "england",
    "estonian": "estonia",
    "european": "europe",
    "finnish": "finland",
    "french": "france",
    "georgian": "georgia",
    "german": "germany",
    "greek": "greece",
    "hungarian": "hungary",
    "indian": "india",
    "iranian": "iran",
    "iraqi": "iraq",
    "irish": "ireland",
    "israeli": "israel",
    "italian": "italy",
    "japanese": "japan",
    "kazakh": "kazakhstan",
    "korean": "korea",
    "latvian": "latvia",
    "lithuanian": "lithuania",
    "mexican": "mexico",
    "moldovan": "moldova",
    "nigerian": "nigeria",
    "norwegian": "norway",
    "pakistani": "pakistan",
    "palestinian": "palestine",
    "polish": "poland",
    "portuguese": "portugal",
    "romanian": "romania",
    "russian": "russia",
    "saudi": "saudi",
    "scottish": "scotland",
    "serbian": "serbia",
    "slovak": "slovakia",
    "spanish": "spain",
    "swedish": "sweden",
    "swiss": "switzerland",
    "syrian": "syria",
    "turkish": "turkey",
    "ukrainian": "ukraine",
    "vietnamese": "vietnam",
    "welsh": "wales",
}


# Capitals stand for their countries in news ("Moscow recognised", "the US ambassador to Moscow").
_CAPITALS = {
    "washington": "us",
    "moscow": "russia",
    "kyiv": "ukraine",
    "kiev": "ukraine",
    "paris": "france",
    "london": "britain",
    "berlin": "germany",
    "beijing": "china",
    "minsk": "belarus",
    "warsaw": "poland",
    "tehran": "iran",
    "ankara": "turkey",
    "rome": "italy",
    "madrid": "spain",
    "tokyo": "japan",
    "ottawa": "canada",
    "canberra": "australia",
}


# A country's other names, each to the one its nationality gives ("American": "america").
_ALIASES = {
    **dict.fromkeys(("us", "usa", "united states", "united states of america"), "america"),
    **dict.fromkeys(("uk", "united kingdom", "great britain"), "britain"),
}


def _country_key(name: str) -> str:
    """A place's name as the tables here key it: lower-case words without "the" ("democratic republic of
    congo")."""
    return " ".join(w for w in words(name) if w != "the")


def same_place(a: list[str], b: list[str]) -> bool:
    """Whether two names (their lower-case words, in order) may name one place or body: a shared word, one
    the other's initials ("CIA" / "central intelligence agency"), a capital and its country, or a country
    and its other name or nationality ("UK" / "Britain" / "British")."""

    def keys(name: list[str]) -> set[str]:
        found = set(name) | ({initials(name)} if len(name) > 1 else set())
        return found | {_CAPITALS.get(w) or _ALIASES.get(w) or country_of(w) or w for w in found}

    return bool(keys(a) & keys(b))


def country_named(name: str) -> str | None:
    """The country a name or nationality names, in one spelling for the names known here (pycountry's, the
    nationalities and aliases above): "the U.S.", "United States", "America" and "American" are "america";
    None when it names no country known here."""
    key = _country_key(name)
    found = _ALIASES.get(key) or country_of(key)
    return found or (key if "country" in place_kinds(key) else None)


def country_of(word: str) -> str | None:
    """The country a nationality names ("French" -> "france", "Russians" -> "russia", "South African" ->
    "south africa"), else None: the table above first, then countryinfo's nationality words."""
    low = " ".join(words(word))
    for key in (low, low[:-1] if low.endswith("s") else ""):
        if found := _COUNTRIES.get(key) or _demonyms().get(key):
            return found
    return None


def nation_named(nationality: str) -> str | None:
    """The country a nationality names, written as a name ("South Africans" -> "South Africa"); None for
    anything else, a country's own name included."""
    country = country_of(nationality)
    return None if country is None or country == "europe" else _as_name(country)


def capital_of(name: str) -> str | None:
    """The country whose capital a name is, written as a name ("Khartoum" -> "Sudan", "Kiev" -> "Ukraine"):
    the table above first, then countryinfo's capitals. The name may be another place's too (Hamilton,
    Victoria): the caller decides whether the story speaks of the capital."""
    key = " ".join(words(name))
    country = _CAPITALS.get(key) or _capitals().get(key)
    return _as_name(_ALIASES.get(country, country)) if country else None


def _as_name(country: str) -> str:
    return " ".join(w if w in ("and", "of", "the") else w.capitalize() for w in country.split())


@cache
def _demonyms() -> dict[str, str]:
    """Each country's nationality word, lower case, to its name ("kenyan": "kenya"); 40 ms, paid once."""
    return _one_country_each(lambda country: (country.demonym() or "").split(","))


@cache
def _capitals() -> dict[str, str]:
    """Each country's capital, lower case, to its name ("khartoum": "sudan")."""
    return _one_country_each(lambda country: _listed(country.capital()))


def _listed(value: str | list[str] | None) -> list[str]:
    return [value] if isinstance(value, str) else value or []


def _one_country_each(values: Callable[[CountryInfo], list[str]]) -> dict[str, str]:
    """The words countryinfo gives each country in one field, lower case, to the country's name. A word it
    gives several countries ("Dominican", "Jerusalem") or a country's own name ("Djibouti", "Singapore") is
    left out: it tells no one country."""
    from countryinfo import all_countries

    found: dict[str, set[str]] = {}
    for country in all_countries():
        name = " ".join(words(country.name())).removeprefix("the ")  # "the bahamas" is "bahamas"
        for value in values(country):
            key = " ".join(words(value))
            if key and key != name:
                found.setdefault(key, set()).add(name)
    return {key: names.pop() for key, names in found.items() if len(names) == 1}


# A story's dateline: the place in capitals (with its state or country) and the agency before a dash that
# opens its first paragraph: "WASHINGTON –", "MAUI, Hawaii −", "GENEVA (Reuters) -".
_UPPER = "A-ZÀ-ÖØ-Þ"
_DATELINE = re.compile(
    rf"^\W*[{_UPPER}][{_UPPER}.'’ -]+[{_UPPER}.](,\s*[{_UPPER}][\w.]*(\s[{_UPPER}][\w.]*)*)?\s*(\([^)]*\))?"
    rf"\s*[–—−-]+\s+(?=[{_UPPER}\d\W])"
)


def dateline_end(sentence: str) -> int:
    """Where the dateline opening `sentence` ends (0 if none): it says where the story was filed, not
    where what it tells happened."""
    match = _DATELINE.match(sentence)
    return match.end() if match else 0


def place_kinds(name: str) -> frozenset[str]:
    """The kinds of place a name names: "country" ("Vanuatu", "the U.S.", "South Korea"), "state" of a
    federation ("Pennsylvania", "New South Wales"), both ("Georgia"), or neither: a capital ("Washington"),
    a city, a place not known here. From pycountry's ISO 3166 tables and the nationalities above."""
    key = _country_key(name)
    if key in _CAPITALS:
        return frozenset()
    countries, states = _places()
    return frozenset(kind for kind, known in (("country", countries), ("state", states)) if key in known)


# Island states that countryinfo gives a land border: an island they share (Ireland, Haiti, Timor), or a
# border its data draws by sea (Cyprus with the British bases, Sri Lanka with India).
_ISLAND_STATES = frozenset(
    "ireland|united kingdom|haiti|dominican republic|cyprus|sri lanka|indonesia|papua new guinea|timor leste|"
    "east timor|brunei".split("|")
)


def has_land_border(country: str) -> bool:
    """Whether a country borders another by land (countryinfo): "Greece", "Italy"; not "Jamaica", "Japan"
    nor an island state that shares its island ("Ireland"). Such a country is no answer to "which island"."""
    return _country_key(country) in _mainland()


@cache
def _mainland() -> frozenset[str]:
    from countryinfo import all_countries

    bordering = {_country_key(c.name()) for c in all_countries() if c.borders()}
    return frozenset(bordering - _ISLAND_STATES)


@cache
def _places() -> tuple[frozenset[str], frozenset[str]]:
    import pycountry  # 46 ms, paid by the first question about a place rather than by every start

    countries = (set(_COUNTRIES.values()) - {"europe"}) | set(_ALIASES) | set(_ALIASES.values())
    countries |= set(_demonyms().values())
    for country in pycountry.countries:
        for field in ("name", "common_name", "official_name"):
            value = getattr(country, field, None)
            if value:  # "Korea, Republic of" is also written "Korea"
                countries |= {" ".join(words(value)), " ".join(words(value.split(",")[0]))}
    states = {" ".join(words(s.name)) for s in pycountry.subdivisions if s.type == "State"}
    return frozenset(countries), frozenset(states)


def is_demonym(word: str) -> bool:
    """A nationality ("French", "Russian", "Ukrainians"): articles often name the country instead, and it
    never answers "who" or "which city"."""
    return country_of(word) is not None


def name_groups(text: str) -> list[str]:
    """Runs of capitalized words ("Maria Butina", "World Cup"), without question words or stopwords."""
    groups = []
    for match in re.finditer(r"\b[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*", text):
        parts = [p for p in match.group(0).split() if p.lower() not in STOPWORDS | QUESTION_WORDS]
        if parts:
            groups.append(" ".join(parts).replace("’", "'").removesuffix("'s"))
    return groups


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def normalize(text: str) -> str:
    """Lower case, number words as digits, thousands written without separators, possessives and
    punctuation dropped: for containment checks ("Nepal's national parks" names Nepal, "$2000" is "$2,000")."""
    out = []
    for w in words(_THOUSANDS.sub("", text)):
        out.append(str(_NUMBER_WORDS[w]) if w in _NUMBER_WORDS else w.removesuffix("'s").replace("'", ""))
    return " ".join(out)
