"""click's own words in Chinese: `gongkai --help`, every subcommand's --help and the usage errors, run as a
user runs them (the installed `gongkai` in a subprocess, a narrow terminal), with no English word of click's."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.cli.chinese import width, wrap_text
from assistant.cli.main import cli

# every word click itself prints in its help pages, metavars and errors (click 8)
CLICK_WORDS = re.compile(
    r"\b(Usage|Options|Commands|Arguments|Positional|required|default|Missing|argument|option|parameter|Error|"
    r"Try|help|No such|Invalid|value|TEXT|INTEGER|FLOAT|FILE|FILENAME|PATH|DIRECTORY|BOOLEAN|RANGE|OPTIONS|"
    r"COMMAND|ARGS|Show|message|exit|version|env var|Choose|Aborted|Did you mean|unexpected|extra|"
    r"does not exist|is not|one of|takes|requires)\b")
COMMANDS = sorted(cli.commands)


def _gongkai(*args: str, tmp_path: Path, columns: int = 80) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("gongkai")
    assert exe is not None, "gongkai is not installed in this environment"
    env = os.environ | {"COLUMNS": str(columns), "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
                        "ASSISTANT_EMBEDDER": "none"}
    return subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=120)


def _click_words(text: str) -> list[str]:
    """click's English words in ``text``, not counting option names (--help) or the program's name."""
    words = " ".join(tok for tok in text.split() if not tok.startswith(("-", "[-", "gongkai")))
    return CLICK_WORDS.findall(words)


@pytest.mark.parametrize("args", [["--help"], []])  # plain `gongkai` shows the same page
def test_top_help_lists_every_command_with_a_description(args: list[str], tmp_path: Path) -> None:
    done = _gongkai(*args, tmp_path=tmp_path)
    assert done.returncode == 0
    assert _click_words(done.stdout) == [], done.stdout
    assert done.stdout.startswith("用法：") and "选项" in done.stdout and "命令" in done.stdout
    listed = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines()
              if line.startswith("  ") and line.split() and line.split()[0] in COMMANDS}
    assert set(listed) == set(COMMANDS)
    for name, rest in listed.items():  # a Chinese description, not "..."
        assert rest and re.search(r"[\u4e00-\u9fff]", rest[0]) and "..." not in rest[0], (name, rest)


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_help_is_chinese_and_wrapped_on_character_boundaries(command: str, tmp_path: Path) -> None:
    done = _gongkai(command, "--help", tmp_path=tmp_path, columns=60)
    assert done.returncode == 0, done.stderr
    assert _click_words(done.stdout) == [], done.stdout
    help_words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", cli.commands[command].help or ""))
    shown_words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]{2,}", done.stdout))
    assert help_words <= shown_words, help_words - shown_words  # no word cut in two ("fe e", "an nual_report")
    for line in done.stdout.splitlines():  # lines fit the terminal unless one unbreakable word is longer
        assert width(line) <= 60 or len(line.split()) == 1 or max(map(width, line.split())) > 40, line


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["period"], "缺少参数 '类型'"), (["deadline"], "缺少选项 '--received'"), (["nosuch"], "没有这个命令：nosuch"),
     (["ask", "--bogus"], "没有这个选项：--bogus"), (["quiz", "-n", "0"], "超出范围"),
     (["deadline", "--received"], "后面需要一个值"), (["eval", "--kind", "zz"], "“zz”不是可选值之一"),
     (["duties", "a", "b"], "多余的参数：b")],
)
def test_usage_errors_are_chinese(args: list[str], expected: str, tmp_path: Path) -> None:
    done = _gongkai(*args, tmp_path=tmp_path)
    assert done.returncode == 2
    err = done.stderr.strip()
    assert expected in err and "\n" not in err and "--help 查看用法" in err, err
    assert _click_words(err) == [], err


def test_wrap_breaks_between_characters_never_inside_a_word() -> None:
    text = "计算其他法定期限。类型：disclosure（主动公开，20个工作日）、fee（缴费，20个工作日）、annual_report（年报）。"
    lines = wrap_text(text, 24).splitlines()
    assert all(width(line) <= 24 for line in lines)
    assert "".join(lines) == text  # nothing lost, no space inserted between Chinese characters
    assert not any(line.startswith(("，", "。", "、", "）")) for line in lines)
    words = re.findall(r"[a-z_]+", "\n".join(lines))
    assert words == ["disclosure", "fee", "annual_report"]


def test_terminal_answers_carry_no_markdown_markers(tmp_path: Path) -> None:
    done = _gongkai("ask", "2026年9月28日网上收到的申请哪天到期", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "答复截止日：2026-10-" in done.stdout and "**" not in done.stdout
    chat = subprocess.run([shutil.which("gongkai") or "gongkai", "chat"], input="2026年9月28日网上收到的申请哪天到期\n退出\n",
                          capture_output=True, text=True, timeout=120,
                          env=os.environ | {"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_EMBEDDER": "none"})
    assert "答复截止日" in chat.stdout and "**" not in chat.stdout


def test_first_run_says_it_is_building_the_index(tmp_path: Path) -> None:
    first = _gongkai("ask", "依申请公开多少个工作日内答复", tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    assert re.search(r"首次使用，正在建立索引（约 \d+ 秒）…", first.stderr), first.stderr
    again = _gongkai("ask", "依申请公开多少个工作日内答复", tmp_path=tmp_path)
    assert again.returncode == 0 and "首次使用" not in again.stderr
