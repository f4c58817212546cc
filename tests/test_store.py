"""The store at archive size: every Chroma and SQLite call works past SQLite's variable limit (the old
`Collection.get()` of the whole corpus failed above about 30,000 passages). Vectors are random: the store
is what is tested, not the embedding model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.analysis import analyse
from index.articles import Article, Passage
from index.store import Entry, Store, StoreConfig

ARTICLES = 360
PASSAGES_PER_ARTICLE = 100  # 36,000 records in all
DIM = 384


def _article(number: int) -> tuple[Article, list[Passage]]:
    sentences = [
        f"Story {number} sentence {i} mentions topic{number % 7} and item{i}." for i in range(PASSAGES_PER_ARTICLE)
    ]
    text = " ".join(sentences)
    passages, offset = [], 0
    for sentence in sentences:
        passages.append(Passage(f"a{number:04d}", offset, offset + len(sentence), sentence, f"Headline {number}"))
        offset += len(sentence) + 1
    article = Article(f"a{number:04d}", f"Headline {number}", text, f"/corpus/a{number:04d}.txt")
    return article, passages


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = Store(StoreConfig(tmp_path_factory.mktemp("big-index")))
    store.claim()
    rng = np.random.default_rng(0)
    for number in range(ARTICLES):
        article, passages = _article(number)
        vectors = rng.normal(size=(len(passages), DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        store.put(
            [
                Entry(
                    article,
                    f"hash{number}",
                    analyse(article.text),
                    passages,
                    [p.text for p in passages],
                    vectors.tolist(),
                )
            ]
        )
    return store


def test_every_call_works_past_sqlites_variable_limit(big_store: Store) -> None:
    assert big_store.vector_count() == ARTICLES * PASSAGES_PER_ARTICLE
    assert big_store.records.passage_count() == ARTICLES * PASSAGES_PER_ARTICLE
    assert len(big_store.hashes()) == ARTICLES
    probe = big_store.records.passages_of("a0123")
    hits = big_store.query(np.ones(DIM).tolist(), 8)
    assert len(hits) == 8 and all(0.0 <= s <= 1.0 for _, s in hits)
    # A filter naming every article, and a lookup of every passage id at once.
    everyone = [f"a{n:04d}" for n in range(ARTICLES)]
    assert len(big_store.query(np.ones(DIM).tolist(), 5, everyone)) == 5
    ids = [p.id for n in range(ARTICLES) for p in _article(n)[1]]
    assert len(big_store.records.passages(ids)) == len(ids)
    assert [p.text for p in probe] == [p.text for p in _article(123)[1]]


def test_filters_keywords_and_pages(big_store: Store) -> None:
    only = big_store.query(np.ones(DIM).tolist(), 5, ["a0007", "a0300"])
    assert {p.article_id for p, _ in only} <= {"a0007", "a0300"}
    found = big_store.records.keyword_search(["item42", "topic3"], 10)
    assert found and all(score > 0 for _, score in found)
    assert big_store.records.passages([found[0][0]])[found[0][0]].text.endswith("item42.")
    assert big_store.article_count() == ARTICLES
    page = big_store.articles(offset=20, limit=20)
    assert [a.id for a in page] == [f"a{n:04d}" for n in range(20, 40)]
    assert big_store.article_count("Headline 359") == 1


def test_common_keywords_give_way_to_rare_ones(big_store: Store) -> None:
    """ "story" is in every passage: scoring it would cost a pass over all of them and rank nothing, so it is
    left out beside "item42" (in one passage per article), and searched alone when it is all there is."""
    found = big_store.records.passages(pid for pid, _ in big_store.records.keyword_search(["story", "item42"], 500))
    assert len(found) == ARTICLES
    assert all(p.text.endswith("item42.") for p in found.values())
    assert len(big_store.records.keyword_search(["story"], 5)) == 5


def test_drop_removes_vectors_and_records(big_store: Store) -> None:
    before = big_store.vector_count()
    big_store.drop("a0359")
    assert big_store.vector_count() == before - PASSAGES_PER_ARTICLE
    assert "a0359" not in big_store.hashes()
    assert not big_store.records.keyword_search(["item7"], 500, ["a0359"])
    with pytest.raises(KeyError):
        big_store.article("a0359")


def _put(store: Store, number: int, digest: str) -> list[Passage]:
    """Store generated article `number` under content hash `digest`, one unit vector a passage."""
    article, passages = _article(number)
    vectors = np.eye(DIM, dtype=np.float32)[: len(passages)].tolist()
    store.put([Entry(article, digest, analyse(article.text), passages, [p.text for p in passages], vectors)])
    return passages


def test_an_article_caught_mid_write_is_reconciled(tmp_path: Path) -> None:
    """A kill between an article's vectors and its record leaves it journalled; the next writer drops it,
    so the sync re-indexes it, and nothing half-written is served meanwhile."""
    config = StoreConfig(tmp_path / "index")
    store = Store(config)
    store.claim()
    _put(store, 1, "h1")
    store.records.mark_pending(["a0001"])  # as if a new version's vectors were being written when killed
    reopened = Store(config)
    assert reopened.claim() == ["a0001"]
    assert reopened.hashes() == {} and reopened.vector_count() == 0


def test_a_rebuild_is_served_only_once_complete(tmp_path: Path) -> None:
    config = StoreConfig(tmp_path / "index")
    store = Store(config)
    store.claim()
    _put(store, 2, "old")
    fresh = store.fresh("new-fingerprint")
    # Until adopted, a new process still opens the old generation.
    assert Store(config).hashes() == {"a0002": "old"}
    _put(fresh, 2, "new")
    store.adopt(fresh)
    assert store.hashes() == {"a0002": "new"} and store.fingerprint == "new-fingerprint"
    assert Store(config).hashes() == {"a0002": "new"}
    assert sorted(p.name for p in (tmp_path / "index").glob("records-*.sqlite")) == [
        f"records-{fresh.generation}.sqlite"
    ]


def test_a_writer_opened_before_a_rebuild_follows_it(tmp_path: Path) -> None:
    """A long-lived process opened the old generation; another process rebuilt and swapped in a new one.
    When the first writes again, it follows the new generation instead of deleting it as a leftover."""
    config = StoreConfig(tmp_path / "index")
    early = Store(config)
    early.claim()
    _put(early, 3, "old")
    other = Store(config)
    fresh = other.fresh("rebuilt")
    passages = _put(fresh, 3, "new")
    other.adopt(fresh)
    early.claim()
    assert early.generation == fresh.generation and early.hashes() == {"a0003": "new"}
    assert Store(config).hashes() == {"a0003": "new"} and Store(config).vector_count() == len(passages)


def test_a_reader_sees_what_another_process_wrote(tmp_path: Path) -> None:
    """The chat page keeps its store open while `qa index` rewrites an article in another process: the
    page's cached article and passage count follow the new version, so citations match the text served."""
    config = StoreConfig(tmp_path / "index")
    writer = Store(config)
    writer.claim()
    _put(writer, 4, "old")
    reader = Store(config)
    assert reader.records.article("a0004").title == "Headline 4" and reader.records.passage_count() == 100
    article, passages = _article(4)
    edited = Article(article.id, "Edited headline", article.text, article.path)
    vectors = np.eye(DIM, dtype=np.float32)[:50].tolist()
    writer.put([Entry(edited, "new", analyse(article.text), passages[:50], [p.text for p in passages[:50]], vectors)])
    assert reader.records.article("a0004").title == "Edited headline"
    assert reader.records.passage_count() == 50
