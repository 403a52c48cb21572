"""The persisted BM25 index: a second start loads it, an ingest tokenises only its own chunks, and the
segmented scores equal those of bm25s built afresh over the same chunks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import bm25s
import numpy as np
import pytest

from knowledge.bm25_index import Bm25Index, Segment
from knowledge.corpus import builtin_clauses
from knowledge.index import IndexOptions, open_retriever
from knowledge.ingest import ingest_bytes
from knowledge.tokenizer import Tokenizer, default_tokenizer
from tests.dbs import sqlite_store

QUESTIONS = ["政务新媒体多长时间必须更新一次", "依申请公开的答复期限是多少个工作日", "县卫生健康局负责哪些公开任务",
             "财政预决算信息公开", "档案馆查阅点什么时候开放"]
ARCHIVE = "县档案馆政府信息查阅点规定\n第五条 县档案馆设立政府信息查阅点，每周三下午开放。\n第六条 查阅点提供目录检索服务。"


@pytest.fixture
def tokenised(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the tokenizer turns into index tokens, in order (queries included)."""
    seen: list[str] = []
    original = Tokenizer.tokens

    def spy(self: Tokenizer, text: str) -> list[str]:
        seen.append(text)
        return original(self, text)

    monkeypatch.setattr(Tokenizer, "tokens", spy)
    return seen


def test_a_second_start_loads_the_index_and_an_ingest_tokenises_only_its_chunks(
    tmp_path: Path, tokenised: list[str]
) -> None:
    options = IndexOptions(data_dir=tmp_path, embedder="none", mode="bm25")
    store = sqlite_store(tmp_path)
    first = open_retriever(options, store)
    assert len(tokenised) >= len(first.chunks) + len(first.questions) > 100  # the first start tokenises all

    tokenised.clear()
    second = open_retriever(options, store)
    assert tokenised == []  # loaded, not re-tokenised
    for question in QUESTIONS:
        assert [h.chunk.id for h in second.search(question, 5)] == [h.chunk.id for h in first.search(question, 5)]

    added = ingest_bytes(store, "档案.txt", ARCHIVE.encode())
    tokenised.clear()
    third = open_retriever(options, store)
    assert len(tokenised) == added.chunk_count  # the new file's chunks, nothing else
    assert all("档案馆" in text for text in tokenised)
    assert third.search("档案馆的政府信息查阅点什么时候开放", 3)[0].chunk.section == "第五条"


def test_a_damaged_index_file_is_rebuilt_not_fatal(tmp_path: Path) -> None:
    options = IndexOptions(data_dir=tmp_path, embedder="none", mode="bm25")
    store = sqlite_store(tmp_path)
    expected = [h.chunk.id for h in open_retriever(options, store).search(QUESTIONS[0], 5)]
    for segment in (tmp_path / "index" / "bm25").rglob("seg-*.npz"):
        segment.write_bytes(b"not an index")
    assert [h.chunk.id for h in open_retriever(options, store).search(QUESTIONS[0], 5)] == expected


def _reference_scores(tokens: list[list[str]], query: list[str]) -> np.ndarray:
    model = bm25s.BM25(k1=1.2, b=0.75)
    model.index([t or [""] for t in tokens], show_progress=False)
    known = [t for t in dict.fromkeys(query) if t in model.vocab_dict and t]
    return np.asarray(model.get_scores(known)) if known else np.zeros(len(tokens))


