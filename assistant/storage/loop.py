"""Repository functions of the improvement loop: gaps (masked), their groups, and approved answers.

``record_note`` is the one write every channel uses for feedback and gaps. Writes take keyword-only
arguments; question and feedback texts are masked with ``tools.pii`` before they are written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from assistant.loop import Note, normalise
from assistant.storage.db import utcnow
from assistant.storage.models import ApprovedAnswer, Gap
from assistant.storage.records import mask, record_feedback

QUESTION_CHARS = 500  # a gap keeps the question, not a pasted document


def record_note(session: Session, note: Note | None, *, user_id: str, channel: str) -> None:
    """Store what a turn left: its feedback row and its gap (both masked). None: nothing to store."""
    if note is None:
        return
    if note.feedback is not None:
        record_feedback(session, user_id=user_id, kind=note.feedback[0], text=note.feedback[1])
    if note.gap is not None:
        kind, question = note.gap
        masked = mask(question.strip()[:QUESTION_CHARS])
        comment = mask(note.feedback[1][:QUESTION_CHARS]) if note.feedback and note.feedback[0] == "text" else ""
        if not masked and not comment:
            return
        session.add(Gap(kind=kind, channel=channel[:16], question=masked, norm=normalise(masked or comment),
                        note=comment, created_at=utcnow()))


@dataclass(frozen=True)
class GapGroup:
    """The gaps of one normalised question."""

    norm: str
    question: str  # the latest wording
    kinds: dict[str, int]
    count: int
    first: datetime
    last: datetime
    notes: tuple[str, ...]
    resolved: bool
    approved_id: int | None


def gap_groups(session: Session, *, kind: str | None = None, resolved: bool = False, limit: int = 200) -> list[GapGroup]:
    """Gaps grouped by normalised question, most asked first (then latest); open ones unless ``resolved``."""
    query = select(Gap).order_by(Gap.id)
    query = query.where(Gap.resolved_at.is_not(None) if resolved else Gap.resolved_at.is_(None))
    rows = list(session.scalars(query))
    wanted = {r.norm for r in rows if kind is None or r.kind == kind}
    groups: dict[str, list[Gap]] = {}
    for row in rows:
        if row.norm in wanted:
            groups.setdefault(row.norm, []).append(row)
    out = [_group(norm, items) for norm, items in groups.items()]
    out.sort(key=lambda g: (-g.count, -g.last.timestamp()))
    return out[:limit]


def _group(norm: str, rows: list[Gap]) -> GapGroup:
    kinds: dict[str, int] = {}
    for r in rows:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    asked = [r.question for r in rows if r.question]
    return GapGroup(norm=norm, question=asked[-1] if asked else "", kinds=kinds, count=len(rows),
                    first=min(r.created_at for r in rows), last=max(r.created_at for r in rows),
                    notes=tuple(dict.fromkeys(r.note for r in rows if r.note))[-5:],
                    resolved=all(r.resolved_at is not None for r in rows), approved_id=rows[-1].approved_id)


def resolve_gaps(session: Session, *, norm: str, approved_id: int | None) -> int:
    """Mark every open gap of this normalised question resolved (by ``approved_id``). Returns how many."""
    result = session.execute(update(Gap).where(Gap.norm == norm, Gap.resolved_at.is_(None))
                             .values(resolved_at=utcnow(), approved_id=approved_id))
    return int(getattr(result, "rowcount", 0) or 0)


def save_approved(session: Session, *, entry_id: str, questions: list[str], answer: str, chunk_id: str,
                  title: str, section: str, anchor: str = "", source: str = "admin",
                  created_by: str = "") -> ApprovedAnswer:
    """Insert, or replace the entry of the same ``entry_id`` (empty: a new ``approved-N``)."""
    now = utcnow()
    row = session.scalar(select(ApprovedAnswer).where(ApprovedAnswer.entry_id == entry_id)) if entry_id else None
    if row is None:
        row = ApprovedAnswer(entry_id=entry_id or f"new-{now.timestamp()}", created_at=now, created_by=created_by[:128])
        session.add(row)
    row.questions, row.answer = "\n".join(questions), answer
    row.chunk_id, row.title, row.section, row.anchor = chunk_id, title[:200], section[:100], anchor[:200]
    row.source, row.updated_at = source, now
    session.flush()
    if not entry_id:
        row.entry_id = f"approved-{row.id}"
    return row


def list_approved(session: Session) -> list[ApprovedAnswer]:
    return list(session.scalars(select(ApprovedAnswer).order_by(ApprovedAnswer.id)))


def delete_approved(session: Session, *, entry_id: str) -> bool:
    row = session.scalar(select(ApprovedAnswer).where(ApprovedAnswer.entry_id == entry_id))
    if row is None:
        return False
    session.delete(row)
    return True


def approved_generation(session: Session) -> tuple[int, int, str]:
    """Changes whenever an approved answer is added, edited or removed (cheap: one aggregate query)."""
    count, top, latest = session.execute(
        select(func.count(ApprovedAnswer.id), func.max(ApprovedAnswer.id), func.max(ApprovedAnswer.updated_at))
    ).one()
    return int(count or 0), int(top or 0), str(latest or "")
