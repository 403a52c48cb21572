"""The ``Finding`` record shared by the personal-data detectors, and the shape-keeping mask."""

from __future__ import annotations

from dataclasses import dataclass

CHECK_FAILED = "校验位不符"  # flag: an ID/card-shaped number in an ID/account context whose check digit is wrong


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
