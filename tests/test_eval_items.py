"""The eval set format: good sets load; a malformed entry is named by file and line and the rest still runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.items import load_set, load_sets

GOOD = """\
kind: qa
items:
  - id: qa-t-001
    question: 我们在哪个系统里给公文标公开属性？
    key_facts: [电子政务协同办公系统, [四种, 4种]]
    source: {title: 洱源县2020年政务公开工作方案, section: 一}
  - id: oos-t-001
    kind: out_of_scope
    question: 明天洱源天气怎么样？
  - id: dl-t-001
    kind: deadline
    input: {received: 2026-02-13, channel: in_person}
    expected: {due: 2026-03-19}
  - id: int-t-001
    kind: intent
    message: 9月28日收到的申请哪天到期
    today: 2026-11-27
    expected_tool: deadline
    expected_args: {received: 2026-09-28}
"""

MALFORMED = """\
kind: classify
items:
  - id: cls-t-001
    text: 关于召开全县安全生产会议的通知
    expected: 此件公开发布
  - id: cls-t-002
    text: 草稿
    expected: 公开
  - id: cls-t-003
    text: 第三件
    expected: 此件不公开
"""

BROKEN_YAML = """\
kind: duties
items:
  - id: duty-t-001
    unit: 县卫健局
    expected_sections: ["三"]
  - id: duty-t-002
    unit: "县教育体育局
    expected_sections: [四(三)
  - id: duty-t-003
    unit: 县民政局
    expected_sections: ["三"]
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_set_loads_every_kind_with_dates_as_text(tmp_path: Path) -> None:
    result = load_set(_write(tmp_path, "good.yaml", GOOD))
    assert result.errors == []
    by_id = {i.id: i for i in result.items}
    assert [i.kind for i in result.items] == ["qa", "out_of_scope", "deadline", "intent"]
    assert by_id["qa-t-001"].sources == [("洱源县2020年政务公开工作方案", ("一",))]
    assert by_id["qa-t-001"].group == "一"
    assert by_id["dl-t-001"].data["input"]["received"] == "2026-02-13"
    assert by_id["int-t-001"].data["today"] == "2026-11-27"
    assert by_id["qa-t-001"].line == 3 and by_id["int-t-001"].line == 14


def test_bad_entry_is_named_by_file_and_line_and_others_still_load(tmp_path: Path) -> None:
    path = _write(tmp_path, "cls.yaml", MALFORMED)
    result = load_set(path)
    assert [i.id for i in result.items] == ["cls-t-001", "cls-t-003"]
    (error,) = result.errors
    assert error.line == 6 and error.file.endswith("cls.yaml")
    assert "expected" in error.problem and "此件删减后公开" in error.problem
    assert str(error).startswith(str(error.file)) and "第6行" in str(error)


def test_broken_yaml_entry_is_skipped_and_the_rest_of_the_set_runs(tmp_path: Path) -> None:
    result = load_set(_write(tmp_path, "duties.yaml", BROKEN_YAML))
    assert [i.id for i in result.items] == ["duty-t-001", "duty-t-003"]
    (error,) = result.errors
    assert error.line == 6 and "YAML" in error.problem


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("  - question: 没有编号\n    key_facts: [a]\n    source: {title: t, section: 一}\n", "缺少 id"),
        ("  - id: x1\n    key_facts: [a]\n    source: {title: t, section: 一}\n", "缺少 question"),
        ("  - id: x2\n    question: q\n    source: {title: t, section: 一}\n", "key_facts"),
        ("  - id: x3\n    question: q\n    key_facts: [a]\n", "source"),
        ("  - id: x4\n    kind: quizz\n    question: q\n", "未知的 kind"),
        ("  - id: x5\n    kind: deadline\n    input: {received: 2026-02-30}\n    expected: {due: 2026-03-19}\n", "日期不存在"),
        ("  - id: x6\n    kind: intent\n    message: hi\n", "expected_tool"),
        ("  - id: x7\n    kind: duties\n    unit: 县卫健局\n", "expected_sections"),
        ("  - id: x8\n    kind: pii\n    text: 张三\n", "spans"),
        ("  - just a string\n", "映射"),
    ],
)
def test_each_problem_has_a_chinese_message(tmp_path: Path, entry: str, problem: str) -> None:
    result = load_set(_write(tmp_path, "one.yaml", "kind: qa\nitems:\n" + entry))
    assert result.items == []
    (error,) = result.errors
    assert error.line == 3 and problem in error.problem


def test_ids_must_be_unique_across_sets(tmp_path: Path) -> None:
    first = _write(tmp_path, "a.yaml", GOOD)
    second = _write(tmp_path, "b.yaml", GOOD.replace("oos-t-001", "oos-t-002"))
    result = load_sets([first, second])
    assert len(result.items) == 5
    assert {e.problem.split("”")[0] for e in result.errors} == {"id “qa-t-001", "id “dl-t-001", "id “int-t-001"}


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    result = load_set(tmp_path / "missing.yaml")
    assert result.items == [] and "无法读取" in result.errors[0].problem


def test_the_split_is_the_directory_and_ids_may_repeat_across_splits(tmp_path: Path) -> None:
    for split in ("dev", "test"):
        (tmp_path / split).mkdir()
        (tmp_path / split / "a.yaml").write_text(
            "kind: out_of_scope\nitems:\n  - id: x-1\n    question: 天气\n", encoding="utf-8")
    result = load_sets([tmp_path / "dev" / "a.yaml", tmp_path / "test" / "a.yaml"])
    assert result.errors == []
    assert [(i.id, i.split) for i in result.items] == [("x-1", "dev"), ("x-1", "test")]
    assert load_set(tmp_path / "a.yaml").items == []  # absent file: an error, not a crash
