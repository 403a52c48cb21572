"""The register from chat, through Engine.respond: registration (with ask-back), 我的待办/本周到期, events."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.engine import Engine
from assistant.factory import build_tool_context
from assistant.register_chat import RegisterDesk, parse_event, parse_registration
from assistant.settings import Settings
from assistant.storage import open_database
from assistant.turn import Message, Turn
from tools.registry import Toolbox

TODAY = date(2026, 11, 25)  # a Wednesday


class NoRetrieval:
    def search(self, query: str, k: int) -> list:  # type: ignore[type-arg]
        raise AssertionError("a register message must not reach retrieval")

    retrieve = search


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    db = open_database(f"sqlite:///{tmp_path / 'g.db'}")
    return Engine(retriever=NoRetrieval(), toolbox=Toolbox(build_tool_context()), register=RegisterDesk(db))  # type: ignore[arg-type]


def say(engine: Engine, text: str, user: str = "zhangsan", history: tuple[Message, ...] = ()) -> str:
    return engine.respond(Turn(text=text, user_id=user, today=TODAY, history=history)).text


def test_registration_from_one_sentence(engine: Engine) -> None:
    reply = engine.respond(Turn(text="登记：11月20日网上收到张某申请公开2025年县道养护合同", user_id="zhangsan",
                                today=TODAY))
    assert reply.tool == "register" and reply.data is not None
    d = reply.data
    assert (d["received"], d["channel"], d["applicant_type"]) == ("2026-11-20", "online", "自然人")
    assert d["content"] == "2025年县道养护合同" and d["handler"] == "zhangsan"
    # 2026-11-20 (Fri): 11/23–27=5, 11/30=6, 12/1=7; 12/2–4=10, 7–11=15, 14–18=20
    assert (d["correction_notice_due"], d["due"]) == ("2026-12-01", "2026-12-18")
    assert "张*" in reply.text and "张某" not in reply.text  # the applicant is masked in chat too
    assert "2026-12-18" in reply.text


def test_registration_asks_back_for_what_is_missing(engine: Engine) -> None:
    first = "登记：张某申请公开2025年县道养护合同"
    ask = say(engine, first)
    assert ask.startswith("登记还缺") and "收到日期" in ask and "提交方式" in ask and "申请内容" not in ask
    history = (Message("user", first), Message("assistant", ask))
    done = engine.respond(Turn(text="11月20日 网上", user_id="zhangsan", today=TODAY, history=history))
    assert done.data and done.data["due"] == "2026-12-18" and done.data["content"] == "2025年县道养护合同"


def test_todo_this_week_and_events(engine: Engine) -> None:
    say(engine, "登记：11月20日网上收到张某申请公开2025年县道养护合同")  # #1 due 12-18
    say(engine, "登记：11月2日当面收到某某公司申请公开县城供水价格成本监审报告", user="lisi")  # #2
    todo = engine.respond(Turn(text="我的待办", user_id="zhangsan", today=TODAY))
    assert [a["id"] for a in todo.data["items"]] == [1]  # type: ignore[index]
    # #2: 2026-11-02 (Mon) + 7 WD = 11/11 (passed, no 补正 sent), + 20 WD = 11/30 (next Monday)
    week = engine.respond(Turn(text="本周到期", user_id="zhangsan", today=TODAY))
    assert week.data["items"] == []  # type: ignore[index]  # Wed 11/25 … Sun 11/29: nothing due
    week = engine.respond(Turn(text="本周到期", user_id="zhangsan", today=date(2026, 11, 30)))
    # week of 11/30: #2's reply (11/30) and #1's 补正告知 deadline (12/01)
    assert [(a["id"], a["next_due"]) for a in week.data["items"]] == [(2, "2026-11-30"), (1, "2026-12-01")]  # type: ignore[index]

    reply = engine.respond(Turn(text="1号申请发出补正告知", user_id="zhangsan", today=date(2026, 11, 24)))
    assert reply.data and reply.data["status"] == "awaiting_correction"
    reply = engine.respond(Turn(text="1号申请补正了", user_id="zhangsan", today=date(2026, 11, 27)))
    # restart from 11/27 (Fri): 11/30=1, 12/1–4=5, 7–11=10, 14–18=15, 21–25=20
    assert reply.data and reply.data["due"] == "2026-12-25" and "2026-12-25" in reply.text
    ask = say(engine, "2号延期")
    assert "负责人" in ask
    reply = engine.respond(Turn(text="2号延期，王主任同意", user_id="lisi", today=date(2026, 11, 26)))
    assert reply.data and reply.data["extended"] and reply.data["current_due"] == reply.data["extended_due"]
    assert "没有编号为 9 的申请" in say(engine, "9号申请补正了")


def test_parsers_leave_other_questions_alone() -> None:
    assert parse_event("28号收到补正，哪天到期？", TODAY) is None
    assert parse_event("3号文件能公开吗", TODAY) is None
    desk = RegisterDesk(None)  # type: ignore[arg-type]  # these never reach the database
    assert desk.respond(Turn(text="登记表怎么填？", today=TODAY)) is None
    assert desk.respond(Turn(text="依申请公开要在多少个工作日内答复？", today=TODAY)) is None
    reg = parse_registration("11月20日当面收到县建筑设计研究院申请公开规划批复", TODAY)
    assert reg.applicant_type == "科研机构" and reg.channel == "in_person" and reg.content == "规划批复"


def test_notice_from_chat_is_a_docx_the_wecom_worker_sends_as_a_file(engine: Engine, tmp_path: Path) -> None:
    import base64
    import io

    import docx

    from connectors.wecom.worker import TurnWorker

    say(engine, "登记：11月20日网上收到张某申请公开2025年县道养护合同")
    reply = engine.respond(Turn(text="1号不予公开告知书 第十四条", user_id="zhangsan", today=TODAY))
    assert reply.tool == "notice" and reply.data is not None
    data = base64.b64decode(reply.data["file"]["docx_base64"])
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "第十四条" in body and "应当先申请行政复议" in body and "张某：" in body and "2026年11月20日" in body
    assert "须写明理由" in say(engine, "1号不予公开告知书")

    uploads: list[tuple[str, bytes, str]] = []

    def upload(name: str, blob: bytes, ctype: str) -> str:
        uploads.append((name, blob, ctype))
        return "media-1"

    worker = TurnWorker(db=engine.register.db, engine=engine, download=lambda m, c: b"", on_reply=lambda: None,  # type: ignore[union-attr]
                        upload=upload, max_file_bytes=Settings().max_file_bytes)
    try:
        answer = worker._ask(Turn(text="1号不予公开告知书 第十四条", user_id="zhangsan", today=TODAY), user_text="x")
    finally:
        worker._stop_pool()
    assert answer.extra == [{"msgtype": "file", "media_id": "media-1"}]
    assert uploads[0][0] == "告知书-1-不予公开.docx" and uploads[0][1][:2] == b"PK"
