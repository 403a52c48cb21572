"""The ``Finding`` record shared by the personal-data detectors, and the shape-keeping mask."""

from __future__ import annotations

from dataclasses import dataclass

CHECK_FAILED = "校验位不符"  # flag: an ID/card-shaped number in an ID/account context whose check digit is wrong
# what a drafter reads for each finding type (CLI summary, 公开属性 reasons)
TYPE_NAMES = {"id_card": "身份证号", "mobile": "手机号", "landline": "固定电话", "bank_card": "银行卡号",
              "credit_code": "统一社会信用代码", "address": "详细住址", "plate": "车牌号", "email": "电子邮箱",
              "name": "姓名", "im_account": "QQ号/微信号", "passport": "护照/通行证号码"}


@dataclass(frozen=True)
class Finding:
    """One piece of personal (or organisation / office) data found in a text.

    ``private`` is False for data that is reported but never masked (统一社会信用代码, an office's
    published phone or mailbox). ``flags`` carries evidence notes such as 校验位不符. ``masked`` has
    the same length as ``text``, so a redacted text keeps every other character in place.
    """

    type: str
    text: str
    start: int
    end: int
    masked: str
    private: bool = True
    flags: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"type": self.type, "text": self.text, "start": self.start, "end": self.end,
                "masked": self.masked, "private": self.private, "flags": list(self.flags)}


def keep_ends(value: str, head: int, tail: int) -> str:
    """Mask every digit/letter between the first ``head`` and the last ``tail`` of them, keeping separators."""
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    hidden = set(positions[head: len(positions) - tail])
    masked = "".join("*" if i in hidden else ch for i, ch in enumerate(value))
    if masked == value:  # too short to keep both ends: hide it all rather than leave it readable
        masked = "".join("*" if ch.isalnum() else ch for ch in value)
    return masked
