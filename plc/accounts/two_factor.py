"""Two-factor sign-in: an authenticator app (TOTP, RFC 6238, by pyotp) and ten one-time
recovery codes.

Services flush and raise DomainError; the request commits once. The caller has checked
access: a person enrols and turns it off on their own account (signed in), and the code step
of signing in carries its own proof (the password, then the code).

- Enrolment: the page shows a new secret (as a QR code made here by segno, and as text); the
  secret travels in the form, signed and bound to the person, until a first valid code
  confirms it. Only then is it stored, with ten recovery codes (their SHA-256 only), shown once.
- A code is taken for the current 30-second step or one either side (clock drift), and only
  for a step later than the last one used: no code works twice, even from two workers at once
  (a conditional UPDATE decides). A recovery code is spent the same way.
- Wrong codes are counted in the database per person (``TOTP_MAX_FAILURES`` within
  ``TOTP_FAILURE_WINDOW_SECONDS``), so every worker refuses the next one; every wrong answer
  gets the same message.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import timedelta

import pyotp
import segno
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func, or_, select, update

from plc import config, permissions
from plc.accounts import passwords, queries, sessions
from plc.accounts.models import RecoveryCode, SecondFactorFailure, TotpFactor, User
from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.tokens import hash_token

ISSUER = "PLC"
STEP_SECONDS = 30
DRIFT_STEPS = 1  # one step either side: a phone's clock a little off still works
RECOVERY_CODES = 10
ENROLMENT_MAX_AGE = 30 * 60  # the page's secret must be confirmed within half an hour
GENERIC_CODE_ERROR = "That code does not work. Check the code and try again."
TOO_MANY_CODES = "Too many wrong codes. Please wait a few minutes and try again."
TOTP = "totp"
RECOVERY = "recovery"

_SIX_DIGITS = re.compile(r"[0-9]{6}")


class TooManyCodes(DomainError):
    pass


# --- who must have it ---------------------------------------------------------------------


def must_enrol(user: User) -> bool:
    """Signed in, required to have a second factor (by role), and without one yet."""
    return (user.is_authenticated and not user.has_second_factor
            and is_required(user))


def is_required(user: User) -> bool:
    required = config.required_roles(current_app.config["REQUIRE_TOTP_FOR"])
    return permissions.needs_second_factor(user, required)


# --- enrolment ----------------------------------------------------------------------------


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits, RFC 4226's recommendation


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=ISSUER)


def qr_code_data_uri(uri: str) -> str:
    """The QR code of ``uri`` as an SVG data URI (made here; nothing leaves the server)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="plc-totp-enrolment")


def enrolment_token(user: User, secret: str) -> str:
    return _signer().dumps({"user": user.id, "secret": secret})


def secret_from_enrolment(user: User, token: str | None) -> str | None:
    """The secret the enrolment page showed this person, if the form carries it untouched
    and not too old; else None."""
    try:
        found = _signer().loads(token or "", max_age=ENROLMENT_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(found, dict) or found.get("user") != user.id:
        return None
    return found.get("secret")


def enrol(user: User, secret: str, code: str) -> list[str]:
    """Turn two-factor sign-in on with ``secret`` once ``code`` proves the app has it; the
    person's other sessions end (they were signed in without it). Returns the recovery codes,
    the only time they exist in clear."""
    if queries.second_factor(user.id) is not None:
        raise DomainError(_("Two-factor sign-in is already on."))
    step = _matching_step(secret, normalize_code(code))
    if step is None:
        raise DomainError(_("That code does not match. Enter the code your app shows now."),
                          field="code")
    db.session.add(TotpFactor(user_id=user.id, secret=secret, last_used_step=step))
    codes = _new_recovery_codes(user)
    sessions.revoke_sessions(user, keep_current=True)
    db.session.flush()
    user.has_second_factor = True
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_token(normalize_code(c)))
                       for c in codes)
    return codes


