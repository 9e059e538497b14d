"""Secrets PLC must read back (a district's OpenID client secret), encrypted at rest.

Fernet (AES-128-CBC with HMAC-SHA256, from the ``cryptography`` package). The key comes from
``PLC_SECRET_ENCRYPTION_KEY``: one or more Fernet keys, comma-separated; the first encrypts,
every one decrypts, so a key is rotated by putting the new one first and saving each district's
sign-in settings again. Without that setting, one key is derived from ``SECRET_KEY`` (HKDF
SHA-256 with a purpose label): simple for a single site, but changing ``SECRET_KEY`` then makes
the stored secrets unreadable (each district's secret must be entered again).
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

_PURPOSE = b"plc identity provider client secrets"


class SecretUnreadable(Exception):
    """The stored secret was encrypted with a key this site no longer has."""


def _box() -> MultiFernet:
    configured = current_app.config.get("SECRET_ENCRYPTION_KEY")
    if configured:
        keys = [Fernet(k.strip()) for k in configured.split(",") if k.strip()]
    else:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
            current_app.config["SECRET_KEY"].encode())
        keys = [Fernet(base64.urlsafe_b64encode(derived))]
    return MultiFernet(keys)


def encrypt(plain: str) -> str:
    return _box().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _box().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable("The stored secret cannot be decrypted with this site's key.") \
            from error
