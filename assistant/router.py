"""Recognise, in free Chinese text, when to call a tool and with which arguments.

Order: an attachment -> classify; slash commands (/期限 /职责 /属性 /帮助 /测验 /反馈); help words; a
message made only of quiz / help words and fillers ("考考我", "你都会啥") or "反馈：…"; a request to judge a
document with the text pasted before or after it, or a long 公文 -> classify; a concrete date (a report
year for 年报) plus a question about another statutory period -> period; a concrete date of a received
application plus a question for a day or a period (its answer type, or a deadline word) -> deadline; a
unit (or 我们局 remembered from earlier turns) plus task words and nothing else but fillers, or "谁负责…"
-> duties. Everything else is a knowledge question (None). Word lists live in ``router.yaml``.

The decisions rest on what is left of a message once a tool's words are removed (``residue``), not on
whole-message phrase lists: "住建局的活有哪些" leaves nothing and lists tasks, "卫健局的信息要在哪个网站
公开" keeps content words and is a question about the rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from assistant.answer_type import answer_type
from assistant.dates import FoundDate, cn_number, find_dates
from assistant.help import help_text
from assistant.small_talk import vague_tool, verdict, without_courtesy
from assistant.turn import Message, Turn
from knowledge.units import Unit, UnitRegistry
from knowledge.yaml_data import safe_load
from tools.attribute_input import attachment_args

ASK_UNIT = "请问是哪个单位？例如：县卫健局、凤羽镇。"
ASK_TEXT = "请把公文全文粘贴在消息里（或发送 .docx/.txt 文件），我来给出公开属性建议。"
ASK_DATE = "请告诉我收到申请的日期和提交方式，例如：/期限 2026-09-28 网上。"
_SLASH = re.compile(r"^[/／]\s*(\S+?)(?:[\s:：]+|$)(.*)$", re.S)  # "/反馈 …" or "/反馈：…"
_FIRST_LINE_END = re.compile(r"[:：\n]")
_CLAUSE_BREAK = re.compile(r"[，,；;。]")
_NOISE = re.compile(r"[\s\d?？。!！，,.、:：;；~～…\-]")


@dataclass(frozen=True)
class Intent:
    """``tool`` is classify | duties | deadline | period | help | quiz | feedback | clarify.

    ``notes`` are assumptions the answer states first (e.g. the year that was assumed);
    ``reply`` is set when the router answers by itself (help text, a clarifying question).
    """

    tool: str
    args: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    reply: str | None = None


@cache
def words() -> dict[str, Any]:
    data: dict[str, Any] = safe_load(
        resources.files("assistant").joinpath("router.yaml").read_text(encoding="utf-8")
    )
    return data


def _has(text: str, items: list[str]) -> bool:
    return any(w in text for w in items)


def route(turn: Turn, *, units: UnitRegistry, today: date) -> Intent | None:
    """Return the tool to call for this turn, or None for a knowledge question."""
    if turn.attachment is not None:
        return Intent("classify", attachment_args(turn.attachment.filename, turn.attachment.data))
    text = turn.text.strip()
    slash = _SLASH.match(text)
    if slash and slash[1] in words()["slash"]:
        return _command(words()["slash"][slash[1]], slash[2].strip(), turn, units, today)
    if text.lower().strip("!！。. ") in words()["help_words"]:
        return Intent("help", reply=help_text())
    talk = words()["talk"]
    explicit = re.match(words()["meta"]["feedback"], text, re.S)  # "反馈：…" keeps only what follows
    if verdict(text, talk) and not explicit:  # "这个回答不对" / "答得好 点赞": about the last answer
        return Intent("feedback", {"text": text})
    request = without_courtesy(text, talk)  # "早上好！请问下 …，谢谢": the request alone
    if not request:  # a greeting and nothing else
        return Intent("help", reply=help_text())
    return (
        meta_intent(request)
        or classify_intent(request)
        or period_intent(request, today)
        or deadline_intent(request, turn.history, today)
        or duties_intent(request, turn.history, units, own_unit=turn.own_unit)
        or tool_follow_up(request, turn.history, today)
        or (None if turn.history else vague_intent(request))
    )


def vague_intent(text: str) -> Intent | None:
    """"那个咋弄" / "嗯 属性那个": nothing to act on; ask what is meant (or what the named tool needs)."""
    tool = vague_tool(text, words()["talk"])
    if tool is None:
        return None
    asks = {"classify": ASK_TEXT, "deadline": ASK_DATE, "duties": ASK_UNIT}
    return Intent("clarify", reply=asks.get(tool, words()["talk"]["vague_reply"]))


def _command(tool: str, rest: str, turn: Turn, units: UnitRegistry, today: date) -> Intent:
    if tool == "help":
        return Intent("help", reply=help_text())
    if tool == "quiz":
        n = re.search(r"\d+", rest)
        return Intent("quiz", {"text": rest, **({"n": int(n[0])} if n else {})})
    if tool == "feedback":
        return Intent("feedback", {"text": rest})
    if tool == "classify":
        return Intent("classify", {"text": rest}) if rest else Intent("clarify", reply=ASK_TEXT)
    if tool == "deadline":
        found = deadline_intent(rest, turn.history, today, require_question=False)
        return found or Intent("clarify", reply=ASK_DATE)
    if rest:
        return Intent("duties", {"unit": rest})
    unit = _remembered_unit(turn.history, units, turn.own_unit)
    return Intent("duties", {"unit": unit}) if unit else Intent("clarify", reply=ASK_UNIT)


# ---- help / quiz / feedback in everyday words ---------------------------------------------------


def residue(text: str, *groups: list[str]) -> str:
    """What is left of ``text`` once the words of ``groups`` (longest first), digits, spaces and punctuation
    are removed: a message made only of a tool's words and fillers leaves (almost) nothing."""
    rest = _NOISE.sub("", text)
    for word in sorted({w for g in groups for w in g}, key=len, reverse=True):
        rest = rest.replace(word, "")
    return rest


