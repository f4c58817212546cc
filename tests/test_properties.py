"""Property-based: for any text, reading, cleaning, analysing and splitting never raise, and every passage
and sentence maps back to its exact span of the cleaned text (the citation contract)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.analysis import analyse
from index.clean import clean
from index.errors import CorpusError
from index.read import read_article
from index.split import split_passages

# Text that looks like news often enough to exercise the rules: words, names, quotes, numbers, breaks.
_PIECES = st.sampled_from(
    [
        'He said: "',
        '," said Peskov.',
        "According to Grozev,",
        " Mr. ",
        " 4.17am ",
        " £100m ",
        "\n\n",
        "\n",
        ". ",
        "? ",
        '"',
        "“",
        "”",
        " Arsenal 2-1 Chelsea ",
        "Photo: Getty",
        "Tags: x",
        " the ",
        " council ",
        "She added",
    ]
)
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=30)), max_size=40).map("".join)
_SUFFIXES = st.sampled_from([".txt", ".md", ".html"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT, suffix=_SUFFIXES, words=st.integers(min_value=1, max_value=60))
def test_any_text_keeps_exact_offsets(tmp_path: Path, text: str, suffix: str, words: int) -> None:
    path = tmp_path / f"article{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        doc = read_article(path)
    except CorpusError:
        return  # empty, binary-looking or unreadable input is named and skipped, never a crash
    cleaned = clean(doc)
    analysis = analyse(cleaned.text)
    for start, end in analysis.sentences:
        assert 0 <= start < end <= len(cleaned.text)
        assert cleaned.text[start:end] == cleaned.text[start:end].strip()
    for start, person in analysis.referents.items():
        assert cleaned.text[person.start : person.end] and person.name and start >= 0
    for passage in split_passages("a", cleaned.text, cleaned.title, cleaned.headlines, words):
        assert cleaned.text[passage.start : passage.end] == passage.text
        assert passage.text.strip() == passage.text and passage.text
        inside = analysis.sentences_in(passage.start, passage.end)
        assert inside and inside[0][0] == passage.start and inside[-1][1] == passage.end