def _recovery_code() -> str:
    # 80 bits: too many to try online (throttled) or against a stolen table of their SHA-256s.
    raw = secrets.token_hex(10)
    return "-".join(raw[i:i + 5] for i in range(0, 20, 5))


def normalize_code(text: str | None) -> str:
    """What was typed, without spaces or dashes, in lower case ("123 456", "AB12C-34DEF")."""
    return re.sub(r"[\s-]+", "", text or "").lower()


# --- the code step of signing in -------------------------------------------------------------


def check_throttle(user: User) -> None:
    cfg = current_app.config
    since = utcnow() - timedelta(seconds=cfg["TOTP_FAILURE_WINDOW_SECONDS"])
    failures = db.session.execute(
        select(func.count()).select_from(SecondFactorFailure)
        .where(SecondFactorFailure.user_id == user.id, SecondFactorFailure.created_at >= since)
    ).scalar_one()
    if failures >= cfg["TOTP_MAX_FAILURES"]:
        raise TooManyCodes(TOO_MANY_CODES)


def verify(user: User, code: str, address: str) -> str:
    """TOTP or RECOVERY, whichever ``code`` is and was good for; else the wrong answer is
    counted and DomainError (the same for every cause) is raised. Throttled first."""
    check_throttle(user)
    typed = normalize_code(code)
    factor = queries.second_factor(user.id)
    if user.active and factor is not None:
        if _SIX_DIGITS.fullmatch(typed):
            if _use_totp(factor, typed):
                return TOTP
        elif typed and _use_recovery_code(user, typed):
            return RECOVERY
    _record_failure(user, address)
    raise DomainError(GENERIC_CODE_ERROR, field="code")


def _matching_step(secret: str, code: str) -> int | None:
    if not _SIX_DIGITS.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    now = totp.timecode(utcnow())
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _use_totp(factor: TotpFactor, code: str) -> bool:
    step = _matching_step(factor.secret, code)
    if step is None:
        return False
    # Only one request can move the step forward: a code replayed, or sent twice at once to
    # two workers, finds it already there.
    taken = db.session.execute(
        update(TotpFactor)
        .where(TotpFactor.id == factor.id,
               or_(TotpFactor.last_used_step.is_(None), TotpFactor.last_used_step < step))
        .values(last_used_step=step)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


def _use_recovery_code(user: User, code: str) -> bool:
    spent = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == hash_token(code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return spent.rowcount == 1


def _record_failure(user: User, address: str) -> None:
    db.session.add(SecondFactorFailure(user_id=user.id, address=address[:64]))
    db.session.execute(
        delete(SecondFactorFailure)
        .where(SecondFactorFailure.created_at < utcnow() - timedelta(days=1))
    )


# --- turning it off -----------------------------------------------------------------------------


def disable(user: User, proof: str, address: str) -> None:
    """Turn two-factor sign-in off, given the password or a current code; refused while the
    person's role requires it. A wrong answer is counted like a wrong code at sign-in."""
    if is_required(user):
        raise DomainError(_("Your role requires two-factor sign-in: it stays on."))
    factor = queries.second_factor(user.id)
    if factor is None:
        return
    check_throttle(user)
    typed = normalize_code(proof)
    proven = ((_SIX_DIGITS.fullmatch(typed) is not None and _use_totp(factor, typed))
              or passwords.verify(user.password_hash, proof or ""))
    if not proven:
        _record_failure(user, address)
        raise DomainError(_("That is neither your password nor a current code."), field="proof")
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.delete(factor)
    db.session.flush()
    user.has_second_factor = False


def reset(user: User) -> bool:
    """For a person who lost their phone and their recovery codes (``flask plc
    reset-second-factor``, run by whoever runs the server): the second factor and the codes
    go, every session of theirs ends; they set it up again at their next sign-in if their
    role requires it. False if they had none."""
    factor = queries.second_factor(user.id)
    if factor is None:
        return False
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.delete(factor)
    sessions.revoke_sessions(user)
    db.session.flush()
    return True
