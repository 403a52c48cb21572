"""The register from chat: "登记：11月20日网上收到张某申请公开…", "我的待办", "本周到期", "3号申请补正了".

``RegisterDesk.respond`` returns a Reply for a register message and None for anything else, so the
engine asks it first. Parsing is pure (``parse_registration``, ``parse_event``); what is missing is
asked back, and the next message is read together with the one that was incomplete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from assistant.dates import find_dates
from assistant.register import listing, record_event, register
from assistant.storage.db import Database
from assistant.turn import Reply, Turn
from knowledge import clock
from knowledge.errors import BadInput, GongkaiError
from tools.deadlines import rules
from tools.register import Event

ASK_MARK = "登记还缺"
_REGISTER = re.compile(r"^\s*登记(?:申请|一件申请)?\s*[:：]\s*(.+)$", re.S)  # the colon: "登记表怎么填" is a question
_EVENT = re.compile(r"^\s*(?:第)?(\d{1,6})\s*号(?:申请|件)?\s*(.+)$", re.S)
_CONTENT = re.compile(r"申请(?:公开|获取|提供)?\s*[:：“\"]?(.+?)[”\"]?\s*[。.]?\s*$", re.S)
_NAME = re.compile(r"收到\s*(.{1,20}?)(?:的|提交的|寄来的)?\s*(?:申请|来信|来函)")
_NOTICE = re.compile(r"^\s*(?:生成|出具|起草)?\s*(?:第)?(\d{1,6})\s*号(?:申请)?的?\s*(.*?(?:告知书|通知|函)(?:[\s:：，,].*)?)$", re.S)
_QUESTION = re.compile(r"哪天|什么时候|多少|几个|几天|吗|[？?]")
_PERSON = re.compile(r"([\u4e00-\u9fa5]{1,4}(?:主任|局长|科长|部长|县长|负责人|书记))")
ORG_TYPES = [("律师事务所", "法律服务机构"), ("律所", "法律服务机构"), ("公证处", "法律服务机构"),
             ("研究院", "科研机构"), ("研究所", "科研机构"), ("大学", "科研机构"), ("学院", "科研机构"),
             ("协会", "社会公益组织"), ("基金会", "社会公益组织"), ("公益", "社会公益组织"),
             ("公司", "商业企业"), ("企业", "商业企业"), ("厂", "商业企业"), ("合作社", "其他")]
# (kind, words) in order: the first match wins ("收到补正" before "补正")
EVENT_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("correction_received", ("补正了", "收到补正", "已补正", "补正回来")),
    ("correction_sent", ("发补正", "发出补正", "补正告知", "要求补正", "需要补正")),
    ("consult_end", ("意见回来", "回复了意见", "征求意见结束", "第三方回复")),
    ("consult_start", ("征求意见", "征求第三方", "征求其他机关")),
    ("extend", ("延期",)),
    ("fee_paid", ("缴费了", "已缴费", "交费了")),
    ("fee_notice", ("收费通知", "发收费")),
]


@dataclass(frozen=True)
class Registration:
    received: date | None
    channel: str | None
    applicant_type: str | None
    name: str
    content: str
    assumption: str | None = None

    def missing(self) -> list[str]:
        out = []
        if self.received is None:
            out.append("收到日期")
        if self.channel is None:
            out.append("提交方式（当面/邮寄/网上/传真）")
        if not self.content:
            out.append("申请内容")
        return out


def _channel(text: str) -> str | None:
    for key, spec in rules()["channels"].items():
        if any(a in text for a in spec["aliases"] if not a.isascii()):
            return str(key)
    return None


def parse_registration(text: str, today: date) -> Registration:
    """收到日期, 提交方式, 申请人 and 申请内容 from one message (the ask-back reply appended after "，")."""
    first, _, added = text.partition("，" + ASK_MARK)
    name_m = _NAME.search(first)
    name = name_m[1].strip() if name_m else ""
    for aliases in [rules()["channels"][k]["aliases"] for k in rules()["channels"]]:
        for w in sorted(aliases, key=len, reverse=True):
            name = name.removeprefix(w)
    content_m = _CONTENT.search(first, name_m.end() - 2 if name_m else 0)
    content = content_m[1].strip() if content_m else ""
    outside = (first[: content_m.start()] if content_m else first) + "，" + added
    dates = [d for d in find_dates(outside, today) if d.day is not None]
    kind = next((t for word, t in ORG_TYPES if word in name), "自然人")
    more = _CONTENT.search(added)
    if not content and (more or (added.strip() and not dates and _channel(added) is None)):
        content = more[1].strip() if more else added.strip()
    return Registration(
        received=dates[0].day if dates else None, channel=_channel(outside), applicant_type=kind,
        name=name, content=content, assumption=dates[0].assumption if dates else None,
    )


def parse_event(text: str, today: date) -> tuple[int, Event] | None:
    m = _EVENT.match(text)
    if not m or _QUESTION.search(text):  # "28号收到补正，哪天到期？" is a deadline question about a date
        return None
    rest = m[2]
    kind = next((k for k, words in EVENT_WORDS if any(w in rest for w in words)), None)
    if kind is None:
        return None
    dates = [d.day for d in find_dates(rest, today) if d.day is not None]
    person = _PERSON.search(rest)
    return int(m[1]), Event(kind=kind, day=dates[0] if dates else today, person=person[1] if person else None)


def _app_line(app: dict[str, Any]) -> str:
    nxt = app.get("next_due") or app.get("current_due") or "—"
    return (f"#{app['id']} {app['received']}收到，{app['applicant'] or app['applicant_type']}："
            f"{app['content'][:30]}（{app['status_label']}，下一个期限 {nxt}）")


class RegisterDesk:
    """The register's chat entry; built with the database the channel uses."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def respond(self, turn: Turn) -> Reply | None:
        today = turn.today or clock.today()
        text = turn.text.strip()
        try:
            if _REGISTER.match(text) or self._continues(turn):
                return self._register(self._joined(turn), turn, today)
            if text in ("我的待办", "待办", "我的待办事项"):
                return self._list(listing(self.db, today=today, handler=turn.user_id), "您的待办申请", today)
            if text in ("本周到期", "这周到期", "本周到期的申请"):
                sunday = today + timedelta(days=6 - today.weekday())
                items = listing(self.db, today=today, due_within=(sunday - today).days)
                return self._list(items, f"本周（至{sunday.isoformat()}）到期的申请", today)
            notice = _NOTICE.match(text)
            if notice is not None and not _QUESTION.search(text):
                return self._notice(int(notice[1]), notice[2], today)
            parsed = parse_event(text, today)
            if parsed is not None:
                return self._event(*parsed, today)
        except GongkaiError as exc:
            return Reply(text=exc.user_message, tool="register", data={"error": type(exc).__name__})
        return None

    def _continues(self, turn: Turn) -> bool:
        last = turn.history[-1] if turn.history else None
        return last is not None and last.role == "assistant" and last.text.startswith(ASK_MARK)

    def _joined(self, turn: Turn) -> str:
        if not self._continues(turn):
            return turn.text
        earlier = [m.text for m in turn.history if m.role == "user"]
        return (earlier[-1] if earlier else "") + "，" + ASK_MARK + turn.text

    def _register(self, text: str, turn: Turn, today: date) -> Reply:
        body = _REGISTER.match(text)
        reg = parse_registration(body[1] if body else text, today)
        missing = reg.missing()
        if missing:
            return Reply(text=f"{ASK_MARK}：{'、'.join(missing)}。请补充，例如：11月20日 网上 申请公开2025年县道养护合同。",
                         tool="register", data={"missing": missing})
        assert reg.received and reg.channel and reg.applicant_type
        app = register(self.db, received=reg.received, channel=reg.channel, applicant_type=reg.applicant_type,
                       content=reg.content, applicant_name=reg.name, handler=turn.user_id, today=today)
        lines = [f"已登记 #{app['id']}：{app['received']}收到（{rules()['channels'][reg.channel]['label']}），"
                 f"申请人 {app['applicant'] or reg.applicant_type}（{reg.applicant_type}），承办人 {turn.user_id}。",
                 f"申请内容：{app['content']}",
                 f"补正告知截止日：{app['correction_notice_due']}；**答复截止日：{app['due']}**；"
                 f"延期后截止日：{app['extended_due']}。"]
        if reg.assumption:
            lines.insert(0, f"（{reg.assumption}）")
        if app["provisional"]:
            lines.append("⚠ 期限跨入尚未公布放假安排的年份，按放假办法推算，仅供参考。")
        return Reply(text="\n".join(lines), tool="register", data=app)

    def _list(self, items: list[dict[str, Any]], title: str, today: date) -> Reply:
        if not items:
            return Reply(text=f"{title}：没有。", tool="register", data={"items": []})
        lines = [f"{title}（{len(items)}件）："] + [_app_line(a) for a in items]
        return Reply(text="\n".join(lines), tool="register", data={"items": items})

    def _event(self, app_id: int, event: Event, today: date) -> Reply:
        if event.kind == "extend" and not event.person:
            raise BadInput(f"延期须经工作机构负责人同意。请说明负责人，例如：{app_id}号延期，李主任同意。")
        app = record_event(self.db, app_id, event, today=today)
        label = next(e["label"] for e in app["events"][::-1] if e["kind"] == event.kind)
        due = app["current_due"] or "—"
        text = (f"已记录 #{app_id}：{event.day.isoformat()} {label}。当前状态：{app['status_label']}；"
                f"答复截止日 {app['due']}，延期后截止日 {app['extended_due']}；现在应在 {due} 前答复。")
        return Reply(text=text, tool="register", data=app)

    def _notice(self, app_id: int, rest: str, today: date) -> Reply:
        """"3号不予公开告知书 第十四条": the .docx travels in ``data["file"]`` (the WeCom worker sends it as a file)."""
        import base64
        import io

        from assistant.register import notice_facts
        from tools.notices import GROUP_OF, compose, notice_types, type_for_outcome, write_docx

        facts = notice_facts(self.db, app_id)
        kind = next((t for t in sorted(notice_types(), key=len, reverse=True) if t in rest), None)
        tail = re.split(r"告知书|通知|函", rest, maxsplit=1)[-1].strip(" ：:，,。")
        if kind is None:
            if facts.outcome is None:
                raise BadInput(f"请说明告知书类型，例如：{app_id}号不予公开告知书 第十四条；或先登记答复。")
            kind = type_for_outcome(facts.outcome)
        reason = tail or None
        if reason is None and facts.outcome and kind in GROUP_OF and type_for_outcome(facts.outcome) == kind:
            reason = facts.outcome
        notice = compose(kind, facts, day=today, reason=reason)
        buf = io.BytesIO()
        write_docx(notice, buf)
        name = f"告知书-{app_id}-{kind}.docx"
        text = f"已生成 #{app_id} 的{kind}（{notice.number}），请核对页脚的起草提示后定稿。"
        return Reply(text=text, tool="notice", data={
            "notice": kind, "number": notice.number,
            "file": {"filename": name, "docx_base64": base64.b64encode(buf.getvalue()).decode()},
        })
