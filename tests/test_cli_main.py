"""The CLI shell: help texts are Chinese, usage errors are one Chinese line with exit code 2."""

from __future__ import annotations

import pytest

from assistant.cli.main import cli, main


@pytest.mark.parametrize("argv", [["--help"], ["ask", "--help"], ["deadline", "-h"], ["eval", "--help"]])
def test_help_is_described_in_chinese(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "显示本帮助并退出" in out
    assert "Show this message" not in out


def test_every_command_has_a_chinese_summary() -> None:
    for name, command in cli.commands.items():
        summary = command.get_short_help_str(200)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in summary), name


@pytest.mark.parametrize(
    ("argv", "expected"),
    [(["no-such-command"], "没有这个命令"), (["ask", "--bogus"], "没有这个选项"), (["deadline"], "缺少选项")],
)
def test_usage_errors_are_one_chinese_line(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert expected in err and "\n" not in err and "Traceback" not in err
