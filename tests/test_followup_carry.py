"""Short follow-ups carry the last answer along: its section for a consequence ("超过了会怎么样"), the
follow-up's own words over the last topic ("由谁汇总审核"), the documents a cited plan clause rests on
("依据什么文件"), also after a task list of one task."""

from __future__ import annotations

import pytest

from assistant.engine import Engine
from assistant.factory import build_engine
from assistant.followup import context
from assistant.followup_answers import restated_rule
from assistant.followup_rewrite import asks_consequence, carried_order
from assistant.settings import Settings
from knowledge.types import Chunk, Hit
from knowledge.units import load_units
from tests.conversation import talk as _talk

PLAN = "洱源县2020年政务公开工作方案"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_engine(Settings(embedder="none", retrieval_mode="bm25", data_dir=tmp_path_factory.mktemp("carry")))


def _hit(n: int, title: str, section: str, text: str) -> Hit:
    return Hit(chunk=Chunk(id=f"c{n}", doc_id=title, title=title, section=section, text=text), score=1.0 - n / 10)


@pytest.mark.parametrize("follow", ["超过了有什么后果", "那要是超过了会咋样"])
def test_a_consequence_follow_up_quotes_the_consequence_in_the_section_just_cited(engine: Engine, follow: str) -> None:
    # 五(二): 两次信息更新时间间隔必须小于14天; 易发生单项否决(…14日内无更新…)的政务新媒体…予以关停
    _, reply = _talk(engine, "政务新媒体两次更新间隔不能超过多少天", follow)
    first = reply.splitlines()[0]
    assert "单项否决" in first and f"《{PLAN}》五(二)" in reply


def test_consequence_asks() -> None:
    assert asks_consequence("超过了会怎么样") and asks_consequence("逾期有什么后果")
    assert not asks_consequence("谁来汇总审核") and not asks_consequence("那网站呢")


def test_carried_order_leads_with_the_cited_section_s_consequence_then_the_follow_up_s_own_words() -> None:
    again = _hit(0, "某意见", "开设和管理", "县级以上地方政府开设政务新媒体，一个单位在同一平台原则上只开一个账号。")
    rule = _hit(1, PLAN, "五(二)", "两次信息更新时间间隔必须小于14天。")
    elsewhere = _hit(2, "某指标", "扣分", "栏目长期不更新的予以通报。")
    veto = _hit(3, PLAN, "五(二)", "易发生单项否决的政务新媒体应及时清理优化，确属无力维护的予以关停。")
    hits = [again, rule, elsewhere, veto]
    ordered = carried_order("超过了会怎么样", hits, {(PLAN, "五(二)")})
    assert ordered[0] is veto  # a consequence word outside the cited section does not lead
    who = _hit(4, PLAN, "三", "两级目录由县人民政府办公室汇总审核后报上一级政府备案检查。")
    assert carried_order("谁来汇总审核", [again, rule, who], set())[0] is who
    # one shared character pair ("政务") is noise: the search's order stands
    assert carried_order("政务呢", [rule, again], set()) == [rule, again]


def test_a_who_follow_up_is_answered_from_the_clause_with_its_own_words(engine: Engine) -> None:
    # 方案三: 县、乡(镇)两级目录由县人民政府办公室汇总审核后报上一级政府备案检查
    _, reply = _talk(engine, "标准目录包括哪些内容", "由谁汇总审核")
    assert "县人民政府办公室" in reply.splitlines()[0] and f"《{PLAN}》三" in reply


def test_the_documents_a_task_rests_on_after_a_list_of_one_task(engine: Engine) -> None:
    # 方案四(七): 严格按照《…实施方案的通知》(大政办发〔2018〕99号)要求
    history, listed = _talk(engine, "县发展改革局在重大建设项目方面有什么任务")
    assert "任务1项" in listed
    assert context(history, load_units()).citation == (PLAN, "四(七)")
    _, reply = _talk(engine, "县发展改革局在重大建设项目方面有什么任务", "依据什么文件")
    assert "大政办发〔2018〕99号" in reply and f"《{PLAN}》四(七)" in reply


@pytest.mark.parametrize("follow", ["依据呢", "法律依据"])
def test_the_basis_of_a_plan_period_names_the_regulation_article_it_restates(engine: Engine, follow: str) -> None:
    # 方案五(三): 20个工作日内办结政府信息公开申请; 条例第三十三条: 自收到申请之日起20个工作日内答复
    _, reply = _talk(engine, "政府信息公开申请要在多少个工作日内办结", follow)
    assert f"《{PLAN}》五(三)" in reply
    law = reply.split("法规中的相应规定：", 1)[1]
    assert "20个工作日" in law and "《政府信息公开条例》第三十三条" in law


def test_a_restated_rule_must_state_the_plan_clause_s_period() -> None:
    plan = Chunk(id="p", doc_id="plan", title=PLAN, section="五(三)", text="20个工作日内办结政府信息公开申请。",
                 metadata={"kind": "plan"})
    other = _hit(1, "政府信息公开条例", "第三十四条", "被征求意见的机关自收到征求意见书之日起15个工作日内答复。")
    same = _hit(2, "政府信息公开条例", "第三十三条", "应当自收到申请之日起20个工作日内答复。")
    for hit in (other, same):
        hit.chunk.metadata["kind"] = "regulation"
    assert restated_rule([plan], [other, same]) is same.chunk
    assert restated_rule([plan], [other]) is None
    assert restated_rule([same.chunk], [same]) is None  # a regulation answer's basis is the regulation itself


def test_paragraph_n_of_the_article_just_shown_is_named_as_the_user_asked(engine: Engine) -> None:
    # 条例第三十三条第二款: 确实需要延长答复期限的…延长的期限最长不得超过20个工作日
    _, reply = _talk(engine, "政府信息公开条例第三十三条讲的什么", "第二款呢")
    assert reply.startswith("第二款：") and "延" in reply and "20个工作日" in reply
    _, item = _talk(engine, "政府信息公开条例第三十三条讲的什么", "第二项呢")
    assert item.startswith("第二项：") and item.split("：", 1)[1] == reply.split("：", 1)[1]
