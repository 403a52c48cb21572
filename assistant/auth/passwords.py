"""Password hashes under scrypt (memory-hard, stdlib): ``scrypt$log2n$r$p$salt$hash``."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from functools import lru_cache

from knowledge.errors import BadInput

_LOG2_N, _R, _P = 15, 8, 1  # 32 MiB and ~0.1 s per hash on one core
_MAXMEM = 64 * 1024 * 1024
MIN_LENGTH = 10
MAX_LENGTH = 256


def _derive(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=2**log2_n, r=r, p=p, maxmem=_MAXMEM, dklen=32)


def check_strength(password: str) -> None:
    """Length only (NIST 800-63B): at least 10 characters, not all the same one."""
    if len(password) < MIN_LENGTH:
        raise BadInput(f"密码太短：至少 {MIN_LENGTH} 个字符。")
    if len(password) > MAX_LENGTH:
        raise BadInput(f"密码太长：最多 {MAX_LENGTH} 个字符。")
    if len(set(password)) < 3:
        raise BadInput("密码过于简单，请换一个。")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _derive(password, salt, _LOG2_N, _R, _P)
    encoded = base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    return f"scrypt${_LOG2_N}${_R}${_P}${encoded[0]}${encoded[1]}"


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check; a malformed stored hash is a mismatch, never an exception."""
    try:
        scheme, log2_n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt" or len(password) > MAX_LENGTH:
            return False
        actual = _derive(password, base64.b64decode(salt), int(log2_n), int(r), int(p))
        return hmac.compare_digest(actual, base64.b64decode(digest))
    except (ValueError, binascii.Error):
        return False


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """Checked against when the account does not exist: same time either way, to prevent user enumeration."""
    return hash_password(secrets.token_urlsafe(16))
