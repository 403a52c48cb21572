"""Logging set-up with a last-line privacy guard.

Code logs ids and lengths, never user text; this filter is the net under that rule: whatever reaches
a handler has ID numbers, phones, bank cards and the like masked by ``tools.pii.mask_text`` first.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

# Secrets that libraries put into URLs and headers they log at DEBUG (urllib3 logs every request
# line: /cgi-bin/gettoken?corpid=…&corpsecret=…, /cgi-bin/message/send?access_token=…).
_SECRET = re.compile(
    r"(?<![A-Za-z0-9_])((?:access_token|corpsecret|secret|api_key|apikey|token|password|passwd|code|echostr|msg_signature)=)"
    r"[^&\s'\"]+",
    re.IGNORECASE,
)
_BEARER = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+")


# What personal data needs in a log line: a run of 7+ digits (IDs, cards, phones, also written with
# up to three spaces, dots or hyphens between digits: wider than any form tools.pii reads), an @ (e-mail) or a non-ASCII character (names, addresses, plates, full-width
# digits). A line with none of them (an access line, "turn done id=12 kind=text") skips mask_text,
# which costs 1-2 ms of the event loop's CPU per line: at INFO that was one access line per ack.
_MAYBE_PERSONAL = re.compile(r"\d(?:[ \t./-]{0,3}\d){6,}|@|[^\x00-\x7f]")


def scrub(text: str) -> str:
    """Personal data masked, secrets in URLs and Authorization headers replaced by ***."""
    text = _BEARER.sub(r"\1***", _SECRET.sub(r"\1***", text))
    if not _MAYBE_PERSONAL.search(text):
        return text
    from tools.pii import mask_text  # ~0.1 s to import: a plain CLI command that logs nothing never needs it

    return mask_text(text)


class MaskPersonalData(logging.Filter):
    """Rewrites each record's message (and its traceback) with personal data and secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not kill logging
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:  # an exception's text may quote input
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class StripQuery(logging.Filter):
    """uvicorn's access line without the query string (where ids, phones and signatures travel)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path = args[2].split("?", 1)[0]
            record.args = (*args[:2], path, *args[3:])
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


def uvicorn_log_config(level: str) -> dict[str, Any]:
    """uvicorn's loggers through the same privacy filter; access lines without query strings."""
    import tools.pii  # noqa: F401  # a server loads the masker now, not in the event loop on its first personal line
    filters = {"privacy": {"()": MaskPersonalData}, "no_query": {"()": StripQuery}}
    fmt = {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": filters,
        "formatters": {"plain": fmt},
        "handlers": {
            "default": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "plain",
                        "filters": ["privacy"]},
            "access": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "plain",
                       "filters": ["no_query", "privacy"]},
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": ["access"], "level": level.upper(), "propagate": False},
        },
    }
