"""Logging set-up with a last-line privacy guard.

Code logs ids and lengths, never user text; this filter is the net under that rule: whatever reaches
a handler has ID numbers, phones, bank cards and the like masked by ``tools.pii.mask_text`` first.
"""

from __future__ import annotations

import logging
import sys

from tools.pii import mask_text


class MaskPersonalData(logging.Filter):
    """Rewrites each record's message with personal data masked (and drops exception locals' text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not kill logging
            message = str(record.msg)
        record.msg = mask_text(message)
        record.args = None
        return True


def configure_logging(level: str = "WARNING") -> None:
    """Root handler on stderr with the privacy filter; idempotent."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    for handler in root.handlers:
        if any(isinstance(f, MaskPersonalData) for f in handler.filters):
            return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskPersonalData())
    root.addHandler(handler)


def guard_handlers(*logger_names: str) -> None:
    """Add the privacy filter to the handlers of other loggers (uvicorn configures its own)."""
    for name in logger_names:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, MaskPersonalData) for f in handler.filters):
                handler.addFilter(MaskPersonalData())
