"""The redacted copy of a .docx sent in WeCom: the same document with its personal data masked."""

from __future__ import annotations

import logging
from pathlib import PurePath

from knowledge.errors import GongkaiError
from tools.docx_redact import read_docx, redact_docx

log = logging.getLogger(__name__)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def redacted_copy(filename: str, data: bytes, *, max_bytes: int) -> tuple[str, bytes] | None:
    """(name, bytes) of the redacted .docx, or None when it is not a readable .docx or has nothing to mask."""
    path = PurePath(filename)
    if path.suffix.lower() != ".docx":
        return None
    try:
        doc = read_docx(filename, data, max_bytes=max_bytes)
    except GongkaiError as exc:  # the suggestion already told the user what is wrong with the file
        log.info("no redacted copy: %s", type(exc).__name__)
        return None
    findings = doc.findings()
    masked = sum(1 for f in findings if f.private)
    if not masked:
        return None
    log.info("redacted copy: %d findings masked, %d bytes in", masked, len(data))
    return f"{path.stem}-删减.docx", redact_docx(doc, findings)