def test_segments_with_removed_rows_score_like_bm25s_built_afresh() -> None:
    tokenizer = default_tokenizer()
    tokens = [tokenizer.tokens(c.text) for c in builtin_clauses()]
    keys = [f"c{i}" for i in range(len(tokens))]
    third = len(tokens) // 3
    segments = [Segment.build(keys[:third], tokens[:third]), Segment.build(keys[third:], tokens[third:])]
    kept = [n for n in range(len(tokens)) if n % 4 != 1]  # a quarter of the rows removed from both segments
    index = Bm25Index.assemble(segments, [keys[n] for n in kept])
    merged = Bm25Index.assemble([index.merged()], [keys[n] for n in kept])
    assert merged.segments[0].keys == tuple(keys[n] for n in kept)
    for question in QUESTIONS:
        query = tokenizer.tokens(question)
        reference = _reference_scores([tokens[n] for n in kept], query)
        assert reference.max() > 0
        np.testing.assert_allclose(index.scores(query), reference, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(merged.scores(query), reference, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("scan_rows", [2000, 0])  # candidate rows searched one by one, or the joined text scanned
def test_coverage_shortcuts_agree_with_scanning_every_text(scan_rows: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index-backed word checks (bigrams ruled out from the vocabulary, candidate rows from postings)
    give the same answers as scanning the texts, for every content word of the dev questions and a few the
    sources never mention."""
    monkeypatch.setattr("knowledge.retriever._SCAN_ROWS", scan_rows)
    from benchmarks.retrieval_modes import load_questions
    from knowledge.corpus import builtin_chunks
    from knowledge.retriever import HybridRetriever
    from knowledge.synonyms import expand

    tokenizer = default_tokenizer()
    retriever = HybridRetriever(builtin_chunks(), tokenizer)
    qa, oos = load_questions()
    words = {w for q in [*(x.text for x in qa), *oos] for w in tokenizer.content_words(q)}
    words |= {"英文", "骑行", "abc", "15", "公开栏"}
    clauses, everything = "\n".join(retriever._texts), "\n".join(retriever._df_texts)
    for word in words:
        terms = {word, *(t.lower() for t in expand(word))}
        assert retriever._df(word) == sum(any(t in text for t in terms) for text in retriever._df_texts), word
        assert retriever._in_corpus(word, bank=True) == any(t in everything for t in terms), word
        assert retriever._in_corpus(word) == any(t in clauses for t in terms), word


def test_word_counts_carried_over_a_rebuild_are_those_of_counting_afresh(tmp_path: Path) -> None:
    """After an ingest (a new file, then a new version of it) the rebuilt index starts with the word counts
    of the one before, moved by the chunks that came and went, and they equal a count over every text."""
    from knowledge.live_index import LiveIndex
    from knowledge.synonyms import expand

    store = sqlite_store(tmp_path)
    live = LiveIndex(IndexOptions(data_dir=tmp_path, embedder="none", mode="bm25"), lambda: store)
    served = live.current()
    words = ["申请", "公开", "档案馆", "查阅点", "工作日", "英文"]
    for word in words:
        served._df(word)
    archive = "县档案馆政府信息查阅点规定\n第五条 县档案馆设立政府信息查阅点，每周三下午开放，受理公开申请。"
    for text in (archive, archive + "\n第六条 查阅点每季度报送查阅人次。"):
        ingest_bytes(store, "档案.txt", text.encode())
        before = served
        while served is before:
            live.current()
            live.wait()
            served = live.current()
        assert set(words) <= set(served._df_cache)  # carried over, not counted again
        for word in words:
            terms = {word, *(t.lower() for t in expand(word))}
            assert served._df_cache[word] == sum(any(t in x for t in terms) for x in served._df_texts), word


@pytest.mark.parametrize("scan_rows", [2000, 0])  # candidate texts read one by one, or the joined text scanned
def test_an_index_kept_up_to_date_counts_and_ranks_like_one_built_afresh(
    tmp_path: Path, scan_rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A serving index followed through ingests, a new version of a file and a removal (its word counts carried
    from build to build, moved by the chunks that came and went) gives the same document frequencies, IDF and
    rankings as an index built afresh from the store's chunks; the counts are also those of reading every text."""
    monkeypatch.setattr("knowledge.retriever._SCAN_ROWS", scan_rows)
    from benchmarks.synthetic_plans import plan
    from knowledge.live_index import LiveIndex
    from knowledge.retriever import HybridRetriever, _index_text
    from knowledge.synonyms import expand

    store = sqlite_store(tmp_path)
    live = LiveIndex(IndexOptions(data_dir=tmp_path, embedder="none", mode="bm25"), lambda: store)
    # words of every kind: one bigram, longer words, synonyms sharing a count (责任单位 / 牵头部门), single
    # characters, Latin letters and digits, a word no text has
    words = ["申请", "公开", "档案馆", "查阅点", "工作日", "责任单位", "牵头部门", "政务新媒体", "政府信息公开",
             "网", "年", "oa", "2021", "英文", "骑行"]

    def follow(change: Callable[[], object]) -> HybridRetriever:
        before = live.current()
        for word in words[::2]:  # counted on the serving index before the change reaches it
            before._df(word)
        change()
        served = before
        for _ in range(100):
            live.current()
            live.wait()
            served = live.current()
            if served is not before:
                return served
        raise AssertionError("no rebuild")

    plans = [plan(seed) for seed in (3, 4)]
    for name, text in plans:
        follow(lambda name=name, text=text: ingest_bytes(store, name, text.encode()))
    name, text = plans[0]
    addition = "\n二十、档案馆查阅点每季度报送查阅人次，责任单位：县档案馆。"
    follow(lambda: ingest_bytes(store, name, (text + addition).encode()))  # a new version replaces the file
    store.remove([d.doc_id for d in store.documents() if d.name == plans[1][0]])
    served = follow(lambda: ingest_bytes(store, "档案.txt", ARCHIVE.encode()))  # the build follows the removal too

    chunks = store.chunks()
    fresh = HybridRetriever(chunks, default_tokenizer())
    fresh.set_documents(store.documents())
    assert [c.id for c in served.chunks] == [c.id for c in fresh.chunks]
    assert set(words[::2]) <= set(served._df_cache)  # carried over, not counted again
    texts = [_index_text(c).lower() for c in fresh.chunks] + [q.text.lower() for q in fresh.questions]
    for word in words:
        terms = {word, *(t.lower() for t in expand(word))}
        assert fresh._df(word) == sum(any(t in x for t in terms) for x in texts), word
        assert served._df(word) == fresh._df(word), word
        assert served.term_idf(word) == fresh.term_idf(word), word
    for question in [*QUESTIONS, "档案馆查阅点多久报送一次查阅人次", "牵头部门是谁"]:
        got, want = served.retrieve(question, 5), fresh.retrieve(question, 5)
        assert [h.chunk.id for h in got.hits] == [h.chunk.id for h in want.hits], question
        assert [h.bm25_score for h in got.hits] == pytest.approx([h.bm25_score for h in want.hits], rel=1e-5)
        assert got.verdict == want.verdict, question
