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


def test_every_written_form_of_personal_data_is_masked_and_plain_lines_pass_unchanged() -> None:
    """scrub skips mask_text for lines that cannot hold personal data (an access line per ack at INFO);
    whatever mask_text would change must still be changed, in every form a log line may carry it."""
    from assistant.logs import scrub
    from tools.pii import mask_text

    forms = [ID_NUMBER, "110105 19491231 002X", "110105-19491231-002X", PHONE, "139 1234 6655", "139-1234-6655", "1391 2346 655",
             "１３９１２３４６６５５", "zhang.san@example.com", "云L12345"]
    for form in forms:
        for line in (form, f"GET /api/x?id={form} 200", f"id=7 text={form}", f"申请人{form}"):
            masked = mask_text(line)
            assert masked != line, line  # the battery holds only data mask_text recognises
            assert scrub(line) == masked, line
    for plain in ('127.0.0.1:55555 - "POST /wecom/callback HTTP/1.1" 200', "turn done id=123 kind=text reply_chars=205",
                  "send failed id=98765 attempt=3: errcode 45009"):
        assert scrub(plain) == plain == mask_text(plain)
