"""One-character typos of domain words are read as the word: on the real index, and the pure function."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.factory import build_engine
from assistant.settings import Settings
from knowledge.retriever import HybridRetriever
from knowledge.typos import correct


@pytest.fixture(scope="module")
def retriever(tmp_path_factory: pytest.TempPathFactory) -> HybridRetriever:
    engine = build_engine(Settings(embedder="none", data_dir=Path(tmp_path_factory.mktemp("typos"))))  # type: ignore[arg-type]
    opened: HybridRetriever = engine.retriever.open()  # type: ignore[attr-defined]
    return opened


@pytest.mark.parametrize(("asked", "meant"), [("县政府的年保几号前公布", "县政府的年报几号前公布"),
                                              ("对答复不服多久内能申请复义", "对答复不服多久内能申请复议"),
                                              ("申请材料不全要不正吗", "申请材料不全要补正吗")])
def test_a_sound_alike_typo_of_a_domain_word_is_read_as_the_word(retriever: HybridRetriever, asked: str, meant: str) -> None:
    assert retriever.correct(asked) == meant


@pytest.mark.parametrize("text", ["年保最迟啥时候", "我局报送的信息要公开吗", "公众号俩礼拜没动静了要紧不", "依申请公开多久答复"])
def test_other_words_are_left_alone(retriever: HybridRetriever, text: str) -> None:
    fixed = retriever.correct(text)
    assert "保密" not in fixed and "举报" not in fixed and fixed.replace("年报", "年保") == text


def test_a_typo_is_searched_as_the_word_it_stands_for(retriever: HybridRetriever) -> None:
    found = retriever.retrieve("对答复不服多久内能申请复义", 5)
    assert any("复议" in h.chunk.text for h in found.hits[:3])


def test_a_run_with_two_sound_alike_words_is_left_as_it_is() -> None:
    pieces = ["年", "保"]
    assert correct(pieces, ["年报", "年宝"], lambda w: False) == "年保"
    assert correct(pieces, ["年报"], lambda w: False) == "年报"
    assert correct(pieces, ["年报"], lambda w: True) == "年保"  # the sources mention it: no typo
