"""Holding a generated answer to its clauses: citations name given clauses, quotes are verbatim."""

from __future__ import annotations

import pytest

from assistant.evidence import check
from knowledge.types import Chunk

CLAUSES = [
    Chunk(id="reg-33", doc_id="d", title="政府信息公开条例", section="第三十三条",
          text="行政机关收到政府信息公开申请，能够当场答复的，应当当场予以答复。不能当场答复的，应当自收到申请之日起20个工作日内予以答复。"),
    Chunk(id="plan-43", doc_id="p", title="洱源县2020年政务公开工作方案", section="四(三)",
          text="加强政策解读（责任单位：县卫生健康局）。"),
]


@pytest.mark.parametrize(("text", "problem", "cited"), [
    ("应在20个工作日内答复〔《政府信息公开条例》第三十三条〕。", None, (0,)),
    ("应在20个工作日内答复〔《条例》第三十三条第二款〕。", None, (0,)),  # abbreviation, finer section
    ("由县卫生健康局负责〔《洱源县2020年政务公开工作方案》四（三）〕，时限见〔第三十三条〕。", None, (1, 0)),
    ("见〔《政府信息公开条例》第三十三条、《洱源县2020年政务公开工作方案》四(三)〕。", None, (0, 1)),
    ("“不能当场答复的，应当自收到申请之日起20个工作日内予以答复。”〔《政府信息公开条例》第三十三条〕", None, (0,)),
    ("这是“依申请”的事〔《政府信息公开条例》第三十三条〕。", None, (0,)),  # a short term, not a quote
    ("应在20个工作日内答复。", "no_citation", ()),
    ("应在15个工作日内答复〔《政府信息公开条例》第二十四条〕。", "invented_citation", ()),
    ("见〔《政府信息公开条例》第三十三条、《湖南省政府信息公开规定》第三条〕。", "invented_citation", ()),
    ("“应当自收到申请之日起15个工作日内予以答复”〔《政府信息公开条例》第三十三条〕", "misquote", ()),
    # verbatim, but in the other clause than the one cited for it
    ("「加强政策解读」〔《政府信息公开条例》第三十三条〕", "misquote", ()),
    ("“应当自收到申请之日起30日内答复”\n依据〔《政府信息公开条例》第三十三条〕", "misquote", ()),  # no citation on its line
])
def test_check(text: str, problem: str | None, cited: tuple[int, ...]) -> None:
    grounding = check(text, CLAUSES)
    assert grounding.problem == problem
    assert grounding.cited == cited
