"""click in Chinese: its own words (Usage, Options, [required], Missing argument …), its metavars, and
help text wrapped on character boundaries at display width (a Chinese character takes two columns).

click has no Chinese catalog: every string it prints goes through the module-level ``_``/``ngettext``
(gettext) of its modules, and its help text through ``click.formatting.wrap_text``, which splits
on spaces only and chops a space-less Chinese line anywhere, mid-word ("fe e", "an nual_report").
``install`` points those names at the catalog in click_zh.yaml and at ``wrap_text`` below, once.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types

from knowledge.yaml_data import safe_load

CATALOG = Path(__file__).with_name("click_zh.yaml")
_MODULES = (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.termui, click.types)
_CLOSING = set("，。、；：！？）》」』”’】〕…,.;:!?)")
_OPENING = set("（《「『“‘【〔(")
# click's [默认：…] / [必填] note, an ASCII word, a run of spaces, or one other character
_TOKEN = re.compile(r"\[[^\]\s]{1,30}\]|[\x21-\x7e]+|\s+|.", re.S)


@functools.cache
def catalog() -> dict[str, Any]:
    return dict(safe_load(CATALOG.read_text(encoding="utf-8")))


def gettext_zh(message: str) -> str:
    return str(catalog()["messages"].get(message, message))


def ngettext_zh(singular: str, plural: str, n: int) -> str:
    forms = catalog()["plurals"].get(singular)
    if not forms:
        return singular if n == 1 else plural
    return str(forms[0] if n == 1 else forms[1])


def width(text: str) -> int:
    """Display width in a terminal: wide and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wrap_paragraph(text: str, limit: int, first: str, rest: str) -> list[str]:
    lines: list[str] = []
    indent, parts = first, list[str]()  # parts: the tokens on the current line
    for token in _TOKEN.findall(text):
        if token.isspace():
            if parts and parts[-1] != " ":
                parts.append(" ")
            continue
        if not parts or width(indent + "".join(parts)) + width(token) <= limit:
            parts.append(token)
            continue
        while parts and parts[-1] == " ":
            parts.pop()
        carry: list[str] = []
        if token in _CLOSING and len(parts) > 1:  # closing punctuation never starts a line: its word comes along
            carry.append(parts.pop())
        while len(parts) > 1 and parts[-1] in _OPENING:  # an opening bracket never ends a line
            carry.insert(0, parts.pop())
        lines.append((indent + "".join(parts)).rstrip())
        indent, parts = rest, [*carry, token]
    if parts:
        lines.append((indent + "".join(parts)).rstrip())
    return lines


def wrap_text(text: str, width: int = 78, initial_indent: str = "", subsequent_indent: str = "",
              preserve_paragraphs: bool = False) -> str:
    """click's ``wrap_text`` contract, breaking between Chinese characters or at spaces, never inside
    an ASCII word (an option name, a value such as annual_report), and measuring display width."""
    text = text.expandtabs()
    if not preserve_paragraphs:
        return "\n".join(_wrap_paragraph(text, width, initial_indent, subsequent_indent))
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines = block.splitlines()
        if lines and lines[0].strip() == "\b":  # click's marker: keep this paragraph as written
            out.append("\n".join(initial_indent + ln for ln in lines[1:]))
            continue
        joined = _join_lines(line.strip() for line in lines)
        indent = " " * (len(lines[0]) - len(lines[0].lstrip())) if lines else ""
        out.append("\n".join(_wrap_paragraph(joined, width, initial_indent + indent, subsequent_indent + indent)))
    return "\n\n".join(out)


def _join_lines(lines: Any) -> str:
    """Lines of one paragraph: Chinese runs on without a space, other text gets one."""
    text = ""
    for line in lines:
        if text and line and not (width(text[-1]) == 2 and width(line[0]) == 2):
            text += " "
        text += line
    return text


def _metavar(param: click.Parameter) -> str | None:
    names = catalog()["types"]
    if isinstance(param, click.Argument):
        name = catalog()["arguments"].get(param.name or "")
        if name is None:
            return None
        name = name if param.required else f"[{name}]"
        return name + "..." if param.nargs != 1 else name
    if isinstance(param.type, click.Choice) or getattr(param, "is_flag", False):
        return None
    return names.get(param.type.name)


def localise(command: click.Command) -> None:
    """Chinese metavars, a one-sentence description for the command list, and the same for subcommands."""
    command.options_metavar = catalog()["options_metavar"]
    if command.help and not command.short_help:
        command.short_help = first_sentence(command.help)
    for param in command.params:
        if isinstance(param.type, click.Path):
            param.type.name = gettext_zh(param.type.name)  # "file", "directory", "path" in its messages
        if param.metavar is None and (metavar := _metavar(param)):
            param.metavar = metavar
    if isinstance(command, click.Group):
        command.subcommand_metavar = catalog()["subcommand_metavar"]
        for sub in command.commands.values():
            localise(sub)


def first_sentence(help_text: str) -> str:
    """The description up to its first 。 (or all of it)."""
    text = " ".join(help_text.split())
    end = text.find("。")
    return text if end < 0 else text[: end + 1]


def _term_len(x: str) -> int:
    """click's ``term_len`` by display width, so columns line up under Chinese metavars."""
    return width(click.unstyle(x))


_installed: list[Callable[..., Any]] = []


def install() -> None:
    """Point click's translation and wrapping functions at the Chinese ones (idempotent)."""
    if _installed:
        return
    for module in _MODULES:
        if hasattr(module, "_"):
            module._ = gettext_zh  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext_zh  # type: ignore[attr-defined]
    click.formatting.wrap_text = wrap_text
    click.formatting.term_len = _term_len
    _installed.append(wrap_text)
