"""``GET /api/duties``: the same JSON as ``gongkai duties --json`` (by unit, or by task with ``task=``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from assistant.api.deps import EngineDep
from knowledge.errors import BadInput

router = APIRouter()


@router.get("/api/duties", summary="查询单位在方案中的任务，或反查任务的责任单位")
def get_duties(
    engine: EngineDep,
    unit: str | None = Query(None, description="单位名称：全称、简称或带错字，如 县卫健局、凤羽镇"),
    task: str | None = Query(None, description="任务内容（反查责任单位），如 门户网站信息公开平台"),
    year: int | None = Query(None, description="方案年份，如 2021；不填为现行（最新）方案"),
    compare: int | None = Query(None, description="与哪一年的方案比较单位的任务，如 2020"),
) -> dict[str, Any]:
    """Unknown unit or year → 404, ambiguous or missing input → 400, both with {"error": 中文}."""
    if not (unit and unit.strip()) and not (task and task.strip()):
        raise BadInput("请提供 unit（单位名称）或 task（任务内容）参数。")
    data: dict[str, Any] = engine.toolbox.tools["duties"].invoke(
        {"unit": unit, "task": task, "year": year, "compare": compare}
    )
    return data
