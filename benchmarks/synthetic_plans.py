"""Invented counties' 政务公开工作方案, deterministic from a seed, for the scale benchmark and tests.

Each plan has the shape of the real one (a title, parts 一、…, subsections (一)…, paragraphs ending in
a 责任单位 clause) and ~32 paragraphs. Paragraphs are composed from templates and word lists in
benchmarks/data/synthetic_plans.yaml, with a sentence of the built-in plan now and then (its year
and county changed), so the vocabulary grows with the corpus the way real plans would make it grow.
"""

from __future__ import annotations

import random
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data" / "synthetic_plans.yaml"
NUMERALS = "一二三四五六七八九十"
PARTS, SUBSECTIONS, PARAGRAPHS = 4, 2, 4  # 32 paragraphs a plan


@cache
def _words() -> dict[str, Any]:
    return dict(yaml.safe_load(DATA.read_text(encoding="utf-8")))


@cache
def _plan_sentences() -> tuple[str, ...]:
    from knowledge.corpus import plan_text

    text = re.sub(r"[（(]责任单位[^）)]*[）)]", "", plan_text())
    return tuple(s + "。" for s in re.split(r"[。\n]", text) if 20 <= len(s) <= 120 and "责任单位" not in s)


def county_name(rng: random.Random) -> str:
    w = _words()
    return rng.choice(w["county_heads"]) + rng.choice(w["county_tails"]) + "县"


def _sentence(rng: random.Random, year: int, county: str) -> str:
    w = _words()
    if rng.random() < 0.2:
        return re.sub(r"20\d\d", str(year), rng.choice(_plan_sentences())).replace("洱源县", county)
    deadline = rng.choice(w["deadlines"]).format(year=year, month=rng.randint(1, 12), day=rng.randint(1, 28),
                                                 days=rng.choice([5, 7, 10, 14, 15, 20, 30]), times=rng.randint(1, 4))
    town = rng.choice(w["towns"]) + rng.choice(w["town_tails"]) + rng.choice(["镇", "乡"])
    return rng.choice(w["templates"]).format(
        actor=rng.choice([*w["collective"], *w["units"]]), action=rng.choice(w["actions"]),
        topic=rng.choice(w["topics"]), object=rng.choice(w["objects"]), requirement=rng.choice(w["requirements"]),
        deadline=deadline, year=year, town=town)


def _duty(rng: random.Random) -> str:
    w = _words()
    units = rng.sample(w["units"], rng.randint(1, 3))
    if rng.random() < 0.3:
        units.append(rng.choice(w["collective"]))
    return "（责任单位：" + "、".join(units) + "）"


def plan(seed: int) -> tuple[str, str]:
    """(file name, text) of the invented plan number ``seed``."""
    rng = random.Random(seed)
    w = _words()
    county, year = county_name(rng), 2016 + seed % 15
    title = f"{county}{year}年政务公开工作方案"
    lines = [title, f"为深入贯彻落实政务公开各项要求，结合{county}实际，制定本方案。"]
    for p, part in enumerate(rng.sample(w["parts"], PARTS)):
        lines.append(f"{NUMERALS[p]}、{part}")
        for s, topic in enumerate(rng.sample(w["topics"], SUBSECTIONS)):
            lines.append(f"（{NUMERALS[s]}）{rng.choice(w['actions'])}{topic}信息公开")
            for _ in range(PARAGRAPHS):
                body = "".join(_sentence(rng, year, county) for _ in range(rng.randint(2, 4)))
                lines.append(body + _duty(rng))
    return f"{title}-{seed}.txt", "\n".join(lines) + "\n"
