"""The reading record and the export jobs of "my data".

A reading record says that ``reader`` opened one worksheet or one plan of someone else on one
day (UTC): one row per reader, object and day however often it was opened
(plc/privacy/services.py:record_reading inserts or ignores). The object is named by type and
id, and also by a foreign key of its own kind, so that the record goes when the content goes
(a deleted checkpoint, programme or person takes their worksheets and plans, and with them who
read them: the database's cascade, whoever deletes).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from plc.db import utcnow
from plc.extensions import db

WORKSHEET = "worksheet"
PLAN = "plan"
OBJECT_TYPES = (WORKSHEET, PLAN)


class ReadingRecord(db.Model):
    __tablename__ = "reading_records"
    __table_args__ = (
        UniqueConstraint("reader_id", "object_type", "object_id", "day"),
        CheckConstraint(
            "(object_type = 'worksheet' AND assessment_id = object_id AND plan_id IS NULL)"
            " OR (object_type = 'plan' AND plan_id = object_id AND assessment_id IS NULL)",
            name="names_its_object",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                           index=True)
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int]
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("self_assessments.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_plans.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    read_at: Mapped[datetime] = mapped_column(default=utcnow)  # the day's first opening


QUEUED = "queued"
RUNNING = "running"
READY = "ready"
FAILED = "failed"


class DataExport(db.Model):
    """One "my data" download: asked for on the page, built by ``flask plc run-exports`` (or
    right after the request that asked), kept in instance/exports/ until ``expires_at``."""

    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=QUEUED)
    # Progress: parts of the export written so far, of ``parts``.
    done: Mapped[int] = mapped_column(default=0)
    parts: Mapped[int] = mapped_column(default=0)
    file_name: Mapped[str | None] = mapped_column(String(100))  # random; in instance/exports
    size_bytes: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]

    @property
    def is_ready(self) -> bool:
        return self.status == READY

    @property
    def is_pending(self) -> bool:
        return self.status in (QUEUED, RUNNING)
