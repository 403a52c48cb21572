"""Follow-ups: what the conversation so far says an elliptic message means. Pure over the history.

``context(history, units)`` reads the last intent (duties / classify / deadline / question), the unit the
user works for or asked about, the last question and the citations of the last answer. ``resolve``
turns an elliptic message into something the engine can answer:

- "那县林草局呢？" after a duties answer, "我们单位呢？" after "我是凤羽镇的" → ``rewrite`` to that unit's tasks;
- "依据呢？" / "具体哪条？" / "出处是什么" → ``basis``: the citations of the last answer;
- "为什么？" after a classification → ``why``: its reasons; after an answer → its 依据;
- "那第一项呢？" / "第三项" → ``list_item``: line N of the list the last answer showed (a unit's tasks, a list of
  articles), else ``item``: item N of the clause just cited;
- "第十五条呢" / "复议法第二十条是什么" → ``article``: that article (of the document named, else of the one just
  cited, else the 条例);
- after a knowledge question, "那网站呢？" (a new topic), "要是延期呢？" (a condition), "那要多长时间？" (a new
  ask) → ``rewrite`` into a whole question (assistant/followup_rewrite.py), answered from the clause about
  the follow-up's own detail;
- "确定吗？" / "不备案行不行" after a yes-no answer → ``verdict``: that verdict kept to, or turned round;
- "详细说说" → ``article`` (mode whole): every clause of the section just cited;
- "其中牵头的是哪项" after a unit's tasks → ``list_item``: the lines of that tag;
- "那第三项呢" after a part of the plan shown whole → ``rewrite`` to that part; "那疫情防控呢" after a unit's
  tasks on a topic → ``rewrite`` to its tasks on the new topic.

The question the context carries is the one each follow-up asked as the engine read it ("在哪个系统备" after
"开抖音号要备案吗" carries both), so a follow-up of a follow-up keeps the topic.

Word lists live in ``router.yaml`` (``followup``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.references import ListItem, article_ref, cited, item_ref, list_items
from assistant.router import unit_stated, words
from assistant.turn import Message
from knowledge.units import UnitRegistry

_TASK_LOOKUP = re.compile(r"^与“(?P<task>[^”]+)”最相关的任务")
_PICKED = re.compile(r"^第[一二三四五六七八九十\d]+项：〔[^〕]+〕(?P<title>[^\n（(]+)")  # a line picked from a list
_TOPIC_LIST = re.compile(r"^[^\n《]{2,30}在《[^》]+》中(?:与|没有与)“(?P<topic>[^”]+)”")  # a unit's tasks on a topic


@dataclass(frozen=True)
class Context:
    intent: str | None = None  # duties | classify | deadline | question
    unit: str | None = None  # the unit the user works for or asked about last
    own_unit: str | None = None  # the unit the user said they work for
    question: str | None = None  # the last user message that was a knowledge question
    answer: str | None = None  # the last assistant message
    citation: tuple[str, str] | None = None  # (title, section) first cited in the last answer
    citations: tuple[tuple[str, str], ...] = ()  # everything the last answer cited (its 依据 lines too)
    items: tuple[ListItem, ...] = ()  # the list the last answer showed, in order
    tool_message: str | None = None  # the last user message a deadline / period answer was computed for
    task: str | None = None  # the task of a "谁负责…" answer
    topic: str | None = None  # the topic of a unit's tasks on one topic ("营商环境那块我们要做啥")


@dataclass(frozen=True)
class FollowUp:
    kind: Literal["rewrite", "basis", "why", "item", "list_item", "article", "context", "verdict"]
    text: str = ""
    n: int = 0
    citation: tuple[str, str] | None = None
    citations: tuple[tuple[str, str], ...] = ()
    item: ListItem | None = None
    items: tuple[ListItem, ...] = ()  # several lines of the list just shown (those of one tag)
    mode: str = ""  # rewritten: swap | condition | ask (assistant/followup_rewrite.py); basis: why when asked 为什么
    focus: str = ""  # the follow-up's own detail
    original: str = ""  # the message as the user wrote it


def _has(text: str, items: list[str]) -> bool:
    return any(w in text for w in items)


def _intent_of(user: str, reply: str | None, units: UnitRegistry) -> str:
    w = words()
    if reply and reply.lstrip("*").startswith("建议公开属性"):
        return "classify"
    if reply and "答复期限" in reply and re.search(r"\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}月\d{1,2}日", reply):
        return "deadline"
    if reply and re.search(r"截止日：\*{0,2}\s*\d{4}-\d{2}-\d{2}|年报：\*{0,2}\s*\d{4}-\d{2}-\d{2}", reply) and "依据：" in reply:
        return "period" if "答复截止日" not in reply else "deadline"
    if re.match(w["duties"]["introduce"], user.strip()):
        return "introduce"
    if units.find_in_text(user) and _has(user, w["duties"]["ask"]) or (reply and "的任务" in reply[:40]):
        return "duties"
    return "question"


def context(history: tuple[Message, ...], units: UnitRegistry, *, own_unit: str | None = None) -> Context:
    """The state the conversation carries, from its (masked) history, oldest first; ``own_unit`` is the unit
    the user said they work for earlier than this history reaches (``Turn.own_unit``)."""
    intent = unit = question = answer = tool_message = None
    own = own_unit
    pairs: list[tuple[str, str | None]] = []
    for n, message in enumerate(history):
        if message.role == "user":
            reply = history[n + 1].text if n + 1 < len(history) and history[n + 1].role == "assistant" else None
            pairs.append((message.text, reply))
    for user, reply in pairs:
        kind = _intent_of(user, reply, units)
        named = units.find_in_text(user)
        stated = unit_stated(user, units)
        if stated:  # "我是县审计局的 我们单位呢" states the unit too, not only "我是县审计局的"
            own = unit = stated
        if kind == "introduce" and named:
            own = unit = named[0].name
        else:
            intent = kind
            if named:
                unit = named[0].name
            if kind == "question":
                picked = _PICKED.match(reply or "")
                # "第一项具体要干啥" then "谁牵头": the task picked from the list is what is talked about
                question = picked["title"] if picked else _asked(question, user)
            tool_message = user if kind in ("deadline", "period") else None
        answer = reply
    listed = list_items(answer, minimum=1) if answer else []
    items = tuple(listed) if len(listed) >= 2 else ()  # one line is no list to pick "第二项" from
    citations = cited(answer) if answer else []
    if not citations:  # a unit's task list (of one task too) cites its sections as 〔三〕
        citations = [(i.title, i.section) for i in listed if i.title and i.section]
    task = _TASK_LOOKUP.match(answer) if answer else None
    topic = _TOPIC_LIST.match(answer) if answer else None
    return Context(intent=intent, unit=unit, own_unit=own, question=question, answer=answer,
                   citation=citations[0] if citations else None, citations=tuple(dict.fromkeys(citations)),
                   items=items, tool_message=tool_message, task=task["task"] if task else None,
                   topic=topic["topic"] if topic else None)


def _asked(earlier: str | None, user: str) -> str:
    """The whole question a knowledge message asked: itself, or, when it was a follow-up of the question before
    it ("在哪个系统备" after "开个政务抖音号要备案吗", "那网站呢" after "政务新媒体多久更新一次"), that question
    carried along the way the engine read it, so a follow-up of a follow-up keeps the topic."""
    w = words()["followup"]
    t = user.strip()
    if earlier is None or len(t.rstrip("?？。!！")) > int(w["context_chars"][0]):
        return user
    if _elliptic(t, w):
        from assistant.followup_rewrite import rewrite

        rw = rewrite(earlier, t)
        return rw.text if rw else user
    if opens_like_follow_up(t):
        from assistant.followup_rewrite import split_topic

        topic, ask = split_topic(earlier)
        if topic and not _same_predicate(ask, t):  # "什么时候公布" after "年度报告要写什么": 年度报告什么时候公布
            return f"{topic}{t}"
        return f"{earlier.rstrip('?？。')} {t}"  # "在哪个系统备" after "开抖音号要备案吗": all of it
    return user


def _same_predicate(ask: str, message: str) -> bool:
    """The message goes on with what the earlier question asked (a character of its own words in common once
    the ask words are out: 备 of "在哪个系统备" and "要备案吗"), not with a new ask about the same topic."""
    def own(text: str) -> set[str]:
        for word in sorted(words()["followup"]["ask_words"], key=len, reverse=True):
            text = text.replace(word, "")
        return set(re.findall(r"[\u4e00-\u9fff]", text)) - set("的了是在有和与或也还就都那这个些么呢吧啊")

    return bool(own(ask) & own(message))


def item_number(text: str) -> int | None:
    ref = item_ref(text)
    return ref[0] if ref else None


def _elliptic(text: str, w: dict[str, list[str]]) -> bool:
    t = text.strip().rstrip("?？。!！")
    return len(t) <= int(w["max_chars"][0]) and (t.endswith("呢") or t.startswith(tuple(w["openers"])))


def _reference(t: str, ctx: Context, units: UnitRegistry) -> FollowUp | None:
    """"第三项" / "第十五条" / "那第一项呢": a line of the list just shown, an article, or an item of the clause."""
    ref = item_ref(t)
    if ref is None or units.find_in_text(t):
        return None
    n, word = ref
    article = article_ref(t) if word == "条" else None
    if article and (article[0] or not ctx.items or n > len(ctx.items)):
        named = article[0]
        return FollowUp("article", text=named or "", citation=(ctx.citation[0] if ctx.citation else "", article[1]))
    if ctx.items and n <= len(ctx.items) and word != "款":
        return FollowUp("list_item", n=n, item=ctx.items[n - 1])
    if ctx.citation is not None:  # the word asked (项 / 款) names the part in the answer
        return FollowUp("item", text=word, n=n, citation=ctx.citation)
    return None


_TAG = re.compile(r"[（(](牵头|点名负责)[)）]\s*$")


def _tagged(t: str, ctx: Context) -> FollowUp | None:
    """The lines of the task list just shown that carry the tag the message asks for (牵头, 点名负责 as 点名)."""
    tags = {m[1] for i in ctx.items if (m := _TAG.search(i.text))}
    asked = next((tag for tag in sorted(tags) if tag[:2] in t), None)
    if asked is None or item_ref(t) is not None:
        return None
    picked = tuple(i for i in ctx.items if (m := _TAG.search(i.text)) and m[1] == asked)
    if len(picked) == 1:
        return FollowUp("list_item", n=ctx.items.index(picked[0]) + 1, item=picked[0])
    return FollowUp("list_item", n=0, items=picked) if picked else None


def _own_pronoun(t: str) -> bool:
    """"那我们呢" / "咱们呢？" / "我们单位呢": nothing but a pronoun for one's own unit."""
    own = words()["duties"]["own"] + words()["duties"]["self"]
    return _core(t) in own or _has(t, words()["duties"]["self"])


