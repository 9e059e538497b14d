"""Privacy writes: the reading record, asking for a "my data" export, and erasing a person.
They flush, never commit (the reading record's one statement goes through
``plc.unit_of_work.write_beside``: on a GET, its own short transaction), and refuse with
DomainError. The caller has checked access (plc/permissions.py) first."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from plc.accounts.models import (
    NOTIFY_NONE,
    IdentityLink,
    LoginFailure,
    PasswordReset,
    RecoveryCode,
    SecondFactorFailure,
    TotpFactor,
    User,
    UserSession,
)
from plc.api.models import ApiToken
from plc.assessments.models import SelfAssessment
from plc.audit import services as audit
from plc.dashboards import rollups
from plc.dashboards.models import Nudge
from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.feedback.models import Comment
from plc.mail.models import OutboxMessage
from plc.meetings.models import CalendarToken
from plc.notifications.models import Notification
from plc.plans.models import ActionPlan, ProgressUpdate
from plc.privacy import exports, queries
from plc.privacy.models import OBJECT_TYPES, PLAN, WORKSHEET, DataExport, ReadingRecord
from plc.programs import closing
from plc.programs.models import Invitation, ProgramLead
from plc.unit_of_work import write_beside

# --- the reading record -----------------------------------------------------------------------


def record_reading(reader: User, object_type: str, object_ids: Iterable[int]) -> None:
    """``reader`` has opened these worksheets (or plans) of someone else: one record per
    reader, object and day, however often (insert or ignore, safe under concurrent requests on
    SQLite and PostgreSQL). The caller decides that the view is to be recorded (someone other
    than the author, a plan not shared with the whole cohort)."""
    if object_type not in OBJECT_TYPES:
        raise ValueError(f"not a kind of object read: {object_type!r}")
    ids = sorted(set(object_ids))
    if not ids:
        return
    now = utcnow()
    rows = [{
        "reader_id": reader.id, "object_type": object_type, "object_id": object_id,
        "assessment_id": object_id if object_type == WORKSHEET else None,
        "plan_id": object_id if object_type == PLAN else None,
        "day": now.date(), "read_at": now,
    } for object_id in ids]
    write_beside(_insert_or_ignore(rows))


def _insert_or_ignore(rows: list[dict]):
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(ReadingRecord).values(rows).on_conflict_do_nothing()


# --- my data ----------------------------------------------------------------------------------


def request_export(user: User) -> DataExport:
    """Ask for a new export of the person's data (built in the background)."""
    latest = queries.latest_export(user.id)
    if latest is not None and latest.is_pending:
        raise DomainError(_("Your export is already being prepared."))
    export = DataExport(user_id=user.id)
    db.session.add(export)
    db.session.flush()
    return export


# --- erasure ----------------------------------------------------------------------------------

ERASED_NAME = "Removed person"


def erased_email(user_id: int) -> str:
    return f"removed-{user_id}@erased.invalid"


def erase_person(actor: User, person: User) -> queries.ErasurePreview:
    """Erase a person on request (docs/product.md, "My data"): their worksheets, plans and
    progress updates are deleted (with everything hanging on them, who read them included);
    the text of each comment they wrote is removed and the thread keeps a "removed" place;
    their attendance stays, under the anonymised account, so the programme's participation
    counts do not move; the account keeps its memberships and organisation (the counts by
    cohort and district) but loses its name, e-mail, password, sessions, second factor,
    tokens, notifications, nudges and exports; mail that named or quoted them is dropped.
    Returns what was removed (the preview's counts, taken in the same transaction)."""
    if person.id == actor.id:
        raise DomainError(_("You cannot erase your own account."))
    if person.email == erased_email(person.id):
        raise DomainError(_("This person has already been erased."))
    removed = queries.erasure_preview(person.id)
    texts = _texts_of(person)
    old_email, old_name = person.email, person.name
    own_plans = select(ActionPlan.id).where(ActionPlan.user_id == person.id)
    # The statements below bypass the flush that keeps the roll-ups: the rows they move are
    # counted again from the events afterwards (rollups.refresh), in this transaction.
    moved = rollups.pairs_of_person(db.session, person.id)
    now = utcnow()
    # An erasure on request reaches a closed year's content too: like the retention purge,
    # it goes past the closed-year check (plc/programs/closing.py), for this person only.
    with closing.purging(db.session):
        execute = db.session.execute
        execute(update(Comment).where(Comment.author_id == person.id)
                .values(body="", kind=None, deleted_at=now, edited_at=None,
                        deleted_by_id=actor.id))
        execute(delete(ProgressUpdate).where(or_(ProgressUpdate.author_id == person.id,
                                                 ProgressUpdate.plan_id.in_(own_plans))))
        execute(delete(ActionPlan).where(ActionPlan.user_id == person.id))
        execute(delete(SelfAssessment).where(SelfAssessment.user_id == person.id))
        execute(update(Notification).where(Notification.actor_id == person.id).values(text=""))
        for model in (Notification, Nudge, UserSession, TotpFactor, RecoveryCode,
                      SecondFactorFailure, PasswordReset, Invitation, CalendarToken, ApiToken,
                      ProgramLead, IdentityLink):
            execute(delete(model).where(model.user_id == person.id))
        execute(delete(LoginFailure).where(LoginFailure.email == old_email))
    rollups.refresh(db.session.connection(), moved)
    _drop_mail_about(old_email, old_name, texts)
    for export in queries.exports_of(person.id):
        remove_export_file(export)
    execute(delete(DataExport).where(DataExport.user_id == person.id))
    person.name = ERASED_NAME
    person.email = erased_email(person.id)
    person.title = ""
    person.password_hash = None
    person.active = False
    person.is_site_admin = False
    person.notify = NOTIFY_NONE
    person.deactivated_at = person.deactivated_at or now
    # The audit log names the act and the account by number (audit.user_label), never the old
    # name or e-mail.
    audit.record("person.erased", actor=actor, target_type="user", target_id=person.id,
                 target_label=audit.user_label(person),
                 details={kind: count for kind, count in removed.as_dict().items()})
    db.session.flush()
    db.session.expire_all()
    return removed


def _texts_of(person: User) -> list[str]:
    """What the person wrote that mail to others may quote (comments, updates)."""
    found = [c["body"] for c in queries.comments(person.id)
             if c["kind"] == "written by me" and c["body"]]
    for plan in queries.plans(person.id):
        for entry in plan["progress_updates"]:
            found += [entry["did"], entry["learned"], entry["next"]]
    return [text for text in found if text and len(text.strip()) >= 12]


def _drop_mail_about(email: str, name: str, texts: list[str]) -> None:
    """Mail to the person, and mail to others that names or quotes them, is deleted from the
    outbox (sent or not): a kept copy would keep what the erasure removes."""
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.to_addr == email))
    needles = [email, *([name] if len(name) >= 5 else []), *texts]
    for start in range(0, len(needles), 50):
        chunk = needles[start:start + 50]
        db.session.execute(delete(OutboxMessage).where(or_(
            *(OutboxMessage.body.contains(n, autoescape=True) for n in chunk),
            *(OutboxMessage.subject.contains(n, autoescape=True) for n in chunk),
        )))


def remove_export_file(export: DataExport) -> None:
    if export.file_name:
        exports.export_path(export.file_name).unlink(missing_ok=True)
