"""Check-digit functions against known-valid and known-invalid vectors."""

from __future__ import annotations

import pytest

from tools.checksums import (
    credit_check_char,
    id_check_char,
    luhn_check_digit,
    luhn_valid,
    plausible_birth,
    valid_credit_code,
    valid_id18,
)

ID_CASES = [
    ("11010519491231002X", True),   # the GB 11643 standard's own example
    ("440524188001010014", True),
    ("532932198103130505", True),
    ("53292619490904597x", True),   # lower-case x accepted
    ("110105194912310021", False),  # wrong check digit
    ("532932198103130508", False),
    ("53292619490904597", False),   # 17 characters
    ("5329261949090459X7", False),  # X not in last place
]


@pytest.mark.parametrize(("number", "valid"), ID_CASES)
def test_id_card_check_digit(number: str, valid: bool) -> None:
    assert valid_id18(number) is valid


def test_id_check_char_gives_x_for_ten() -> None:
    assert id_check_char("11010519491231002") == "X"


LUHN_CASES = [
    ("4111111111111111", True),
    ("79927398713", True),
    ("6217009010928159015", True),
    ("6013824121547280", True),
    ("4111111111111112", False),
    ("6013824121547283", False),
    ("79927398710", False),
    ("12a4", False),
]


@pytest.mark.parametrize(("number", "valid"), LUHN_CASES)
def test_luhn(number: str, valid: bool) -> None:
    assert luhn_valid(number) is valid


def test_luhn_check_digit_completes_number() -> None:
    assert luhn_check_digit("7992739871") == "3"


CREDIT_CASES = [
    ("91350100M000100Y43", True),    # widely cited valid example
    ("91532930MA6DXX8K4G", True),
    ("125329308684335322", True),    # all digits, still valid
    ("1253293081RN5DW28B", True),
    ("1253293081RN5DW280", False),   # wrong check character
    ("92532930MA6K1BC48X", False),
    ("91532930MA6DXX8K4I", False),   # I is not in the GB 32100 alphabet
    ("91532930MA6DXX8K4", False),    # 17 characters
]


@pytest.mark.parametrize(("code", "valid"), CREDIT_CASES)
def test_credit_code(code: str, valid: bool) -> None:
    assert valid_credit_code(code) is valid


def test_credit_check_char() -> None:
    assert credit_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize(("digits", "ok"), [("19900101", True), ("20000229", True), ("19990229", False),
                                            ("18991231", False), ("19901301", False)])
def test_plausible_birth(digits: str, ok: bool) -> None:
    assert plausible_birth(digits) is ok
