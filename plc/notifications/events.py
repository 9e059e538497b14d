"""Who hears about what. Each function takes one event, works out who may see it (the rules
of plc/permissions.py) and calls services.notify for each of them: nobody is told about
something they may not see, nobody about their own doing, and each person at most once per
event (a mention of a plan's author on their own plan is one notification, a mention)."""

from __future__ import annotations

from sqlalchemy import select

from plc import permissions
from plc.accounts.models import User
from plc.extensions import db
from plc.feedback import queries as feedback_queries
from plc.notifications.models import (
    COMMENT_ON_MY_PLAN,
    MENTION,
    PEER_SHARED_PLAN,
    PEER_UPDATED_PLAN,
    REPLY_TO_MY_COMMENT,
)
from plc.notifications.services import notify_all
from plc.plans import queries as plan_queries


def plan_shared(plan, actor) -> None:
    """The plan left draft (or changed audience): tell the people who can now see it."""
    _tell_readers(plan, actor, PEER_SHARED_PLAN)


def plan_updated(plan, update, actor) -> None:
    """A progress update was posted on the plan: tell the people who can see the plan (a
    facilitators-only plan: its facilitators; a draft: nobody)."""
    _tell_readers(plan, actor, PEER_UPDATED_PLAN, update_id=update.id)


def _tell_readers(plan, actor, kind: str, **target) -> None:
    if plan.is_draft:
        return
    cohort_ids = plan_queries.author_cohort_ids(plan)
    readers = feedback_queries.plan_readers(plan.id)
    permissions.read_roles(readers)  # can_view_plan asks each reader's roles: one read for all
    notify_all(((person, kind) for person in readers
                if permissions.can_view_plan(person, plan, cohort_ids)),
               actor=actor, plan_id=plan.id, **target)


def comment_posted(comment, plan, cohort_ids, actor, *, mentioned=(), parent=None,
                   update=None) -> None:
    """A comment or reply: the people it mentions, the author of the comment it answers, the
    plan's author (and the update's, were it someone else). The first reason wins."""
    reasons: dict[int, str] = {}
    for person in mentioned:
        reasons.setdefault(person.id, MENTION)
    if parent is not None and parent.author_id:
        reasons.setdefault(parent.author_id, REPLY_TO_MY_COMMENT)
    reasons.setdefault(plan.user_id, COMMENT_ON_MY_PLAN)
    if update is not None and update.author_id:
        reasons.setdefault(update.author_id, COMMENT_ON_MY_PLAN)
    _tell(reasons, comment, plan, cohort_ids, actor)


def comment_edited(comment, plan, cohort_ids, actor, *, newly_mentioned=()) -> None:
    """An edit tells only the people it mentions for the first time."""
    _tell({person.id: MENTION for person in newly_mentioned}, comment, plan, cohort_ids, actor)


def _tell(reasons: dict[int, str], comment, plan, cohort_ids, actor) -> None:
    reasons.pop(actor.id, None)
    if not reasons:
        return
    people = list(db.session.execute(
        select(User).where(User.id.in_(reasons), User.active.is_(True)).order_by(User.id)
    ).scalars())
    permissions.read_roles(people)
    notify_all(((person, reasons[person.id]) for person in people
                if permissions.can_view_plan(person, plan, cohort_ids)),
               actor=actor, plan_id=plan.id, update_id=comment.update_id, comment_id=comment.id)
