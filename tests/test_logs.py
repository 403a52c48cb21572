"""Personal data never reaches a log handler, whatever a module logs."""

from __future__ import annotations

import io
import logging

from assistant.logs import MaskPersonalData

ID_NUMBER = "11010519491231002X"  # valid GB 11643 check digit
PHONE = "13912346655"


def test_filter_masks_id_numbers_and_phones_in_messages_and_args() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPersonalData())
    log = logging.getLogger("gongkai.test.privacy")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("申请人身份证 %s，电话 %s", ID_NUMBER, PHONE)
        log.warning(f"inline {PHONE}")
    finally:
        log.removeHandler(handler)
    out = stream.getvalue()
    assert ID_NUMBER not in out and PHONE not in out
    assert "139****6655" in out
    assert out.count("\n") == 2
