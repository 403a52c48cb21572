"""Documents as records in the configured database (SQLite and PostgreSQL): metadata guessed at ingest or
given, ``gongkai ingest --json`` / ``gongkai docs …`` contracts, bad ids, and a running process that follows
a removal or a supersession at its next question without rebuilding its index."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest

from assistant.cli.main import main
from assistant.settings import Settings
from knowledge.doc_kinds import guess_doc_number, guess_issuer, guess_kind, guess_year
from tests.dbs import db_url, pg_url, store_at  # noqa: F401  (fixtures)

LOCAL_RULE = ["茈碧湖镇政务新媒体管理制度",
              "第一条 为规范本镇政务新媒体管理，制定本制度。",
              "第三条 本镇政务新媒体每周至少更新一次信息，由镇党政办公室负责审核后发布。"]


def docx_file(path: Path, paragraphs: list[str]) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize(("title", "kind"), [
    ("洱源县2021年政务公开工作方案", "plan"),
    ("大理州2022年政务公开工作要点", "points"),
    ("中华人民共和国政府信息公开条例", "regulation"),
    ("云南省政务新媒体管理办法", "regulation"),
    ("茈碧湖镇政务新媒体管理制度", "local_rule"),
    ("县财政局政府信息公开保密审查规定", "local_rule"),
    ("关于做好政务公开培训的通知", "other"),
])
def test_kind_is_guessed_from_the_title(title: str, kind: str) -> None:
    assert guess_kind(title) == kind


def test_year_doc_number_and_issuer_are_guessed() -> None:
    text = "洱政办发〔2021〕12号\n各镇乡人民政府，县级各部门：\n现将方案印发给你们。"
    assert guess_doc_number(text) == "洱政办发〔2021〕12号"
    assert guess_year("洱源县2021年政务公开工作方案") == 2021
    assert guess_year("政务公开工作方案", "洱政办发〔2019〕3号") == 2019
    assert guess_year("政务新媒体管理制度") is None
    assert guess_issuer("茈碧湖镇政务新媒体管理制度") == "茈碧湖镇"
    assert guess_issuer("县档案馆政府信息查阅点规定") == "县档案馆"
    assert guess_issuer("洱源县2021年政务公开工作方案") == ""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> str:  # noqa: F811
    for name in [n for n in __import__("os").environ if n.startswith("ASSISTANT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "none")
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", db_url)
    return db_url


def _json(capsys: pytest.CaptureFixture[str], argv: list[str], code: int = 0) -> object:
    assert main(argv) == code
    return json.loads(capsys.readouterr().out)


def test_ingest_and_docs_commands_keep_their_contracts(env: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    rule = docx_file(tmp_path / "制度.docx", LOCAL_RULE)
    plan = tmp_path / "方案.txt"
    plan.write_text("洱源县2021年政务公开工作方案\n洱政办发〔2021〕7号\n一、重点任务\n(一)推进决策公开\n"
                    "各部门要在重大决策出台前向社会公开征求意见。(责任单位:县级各部门)\n", encoding="utf-8")
    empty = tmp_path / "空.txt"
    empty.write_bytes(b"")
    out = _json(capsys, ["ingest", "--json", str(rule), str(plan), str(empty)], code=2)
    assert isinstance(out, dict) and set(out) == {"documents", "errors"}
    by_title = {d["title"]: d for d in out["documents"]}
    assert set(by_title) == {"茈碧湖镇政务新媒体管理制度", "洱源县2021年政务公开工作方案"}
    assert all(set(d) == {"id", "title", "kind", "year", "status"} for d in out["documents"])
    assert by_title["洱源县2021年政务公开工作方案"] | {"id": ""} == {
        "id": "", "title": "洱源县2021年政务公开工作方案", "kind": "plan", "year": 2021, "status": "current"}
    assert by_title["茈碧湖镇政务新媒体管理制度"]["kind"] == "local_rule"
    assert [e["file"] for e in out["errors"]] == [str(empty)] and "空" in out["errors"][0]["error"]

    listed = _json(capsys, ["docs", "list", "--json"])
    assert isinstance(listed, list)
    ids = {d["title"]: d["id"] for d in listed}
    assert {"洱源县2020年政务公开工作方案", "政府信息公开条例", *by_title} == set(ids)
    plan_2021, rule_id = ids["洱源县2021年政务公开工作方案"], ids["茈碧湖镇政务新媒体管理制度"]

    shown = _json(capsys, ["docs", "show", "--json", plan_2021])
    assert isinstance(shown, dict)
    assert (shown["doc_number"], shown["kind_label"], shown["status_label"]) == ("洱政办发〔2021〕7号", "工作方案", "现行有效")

    assert main(["docs", "supersede", ids["洱源县2020年政务公开工作方案"], "--by", plan_2021]) == 0
    capsys.readouterr()
    statuses = {d["title"]: d["status"] for d in _json(capsys, ["docs", "list", "--json"])}  # type: ignore[union-attr]
    assert statuses["洱源县2020年政务公开工作方案"] == "superseded"

    assert main(["docs", "withdraw", rule_id]) == 0
    capsys.readouterr()
    assert _json(capsys, ["docs", "show", "--json", rule_id])["status"] == "withdrawn"  # type: ignore[index]
    assert main(["docs", "restore", rule_id]) == 0
    capsys.readouterr()
    assert _json(capsys, ["docs", "show", "--json", rule_id])["status"] == "current"  # type: ignore[index]

    assert main(["docs", "remove", rule_id]) == 0
    capsys.readouterr()
    remaining = [d["id"] for d in _json(capsys, ["docs", "list", "--json"])]  # type: ignore[union-attr]
    assert rule_id not in remaining and plan_2021 in remaining


@pytest.mark.parametrize("argv", [
    ["docs", "show", "file:nosuchdoc"],
    ["docs", "remove", "file:nosuchdoc"],
    ["docs", "supersede", "file:nosuchdoc", "--by", "builtin:plan"],
    ["docs", "supersede", "builtin:plan", "--by", "builtin:plan"],
    ["docs", "remove", "builtin:plan"],
    ["ingest", "--kind", "memo", "x.txt"],
])
def test_bad_ids_and_options_are_one_chinese_line_and_exit_2(env: str, argv: list[str],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", "list"]) == 0  # the built-in corpus is written on first use
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err)


def test_a_running_retriever_follows_removal_and_supersession_without_rebuilding(
        settings: Settings, tmp_path: Path, db_url: str) -> None:  # noqa: F811
    from assistant.factory import build_retriever
    from knowledge.documents import remove, supersede
    from knowledge.ingest import ingest_bytes

    settings = settings.model_copy(update={"database_url": db_url})
    other = store_at(db_url)  # another process (another replica) sharing the database
    retriever = build_retriever(settings)
    question = "县档案馆的政府信息查阅点每周几开放"
    retriever.search(question, 5)
    old = ingest_bytes(other, "查阅点.txt", "县档案馆政府信息查阅点规定\n第五条 县档案馆设立政府信息查阅点，每周三下午开放。".encode())
    new = ingest_bytes(other, "查阅点2.txt", "县档案馆2022年政府信息查阅点规定\n第五条 县档案馆政府信息查阅点每周五上午开放。".encode())
    retriever.search(question, 5)  # notices the new documents: the next index is built in the background
    retriever.live.wait()
    assert any("每周三" in h.chunk.text for h in retriever.search(question, 5))
    index = retriever.open()

    supersede(other, old.document.doc_id, new.document.doc_id)
    hits = retriever.search(question, 5)
    assert retriever.open() is index, "a supersession needs no rebuild"
    assert hits and "每周五" in hits[0].chunk.text and all("每周三" not in h.chunk.text for h in hits)

    remove(other, new.document.doc_id)
    hits = retriever.search(question, 5)
    assert retriever.open() is index, "a removal needs no rebuild"
    assert all("每周五" not in h.chunk.text for h in hits)


def test_the_county_plan_outranks_a_township_rule_unless_the_question_names_the_township(
        env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The case from the issue: after importing a township's own 制度 (a real .docx), the general question is
    answered from the county plan; a question about that township from its rule, with title and year cited."""
    rule = docx_file(tmp_path / "制度.docx", LOCAL_RULE)
    assert main(["ingest", "--year", "2021", str(rule)]) == 0
    capsys.readouterr()
    general = _json(capsys, ["ask", "--json", "政务新媒体多长时间必须更新一次？"])
    assert isinstance(general, dict)
    assert "14天" in general["answer"].split("依据")[0]
    assert general["sources"][0]["title"] == "洱源县2020年政务公开工作方案"
    assert "每周至少更新一次" not in general["answer"].splitlines()[0]

    named = _json(capsys, ["ask", "--json", "茈碧湖镇的政务新媒体多长时间必须更新一次？"])
    assert isinstance(named, dict)
    assert "每周至少更新一次" in named["answer"]
    assert "〔《茈碧湖镇政务新媒体管理制度》（2021年）第三条〕" in named["answer"]
    assert named["sources"][0]["title"] == "茈碧湖镇政务新媒体管理制度"