def resolve(text: str, ctx: Context, units: UnitRegistry) -> FollowUp | None:
    """What an elliptic message means in this context, or None when it stands on its own."""
    w = words()["followup"]
    t = text.strip()
    if ctx.answer is None and ctx.own_unit is None:
        return None
    short = len(t.rstrip("?？。!！")) <= int(w["max_chars"][0])
    if short and _has(t, w["why"]) and ctx.intent == "classify":
        return FollowUp("why")
    again = _verdict_again(t, ctx) if short else None
    if again is not None:  # "确定吗" / "不备案行不行" after "要。": the verdict just given, kept to
        return FollowUp("verdict", mode=again, citation=ctx.citation, citations=ctx.citations)
    if short and _has(t, w["elaborate"]) and ctx.citation is not None:  # "详细说说": the clause cited, whole
        return FollowUp("article", citation=ctx.citation, mode="whole")
    asks_basis = _has(t, w["basis"]) or any(re.search(p, t) for p in w["basis_patterns"])
    if short and (asks_basis or _has(t, w["why"])) and ctx.citation is not None:
        why = "why" if _has(t, w["why"]) and not asks_basis else ""
        return FollowUp("basis", citation=ctx.citation, citations=ctx.citations, mode=why)
    from assistant.plan_parts import part_question, sibling_part

    if part_question(t, w["article_asks"]) is not None:  # "方案第二项讲的啥" names its part: it stands alone
        return None
    sibling = sibling_part(t, ctx.answer) if short else None
    if sibling is not None:  # "那第三项呢" after a part of the plan shown whole: the next part asked the same way
        return FollowUp("rewrite", f"方案第{sibling}部分讲的啥")
    tagged = _tagged(t, ctx) if short else None
    if tagged is not None:  # "其中牵头的是哪项" after a unit's tasks: the lines marked （牵头）
        return tagged
    ref = _reference(t, ctx, units) if short else None
    if ref is not None:
        return ref
    if not _elliptic(t, w):
        return None
    named = units.find_in_text(t)
    self_unit = _own_pronoun(t) and (ctx.own_unit or ctx.unit)
    # after a unit's tasks on a topic, another unit (or "我们呢") keeps the topic
    about = f"在{ctx.topic}方面" if ctx.topic and ctx.intent == "duties" else ""
    if named and re.search(r"方面|那块|这块|那一块|领域", t):  # "那县林草局在营商环境方面呢": its tasks there
        return FollowUp("rewrite", f"{_core(t)}有哪些任务")
    if named and ctx.intent in ("duties", None, "introduce"):
        return FollowUp("rewrite", f"{named[0].name}{about}有哪些任务")
    if self_unit:
        return FollowUp("rewrite", f"{ctx.own_unit or ctx.unit}{about}有哪些任务")
    unit = ctx.unit or ctx.own_unit
    if about and unit and (topic := _new_topic(t)):  # "营商环境那块我们要做啥" then "那疫情防控呢"
        return FollowUp("rewrite", f"{unit}在{topic}方面有哪些任务")
    if ctx.task and ctx.intent == "duties":  # "谁负责门户网站…" then "那政务新媒体呢"
        core = _core(t)
        return FollowUp("rewrite", f"谁负责{core}") if core else None
    if ctx.question and ctx.intent == "question":
        from assistant.followup_rewrite import rewrite

        rw = rewrite(ctx.question, t)
        return FollowUp("rewrite", rw.text, mode=rw.mode, focus=rw.focus, citation=ctx.citation,
                        original=t) if rw else None
    return None


