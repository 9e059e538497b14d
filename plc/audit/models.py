"""The audit log of administrative acts: who did what to what, when and from where.

Append-only at the application level: a row is written by ``plc.audit.services.record`` and
never changed or deleted by the application. The mapper events below refuse an update or a
delete through the ORM's unit of work, and ``refuse_bulk_changes`` (a session event) refuses
``update(AuditEvent)`` / ``delete(AuditEvent)`` statements run through the session. Nothing in
PLC purges audit rows (the retention purge, ``flask plc purge-expired``, keeps them: they
name people and acts, not the content of anyone's reflection).

Labels are written as they were at the time (a renamed person keeps their old name in old
events) and never hold an e-mail address: the log says who, by name and account id.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from plc.db import utcnow
from plc.extensions import db

CLI_ADDRESS = "cli"


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Who: the account (None for the command line or the system) and a readable label kept
    # as it was, so that the event still reads right if the account is renamed or anonymised.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_label: Mapped[str] = mapped_column(String(200))
    # What: an action name such as "role.changed" (ACTIONS in plc/audit/services.py).
    action: Mapped[str] = mapped_column(String(64), index=True)
    # To what: a kind of thing ("user", "cohort", "program", "framework", "api_token"), its id
    # and a short readable label.
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(index=True)
    target_label: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    # From where: the request's remote address, or "cli".
    remote_address: Mapped[str] = mapped_column(String(64))


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(_mapper, _connection, target):
    raise AuditLogIsAppendOnly(f"Audit event {target.id} cannot be changed.")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(_mapper, _connection, target):
    raise AuditLogIsAppendOnly(f"Audit event {target.id} cannot be deleted.")


@event.listens_for(Session, "do_orm_execute")
def refuse_bulk_changes(orm_execute_state):
    """``session.execute(update(AuditEvent)...)`` or ``delete(AuditEvent)`` bypasses the mapper
    events above; refuse those too."""
    if not (orm_execute_state.is_update or orm_execute_state.is_delete):
        return
    if any(mapper.class_ is AuditEvent for mapper in orm_execute_state.all_mappers):
        raise AuditLogIsAppendOnly("Audit events cannot be changed or deleted.")