def test_a_superseded_plan_is_quoted_only_when_its_year_is_asked(env: str, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "方案.txt"
    plan.write_text("洱源县2021年政务公开工作方案\n一、加强政务新媒体管理\n"
                    "政务新媒体两次信息更新时间间隔必须小于7天，每月向县政府办公室报送运营情况。"
                    "(责任单位:县级各有关部门)\n", encoding="utf-8")
    new_id = _json(capsys, ["ingest", "--json", str(plan)])["documents"][0]["id"]  # type: ignore[index]
    assert main(["docs", "supersede", "builtin:plan", "--by", new_id]) == 0
    capsys.readouterr()
    now = _json(capsys, ["ask", "--json", "政务新媒体两次更新间隔必须小于多少天？"])
    assert isinstance(now, dict)
    assert "7天" in now["answer"] and "14天" not in now["answer"]
    assert all(s["title"] != "洱源县2020年政务公开工作方案" for s in now["sources"])
    then = _json(capsys, ["ask", "--json", "2020年方案里政务新媒体两次更新间隔必须小于多少天？"])
    assert isinstance(then, dict)
    assert "14天" in then["answer"] and then["sources"][0]["title"] == "洱源县2020年政务公开工作方案"


def test_documents_ingested_under_0_1_move_into_the_database(env: str, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """0.1 kept chunks in data/index/chunks.sqlite3 (this schema); an upgrade keeps what was ingested there."""
    import sqlite3

    legacy = tmp_path / "data" / "index" / "chunks.sqlite3"
    legacy.parent.mkdir(parents=True)
    db = sqlite3.connect(legacy)
    db.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE documents (doc_id TEXT PRIMARY KEY, name TEXT NOT NULL, content_hash TEXT NOT NULL,
            title TEXT NOT NULL, kind TEXT NOT NULL, chunk_count INTEGER NOT NULL, added_at REAL NOT NULL);
        CREATE TABLE chunks (id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, ord INTEGER NOT NULL, title TEXT NOT NULL,
            section TEXT NOT NULL, text TEXT NOT NULL, section_path TEXT NOT NULL, metadata TEXT NOT NULL);
        INSERT INTO documents VALUES ('builtin:plan', 'plan.txt', 'x', '洱源县2020年政务公开工作方案', 'plan', 1, 1.0);
        INSERT INTO chunks VALUES ('builtin:plan#0', 'builtin:plan', 0, '洱源县2020年政务公开工作方案', '一', '旧内置条文', '[]', '{}');
        INSERT INTO documents VALUES ('file:0123456789abcdef', '档案.txt', 'h', '县档案馆政府信息查阅点规定', 'ingested', 1, 2.0);
        INSERT INTO chunks VALUES ('file:0123456789abcdef#0', 'file:0123456789abcdef', 0, '县档案馆政府信息查阅点规定',
            '第五条', '县档案馆设立政府信息查阅点，每周三下午开放。', '["第五条"]', '{"kind": "ingested"}');
    """)
    db.commit()
    db.close()
    listed = _json(capsys, ["docs", "list", "--json"])
    assert isinstance(listed, list)
    moved = [d for d in listed if d["id"] == "file:0123456789abcdef"]
    assert moved == [{"id": "file:0123456789abcdef", "title": "县档案馆政府信息查阅点规定", "kind": "local_rule",
                      "year": None, "status": "current"}]
    assert sum(d["id"] == "builtin:plan" for d in listed) == 1
    answer = _json(capsys, ["ask", "--json", "县档案馆的政府信息查阅点每周几开放？"])
    assert isinstance(answer, dict) and "每周三下午开放" in answer["answer"]
    assert main(["docs", "remove", "file:0123456789abcdef"]) == 0
    capsys.readouterr()
    again = _json(capsys, ["docs", "list", "--json"])
    assert "file:0123456789abcdef" not in {d["id"] for d in again}  # type: ignore[union-attr]  # moved once, not again


def test_precedence_over_records_names_years_and_issuers() -> None:
    """Pure: which records a question may quote, and which step behind the county's clauses."""
    from knowledge.precedence import Catalog, Scope
    from knowledge.store import Document

    docs = [Document("builtin:plan", "plan.txt", "h", "洱源县2020年政务公开工作方案", "plan", year=2020),
            Document("file:p21", "p.docx", "h", "洱源县2021年政务公开工作方案", "plan", year=2021),
            Document("file:town", "t.docx", "h", "凤羽镇2022年政务公开工作方案", "plan", issuer="凤羽镇", year=2022),
            Document("file:rule", "r.docx", "h", "县卫生健康局政务公开制度", "local_rule", issuer="县卫生健康局"),
            Document("file:old", "o.docx", "h", "政务公开栏管理办法", "regulation", year=2019, status="superseded"),
            Document("file:gone", "g.docx", "h", "旧制度", "local_rule", status="withdrawn")]
    catalog = Catalog(docs)
    plain, dated, town, unit = (Scope.of(q) for q in ("政务新媒体多久更新一次？", "2020年方案里政务新媒体多久更新？",
                                                      "凤羽镇的政务新媒体多久更新？", "卫健局的政务公开栏多久更新？"))
    # the newest county plan leads; a township's own 2022 plan does not make 2021 "old"
    assert [d for d in ("builtin:plan", "file:p21") if catalog.outranked(d, plain)] == ["builtin:plan"]
    assert [d for d in ("builtin:plan", "file:p21") if catalog.outranked(d, dated)] == ["file:p21"]
    # a named year is answered from that year's plan only; a year no plan has hides nothing
    assert [d for d in ("builtin:plan", "file:p21", "file:town") if catalog.visible(d, dated)] == ["builtin:plan", "file:town"]
    assert all(catalog.visible(d, Scope.of("2018年方案里怎么说")) for d in ("builtin:plan", "file:p21"))
    assert catalog.outranked("file:town", plain) and not catalog.outranked("file:town", town)
    assert catalog.outranked("file:rule", plain) and not catalog.outranked("file:rule", unit)  # alias 卫健局
    assert not catalog.visible("file:old", plain) and catalog.visible("file:old", Scope.of("2019年的办法怎么规定"))
    assert not catalog.visible("file:gone", plain) and not catalog.visible("file:nosuch", plain)