def meta_intent(text: str) -> Intent | None:
    """"考考我" / "来10道题练练" / "考我几道年报的题" -> quiz; "你都会啥" / "怎么使用" -> help; "反馈：…" -> feedback.

    A message is about the assistant when, once its quiz (or help) words and fillers are removed, at most
    ``max_residue`` characters remain: "怎么使用政务公开平台" keeps its content words and stays a question.
    """
    w = words()["meta"]
    fb = re.match(w["feedback"], text.strip(), re.S)
    if fb:
        return Intent("feedback", {"text": fb["text"].strip()})
    if len(text) > w["max_chars"]:
        return None
    quiz = re.sub(w["quiz_topic"], "", text) if _has(text, w["quiz_strong"]) else text
    if _has(text, w["quiz"]) and len(residue(quiz, w["quiz"], w["fillers"])) <= w["max_residue"]:
        n = re.search(w["quiz_count"], text)
        return Intent("quiz", {"text": "", **({"n": _count(n[1])} if n else {})})
    helps = w["help"] + (w["help_you"] if _has(text, ["你", "您"]) else [])  # "你能帮我干什么", not "我们干啥"
    if _has(text, helps) and len(residue(text, helps, w["fillers"])) <= w["max_residue"]:
        return Intent("help", reply=help_text())
    return None


def _count(number: str) -> int:
    return int(number) if number.isdigit() else cn_number(number)


# ---- classify --------------------------------------------------------------------------------


def classify_intent(text: str) -> Intent | None:
    """A request to judge a document's disclosure, or a long text that looks like a 公文.

    The ask ("能不能挂网", "公开属性怎么定", "帮我判断") may come before the pasted text (after a colon, a
    line break or a space) or after it ("…特此通知。这个能公开吗"). Without a pasted text, a request that
    points at a document ("这份", "我发你的") or is phrased as a request ("帮我…") asks for the text; a
    question about a kind of document ("会议纪要可以公开吗") is a knowledge question.
    """
    w = words()["classify"]
    asks = [m for m in _ask_matches(text, w) if m.start() < w["ask_within"] or m.end() > len(text) - w["ask_within"]]
    if asks:
        start = min(m.start() for m in asks)
        end = max(m.end() for m in asks)
        pasted = re.match(w["paste_mark"], text[end:])  # "帮我判断一下：…": what follows is the text
        after = text[end:].lstrip(w["ask_tail"])
        before = re.split(w["refers_pattern"], text[:start])[0].strip()
        if len(after) >= w["min_body"] and (pasted or _document_like(after, w)) or re.match(w["title"], after):
            return Intent("classify", {"text": after})  # a 公文's title alone is enough to judge it by
        if len(before) >= w["min_body_before"] and _document_like(before, w):
            return Intent("classify", {"text": before})
        refers = re.search(w["refers_pattern"], text)
        if refers and len(after) >= w["min_description"] and not re.search(words()["talk"]["asks"], after):
            return Intent("classify", {"text": text})  # the document described, not pasted
        if refers or re.match(w["request"], text):
            return Intent("clarify", reply=ASK_TEXT)
        return None
    markers = sum(m in text for m in w["markers"]) + bool(re.search(r"\d{4}年\d{1,2}月\d{1,2}日", text))
    if len(text) > w["min_chars"] and markers >= w["min_markers"]:
        return Intent("classify", {"text": text})
    if len(text) > w["min_chars_titled"] and re.search(w["title"], text[:80]) and markers >= 1:
        return Intent("classify", {"text": text})
    return None


