"""``gongkai deadline --json`` contract and exit codes; the same JSON over HTTP."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from assistant.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["deadline", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--json", "--received", "2026-02-13", "--channel", "online")
    assert code == 0
    data = json.loads(out)
    assert {
        k: data[k] for k in ("received", "due", "extended_due", "correction_notice_due", "provisional")
    } == {
        "received": "2026-02-13",
        "due": "2026-03-19",
        "extended_due": "2026-04-17",
        "correction_notice_due": "2026-03-02",
        "provisional": False,
    }
    assert data["steps"][0].startswith("收到日 2026-02-13")


def test_options_extend_third_party_corrected(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "--json",
        "--received",
        "2026-02-13",
        "--extend",
        "--third-party-days",
        "5",
        "--corrected",
        "2026-02-13",
    )
    assert code == 0
    data = json.loads(out)
    assert data["due"] == "2026-03-26" and data["extended_due"] == "2026-04-24"
    assert any("负责人同意" in w for w in data["warnings"])


def test_plain_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--received", "2025-09-26")
    assert code == 0
    assert "答复截止日：2025-10-30（周四）" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--received", "2021-02-30"], "日期不存在：2021-02-30"),
        (["--received", "2019-05-14"], "国务院令第492号"),
        (["--received", "2026-02-13", "--channel", "pigeon"], "提交方式不正确"),
        (["--received", "二月十三"], "格式不正确"),
        (["--received", "2026-02-13", "--corrected", "2026-02-31"], "日期不存在：2026-02-31"),
        (["--received", "2101-01-03"], "超出可计算范围"),
        ([], "缺少选项"),
    ],
)
def test_bad_input_exits_2_with_chinese_message(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "--json", *args)
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_http_same_json_and_400(authed_client: TestClient) -> None:
    client = authed_client
    got = client.get("/api/deadline", params={"received": "2026-09-18", "channel": "mail"})
    assert got.status_code == 200
    assert got.json()["due"] == "2026-10-22"
    posted = client.post("/api/deadline", json={"received": "2026-02-13", "third_party_days": 5})
    assert posted.json()["due"] == "2026-03-26"
    bad = client.get("/api/deadline", params={"received": "2021-02-30"})
    assert bad.status_code == 400
    assert bad.json()["error"] == "日期不存在：2021-02-30"
    old = client.get("/api/deadline", params={"received": "2018-03-01"})
    assert old.status_code == 400 and "492号" in old.json()["error"]
