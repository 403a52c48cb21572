"""The register as the CLI, chat and pages use it: storage in, derived dicts out (applicants masked)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from assistant.storage.apps import (
    add_application,
    add_event,
    all_applications,
    events_of,
    facts_of,
    get_application,
)
from assistant.storage.db import Database
from assistant.storage.models import Application
from knowledge.errors import BadInput
from tools.deadlines import parse_channel
from tools.notices import NoticeFacts
from tools.register import EVENT_LABELS, Event, Facts, check_event, derive, parse_applicant, resolve_outcome
from tools.register_report import Entry, annual_table

log = logging.getLogger(__name__)


def mask_name(name: str, applicant_type: str) -> str:
    """自然人: the surname and stars (张三 → 张*); an organisation's name is not personal data."""
    name = name.strip()
    if not name or applicant_type != "自然人":
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def _as_dict(app: Application, events: list[Event], today: date | None) -> dict[str, Any]:
    out = derive(facts_of(app), events, today=today).as_dict()
    out["applicant"] = mask_name(app.applicant_name, app.applicant_type)
    out["content"] = app.content
    out["agency"] = app.agency
    out["events"] = [
        {"kind": e.kind, "label": EVENT_LABELS[e.kind], "date": e.day.isoformat(), "outcome": e.outcome,
         "reason": e.reason, "person": e.person, "result": e.result, "after_review": e.after_review}
        for e in sorted(events, key=lambda e: e.day)
    ]
    return out


def register(
    db: Database, *, received: date, channel: str, applicant_type: str, content: str,
    applicant_name: str = "", handler: str = "", agency: str = "", today: date | None = None,
) -> dict[str, Any]:
    channel = parse_channel(channel)
    applicant_type = parse_applicant(applicant_type)
    if not content.strip():
        raise BadInput("请写明申请内容（--content）。")
    with db.session() as s:
        derive(Facts(0, received, channel, applicant_type), [])  # validates the date before anything is stored
        app = add_application(s, received=received, channel=channel, applicant_type=applicant_type,
                              content=content, applicant_name=applicant_name, handler=handler, agency=agency)
        out = _as_dict(app, [], today)
    log.info("application registered id=%s content_len=%d", out["id"], len(content))
    return out


def record_event(db: Database, app_id: int, event: Event, *, today: date | None = None) -> dict[str, Any]:
    if event.kind == "reply":
        event = Event(kind="reply", day=event.day, outcome=resolve_outcome(event.outcome or "", event.reason),
                      reason=event.reason, person=event.person, note=event.note)
    with db.session() as s:
        app = get_application(s, app_id)
        events = events_of(s, app_id)
        check_event(facts_of(app), events, event)
        derive(facts_of(app), [*events, event])  # the new dates must be computable
        add_event(s, app_id, event)
        out = _as_dict(app, [*events, event], today)
    log.info("application event id=%s kind=%s", app_id, event.kind)
    return out


def show(db: Database, app_id: int, *, today: date | None = None) -> dict[str, Any]:
    with db.session() as s:
        app = get_application(s, app_id)
        return _as_dict(app, events_of(s, app_id), today)


def listing(
    db: Database, *, today: date, due_within: int | None = None, handler: str | None = None,
    status: str | None = None, include_closed: bool = False,
) -> list[dict[str, Any]]:
    """Applications (open ones unless asked), by their next due date; ``due_within`` in calendar days."""
    with db.session() as s:
        items = [_as_dict(a, ev, today) for a, ev in all_applications(s)]
    out = []
    for it in items:
        if handler and it["handler"] != handler:
            continue
        if status and it["status"] != status:
            continue
        if not include_closed and it["status"] == "replied" and due_within is None and not status:
            continue
        nxt = min((d["date"] for d in it["pending_dues"]), default=None)
        it["next_due"] = nxt
        if due_within is not None and (nxt is None or (date.fromisoformat(nxt) - today).days > due_within):
            continue
        out.append(it)
    return sorted(out, key=lambda it: (it["next_due"] or "9999", it["id"]))


def annual(db: Database, year: int) -> dict[str, Any]:
    with db.session() as s:
        entries = []
        for app, events in all_applications(s):
            d = derive(facts_of(app), events)
            entries.append(Entry(id=app.id, received=app.received, applicant_type=app.applicant_type,
                                 replied=d.replied, outcome=d.outcome, events=tuple(events)))
    return annual_table(entries, year)


def import_rows(db: Database, rows: list[dict[str, Any]]) -> list[int]:
    """Store the rows of an imported 台账 in one transaction (all or nothing); returns the new ids."""
    ids = []
    with db.session() as s:
        for n, row in enumerate(rows, start=1):
            f = dict(row["facts"])
            try:
                f["channel"], f["applicant_type"] = parse_channel(f["channel"]), parse_applicant(f["applicant_type"])
                app = add_application(s, **f)
                events: list[Event] = []
                for e in row["events"]:
                    ev = Event(**e)
                    if ev.kind == "reply":
                        ev = Event(kind="reply", day=ev.day, outcome=resolve_outcome(ev.outcome or "", ev.reason),
                                   reason=ev.reason)
                    check_event(facts_of(app), events, ev)
                    add_event(s, app.id, ev)
                    events.append(ev)
                derive(facts_of(app), events)
            except BadInput as exc:
                raise BadInput(f"第{n}件申请：{exc.user_message}") from exc
            ids.append(app.id)
    log.info("register imported count=%d", len(ids))
    return ids


def notice_facts(db: Database, app_id: int) -> NoticeFacts:
    """The register's data a notice is filled from (the applicant's name in clear: it is addressed to them)."""
    with db.session() as s:
        app = get_application(s, app_id)
        events = events_of(s, app_id)
        d = derive(facts_of(app), events)
    ext = [e for e in events if e.kind == "extend"]
    reply = [e for e in events if e.kind == "reply"]
    return NoticeFacts(
        id=app.id, received=app.received, applicant=app.applicant_name, content=app.content,
        extended_due=d.extended_due if d.extended else None, fee_due=d.fee_due,
        person=(ext[-1].person or "") if ext else "", outcome=reply[-1].outcome if reply else None,
        reason=reply[-1].reason if reply else None,
    )
