"""Writes for comments: they flush, never commit; refusals are DomainErrors. The caller has
checked access (plc/permissions.py: can_comment, can_edit_comment, can_delete_comment)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from plc.accounts.models import User
from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.feedback import mentions, queries
from plc.feedback.models import FEEDBACK_KINDS, Comment
from plc.i18n import N_
from plc.notifications import events
from plc.plans.models import ActionPlan, ProgressUpdate

MAX_BODY = 10_000
STALE = (N_("Someone changed this comment while you were editing it (perhaps you, in another "
            "window). Your text is below; the saved comment is shown above it. Save again to "
            "replace it."))


def add_comment(actor: User, plan: ActionPlan, cohort_ids, *, body: str, kind: str | None,
                update: ProgressUpdate | None = None, parent: Comment | None = None) -> Comment:
    """A comment on the plan, on one of its updates, or a reply. A reply to a reply hangs under
    the top-level comment (one level of threading) and on the same update."""
    body = _checked_body(body)
    kind = _checked_kind(kind)
    if parent is not None:
        parent = _thread_start(parent)
        if parent.plan_id != plan.id:
            raise DomainError(_("That comment is not on this plan."))
        update_id = parent.update_id
    else:
        if update is not None and update.plan_id != plan.id:
            raise DomainError(_("That update is not on this plan."))
        update_id = update.id if update is not None else None
    comment = Comment(plan_id=plan.id, update_id=update_id, parent_id=parent.id if parent else None,
                      author_id=actor.id, kind=kind, body=body)
    db.session.add(comment)
    db.session.flush()
    if update is None and update_id is not None:
        update = queries.update(update_id)
    events.comment_posted(comment, plan, cohort_ids, actor,
                          mentioned=mentions.mentioned(body, queries.mentionable(plan.id)),
                          parent=parent, update=update)
    return comment


def _thread_start(comment: Comment) -> Comment:
    if comment.parent_id is None:
        return comment
    top = queries.comment(comment.parent_id)
    if top is None:
        raise DomainError(_("That conversation no longer exists."))
    return top


def edit_comment(actor: User, comment: Comment, plan: ActionPlan, cohort_ids, *, body: str,
                 kind: str | None, loaded_version: int) -> Comment:
    """The author's new text. An edit based on an older version is refused (the caller keeps
    the typed text on the form); people newly mentioned are told."""
    body = _checked_body(body)
    kind = _checked_kind(kind)
    if comment.version != loaded_version:
        raise DomainError(_(STALE), field="body")
    people = queries.mentionable(plan.id)
    before = {p.id for p in mentions.mentioned(comment.body, people)}
    comment.body = body
    comment.kind = kind
    comment.edited_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError as exc:  # a save that raced past the check above
        raise DomainError(_(STALE), field="body") from exc
    events.comment_edited(comment, plan, cohort_ids, actor, newly_mentioned=[
        p for p in mentions.mentioned(body, people) if p.id not in before
    ])
    return comment


def delete_comment(actor: User, comment: Comment) -> None:
    """Soft: the comment stays in its place as "comment removed" (its replies keep their
    context) and its text is wiped, so it shows nowhere any more."""
    if comment.is_deleted:
        return
    comment.deleted_at = utcnow()
    comment.deleted_by_id = actor.id
    comment.body = ""
    comment.kind = None
    db.session.flush()


def _checked_body(body: str) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise DomainError(_("Write something first."), field="body")
    if len(body) > MAX_BODY:
        raise DomainError(_("Keep a comment under %(max)s characters.",
                            max=format(MAX_BODY, ",")), field="body")
    return body


def _checked_kind(kind: str | None) -> str | None:
    if not kind:
        return None
    if kind not in FEEDBACK_KINDS:
        raise DomainError(_("Choose warm, cool or question (or none)."), field="kind")
    return kind
