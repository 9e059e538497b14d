"""Comments on plans and updates (post, reply, edit, remove) and the cohort feed.

Every comment URL answers 404 to whoever may not see the plan it is on. A comment form lives
on the plan page; when what was sent cannot be saved, the form comes back on a page of its own
with the text kept.
"""

from __future__ import annotations

from functools import partial

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from plc import permissions
from plc.feedback import forms, mentions, queries, services
from plc.links import plan_path
from plc.plans.loading import visible_plan
from plc.programs.loading import visible_cohort
from plc.unit_of_work import refusal_shown_on

bp = Blueprint("feedback", __name__)
bp.add_app_template_global(plan_path, "plan_link")


@bp.app_template_filter("comment_html")
def comment_html(comment, people):
    """A comment's Markdown as safe HTML with @mentions shown as names."""
    return mentions.render(comment.body, people)


@bp.app_template_global("feedback_kind_label")
def feedback_kind_label(kind: str | None) -> str:
    return forms.KIND_LABELS.get(kind or "", "")


@bp.app_template_global("feedback_kind_choices")
def feedback_kind_choices() -> list[tuple[str, str]]:
    return forms.KIND_CHOICES


# --- loading, or 404 -----------------------------------------------------------------------


def _visible_comment(comment_id: int):
    comment = queries.comment(comment_id)
    permissions.require(comment is not None)
    plan, cohort_ids = visible_plan(comment.plan_id)
    return comment, plan, cohort_ids


def _back_to(plan, comment=None):
    return redirect(plan_path(plan.id, comment_id=comment.id if comment else None))


# --- writing -------------------------------------------------------------------------------


@bp.post("/plans/<int:plan_id>/comments")
@login_required
def comment_on_plan(plan_id: int):
    plan, cohort_ids = visible_plan(plan_id)
    return _post_comment(plan, cohort_ids, "a comment on the plan")


@bp.post("/updates/<int:update_id>/comments")
@login_required
def comment_on_update(update_id: int):
    update = queries.update(update_id)
    permissions.require(update is not None)
    plan, cohort_ids = visible_plan(update.plan_id)
    return _post_comment(plan, cohort_ids, _("a comment on the progress update"), update=update)


@bp.post("/comments/<int:comment_id>/replies")
@login_required
def reply(comment_id: int):
    parent, plan, cohort_ids = _visible_comment(comment_id)
    return _post_comment(plan, cohort_ids, "a reply", parent=parent)


def _post_comment(plan, cohort_ids, what: str, update=None, parent=None):
    permissions.require(permissions.can_comment(current_user, plan, cohort_ids), 403)
    form = forms.CommentForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            comment = services.add_comment(current_user, plan, cohort_ids, body=form.body.data,
                                           kind=form.kind.data, update=update, parent=parent)
            flash(_("Your comment is posted."), "success")
            return _back_to(plan, comment)
    return render_template(
        "feedback/comment_form.html", title=_("Write %(what)s", what=what), form=form, plan=plan,
        action=request.path, cancel_url=plan_path(plan.id), parent=parent,
        people=queries.mentionable(plan.id),
    )


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(comment_id: int):
    comment, plan, cohort_ids = _visible_comment(comment_id)
    permissions.require(permissions.can_edit_comment(current_user, comment), 403)
    form = forms.EditCommentForm()
    if not form.is_submitted():
        form.body.data, form.kind.data, form.version.data = (comment.body, comment.kind or "",
                                                             comment.version)
    stale = False
    if form.validate_on_submit():
        with refusal_shown_on(form) as refused:
            services.edit_comment(current_user, comment, plan, cohort_ids, body=form.body.data,
                                  kind=form.kind.data, loaded_version=form.version.data)
            flash(_("Your comment is saved."), "success")
            return _back_to(plan, comment)
        comment, plan, cohort_ids = _visible_comment(comment_id)
        stale = refused.error.message == _(services.STALE)
        # The next save is based on what is saved now; the typed text stays in the form.
        form.version.raw_data = None
        form.version.data = comment.version
    people = queries.mentionable(plan.id)
    return render_template(
        "feedback/edit_form.html", title=_("Edit your comment"), form=form, plan=plan,
        comment=comment, stale=stale, people=people,
        cancel_url=plan_path(plan.id, comment_id=comment.id),
    )


@bp.post("/comments/<int:comment_id>/delete")
@login_required
def delete_comment(comment_id: int):
    comment, plan, cohort_ids = _visible_comment(comment_id)
    permissions.require(permissions.can_delete_comment(current_user, comment, cohort_ids), 403)
    services.delete_comment(current_user, comment)
    flash(_("The comment is removed; its replies stay."), "success")
    return _back_to(plan, comment)


# --- the cohort feed -----------------------------------------------------------------------


@bp.get("/cohorts/<int:cohort_id>/feed")
@login_required
def cohort_feed(cohort_id: int):
    cohort = visible_cohort(cohort_id)
    permissions.require(permissions.can_view_cohort_feed(current_user, cohort))
    number = max(request.args.get("page", 1, type=int), 1)
    return render_template(
        "feedback/feed.html",
        title=(_("Recent activity · %(cohort)s · page %(page)s", cohort=cohort.name, page=number)
               if number > 1 else _("Recent activity · %(cohort)s", cohort=cohort.name)),
        cohort=cohort, zone=cohort.program.time_zone, feed_key=(cohort.id, current_user.id, number),
        # Read only when the feed is not kept (feedback/feed.html).
        read_feed=partial(queries.cohort_feed, current_user, cohort.id, number),
    )
