"""Repository functions of the 依申请公开 register (facts and events only; dates are derived)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.storage.db import utcnow
from assistant.storage.models import Application, ApplicationEvent, Reminder
from assistant.storage.records import mask
from knowledge.errors import NotFound
from tools.register import Event, Facts


def add_application(
    session: Session, *, received: date, channel: str, applicant_type: str, content: str,
    applicant_name: str = "", handler: str = "", agency: str = "",
) -> Application:
    now = utcnow()
    row = Application(
        received=received, channel=channel, applicant_type=applicant_type, content=mask(content),
        applicant_name=applicant_name.strip(), handler=handler.strip(), agency=agency.strip(),
        created_at=now, updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def get_application(session: Session, app_id: int) -> Application:
    row = session.get(Application, app_id)
    if row is None:
        raise NotFound(f"没有编号为 {app_id} 的申请。")
    return row


def add_event(session: Session, app_id: int, event: Event) -> ApplicationEvent:
    row = ApplicationEvent(
        application_id=app_id, kind=event.kind, day=event.day, outcome=event.outcome, reason=event.reason,
        person=event.person, result=event.result, after_review=event.after_review,
        note=mask(event.note) if event.note else None, created_at=utcnow(),
    )
    session.add(row)
    app = session.get(Application, app_id)
    if app is not None:
        app.updated_at = row.created_at
    session.flush()
    return row


def events_of(session: Session, app_id: int) -> list[Event]:
    rows = session.scalars(
        select(ApplicationEvent).where(ApplicationEvent.application_id == app_id).order_by(ApplicationEvent.id)
    )
    return [to_event(r) for r in rows]


def to_event(r: ApplicationEvent) -> Event:
    return Event(kind=r.kind, day=r.day, outcome=r.outcome, reason=r.reason, person=r.person, result=r.result,
                 after_review=bool(r.after_review), note=r.note)


def facts_of(app: Application) -> Facts:
    return Facts(id=app.id, received=app.received, channel=app.channel, applicant_type=app.applicant_type,
                 handler=app.handler)


def all_applications(session: Session) -> list[tuple[Application, list[Event]]]:
    apps = list(session.scalars(select(Application).order_by(Application.id)))
    by_app: dict[int, list[Event]] = {a.id: [] for a in apps}
    for r in session.scalars(select(ApplicationEvent).order_by(ApplicationEvent.id)):
        by_app.setdefault(r.application_id, []).append(to_event(r))
    return [(a, by_app[a.id]) for a in apps]


def claim_reminder(session: Session, *, key: str, app_id: int, to_user: str, day: date) -> bool:
    """Record a reminder once: False when its key is already there (another worker or an earlier run)."""
    if session.scalar(select(Reminder.id).where(Reminder.key == key)) is not None:
        return False
    session.add(Reminder(key=key, application_id=app_id, to_user=to_user, day=day, created_at=utcnow()))
    session.flush()
    return True
