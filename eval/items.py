"""The eval set format (documented in eval/README.md): load ``eval/sets/<split>/*.yaml`` into checked items.

Two splits: ``dev`` (written next to the code; tune on it freely) and ``test`` (written blind by an
examiner; frozen, scored only in aggregate). An item's split is the name of its set's directory.

A malformed entry becomes a ``LoadError`` naming the file, the line and the problem; every other
entry of the set still loads. Line numbers come from yaml's node marks (``yaml.compose``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from eval.validate import check_item

SETS_DIR = Path(__file__).resolve().parent / "sets"
SPLITS = ("dev", "test")
KINDS = ("qa", "out_of_scope", "conversation", "classify", "pii", "duties", "deadline", "intent")


@dataclass(frozen=True)
class LoadError:
    file: str
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.file} 第{self.line}行：{self.problem}"


@dataclass(frozen=True)
class Item:
    """One checked eval item; ``data`` holds its fields with dates as ISO strings."""

    id: str
    kind: str
    set_name: str
    file: str
    line: int
    data: dict[str, Any] = field(default_factory=dict)
    split: str = "dev"

    @property
    def prompt(self) -> str:
        """What is sent: the question, the message, the draft text or the unit."""
        for key in ("question", "message", "text", "unit"):
            if isinstance(self.data.get(key), str):
                return str(self.data[key])
        if isinstance(self.data.get("turns"), list):
            return " → ".join(str(t) for t in self.data["turns"])
        return str(self.data.get("input", ""))

    @property
    def sources(self) -> list[tuple[str, tuple[str, ...]]]:
        """Acceptable (title, sections) pairs; empty when the item names no source."""
        raw = self.data.get("source") or (self.data.get("expect") or {}).get("source")
        entries = raw if isinstance(raw, list) else [raw] if raw else []
        out = []
        for src in entries:
            sections = src.get("section") or []
            out.append((str(src.get("title", "")), tuple(sections if isinstance(sections, list) else [sections])))
        return out

    @property
    def group(self) -> str:
        """The report's row: the plan section label, the law's short title, or the kind."""
        if not self.sources:
            return self.kind
        title, sections = self.sources[0]
        if "工作方案" in title and sections:
            return str(sections[0])
        return title or self.kind


@dataclass
class LoadResult:
    items: list[Item] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)


def plain(value: Any) -> Any:
    """Dates become ISO strings, recursively, so items compare with JSON answers."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def split_of(path: Path) -> str:
    """``eval/sets/test/x.yaml`` → "test"; a file anywhere else counts as dev (written next to the code)."""
    parent = path.resolve().parent.name
    return parent if parent in SPLITS else "dev"


def default_paths(splits: tuple[str, ...] = SPLITS) -> list[Path]:
    """Every set of the given splits; a split whose directory is absent or empty contributes nothing."""
    return [p for split in splits for p in sorted((SETS_DIR / split).glob("*.yaml"))]


def resolve_paths(names: list[str], splits: tuple[str, ...] = SPLITS) -> list[Path]:
    """SET arguments: a file path, or a set name looked up in each split (``qa_plan`` → eval/sets/dev/qa_plan.yaml)."""
    if not names:
        return default_paths(splits)
    out = []
    for name in names:
        path = Path(name)
        if path.exists():
            out.append(path)
            continue
        named = [SETS_DIR / split / f"{name}.yaml" for split in splits if (SETS_DIR / split / f"{name}.yaml").exists()]
        out.extend(named or [path])
    return out


def load_sets(paths: list[Path]) -> LoadResult:
    """Load every set; ids must be unique within a split (the blind split may reuse a dev id)."""
    result = LoadResult()
    seen: dict[tuple[str, str], str] = {}
    for path in paths:
        one = load_set(path)
        result.errors.extend(one.errors)
        for item in one.items:
            key = (item.split, item.id)
            if key in seen:
                result.errors.append(LoadError(item.file, item.line, f"id “{item.id}” 重复（已在 {seen[key]} 中使用）"))
                continue
            seen[key] = f"{item.file} 第{item.line}行"
            result.items.append(item)
    return result


