"""The improvement loop for administrators: the gaps list, the clauses an answer may cite, approving an
answer (validated: it must cite a clause that exists), and the question bank as rows for export/import.

Used by the admin page (``connectors/web/gaps.py``) and ``gongkai bank``; the database holds the
approved layer, the package holds the built-in bank.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from assistant.settings import Settings
from knowledge.errors import BadInput, NotFound
from knowledge.types import Chunk

MAX_ANSWER_CHARS = 2000
MAX_QUESTIONS = 30
MAX_QUESTION_CHARS = 200


def index_clauses(settings: Settings, db: Any = None) -> list[Chunk]:
    """The clauses answers can cite now: plan paragraphs, digest rules and the ingested documents in force."""
    from assistant.factory import build_store
    from knowledge.doc_kinds import CURRENT
    from knowledge.index import ensure_builtin

    store = build_store(settings, db)
    ensure_builtin(store)
    current = {d.doc_id for d in store.documents() if d.status == CURRENT}
    return [c for c in store.chunks() if c.metadata.get("kind") != "question" and c.doc_id in current]


class ClauseCatalog:
    """The clauses, tokenised once per chunk-store generation, searchable by the words of a question."""

    def __init__(self, settings: Settings, db: Any) -> None:
        self.settings, self.db = settings, db
        self._lock = threading.Lock()
        self._key: object = object()
        self._clauses: list[Chunk] = []
        self._tokens: list[set[str]] = []

    def clauses(self) -> list[Chunk]:
        from assistant.factory import build_store
        from knowledge.tokenizer import default_tokenizer

        with self._lock:
            key = build_store(self.settings, self.db).generation
            if key != self._key or not self._clauses:
                self._clauses = index_clauses(self.settings, self.db)
                tokenizer = default_tokenizer()
                self._tokens = [set(tokenizer.tokens(f"{c.section} {c.text}")) for c in self._clauses]
                self._key = build_store(self.settings, self.db).generation
            return self._clauses

    def search(self, query: str, k: int = 8) -> list[Chunk]:
        """Clauses sharing the most words with ``query`` (all of them in order when it is empty)."""
        from knowledge.tokenizer import default_tokenizer

        clauses = self.clauses()
        if not query.strip():
            return clauses[:k]
        asked = set(default_tokenizer().tokens(query))
        scored = sorted(range(len(clauses)), key=lambda i: -len(asked & self._tokens[i]))
        return [clauses[i] for i in scored[:k] if asked & self._tokens[i]]

    def get(self, chunk_id: str) -> Chunk:
        found = next((c for c in self.clauses() if c.id == chunk_id), None)
        if found is None:
            raise BadInput("所选依据条款不存在（可能所在文件已被移除或废止），请重新选择。")
        return found


def clause_dict(c: Chunk) -> dict[str, str]:
    return {"id": c.id, "title": c.title, "section": c.section, "text": c.text[:400]}


@dataclass(frozen=True)
class Draft:
    """An answer as the administrator (or a spreadsheet row) wrote it, before validation."""

    questions: list[str]
    answer: str
    entry_id: str = ""
    anchor: str = ""


def clean_questions(raw: list[str]) -> list[str]:
    out = list(dict.fromkeys(q.strip() for q in raw if q and q.strip()))
    if not out:
        raise BadInput("请至少填写一个问题。")
    if len(out) > MAX_QUESTIONS or any(len(q) > MAX_QUESTION_CHARS for q in out):
        raise BadInput(f"问题最多 {MAX_QUESTIONS} 个，每个不超过 {MAX_QUESTION_CHARS} 字。")
    return out


def clean_answer(raw: str) -> str:
    answer = " ".join(raw.split())
    if not answer:
        raise BadInput("请填写审定的回答。")
    if len(answer) > MAX_ANSWER_CHARS:
        raise BadInput(f"回答不超过 {MAX_ANSWER_CHARS} 字。")
    return answer


def approve(db: Any, clause: Chunk, draft: Draft, *, created_by: str, source: str = "admin",
            resolves: str = "") -> dict[str, Any]:
    """Store the approved answer (cites ``clause``) and mark the gaps of ``resolves`` (a norm) resolved."""
    from assistant.storage.loop import resolve_gaps, save_approved

    questions, answer = clean_questions(draft.questions), clean_answer(draft.answer)
    if draft.anchor and draft.anchor not in clause.text:
        raise BadInput(f"定位词“{draft.anchor}”不在所选条款中。")
    with db.session() as s:
        row = save_approved(s, entry_id=draft.entry_id, questions=questions, answer=answer, chunk_id=clause.id,
                            title=clause.title, section=clause.section, anchor=draft.anchor, source=source,
                            created_by=created_by)
        resolved = resolve_gaps(s, norm=resolves, approved_id=row.id) if resolves else 0
        return {"id": row.entry_id, "questions": questions, "answer": answer, "title": clause.title,
                "section": clause.section, "resolved": resolved}


def gap_listing(db: Any, *, kind: str | None, resolved: bool) -> list[dict[str, Any]]:
    from assistant.loop import GAP_KINDS
    from assistant.storage.loop import gap_groups

    if kind and kind not in GAP_KINDS:
        raise BadInput("类型应为 refused、weak、down 或 feedback。")
    with db.session() as s:
        groups = gap_groups(s, kind=kind or None, resolved=resolved)
    return [{"norm": g.norm, "question": g.question, "count": g.count, "kinds": g.kinds,
             "labels": {k: GAP_KINDS[k] for k in g.kinds if k in GAP_KINDS},
             "first": g.first.isoformat(timespec="minutes"), "last": g.last.isoformat(timespec="minutes"),
             "notes": list(g.notes), "resolved": g.resolved} for g in groups]


def approved_listing(db: Any) -> list[dict[str, Any]]:
    from assistant.storage.loop import list_approved

    with db.session() as s:
        return [{"id": r.entry_id, "questions": r.questions.splitlines(), "answer": r.answer, "title": r.title,
                 "section": r.section, "source": r.source, "updated": r.updated_at.isoformat(timespec="minutes")}
                for r in list_approved(s)]


def remove_approved(db: Any, entry_id: str) -> None:
    from assistant.storage.loop import delete_approved

    with db.session() as s:
        if not delete_approved(s, entry_id=entry_id):
            raise NotFound(f"没有编号为 {entry_id} 的审定回答。")
