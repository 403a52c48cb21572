"""The bot's encryption: wechatpy's AES primitives with receiveid ``""``, and the JSON envelope.

Callback mode [V 101033]: the same AES-256-CBC/PKCS#7-32 scheme as 自建应用, but the body is
``{"encrypt"}`` JSON and the receiveid trailer is the empty string. Media files are AES-256-CBC with
IV = the key's first 16 bytes and no length header: the key is the per-URL ``aeskey`` over the long
connection, the EncodingAESKey in callback mode. Signature, freshness and replay checks are those of
the 自建应用 channel (``connectors.wecom.crypto``).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import struct
import time
from collections.abc import Callable
from typing import Any

from wechatpy.crypto.cryptography import WeChatCipher
from wechatpy.enterprise.crypto import PrpCrypto

from connectors.wecom.crypto import Forbidden, Malformed, ReplayCache, Replayed, check_signed, signature

RECEIVE_ID = ""  # "企业内部智能机器人场景中，ReceiveId为\"\"" [V 101033]
_ERRORS = (KeyError, TypeError, IndexError, binascii.Error, ValueError, struct.error, UnicodeError, Exception)

__all__ = ["BotCrypto", "Forbidden", "Malformed", "Replayed", "decrypt_media"]


def aes_key(encoding_aes_key: str) -> bytes:
    key = base64.b64decode(encoding_aes_key + "=")
    if len(key) != 32:
        raise ValueError("EncodingAESKey must be 43 characters of base64")
    return key


def decrypt_media(data: bytes, key: bytes) -> bytes:
    """AES-256-CBC, IV = key[:16], PKCS#7 padding to 32-byte blocks (checked, not trusted)."""
    if not data or len(data) % 16:
        raise ValueError("ciphertext is not whole AES blocks")
    plain = WeChatCipher(key).decrypt(data)
    pad = plain[-1]
    if not 1 <= pad <= 32 or plain[-pad:] != bytes([pad]) * pad:
        raise ValueError("bad padding")
    return bytes(plain[:-pad])


def media_key(aeskey: str) -> bytes:
    """The per-URL ``aeskey`` of the long connection: base64 of 32 bytes (padding optional)."""
    key = base64.b64decode(aeskey + "=" * (-len(aeskey) % 4))
    if len(key) != 32:
        raise ValueError("aeskey is not 32 bytes")
    return key


class BotCrypto:
    def __init__(self, *, token: str, encoding_aes_key: str, clock: Callable[[], float] = time.time) -> None:
        self.key = aes_key(encoding_aes_key)
        self._prp = PrpCrypto(self.key)
        self._token = token
        self._clock = clock
        self.replays = ReplayCache()

    def _check(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
        check_signed(self._token, self._clock(), msg_signature, timestamp, nonce, encrypt)

    def _decrypt(self, encrypt: str) -> str:
        try:
            return str(self._prp.decrypt(encrypt, RECEIVE_ID))
        except _ERRORS as exc:  # wechatpy raises a bare Exception for a wrong receiveid
            raise Malformed(type(exc).__name__) from exc

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """GET verification: the decrypted echostr, returned as the plain body."""
        self._check(msg_signature, timestamp, nonce, echostr)
        return self._decrypt(echostr)

    def decrypt(self, body: bytes, msg_signature: str, timestamp: str, nonce: str) -> dict[str, Any]:
        """POST: check signature, freshness and replay; the decrypted JSON object."""
        try:
            encrypt = json.loads(body.decode("utf-8"))["encrypt"]
        except (ValueError, KeyError, TypeError, UnicodeError) as exc:
            raise Malformed(type(exc).__name__) from exc
        if not isinstance(encrypt, str) or not encrypt:
            raise Malformed("no encrypt")
        self._check(msg_signature, timestamp, nonce, encrypt)
        if self.replays.seen(f"{msg_signature}:{timestamp}:{nonce}", self._clock()):
            raise Replayed()
        try:
            doc = json.loads(self._decrypt(encrypt))
        except ValueError as exc:
            raise Malformed("decrypted body is not JSON") from exc
        if not isinstance(doc, dict):
            raise Malformed("decrypted body is not an object")
        return doc

    def release(self, msg_signature: str, timestamp: str, nonce: str) -> None:
        self.replays.forget(f"{msg_signature}:{timestamp}:{nonce}")

    def encrypt_reply(self, reply: dict[str, Any], nonce: str) -> dict[str, Any]:
        """The passive reply envelope [V 101033]: encrypt, msgsignature, timestamp (a number), nonce."""
        plain = json.dumps(reply, ensure_ascii=False)
        encrypt = self._prp.encrypt(plain, RECEIVE_ID)
        encrypt = encrypt.decode() if isinstance(encrypt, bytes) else str(encrypt)
        timestamp = int(self._clock())
        return {"encrypt": encrypt, "msgsignature": signature(self._token, str(timestamp), nonce, encrypt),
                "timestamp": timestamp, "nonce": nonce}


def random_nonce() -> str:
    return os.urandom(8).hex()
