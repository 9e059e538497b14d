from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plc.db import utcnow
from plc.extensions import db

DISTRICT = "district"
SCHOOL = "school"


class Organization(db.Model):
    """A district, or a school inside a district (parent_id points at its district)."""

    __tablename__ = "organizations"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Organization | None] = relationship(
        remote_side=[id], back_populates="schools", lazy="raise_on_sql"
    )
    schools: Mapped[list[Organization]] = relationship(
        back_populates="parent", order_by="Organization.name", lazy="raise_on_sql"
    )

    @property
    def is_district(self) -> bool:
        return self.kind == DISTRICT

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.kind} {self.name!r}>"


class IdentityProvider(db.Model):
    """A district's OpenID Connect provider: its people may sign in with the district's account.

    ``client_secret_encrypted`` is Fernet ciphertext (plc/secretbox.py); the secret is never
    shown again once saved. ``email_domains`` are the domains the provider vouches for, lower
    case, separated by spaces: a sign-in is accepted only for a verified address in one of
    them, and the sign-in page offers this provider for those addresses.
    """

    __tablename__ = "identity_providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), unique=True)
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    client_secret_encrypted: Mapped[str] = mapped_column(Text)
    email_domains: Mapped[str] = mapped_column(String(1000))
    # False: the district's people sign in through the provider only (site admins excepted).
    password_sign_in: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization] = relationship(lazy="raise_on_sql")

    @property
    def domains(self) -> list[str]:
        return self.email_domains.split()

    def vouches_for(self, email: str) -> bool:
        return email.rpartition("@")[2].strip().lower() in self.domains