def _ask_matches(text: str, w: dict[str, Any]) -> list[re.Match[str]]:
    patterns = [*w["ask_patterns"], *(re.escape(a) for a in w["ask"])]
    return [m for p in patterns for m in re.finditer(p, text)]


def _document_like(body: str, w: dict[str, Any]) -> bool:
    """A pasted text rather than the rest of a question: a 公文 title or marker, or simply long."""
    return bool(re.search(w["title"], body)) or _has(body, w["markers"]) or len(body) >= w["long_body"]


# ---- deadline --------------------------------------------------------------------------------


def deadline_intent(
    text: str, history: tuple[Message, ...], today: date, *, require_question: bool = True
) -> Intent | None:
    """A deadline question with a concrete date (or a short follow-up to one: 延期的话最晚哪天)."""
    w = words()["deadline"]
    dates = find_dates(text, today)
    if not dates:
        short_follow_up = len(text) <= 30 and _has(text, w["follow_up"])
        earlier = _follow_up(history, today) if short_follow_up or not require_question else None
        if earlier is None:
            return None
        notes = [f"接上文，收到日按{earlier.args['received']}计算。"]
        args: dict[str, Any] = {**earlier.args, **_deadline_options(text, earlier.args, notes)}
        return Intent("deadline", args, notes=tuple(notes))
    # the message asks for a day or a period (its answer type, or a deadline word) about a received application
    when = _has(text, w["ask"]) or answer_type(text) in ("when", "how_long")
    asked = when and (_has(text, w["receipt"]) or _has(text, w["strong"])) and not re.search(w["counting_rule"], text)
    if require_question and not asked:
        return None
    bad = next((d.text for d in dates if d.day is None), None)
    if bad is not None:
        return Intent("clarify", reply=f"日期不存在：{bad}，请核对后再问。")
    notes = [d.assumption for d in dates[:2] if d.assumption]
    received = _date_before(text, dates, w["arrival"]) or dates[0]
    args = {"received": str(received.day)}
    others = [d for d in dates if d is not received]
    if others and _has(text, w["correction"]):
        args["corrected"] = str((_date_before(text, others, w["correction_done"]) or others[0]).day)
    args.update(_deadline_options(text, args, notes))
    return Intent("deadline", args, notes=tuple(dict.fromkeys(notes)))


def _date_before(text: str, dates: list[FoundDate], words_after: str) -> FoundDate | None:
    """The date that the given words follow most closely ("11月2日寄出、11月5日我们签收" -> 11月5日)."""
    gaps = [(m.start(), d) for d in dates if (m := re.search(words_after, text[d.end : d.end + 8]))]
    return min(gaps, key=lambda g: g[0])[1] if gaps else None