VERDICT_LINE = re.compile(r"^(?:不?(?:要|用|可以|能|需要|必须|应该|是|会|允许|算|行)|没有|有|不必)。$")


_PERMITTED = ("可以。", "能。", "允许。", "行。", "会。", "是。", "有。", "算。")


def _verdict_again(t: str, ctx: Context) -> str | None:
    """"confirm" for "确定吗" after a yes-no answer, "flip" for its opposite asked ("不备案行不行" after
    "开抖音号要备案吗" → "要。"), else None."""
    w = words()["followup"]
    first = (ctx.answer or "").split("\n", 1)[0].strip()
    if ctx.intent != "question" or not VERDICT_LINE.match(first) or ctx.question is None:
        return None
    core = t.strip().rstrip("?？。!！ ").removeprefix("那").strip("，, ")
    if core in w["confirm_asks"] or f"{core}吗" in w["confirm_asks"]:
        return "confirm"
    asks = "|".join(map(re.escape, sorted(w["verdict_asks"], key=len, reverse=True)))
    negated = re.match(rf"(?:不|没|免|不用|不去)([\u4e00-\u9fff]{{2,8}}?)(?:的话)?[，,]?(?:{asks})$", core)
    # the very act the last question asked about; that it may be done ("可以。") says nothing of leaving it undone
    if negated and negated[1][:2] in ctx.question and first not in _PERMITTED:
        return "flip"
    return None


