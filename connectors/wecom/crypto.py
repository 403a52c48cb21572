"""Callback verification around ``wechatpy.enterprise.crypto.WeChatCrypto``.

wechatpy compares signatures with ``!=`` and has no freshness check and no replay protection; this
wrapper adds all three. Every malformed input becomes ``Malformed`` (HTTP 400), every failed check
``Forbidden`` (403) and a replayed request ``Replayed`` (answered 200 "" without processing: the
same signed request can only carry a message that was already accepted).
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import struct
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from xml.parsers.expat import ExpatError

import xmltodict
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import InvalidSignatureException

MAX_SKEW_SECONDS = 300
_DECRYPT_ERRORS = (
    ExpatError, KeyError, TypeError, IndexError, binascii.Error, ValueError, struct.error,
    UnicodeError, InvalidCorpIdException, InvalidSignatureException,
)


class CallbackRejected(Exception):
    status = 400


class Malformed(CallbackRejected):
    status = 400


class Forbidden(CallbackRejected):
    status = 403


class Replayed(Exception):
    """The same msg_signature + timestamp + nonce was seen within the freshness window."""


def signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypt])).encode()).hexdigest()


def check_signed(token: str, now: float, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
    """Freshness, then the constant-time signature check; both callback channels (自建应用, 智能机器人) use it."""
    try:
        if not timestamp.isascii() or len(timestamp) > 12:  # a 400-digit "timestamp" overflows float
            raise ValueError(timestamp[:20])
        skew = abs(now - int(timestamp))
    except ValueError as exc:
        raise Forbidden("bad timestamp") from exc
    if skew > MAX_SKEW_SECONDS:
        raise Forbidden("stale timestamp")
    expected = signature(token, timestamp, nonce, encrypt)
    if not hmac.compare_digest(expected.encode(), msg_signature.encode("utf-8", "replace")):
        raise Forbidden("bad signature")


class ReplayCache:
    """Signatures seen in the last ``ttl`` seconds (bounded; older requests fail the freshness check)."""

    def __init__(self, ttl: float = MAX_SKEW_SECONDS * 2, max_items: int = 100_000) -> None:
        self.ttl, self.max_items = ttl, max_items
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def seen(self, key: str, now: float) -> bool:
        """True if ``key`` was already seen; otherwise remembers it."""
        with self._lock:
            while self._seen and (next(iter(self._seen.values())) < now - self.ttl or len(self._seen) > self.max_items):
                self._seen.popitem(last=False)
            if key in self._seen:
                return True
            self._seen[key] = now
            return False

    def forget(self, key: str) -> None:
        with self._lock:
            self._seen.pop(key, None)


class CallbackVerifier:
    def __init__(
        self, *, token: str, encoding_aes_key: str, corp_id: str, clock: Callable[[], float] = time.time
    ) -> None:
        try:
            self._crypto = WeChatCrypto(token, encoding_aes_key, corp_id)
        except (AssertionError, binascii.Error, ValueError) as exc:
            raise ValueError("EncodingAESKey must be 43 characters of base64") from exc
        self._token = token
        self._clock = clock
        self.replays = ReplayCache()

    def _check(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
        check_signed(self._token, self._clock(), msg_signature, timestamp, nonce, encrypt)

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """GET verification: the decrypted echostr, to be returned as the plain body."""
        self._check(msg_signature, timestamp, nonce, echostr)
        try:
            return str(self._crypto.check_signature(msg_signature, timestamp, nonce, echostr))
        except _DECRYPT_ERRORS as exc:
            raise Malformed(type(exc).__name__) from exc

    def release(self, msg_signature: str, timestamp: str, nonce: str) -> None:
        """Forget a request that was not safely recorded, so WeCom's identical retry is processed."""
        self.replays.forget(f"{msg_signature}:{timestamp}:{nonce}")

    def decrypt(self, body: bytes, msg_signature: str, timestamp: str, nonce: str) -> str:
        """POST: check signature, freshness and replay, then return the decrypted XML."""
        encrypt = _outer_encrypt(body)
        self._check(msg_signature, timestamp, nonce, encrypt)
        if self.replays.seen(f"{msg_signature}:{timestamp}:{nonce}", self._clock()):
            raise Replayed()
        try:
            return str(self._crypto.decrypt_message({"Encrypt": encrypt}, msg_signature, timestamp, nonce))
        except _DECRYPT_ERRORS as exc:
            raise Malformed(type(exc).__name__) from exc


def _outer_encrypt(body: bytes) -> str:
    """The <Encrypt> field of the outer XML; xmltodict>=1.0.1 rejects entities (billion laughs, XXE)."""
    try:
        doc = xmltodict.parse(body.decode("utf-8"), disable_entities=True)
        encrypt = doc["xml"]["Encrypt"]
    except (ExpatError, KeyError, TypeError, ValueError, UnicodeError) as exc:
        raise Malformed(type(exc).__name__) from exc
    if not isinstance(encrypt, str) or not encrypt:
        raise Malformed("no Encrypt")
    return encrypt


def parse_xml(text: str) -> dict[str, object]:
    """The decrypted message XML as a dict (raises Malformed)."""
    try:
        doc = xmltodict.parse(text, disable_entities=True)["xml"]
    except (ExpatError, KeyError, TypeError, ValueError) as exc:
        raise Malformed(type(exc).__name__) from exc
    if not isinstance(doc, dict):
        raise Malformed("empty xml")
    return doc
