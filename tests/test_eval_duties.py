"""Duties grading checks who does what: (section, role) pairs, not just the sections every unit shares."""

from __future__ import annotations

from typing import Any

from eval.grading import grade_duties
from eval.items import Item

ALL = ["一", "二", "三", "四(一)", "四(二)", "四(三)", "四(四)", "四(五)", "四(六)", "四(七)", "四(八)", "四(九)",
       "五(一)", "五(二)", "五(三)", "五(四)", "六(一)", "六(二)"]
HEALTH = {"lead": ["三"], "named": ["四(三)", "四(五)", "四(六)", "四(七)", "四(八)", "四(九)"]}


def _item(roles: dict[str, list[str]] | None) -> Item:
    data: dict[str, Any] = {"unit": "县卫健局", "expected_sections": ALL}
    if roles is not None:
        data["expected_roles"] = roles
    return Item(id="duty-t", kind="duties", set_name="t", file="t.yaml", line=1, data=data)


def _tasks(lead: list[str], named: list[str]) -> list[dict[str, str]]:
    role = {s: "lead" for s in lead} | {s: "named" for s in named}
    return [{"section": s, "role": role.get(s, "collective")} for s in ALL]


def test_the_right_roles_score_full_marks() -> None:
    result = grade_duties(_item(HEALTH), {"tasks": _tasks(HEALTH["lead"], HEALTH["named"])})
    assert result.passed
    assert result.detail["tp_found"] == result.detail["found"] == result.detail["expected"] == 18


def test_another_units_duties_fail_even_though_the_sections_are_the_same() -> None:
    # 县政府办's roles: named in 三 and 五(一), lead nowhere; same 18 sections as every department
    result = grade_duties(_item(HEALTH), {"tasks": _tasks([], ["三", "五(一)"])})
    assert not result.passed
    assert result.detail["tp_found"] < result.detail["found"]
    assert "四(三):named" in result.detail["missed"] and "五(一):named" in result.detail["wrong"]


def test_a_collective_task_does_not_count_as_a_named_one() -> None:
    tasks = _tasks(HEALTH["lead"], HEALTH["named"]) + [{"section": "四(三)", "role": "collective"}]
    assert grade_duties(_item(HEALTH), {"tasks": tasks}).passed  # the strongest role per section counts
    missing = _tasks(HEALTH["lead"], [])
    result = grade_duties(_item(HEALTH), {"tasks": missing})
    assert not result.passed and result.detail["tp_expected"] == 18 - 6


def test_without_expected_roles_only_sections_are_graded() -> None:
    result = grade_duties(_item(None), {"tasks": _tasks([], [])})
    assert result.passed and result.got["sections"] == sorted(ALL)