def load_set(path: Path) -> LoadResult:
    name = _display(path)
    loaded = _load_one(path, name)
    split = split_of(path)
    if split != "dev":
        loaded.items = [replace(item, split=split) for item in loaded.items]
    return loaded


def _load_one(path: Path, name: str) -> LoadResult:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return LoadResult(errors=[LoadError(name, 1, "无法读取文件（不存在或不是 UTF-8 文本）")])
    try:
        return _from_nodes(name, path.stem, yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        return _salvage(name, path.stem, text, exc)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _construct(node: yaml.Node) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _from_nodes(name: str, stem: str, root: yaml.Node | None, line_offset: int = 0) -> LoadResult:
    if not isinstance(root, yaml.MappingNode):
        return LoadResult(errors=[LoadError(name, 1, "文件顶层应为映射，包含 kind 和 items")])
    top = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    default_kind = str(_construct(top["kind"])) if "kind" in top else "qa"
    items_node = top.get("items")
    if default_kind not in KINDS:
        return LoadResult(errors=[LoadError(name, root.start_mark.line + 1, f"未知的 kind “{default_kind}”，可用：{'、'.join(KINDS)}")])
    if not isinstance(items_node, yaml.SequenceNode):
        return LoadResult(errors=[LoadError(name, root.start_mark.line + 1, "缺少 items 列表")])
    result = LoadResult()
    for node in items_node.value:
        line = node.start_mark.line + 1 + line_offset
        try:
            raw = _construct(node)
        except (ValueError, yaml.YAMLError) as exc:  # e.g. 2026-02-30: yaml builds a date and fails
            result.errors.append(LoadError(name, line, f"有无法识别的值（日期不存在？）：{exc}"))
            continue
        _add(result, name, stem, line, raw, default_kind)
    return result


def _add(result: LoadResult, name: str, stem: str, line: int, raw: Any, default_kind: str) -> None:
    if not isinstance(raw, dict):
        result.errors.append(LoadError(name, line, "每一项应为“字段: 值”的映射"))
        return
    kind = str(raw.get("kind", default_kind))
    problem = f"未知的 kind “{kind}”，可用：{'、'.join(KINDS)}" if kind not in KINDS else check_item(kind, raw)
    if problem:
        ident = f"（{raw['id']}）" if raw.get("id") else ""
        result.errors.append(LoadError(name, line, problem + ident))
        return
    data = plain(raw)
    result.items.append(Item(id=str(raw["id"]), kind=kind, set_name=stem, file=name, line=line, data=data))


_ITEM_START = re.compile(r"^(\s*)- ")


def _salvage(name: str, stem: str, text: str, exc: yaml.YAMLError) -> LoadResult:
    """The file does not parse as a whole: report the broken entries and still load the others."""
    lines = text.splitlines(keepends=True)
    head_end = next((i for i, ln in enumerate(lines) if ln.startswith("items:")), None)
    mark = getattr(exc, "problem_mark", None)
    whole = LoadError(name, (mark.line + 1) if mark else 1, f"YAML 格式错误：{getattr(exc, 'problem', exc)}")
    if head_end is None:
        return LoadResult(errors=[whole])
    starts = [i for i in range(head_end + 1, len(lines)) if _ITEM_START.match(lines[i])]
    indent = min((len(_ITEM_START.match(lines[i])[1]) for i in starts), default=0)  # type: ignore[index]
    starts = [i for i in starts if len(_ITEM_START.match(lines[i])[1]) == indent]  # type: ignore[index]
    try:
        head = yaml.safe_load("".join(lines[:head_end])) or {}
    except yaml.YAMLError:
        return LoadResult(errors=[whole])
    default_kind = str(head.get("kind", "qa")) if isinstance(head, dict) else "qa"
    result = LoadResult()
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        chunk = "items:\n" + "".join(lines[start:end])
        try:
            sub = _from_nodes(name, stem, yaml.compose(f"kind: {default_kind}\n" + chunk, Loader=yaml.SafeLoader),
                              line_offset=start - 2)
        except yaml.YAMLError as err:  # the entry starting here is broken; name its first line
            sub = LoadResult(errors=[LoadError(name, start + 1, f"这一项 YAML 格式错误：{getattr(err, 'problem', err)}")])
        result.items.extend(sub.items)
        result.errors.extend(sub.errors)
    return result
