from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plc.db import utcnow
from plc.extensions import db

if TYPE_CHECKING:
    from plc.orgs.models import Organization

NOTIFY_EACH = "each"
NOTIFY_DIGEST = "digest"
NOTIFY_NONE = "none"
NOTIFY_CHOICES = [
    (NOTIFY_EACH, "E-mail me about each event"),
    (NOTIFY_DIGEST, "A daily digest e-mail"),
    (NOTIFY_NONE, "No e-mail (only on the site)"),
]


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    # None until the person accepts their invitation and chooses a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id"), index=True
    )
    time_zone: Mapped[str] = mapped_column(String(64), default="America/New_York")
    notify: Mapped[str] = mapped_column(String(10), default=NOTIFY_EACH)
    # The language of the site for this person ("en", "es"); None: the browser's (plc/i18n.py).
    language: Mapped[str | None] = mapped_column(String(8))
    is_site_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deactivated_at: Mapped[datetime | None]
    # When the person accepted their invitation by signing in through their district (they
    # may have no password at all: plc/accounts/services.py:sign_in_with_district).
    joined_by_district_at: Mapped[datetime | None]

    organization: Mapped[Organization | None] = relationship(lazy="raise_on_sql")

    # Set by the login machinery (plc/accounts/sessions.py:load_user) for the request's user:
    # the key and id of the server-side session it runs in, and whether the person has a
    # second factor. Plain attributes, not columns.
    session_key = None
    session_id = None
    has_second_factor = False

    # --- Flask-Login protocol -------------------------------------------------------
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        # The id Flask-Login stores in the cookie is the server-side session key, not the
        # user id: revoking the session row ends every copy of the cookie.
        return self.session_key

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    @property
    def has_joined(self) -> bool:
        """Accepted an invitation: chose a password, or signed in through the district."""
        return self.password_hash is not None or self.joined_by_district_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserSession(db.Model):
    """A signed-in browser. The cookie holds a random key; only its SHA-256 is stored."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    # Stamped at most once every SESSION_SEEN_INTERVAL_SECONDS (plc/accounts/sessions.py).
    last_seen_at: Mapped[datetime | None] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="raise_on_sql")


class LoginFailure(db.Model):
    """One failed sign-in. Counted per e-mail and per address over a short window."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class PasswordReset(db.Model):
    """A single-use password reset link; only the SHA-256 of its token is stored."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="raise_on_sql")


class TotpFactor(db.Model):
    """A person's second factor: an RFC 6238 authenticator app, confirmed by a first code.

    ``last_used_step`` is the 30-second time step of the last code accepted: a code is taken
    only for a later step, so that no code works twice (plc/accounts/two_factor.py).
    """

    __tablename__ = "totp_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         unique=True)
    secret: Mapped[str] = mapped_column(String(64))
    last_used_step: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecoveryCode(db.Model):
    """One of the ten one-time codes given at enrolment; only its SHA-256 is stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class SecondFactorFailure(db.Model):
    """One wrong code at the second step (or when turning it off). Counted per person over a
    window, in the database, so that every worker sees them."""

    __tablename__ = "second_factor_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class IdentityLink(db.Model):
    """A person's account at a district's identity provider: the provider's issuer and its
    subject id (``sub``), linked on the first sign-in through that provider and used from then
    on, so that a changed e-mail address at the district neither locks anyone out nor lets
    anyone else in."""

    __tablename__ = "identity_links"
    __table_args__ = (UniqueConstraint("issuer", "subject"), UniqueConstraint("user_id", "issuer"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
