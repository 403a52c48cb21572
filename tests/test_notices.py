"""Notices as Word documents: each type opened with python-docx holds the register's data, the article,
the reasons and the remedy paragraph (复议前置 for 不予公开 from 2024-01-01); bad input is a Chinese line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest

from assistant.cli.main import main
from tools.notices import NoticeFacts, compose, notice_types, write_docx

FACTS = NoticeFacts(id=7, received=date(2026, 2, 13), applicant="张三丰", content="2025年县道养护合同",
                    extended_due=date(2026, 4, 17), fee_due=date(2026, 4, 8), person="李主任")
# type → (reason, what the document must say besides the register's data)
CASES = {
    "补正告知书": ("请写明合同所属路段和签订年份", ["第三十条", "视为放弃申请", "路段"]),
    "延期答复告知书": ("需要调取档案", ["第三十三条第二款", "李主任", "2026年4月17日"]),
    "征求意见函": (None, ["第三十二条", "15个工作日"]),
    "收费通知": ("按件计收100元", ["第四十二条", "109号", "2026年4月8日"]),
    "予以公开": (None, ["第三十六条第（二）项", "予以公开"]),
    "部分公开": ("第十五条", ["第三十七条", "保护第三方合法权益", "应当先申请行政复议"]),
    "不予公开": ("第十四条", ["第十四条", "第三十六条第（三）项", "应当先申请行政复议", "第二十三条"]),
    "信息不存在": (None, ["第三十六条第（四）项", "信息不存在"]),
    "非本机关掌握": (None, ["第三十六条第（五）项", "县交通运输局"]),
    "无法提供": ("需要另行制作", ["第三十八条", "没有现成信息需要另行制作"]),
    "不予处理": ("重复申请", ["第三十六条第（六）项", "重复申请"]),
    "行政查询事项": (None, ["第三十六条第（七）项"]),
}


def _text(path: Path) -> tuple[str, str]:
    d = docx.Document(str(path))
    body = "\n".join(p.text for p in d.paragraphs)
    footer = "\n".join(p.text for p in d.sections[0].footer.paragraphs)
    return body, footer


def test_every_type_has_a_case() -> None:
    assert set(CASES) == set(notice_types())


@pytest.mark.parametrize("kind", list(CASES))
def test_each_notice_docx(kind: str, tmp_path: Path) -> None:
    reason, must = CASES[kind]
    notice = compose(kind, FACTS, day=date(2026, 3, 30), reason=reason, issuer="洱源县人民政府",
                     review_body="大理白族自治州人民政府", prefix="洱政办", responsible="县交通运输局（电话0872-0000000）")
    body, footer = _text(write_docx(notice, tmp_path / f"{kind}.docx"))
    for text in must:
        assert text in body, (kind, text)
    assert "2026年2月13日" in body and "2025年县道养护合同" in body  # the register's data
    assert "2026年3月30日" in body and "洱源县人民政府" in body and "〔2026〕7号" in body
    if kind == "征求意见函":
        assert "张三丰" not in body  # the third party does not learn who asked
    else:
        assert "张三丰：" in body
    if kind in ("补正告知书", "延期答复告知书", "征求意见函", "收费通知"):
        assert "行政复议" not in body
    else:
        assert "大理白族自治州人民政府申请行政复议" in body
    if kind not in ("不予公开", "部分公开"):
        assert "应当先申请行政复议" not in body
    assert "起草提示" in footer and "[P]" in footer


def test_remedy_follows_the_reply_date(tmp_path: Path) -> None:
    before = compose("不予公开", FACTS, day=date(2023, 12, 29), reason="属于国家秘密")
    after = compose("不予公开", FACTS, day=date(2024, 1, 2), reason="属于国家秘密")
    assert "应当先申请行政复议" not in before.remedy and "6个月内" in before.remedy
    assert "应当先申请行政复议" in after.remedy and "6个月" not in after.remedy
    other = compose("信息不存在", FACTS, day=date(2026, 1, 5))
    assert any("UNVERIFIED" in n for n in other.notes)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in [n for n in __import__("os").environ if n.startswith("ASSISTANT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_cli_notice_from_the_register(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apps", "add", "--received", "2026-02-13", "--channel", "online", "--applicant", "自然人",
                 "--content", "2025年县道养护合同", "--name", "张三丰"]) == 0
    out = env / "n.docx"
    assert main(["notice", "1", "--type", "不予公开", "-o", str(out)]) == 2
    assert "须写明理由" in capsys.readouterr().err
    assert main(["notice", "1", "--type", "不予公开", "--reason", "第十四条", "--date", "2026-03-10",
                 "-o", str(out)]) == 0
    body, _ = _text(out)
    assert "第十四条" in body and "应当先申请行政复议" in body and "张三丰：" in body
    assert main(["apps", "event", "1", "reply", "--date", "2026-03-12", "--outcome", "不予公开",
                 "--reason", "过程性信息"]) == 0
    capsys.readouterr()
    assert main(["notice", "1", "-o", str(out)]) == 0  # type and reason from the registered reply
    body, _ = _text(out)
    assert "属于四类过程性信息" in body and "第十六条第二款" in body and "2026年3月12日" in body
    assert main(["notice", "1", "--type", "延期答复告知书", "-o", str(out)]) == 2
    assert "还没有登记延期" in capsys.readouterr().err
