"""The improvement loop: what each channel records (masked), the gaps grouped, approved answers that
answer first in another process without a restart, and their validation."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from assistant.answer import NOT_FOUND
from assistant.approved_layer import ApprovedLayer
from assistant.cli.main import cli
from assistant.loop import note_for_reply, note_for_thumb
from assistant.settings import Settings
from assistant.storage import Database, open_database
from assistant.storage.loop import gap_groups, record_note, save_approved
from assistant.storage.models import Gap
from assistant.storage.records import list_feedback
from assistant.turn import Message, Reply, Turn
from tests.dbs import db_url, pg_url  # noqa: F401  (fixtures)

REFUSED = "公务员年度考核优秀有几个名额"  # nothing in the plan or the digest: answered 没有找到
PARAPHRASE = "公务员年度考核的优秀名额有几个？"
PHONE = "13987654321"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_EMBEDDER": "none"}
    for name in [n for n in __import__("os").environ if n.startswith("ASSISTANT_")]:
        monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def _db(settings: Settings) -> Database:
    settings.ensure_dirs()
    return open_database(settings.resolved_database_url)


def _gaps(settings: Settings) -> list[Gap]:
    db = _db(settings)
    try:
        with db.session() as s:
            return list(s.query(Gap).order_by(Gap.id))
    finally:
        db.dispose()


def test_a_reply_becomes_the_note_of_its_kind() -> None:
    asked = (Message("user", "依申请公开多少天答复"), Message("assistant", "20个工作日"))
    refused = Reply(text=NOT_FOUND, data={"decision": "refuse", "verdict": "refuse"})
    assert note_for_reply(Turn(text="食堂伙食费"), refused).gap == ("refused", "食堂伙食费")  # type: ignore[union-attr]
    weak = Reply(text="……（仅供参考）", data={"decision": "weak", "verdict": "weak"})
    assert note_for_reply(Turn(text="问"), weak).gap == ("weak", "问")  # type: ignore[union-attr]
    assert note_for_reply(Turn(text="问"), Reply(text="答", data={"decision": "answer", "verdict": "answer"})) is None
    assert note_for_reply(Turn(text="/职责 县林草局"), Reply(text="…", tool="duties")) is None
    feedback = note_for_reply(Turn(text="/反馈 不对", history=asked), Reply(text="谢谢", tool="feedback",
                                                                           data={"text": "不对"}))
    assert feedback is not None and feedback.feedback == ("text", "不对")
    assert feedback.gap == ("feedback", "依申请公开多少天答复")  # about the question before it
    assert note_for_thumb("down", asked).gap == ("down", "依申请公开多少天答复")
    assert note_for_thumb("up", asked).gap is None and note_for_thumb("up", asked).feedback == ("up", "")


def test_gaps_are_stored_masked_and_grouped_by_normalised_question(settings: Settings) -> None:
    db = _db(settings)
    try:
        with db.session() as s:
            record_note(s, note_for_reply(Turn(text=f"我的电话{PHONE}，食堂伙食费标准是多少？"),
                                          Reply(text=NOT_FOUND, data={"decision": "refuse"})), user_id="u1", channel="web")
            record_note(s, note_for_reply(Turn(text=f"我的电话{PHONE} 食堂伙食费标准是多少"),
                                          Reply(text=NOT_FOUND, data={"decision": "refuse"})), user_id="u2", channel="cli")
            record_note(s, note_for_thumb("down", (Message("user", "公开栏多久更新"),)), user_id="u3", channel="wecom")
        with db.session() as s:
            groups = gap_groups(s)
            stored = [g.question for g in s.query(Gap)]
            assert len(list_feedback(s)) == 1
            assert [g.kinds for g in gap_groups(s, kind="down")] == [{"down": 1}]
    finally:
        db.dispose()
    assert all(PHONE not in q for q in stored) and len(stored) == 3
    assert [(g.count, g.kinds) for g in groups] == [(2, {"refused": 2}), (1, {"down": 1})]
    assert groups[0].first <= groups[0].last and "食堂伙食费标准是多少" in groups[0].question


def test_web_page_and_cli_record_refusals_and_feedback(settings: Settings, env: dict[str, str]) -> None:
    from assistant.app import create_app
    from tests.signin import sign_in

    with TestClient(create_app(settings)) as client:
        sign_in(client, "member")
        assert client.post("/api/ask", json={"question": REFUSED}).json()["answer"] == NOT_FOUND
        history = [{"role": "user", "text": "公开栏多久更新"}, {"role": "assistant", "text": "……"}]
        assert client.post("/api/ask", json={"question": f"/反馈 回答不对，请打{PHONE}", "history": history}).status_code == 200
    runner = CliRunner()
    chat = runner.invoke(cli, ["chat"], input="政务公开工作先进个人怎么评选\n/反馈 没答到点子上\n退出\n",
                         env={"ASSISTANT_DATA_DIR": str(settings.data_dir)})
    assert chat.exit_code == 0, chat.output
    kinds = [(g.kind, g.channel, g.question) for g in _gaps(settings)]
    assert kinds[:2] == [("refused", "web", REFUSED), ("feedback", "web", "公开栏多久更新")]
    assert ("feedback", "cli", "政务公开工作先进个人怎么评选") in kinds
    assert PHONE not in _gaps(settings)[1].note and "回答不对" in _gaps(settings)[1].note


def test_an_approved_answer_is_seen_by_another_process_without_a_restart(settings: Settings, db_url: str) -> None:  # noqa: F811
    """Two layers over one database stand for two processes: a write through one is answered by the other
    (SQLite and PostgreSQL)."""
    from assistant.factory import build_engine

    settings = settings.model_copy(update={"database_url": db_url})

    db_a, db_b = _db(settings), _db(settings)
    try:
        engine = build_engine(settings, db=db_b)
        assert engine.respond(Turn(text=REFUSED)).text == NOT_FOUND
        clause = engine.retriever.open().chunks[5]  # type: ignore[attr-defined]
        with db_a.session() as s:
            save_approved(s, entry_id="", questions=[REFUSED], answer="方案没有规定公务员考核名额。",
                          chunk_id=clause.id, title=clause.title, section=clause.section)
        for question in (REFUSED, PARAPHRASE):
            reply = engine.respond(Turn(text=question))
            assert reply.text.startswith("方案没有规定公务员考核名额。"), question
            assert reply.sources[0].title == clause.title and (reply.data or {})["approved"] == "approved-1"
        other = engine.respond(Turn(text="依申请公开多少个工作日内答复"))  # another question: not hijacked
        assert "approved" not in (other.data or {}) and "20个工作日" in other.text
        with db_a.session() as s:
            from assistant.storage.loop import delete_approved

            delete_approved(s, entry_id="approved-1")
        assert engine.respond(Turn(text=REFUSED)).text == NOT_FOUND  # removed: gone at once
    finally:
        db_a.dispose()
        db_b.dispose()


def test_an_approved_answer_whose_clause_is_gone_stays_silent(settings: Settings) -> None:
    db = _db(settings)
    try:
        from assistant.factory import build_retriever

        retriever = build_retriever(settings)
        with db.session() as s:
            save_approved(s, entry_id="", questions=[REFUSED], answer="某回答", chunk_id="ingested:gone:0",
                          title="已删除的文件", section="一")
        assert ApprovedLayer(db, retriever.open).reply(REFUSED) is None
    finally:
        db.dispose()


def test_approving_checks_the_citation_and_the_fields(admin_client: TestClient, authed_client: TestClient) -> None:
    assert authed_client.get("/api/admin/gaps").status_code == 403
    assert authed_client.post("/api/admin/bank", json={}).status_code in (403, 422)
    c = admin_client
    clause = c.get("/api/admin/clauses", params={"q": "考核"}).json()[0]
    good = {"question": REFUSED, "answer": "见方案。", "chunk_id": clause["id"]}
    bad = c.post("/api/admin/bank", json={**good, "chunk_id": "builtin:plan:no-such"})
    assert bad.status_code == 400 and "依据条款不存在" in bad.json()["error"]
    empty = c.post("/api/admin/bank", json={**good, "answer": "  "})
    assert empty.status_code == 400 and "请填写审定的回答" in empty.json()["error"]
    anchor = c.post("/api/admin/bank", json={**good, "anchor": "条款里没有的话"})
    assert anchor.status_code == 400 and "不在所选条款中" in anchor.json()["error"]
    assert c.get("/api/admin/gaps", params={"kind": "nonsense"}).status_code == 400
    saved = c.post("/api/admin/bank", json=good).json()
    assert saved["id"] == "approved-1" and saved["section"] == clause["section"]
    assert [e["id"] for e in c.get("/api/admin/bank").json()] == ["approved-1"]
    assert c.post("/api/admin/bank/approved-1/delete", json={}).json() == {"deleted": "approved-1"}
    assert c.post("/api/admin/bank/approved-1/delete", json={}).status_code == 404


def test_a_thumbs_down_on_the_web_page_puts_its_question_on_the_list(settings: Settings) -> None:
    from assistant.app import create_app
    from tests.signin import sign_in

    with TestClient(create_app(settings)) as client:
        sign_in(client, "member")
        assert client.post("/api/feedback", json={"kind": "down", "question": f"公开栏多久更新，我电话{PHONE}"}).json() == \
            {"recorded": True}
        assert client.post("/api/feedback", json={"kind": "up", "question": "依申请公开多少天答复"}).status_code == 200
        bad = client.post("/api/feedback", json={"kind": "meh"})
        assert bad.status_code == 422 and "kind" in bad.json()["error"]
        with client.app.state.db.session() as s:
            assert [f.kind for f in list_feedback(s)] == ["down", "up"]
    gaps = _gaps(settings)
    assert [(g.kind, g.channel) for g in gaps] == [("down", "web")] and PHONE not in gaps[0].question
