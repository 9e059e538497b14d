"""Grows the permission world for this area: called by tests.permission_world.grow once
per unit of growth, so that the query-budget test sees every list of its pages grow."""

from __future__ import annotations

from plc.extensions import db
from plc.feedback.models import COOL, WARM, Comment
from plc.notifications.models import COMMENT_ON_MY_PLAN, MENTION, Notification
from plc.plans.models import ProgressUpdate


def grow(world, i: int) -> None:
    """Add rows for growth unit ``i`` (flush, do not commit): comments with replies on
    plan_a and on update_a and on a new update, notifications for member_a (some read), so
    the plan page, the feed and the notifications list all get longer."""
    plan, member, facilitator = world.plan_a, world.users["member_a"], world.users["facilitator_a"]
    update = ProgressUpdate(plan_id=plan.id, author_id=member.id, did=f"Grown step {i}",
                            learned="More", next="Again")
    db.session.add(update)
    db.session.flush()
    for update_id in (None, world.update_a.id, update.id):
        top = Comment(plan_id=plan.id, update_id=update_id, author_id=facilitator.id,
                      kind=WARM, body=f"Grown comment {i} @member_a")
        db.session.add(top)
        db.session.flush()
        db.session.add_all([
            Comment(plan_id=plan.id, update_id=update_id, parent_id=top.id,
                    author_id=member.id, body=f"Grown reply {i}"),
            Comment(plan_id=plan.id, update_id=update_id, parent_id=top.id,
                    author_id=facilitator.id, kind=COOL, body=f"Grown reply {i} again"),
        ])
        db.session.flush()
        for kind in (COMMENT_ON_MY_PLAN, MENTION):
            db.session.add(Notification(user_id=member.id, kind=kind, actor_id=facilitator.id,
                                        plan_id=plan.id, update_id=update_id,
                                        comment_id=top.id))
    # Twelve more notifications per unit, so the list spills onto a second page.
    for _ in range(12):
        db.session.add(Notification(user_id=member.id, kind=COMMENT_ON_MY_PLAN,
                                    actor_id=facilitator.id, plan_id=plan.id,
                                    comment_id=world.comment_a.id))
    db.session.flush()
