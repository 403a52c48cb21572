"""Check-digit algorithms for Chinese identifiers: GB 11643 (身份证), Luhn (bank cards), GB 32100 (信用代码)."""

from __future__ import annotations

from datetime import date

from knowledge.clock import today

_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
_ID_CHECK = "10X98765432"  # index = weighted sum mod 11

# GB 32100-2015: 31 characters (no I, O, Z, S, V) and the position weights 3^i mod 31.
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


def id_check_char(first17: str) -> str:
    """The GB 11643-1999 check character (0-9 or X) for the first 17 digits of a 身份证号."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def valid_id18(number: str) -> bool:
    """True when an 18-character 身份证号 has 17 digits and the right check character (X allowed)."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    return id_check_char(number[:17]) == number[17].upper()


def plausible_birth(yyyymmdd: str, *, latest: date | None = None) -> bool:
    """True when the digits form a real date between 1900-01-01 and ``latest`` (default today)."""
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= (latest or today())


def luhn_valid(number: str) -> bool:
    """True when a digit string passes the Luhn (mod 10) check used by bank cards."""
    if not number.isdigit() or len(number) < 2:
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_check_digit(partial: str) -> str:
    """The digit that makes ``partial + digit`` Luhn-valid."""
    for d in "0123456789":
        if luhn_valid(partial + d):
            return d
    raise ValueError("unreachable")  # one of ten digits always completes a Luhn number


def credit_check_char(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a 统一社会信用代码."""
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def valid_credit_code(code: str) -> bool:
    """True when an 18-character 统一社会信用代码 uses the GB 32100 alphabet and its check character is right."""
    code = code.upper()
    if len(code) != 18 or any(c not in CREDIT_CHARSET for c in code):
        return False
    if not code[2:8].isdigit():  # positions 3-8 are the administrative division code
        return False
    return credit_check_char(code[:17]) == code[17]
