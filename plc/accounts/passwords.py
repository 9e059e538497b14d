"""argon2id password hashing; hashes made with older parameters are upgraded on sign-in."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 10
# A fixed hash to verify against when the account does not exist, so that a wrong e-mail
# and a wrong password take the same time.
_DUMMY_PASSWORD = "not-a-real-password"  # noqa: S105  # nosec B105 (hashed for timing only)


def hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    ph = hasher()
    if password_hash is None:
        ph.verify(ph.hash(_DUMMY_PASSWORD), _DUMMY_PASSWORD)  # same cost as a real check
        return False
    try:
        return ph.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
