"""Rubric frameworks: categories, numbered competencies, levels and a descriptor per cell.

A framework is identified by its key and version. Once anyone has rated against a version it
is never edited in place: importing a changed framework makes the next version.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plc.db import utcnow
from plc.extensions import db


class Framework(db.Model):
    __tablename__ = "frameworks"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100))  # stable across versions, e.g. "k12-leadership"
    version: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    question_prompt: Mapped[str] = mapped_column(String(200), default="")
    # SHA-256 of the canonical export: re-importing the same content is recognised.
    content_hash: Mapped[str] = mapped_column(String(64))
    # The file's optional ``survey`` section (docs/frameworks.md): statements for stakeholder
    # feedback rounds (plc/voice), per competency number, with translations.
    survey: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    levels: Mapped[list[Level]] = relationship(
        back_populates="framework", order_by="Level.value", lazy="raise_on_sql",
        cascade="all, delete-orphan",
    )
    categories: Mapped[list[Category]] = relationship(
        back_populates="framework", order_by="Category.position", lazy="raise_on_sql",
        cascade="all, delete-orphan",
    )
    competencies: Mapped[list[Competency]] = relationship(
        back_populates="framework", order_by="Competency.position", lazy="raise_on_sql",
        cascade="all, delete-orphan",
    )

    @property
    def label(self) -> str:
        return _("%(name)s (version %(version)s)", name=self.name, version=self.version)


class Level(db.Model):
    __tablename__ = "framework_levels"
    __table_args__ = (UniqueConstraint("framework_id", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    value: Mapped[int]  # 1, 2, 3, 4: the rating
    label: Mapped[str] = mapped_column(String(100))  # "Not very much"

    framework: Mapped[Framework] = relationship(back_populates="levels", lazy="raise_on_sql")


class Category(db.Model):
    __tablename__ = "framework_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("frameworks.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))

    framework: Mapped[Framework] = relationship(back_populates="categories", lazy="raise_on_sql")
    competencies: Mapped[list[Competency]] = relationship(
        back_populates="category", order_by="Competency.position", lazy="raise_on_sql"
    )


class Competency(db.Model):
    __tablename__ = "competencies"
    __table_args__ = (UniqueConstraint("framework_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("frameworks.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(
        ForeignKey("framework_categories.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    guiding_questions: Mapped[list[str]] = mapped_column(JSON, default=list)

    framework: Mapped[Framework] = relationship(back_populates="competencies", lazy="raise_on_sql")
    category: Mapped[Category] = relationship(back_populates="competencies", lazy="raise_on_sql")
    descriptors: Mapped[list[Descriptor]] = relationship(
        back_populates="competency", lazy="raise_on_sql", cascade="all, delete-orphan"
    )

    @property
    def title(self) -> str:
        return f"{self.number}. {self.name}"


class Descriptor(db.Model):
    """What a competency looks like at one level: the bullets of one cell of the rubric."""

    __tablename__ = "descriptors"
    __table_args__ = (UniqueConstraint("competency_id", "level_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competencies.id", ondelete="CASCADE"))
    level_id: Mapped[int] = mapped_column(
        ForeignKey("framework_levels.id", ondelete="CASCADE"), index=True
    )
    bullets: Mapped[list[str]] = mapped_column(JSON, default=list)

    competency: Mapped[Competency] = relationship(back_populates="descriptors", lazy="raise_on_sql")
    level: Mapped[Level] = relationship(lazy="raise_on_sql")


class FrameworkDraft(db.Model):
    """A framework being written in the browser's editor: its content in the file format
    (docs/frameworks.md), free to be incomplete or invalid until it is published. Publishing
    validates it as an import does and makes (or finds) the published version; the draft then
    goes. Seen only by its editors: site admins, and the leads of its programme."""

    __tablename__ = "framework_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The programme it is written for (its leads edit it); None: a site admin's own.
    program_id: Mapped[int | None] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    # The published version it began as a copy of, if any (a new version of the same key).
    base_framework_id: Mapped[int | None] = mapped_column(
        ForeignKey("frameworks.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def name(self) -> str:
        return str(self.data.get("name") or _("Untitled framework"))