def _deadline_options(text: str, args: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    w = words()["deadline"]
    out: dict[str, Any] = {}
    channel = next((c for c, ws in w["channels"].items() if _has(text, ws)), None)
    if channel:
        out["channel"] = channel
    elif "channel" not in args:
        out["channel"] = "in_person"
        notes.append("未说明提交方式，按当面提交计算（以提交当天为收到日）。")
    if _has(text, w["extend"]):
        out["extend"] = True
    pause = re.search(r"(?:征求|第三方|其他机关|征询)[^，。,；]*?(\d{1,3})\s*个?工作日", text)
    if pause:
        out["third_party_days"] = int(pause[1])
    return out


def _follow_up(history: tuple[Message, ...], today: date) -> Intent | None:
    """The deadline the user asked about most recently (for follow-ups without a date)."""
    for message in reversed(history):
        if message.role != "user":
            continue
        found = deadline_intent(message.text, (), today)
        if found is not None and found.tool == "deadline":
            return found
    return None


def tool_follow_up(text: str, history: tuple[Message, ...], today: date) -> Intent | None:
    """"要是10月8日收到的呢" / "如果是邮寄的呢" after a deadline, "那起诉呢" / "那2026年的呢" after another period:
    the last calculation again with the detail the message changes (a date or year, the channel, the kind)."""
    w = words()["tool_follow_up"]
    last = next((m.text for m in reversed(history) if m.role == "user"), None)
    if last is None or len(text) > w["max_chars"] or not _elliptic_detail(text, w):
        return None
    earlier = period_intent(last, today) or deadline_intent(last, (), today)
    if earlier is None or earlier.tool not in ("deadline", "period"):
        return None
    args, changed = dict(earlier.args), []
    dates = [d for d in find_dates(text, today) if d.day is not None]
    if earlier.tool == "period" and args["kind"] == "annual_report":
        year = _report_year(text, today, words()["period"])
        if year is not None:
            args["start"], changed = str(year), [f"{year}年度"]
    elif dates:
        args["received" if earlier.tool == "deadline" else "start"] = str(dates[0].day)
        changed.append(f"{dates[0].day}")
    if earlier.tool == "deadline":
        channel = next((c for c, ws in words()["deadline"]["channels"].items() if _has(text, ws)), None)
        if channel and channel != args.get("channel"):
            args["channel"], changed = channel, [*changed, w["channel_names"][channel]]
        if _has(text, words()["deadline"]["extend"]) and not args.get("extend"):
            args["extend"], changed = True, [*changed, "延期"]
    else:
        kind = next((k["kind"] for k in words()["period"]["kinds"] if _kind_matches(text, k)), None)
        if kind and kind != args["kind"]:
            args["kind"], changed = kind, [*changed, w["kind_names"].get(kind, kind)]
    if not changed:
        return None
    notes = (w["note"].format(changed="、".join(changed)), *(d.assumption for d in dates[:1] if d.assumption))
    return Intent(earlier.tool, args, notes=notes)


def _elliptic_detail(text: str, w: dict[str, Any]) -> bool:
    """Only a new detail: "那…呢", "要是/如果…", or a date with fillers around it."""
    t = text.strip().rstrip("?？。!！ ")
    if t.endswith("呢") or t.startswith(tuple(w["openers"])):
        return True
    return len(residue(t, w["fillers"])) <= 1


# ---- other statutory periods ------------------------------------------------------------------


def period_intent(text: str, today: date) -> Intent | None:
    """主动公开/征求意见/缴费/复议/起诉 with a concrete date, or 年报 with a report year, asked as a question."""
    w = words()["period"]
    if not _has(text, w["ask"]):
        return None
    if _has(text, w["annual_report"]):
        year = _report_year(text, today, w)
        if year is None:
            return None
        note = f"按{year}年度的年报计算（{year + 1}年报送、公布）。"
        return Intent("period", {"kind": "annual_report", "start": str(year)}, notes=(note,))
    kind = next((k["kind"] for k in w["kinds"] if _kind_matches(text, k)), None)
    dates = find_dates(text, today) if kind else []
    if not dates:
        return None
    bad = next((d.text for d in dates if d.day is None), None)
    if bad is not None:
        return Intent("clarify", reply=f"日期不存在：{bad}，请核对后再问。")
    notes = tuple(d.assumption for d in dates[:1] if d.assumption)
    return Intent("period", {"kind": kind, "start": str(dates[0].day)}, notes=notes)


def _kind_matches(text: str, spec: dict[str, Any]) -> bool:
    return all(_has(text, group) for group in spec["all"]) and not _has(text, spec.get("unless", []))


def _report_year(text: str, today: date, w: dict[str, Any]) -> int | None:
    m = re.search(w["year"], text)
    if m:
        return int(m[1])
    return next((today.year + off for word, off in w["relative_years"].items() if word in text), None)


# ---- duties ----------------------------------------------------------------------------------


def duties_intent(
    text: str, history: tuple[Message, ...], units: UnitRegistry, *, own_unit: str | None = None
) -> Intent | None:
    """Tasks of a named (or remembered) unit (in one year's plan, or compared with another year's), or who
    is responsible for a task.

    A unit's tasks are asked when the message holds a task word and, once the unit's name, the task words
    and fillers are removed, at most ``max_residue`` characters are left ("住建局的活有哪些", "帮我查下农业
    农村局的任务"); a message that keeps content words ("卫健局的信息要在哪个网站公开", "县政府办负责年报
    汇总吗") is a knowledge question about the unit, not a request for its list. Which plan ("2021年方案里",
    "今年比去年") is read first and taken out of the message (:func:`plan_choice`).
    """
    choice, rest = plan_choice(text)
    found = _duties_intent(rest, history, units, own_unit,
                           comparing="compare" in choice or "compare_previous" in choice)
    if found is not None and found.tool == "duties" and "unit" in found.args:
        return Intent("duties", {**found.args, **choice})
    return found


def plan_choice(text: str) -> tuple[dict[str, Any], str]:
    """The year's plan asked for and the year to compare with, as duties tool arguments ({} for neither),
    and the message without those words."""
    w = words()["duties"]
    choice: dict[str, Any] = {}
    year = re.search(w["plan_year"], text)
    other = re.search(w["other_year"], text)
    if other:
        choice["compare"] = int(other[1])
        year = year or re.search(r"(20\d{2})\s*年", text[: other.start()])
    elif _has(text, w["last_year"]) and _has(text, w["compare_words"]):
        choice["compare_previous"] = True
    if year:
        choice["year"] = int(year[1])
    rest = re.sub(w["plan_phrase"], "", text)
    if "compare" in choice or "compare_previous" in choice:
        rest = re.sub(w["compare_phrase"], "", rest)
    return choice, rest


def _duties_intent(
    text: str, history: tuple[Message, ...], units: UnitRegistry, own_unit: str | None, *, comparing: bool
) -> Intent | None:
    w = words()["duties"]
    intro = re.match(w["introduce"], text)
    introduced = units.find_in_text(intro["unit"]) if intro else []
    if introduced:  # remembered through the history: the next "我们局…" resolves to it
        own = introduced[0].name
        return Intent("clarify", {"unit": own}, reply=w["introduce_reply"].format(unit=own))
    named = units.find_in_text(text)
    if named and _lists_tasks(_without_units(text, named), w):
        return Intent("duties", {"unit": named[-1].name if _introduces(text, w) else named[0].name})
    # a long message whose last clause asks for a unit's list ("我是新来的，…，想知道县水务局有哪些任务")
    last = _CLAUSE_BREAK.split(text.rstrip("?？。!！ "))[-1]
    in_last = units.find_in_text(last) if last != text else []
    if in_last and _lists_tasks(_without_units(last, in_last), w):
        return Intent("duties", {"unit": in_last[0].name})
    if (_has(text, w["self"]) or comparing) and _lists_tasks(text, w) or own_tasks_asked(text):
        unit = _remembered_unit(history, units, own_unit, text)
        return Intent("duties", {"unit": unit}) if unit else Intent("clarify", reply=ASK_UNIT)
    topical = _topic_tasks(text, history, units, own_unit, named)
    if topical is not None:
        return topical
    unknown = re.search(w["unknown_unit"], text)
    if unknown and not named and not _has(unknown["unit"], w["self"]):
        return Intent("duties", {"unit": unknown["unit"]})
    for pattern in w["who"]:
        m = re.search(pattern, text)
        task = re.sub(w["task_verbs"], "", m["task"].strip()) if m else ""
        # "几个部门联合发的文，解读归谁管" describes a situation: a knowledge question, not a task name
        if len(task) >= w["who_min_chars"] and not _CLAUSE_BREAK.search(task):
            return Intent("duties", {"task": task})
    return None


def _topic_tasks(
    text: str, history: tuple[Message, ...], units: UnitRegistry, own_unit: str | None, named: list[Unit]
) -> Intent | None:
    """"营商环境那块我们要做啥" / "县林草局在重大建设项目方面有任务吗": the unit's tasks on that topic."""
    w = words()["duties"]
    ask = re.search(w["topic_ask"], text.strip())
    if ask is None:
        return None
    body = _CLAUSE_BREAK.split(text.strip()[: ask.start()])[-1]  # the topic sits in the asking clause
    named_here = [u for u in named if u in units.find_in_text(body)]
    pronoun = next((p for p in sorted(w["own"] + w["self"], key=len, reverse=True) if p in body), None)
    if pronoun is None and not named_here:
        return None
    topic = _without_units(body, named_here) if named_here else body.replace(pronoun or "", "")
    topic = re.sub(r"[\s，,、:：]", "", topic)
    for word in sorted(w["topic_fillers"] + w["fillers"], key=len, reverse=True):
        topic = topic.replace(word, "")
    if not w["topic_min_chars"] <= len(topic) <= w["topic_max_chars"]:
        return None
    unit = named_here[0].name if named_here else _remembered_unit(history, units, own_unit, text)
    # no unit known: "依申请公开我们要做什么" is then asked of the rules, not answered with a question back
    return Intent("duties", {"unit": unit, "topic": topic}) if unit else None


def _lists_tasks(text: str, w: dict[str, Any]) -> bool:
    """A task word, and nothing but task words, pronouns and fillers around it."""
    if not _has(text, w["task_words"]):
        return False
    return len(residue(text, w["task_words"], w["self"], w["own"], w["own_fillers"], w["fillers"])) <= w["max_residue"]


def _introduces(text: str, w: dict[str, Any]) -> bool:
    return bool(re.match(w["introduce_prefix"], text))


def _without_units(text: str, named: list[Unit]) -> str:
    """The message with every mention of the named units removed (full names, aliases, 县-less forms;
    a mistyped name, which matched no alias, as the word ending in 局/办/镇/乡 that holds it)."""
    forms = {f for u in named for term in (u.name, *u.aliases) for f in (term, term.removeprefix("县"))}
    rest = unicodedata.normalize("NFKC", text)
    before = rest
    for form in sorted(forms, key=len, reverse=True):
        if len(form) >= 2:
            rest = rest.replace(form, "")
    if rest == before:
        rest = re.sub(r"[\u4e00-\u9fff]{1,6}?[局办镇乡](?:政府)?", "", rest, count=1)
    return rest


def own_tasks_asked(text: str) -> bool:
    """"我们要做啥" / "方案里咱们干啥" / "本单位的活有哪些": a pronoun for one's unit, a task word, only fillers."""
    w = words()["duties"]
    rest = re.sub(r"[\s?？。!！，,.]", "", text)
    # "点了我们名的" / "点我们单位的名": the pronoun inside the verb, put back as "点名我们"
    pronouns = "|".join(map(re.escape, sorted(w["own"], key=len, reverse=True)))
    rest = re.sub(rf"点了?({pronouns})的?名", r"点名\1", rest)
    if not _has(rest, w["own"]) or not _has(rest, w["own_tasks"]):
        return False
    for group in ("own", "own_tasks", "own_fillers"):
        for word in sorted(w[group], key=len, reverse=True):
            rest = rest.replace(word, "")
    return rest == ""


def _remembered_unit(
    history: tuple[Message, ...], units: UnitRegistry, own_unit: str | None = None, text: str = ""
) -> str | None:
    """The unit "我们局" means: the one the user said they work for (anywhere in the conversation), else the
    unit named most recently in the messages at hand. A pronoun that names a kind of unit ("我们局", "我们镇")
    takes the first of those of that kind: after "我是邓川镇的" and "财政局的任务有哪些", "我们局" is 县财政局."""
    named = [u.name for m in reversed(history) if m.role == "user" for u in units.find_in_text(m.text)[:1]]
    candidates = [u for u in (stated_unit(history, units) or own_unit, *named) if u]
    kind = re.search(words()["duties"]["own_kind"], text)
    fitting = [u for u in candidates if kind and kind[1] in u]
    chosen = fitting or candidates
    return chosen[0] if chosen else None


def unit_stated(text: str, units: UnitRegistry) -> str | None:
    """The unit a message says the user works for: "我是卫健局的", "你好 我是县气象局的，我们有啥任务",
    "我在凤羽镇工作"; None when it names none (or names a unit without saying one works there)."""
    w = words()["duties"]
    intro = re.match(w["introduce"], text.strip())
    if intro:
        found = units.find_in_text(intro["unit"])
        return found[0].name if found else None
    head = re.match(w["introduce_prefix"], text.strip())
    if head is None:
        return None
    clause = re.split(r"[，,。；;！!？?\s]", text.strip()[head.end():], maxsplit=1)[0]
    found = units.find_in_text(clause)
    return found[0].name if found else None


def stated_unit(history: Sequence[Message], units: UnitRegistry) -> str | None:
    """The unit the user said most recently that they work for, in the whole history given."""
    for message in reversed(history):
        if message.role == "user" and (unit := unit_stated(message.text, units)):
            return unit
    return None