def _new_topic(t: str) -> str | None:
    """The topic "那疫情防控呢" names: a few words with no ask in them ("那要多久呢" names none)."""
    core = _core(t)
    d, w = words()["duties"], words()["followup"]
    if not d["topic_min_chars"] <= len(core) <= d["topic_max_chars"] or _has(core, w["ask_words"] + w["conditions"]):
        return None
    return core


def _core(t: str) -> str:
    """The new detail of "那X呢": X."""
    core = t.strip().rstrip("?？。!！ ").removesuffix("呢").strip("，, ")
    for opener in sorted(words()["followup"]["topic_openers"], key=len, reverse=True):
        core = core.removeprefix(opener)
    return core.strip("，, ").removesuffix("的")


def in_context(text: str, ctx: Context) -> str | None:
    """For a short message after a knowledge question ("谁来汇总审核", "超过了会怎么样"): the search text that
    carries the earlier question's topic along, or None. The engine uses it when the message alone finds
    nothing it can answer from, or when it opens like a follow-up."""
    w = words()["followup"]
    t = text.strip()
    if len(t.rstrip("?？。!！")) > int(w["context_chars"][0]):
        return None
    if ctx.intent == "duties" and ctx.task:  # "政策解读由谁负责" then "有时间要求吗": about that task
        return f"{ctx.task} {t}"
    if ctx.intent in ("deadline", "period") and ctx.tool_message:  # "中间有五一假期算吗" after a computed date
        return f"{ctx.tool_message.rstrip('?？。')} {t}"
    if ctx.question is None or ctx.intent != "question":
        return None
    return f"{ctx.question.rstrip('?？。')} {t}"


def opens_like_follow_up(text: str) -> bool:
    """"谁来汇总审核" / "那超过了呢" open like a follow-up; "乡镇也要吗" asks the last question of something else."""
    w = words()["followup"]
    return text.strip().startswith(tuple(w["context_openers"])) or _has(text, w["context_parallels"])


def shares_words(text: str, ctx: Context) -> bool:
    """The message repeats a word (two characters running) of the last question or answer."""
    def pairs(t: str) -> set[str]:
        runs = re.findall(r"[\u4e00-\u9fff]+", t)
        return {r[i : i + 2] for r in runs for i in range(len(r) - 1)}

    return bool(pairs(text) & pairs(f"{ctx.question or ''}{ctx.answer or ''}"))
