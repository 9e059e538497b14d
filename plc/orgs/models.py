from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
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
