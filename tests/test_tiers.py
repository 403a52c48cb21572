"""A tiered fee worked out for the count a question names, from the tiers of the quoted rule."""

from __future__ import annotations

from assistant.answer import compose_answer
from assistant.tiers import tiered_amount
from knowledge.types import Chunk, Hit

PAGES = "按页数分段：1至30页免费，31至100页每页10元，101至200页每页20元，201页以上每页40元。"
REQUESTS = "第1至10件不收费，第11至30件每件100元，从第31件起每10件为一档、每升一档每件加收100元。"


def test_pages_pay_each_tier_its_own_rate() -> None:
    assert tiered_amount("申请人要50页纸质件，按量收多少钱", PAGES) == "按此标准，50页共200元（第1至30页免费，第31至50页20页×10元）。"
    assert "共4700元" in (tiered_amount("要250页收多少", PAGES) or "")
    assert (tiered_amount("20页要钱吗", PAGES) or "").startswith("按此标准，20页不收费")


def test_a_request_pays_its_own_tier_and_the_steps_above_the_last_range_are_counted_on() -> None:
    assert tiered_amount("第12件收多少", REQUESTS) == "按此标准，第12件每件100元。"
    assert tiered_amount("第5件呢", REQUESTS) == "按此标准，第5件不收费。"
    assert tiered_amount("一个月里第35件按件收多少钱一件", REQUESTS) == "按此推算，第35件在第31至40件一档，每件200元。"
    assert "每件300元" in (tiered_amount("第47件多少钱", REQUESTS) or "")


def test_no_count_or_no_tiers_gives_nothing() -> None:
    assert tiered_amount("按量计收多少钱", PAGES) is None
    assert tiered_amount("50页收多少钱", "依申请提供信息原则上不收费。") is None
    assert tiered_amount("第35件收多少钱", PAGES) is None  # pages' tiers say nothing of requests


def test_the_worked_amount_leads_the_answer() -> None:
    rule = Chunk(id="r:5", doc_id="builtin:digest", title="政府信息公开信息处理费管理办法", section="第五条",
                 text="按量计收用于申请人要纸质件等情形，" + PAGES, metadata={"kind": "regulation", "status": "V"})
    reply = compose_answer("申请人要50页纸质件，按量收多少钱", [Hit(rule, 0.5)])
    assert reply.text.splitlines()[0].startswith("按此标准，50页共200元")
    assert "〔《政府信息公开信息处理费管理办法》第五条〕" in reply.text
