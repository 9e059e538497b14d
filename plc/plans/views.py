"""Action plans: my plan (start it), the plan page, editing, sharing, progress updates, what
changed since a date, and a cohort's list of plans.

Every handler: load the object or 404 -> permissions.require(...) -> validate the form ->
services.x(current_user, obj, values) -> flash and redirect (the request commits once,
plc/unit_of_work.py).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from plc import permissions
from plc.assessments.queries import today_in
from plc.errors import DomainError, show_on_form
from plc.feedback import queries as feedback_queries
from plc.plans import forms, queries, revisions, services
from plc.plans.loading import editable_plan, visible_plan, visible_plan_stamped
from plc.privacy import reading
from plc.privacy.models import PLAN
from plc.programs import queries as program_queries
from plc.unit_of_work import refusal_flashed, refusal_shown_on

bp = Blueprint("plans", __name__)
bp.add_app_template_global(revisions.describe_update_changes)


# --- my plan ------------------------------------------------------------------------------


@bp.route("/programs/<int:program_id>/plan", methods=["GET", "POST"])
@login_required
def my_plan(program_id: int):
    program = program_queries.program(program_id)
    permissions.require(program is not None)
    own_cohorts = program_queries.member_cohort_ids(current_user.id, program.id)
    permissions.require(permissions.can_keep_plan(current_user, own_cohorts))
    existing = queries.own_plan(current_user.id, program.id)
    if existing is not None:
        return redirect(url_for("plans.plan", plan_id=existing.id))
    assessment = queries.latest_submitted_assessment(current_user.id, program.id)
    form = forms.StartForm()
    if form.validate_on_submit():
        source = assessment if form.source.data == "assessment" else None
        with refusal_flashed():
            plan = services.start_plan(current_user, program,
                                       queries.rubric(program, current_user.id), source)
            flash(_("Your action plan is started. It is a draft: only you can see it."), "success")
            return redirect(url_for("plans.plan", plan_id=plan.id))
        return redirect(url_for("plans.my_plan", program_id=program_id))
    return render_template("plans/start.html", title=_("Start my action plan · %(program_name)s",
                                                       program_name=program.name),
                           program=program, assessment=assessment, form=form)


# --- the plan page ------------------------------------------------------------------------


def _rubric_context(sheet) -> dict:
    """What the focus cards need to name competencies and show level descriptors."""
    return {"sheet": sheet, "competencies": {c.id: c for c in sheet.competencies}}


@bp.get("/plans/<int:plan_id>")
@login_required
def plan(plan_id: int):
    plan, cohort_ids, content = visible_plan_stamped(plan_id)
    readers = reading.opened(current_user, PLAN, plan.id, plan.user_id, cohort_ids,
                             plan_visibility=plan.visibility)
    own = permissions.can_edit_plan(current_user, plan)
    today = today_in(plan.program.time_zone)
    return render_template(
        "plans/plan.html", title=_title(plan, own), own=own, plan=plan, program=plan.program,
        newer_checkpoint=queries.newer_assessment(plan) if own else None, today=today,
        zone=plan.program.time_zone, readers=readers, audiences=forms.AUDIENCES,
        body=_PlanBody(plan), body_key=_body_key(plan, content, today),
    )


# What the page's body reads of the request (_pages_to_show): the body is kept per their values.
_PAGE_ARGS = ("updates", "feedback", "update", "comment")


def _body_key(plan, content: tuple, today: date) -> tuple:
    """What the body below the plan page's header shows, short of what the site's stamp that
    every kept piece is keyed by covers (plc/stamps.py); ``content``: the stamp of its comments
    and updates, read with the plan, before the body's rows, so a body is never kept under a
    newer key than what it shows."""
    return ("plan-body", plan.id, plan.version, content, current_user.id, today,
            tuple(request.args.get(name) for name in _PAGE_ARGS))


class _PlanBody:
    """What the body below the plan page's header shows, read only if it is rendered: a body
    the worker kept reads none of it."""

    def __init__(self, plan):
        self.plan = plan

    @cached_property
    def _pages(self) -> tuple[int, int]:
        return _pages_to_show(self.plan.id)

    @cached_property
    def updates(self) -> queries.Page:
        return queries.updates_page(self.plan.id, self._pages[0])

    @cached_property
    def threads(self) -> feedback_queries.PlanThreads:
        return feedback_queries.plan_threads(self.plan.id, [u.id for u in self.updates.items],
                                             self._pages[1])

    @cached_property
    def focus_areas(self) -> list:
        return queries.focus_areas(self.plan.id)

    @cached_property
    def rubric(self) -> dict:
        return _rubric_context(queries.rubric(self.plan.program, self.plan.user_id))

    @cached_property
    def share_form(self) -> forms.ShareForm:
        return forms.ShareForm(data={"version": self.plan.version,
                                     "visibility": self.plan.visibility})


def _pages_to_show(plan_id: int) -> tuple[int, int]:
    """The page of updates and the page of conversations to show: as asked (``updates``,
    ``feedback``), or those holding the comment or update a link points at (``comment``,
    ``update``: notifications and the feed link to things that may be pages back)."""
    args = request.args
    updates_page = args.get("updates", 1, type=int)
    conversations_page = args.get("feedback", 1, type=int)
    update_id = args.get("update", type=int)
    comment_id = args.get("comment", type=int)
    comment = feedback_queries.comment(comment_id) if comment_id else None
    if comment is not None and comment.plan_id == plan_id:
        if comment.update_id is not None:
            update_id = comment.update_id
        else:
            conversations_page = feedback_queries.conversation_page_number(
                plan_id, comment.parent_id or comment.id)
    if update_id:
        updates_page = queries.update_page_number(plan_id, update_id)
    return updates_page, conversations_page


def _title(plan, own: bool, page: str = "%(plan)s") -> str:
    """page: the page's words around the plan's name, a text of its own to translate
    (``_("Edit: %(plan)s")``), never a prefix glued to it."""
    whose = _("My action plan") if own else _("Action plan of %(name)s", name=plan.user.name)
    return f"{page % {'plan': whose}} · {plan.program.name}"


# --- editing ------------------------------------------------------------------------------


@bp.route("/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@login_required
def edit_plan(plan_id: int):
    plan, _cohort_ids = editable_plan(plan_id)
    program = plan.program
    sheet = queries.rubric(program, plan.user_id)
    focus_areas = queries.focus_areas(plan.id)
    form = forms.plan_form(sheet, data=forms.plan_data(focus_areas, plan.version))
    saved_now = None  # the plan as saved elsewhere, shown when this save came too late
    if form.validate_on_submit():
        with refusal_shown_on(form, show=_show_on_nested_form) as refused:
            services.save_plan(current_user, plan, sheet, _plan_values(form),
                               queries.latest_levels(current_user.id, program, sheet.framework_id))
            flash(_("Your plan is saved."), "success")
            return redirect(url_for("plans.plan", plan_id=plan_id))
        plan = queries.plan(plan_id)
        if isinstance(refused.error, services.StalePlan):
            saved_now = queries.focus_areas(plan_id)
            # The next save is a deliberate overwrite of what is saved now.
            form.version.raw_data = None
            form.version.data = plan.version
    return render_template("plans/edit.html", title=_title(plan, True, _("Edit: %(plan)s")),
                           plan=plan,
                           program=plan.program, form=form, saved_now=saved_now,
                           blank=forms.blank_rows(), zone=plan.program.time_zone,
                           **_rubric_context(sheet))


# --- catching up with a newer self-assessment --------------------------------------------


@bp.route("/plans/<int:plan_id>/catch-up", methods=["GET", "POST"])
@login_required
def catch_up(plan_id: int):
    """A preview of what the latest self-assessment changes in the plan; nothing is written
    before the author confirms what to take."""
    plan, _cohort_ids = editable_plan(plan_id)
    program = plan.program
    sheet = queries.rubric(program, plan.user_id)
    focus_areas = queries.focus_areas(plan.id)
    catch = services.catch_up(plan, focus_areas,
                              queries.latest_submitted_assessment(current_user.id, program.id),
                              sheet, queries.latest_levels(current_user.id, program,
                                                           sheet.framework_id))
    if catch is None:
        flash(_("Your plan already follows your latest self-assessment."), "info")
        return redirect(url_for("plans.plan", plan_id=plan_id))
    form = forms.CatchUpForm(data={"version": plan.version})
    form.take.choices = [(i, offer.change or "") for i, offer in enumerate(catch.offers)]
    if form.validate_on_submit():
        with refusal_shown_on(form):
            services.bring_up_to_date(current_user, plan, sheet, catch,
                                      loaded_version=form.version.data or 0,
                                      move_ratings=form.ratings.data, take=form.take.data)
            flash(_("Your plan now follows your %(checkpoint_name)s self-assessment.",
                    checkpoint_name=catch.assessment.checkpoint.name), "success")
            return redirect(url_for("plans.plan", plan_id=plan_id))
    return render_template("plans/catch_up.html", title=_title(plan, True, _("Bring up to date: "
                                                                             "%(plan)s")),
                           plan=plan, program=program, form=form, catch=catch,
                           focus_areas=focus_areas, **_rubric_context(sheet))


def _show_on_nested_form(form, error: DomainError) -> None:
    """A refusal names a field such as focus_areas-1-target_level_id: put it there."""
    target = next((f for f in _all_fields(form) if f.name == error.field), None)
    if target is None:
        show_on_form(form, error)
    else:
        target.errors = [*target.errors, error.message]


def _all_fields(form):
    for f in form:
        if f.type == "FieldList":
            for entry in f:
                yield from _all_fields(entry.form) if entry.type == "FormField" else [entry]
        elif f.type == "FormField":
            yield from _all_fields(f.form)
        else:
            yield f


def _plan_values(form: forms.PlanForm) -> services.PlanValues:
    return services.PlanValues(
        focus_areas=[_focus_values(entry.form) for entry in form.focus_areas],
        loaded_version=form.version.data or 0,
    )


def _focus_values(entry: forms.FocusEntry) -> services.FocusValues | None:
    barriers = [services.BarrierValues(_int_or_none(row.form["id"].data), row.form.kind.data,
                                       row.form.text.data)
                for row in entry.barriers if row.form.text.data and not row.form.remove.data]
    steps = [services.StepValues(_int_or_none(row.form["id"].data), row.form.text.data,
                                 row.form.due_on.data, row.form.status.data)
             for row in entry.steps if row.form.text.data and not row.form.remove.data]
    texts = {name: entry[name].data or "" for name in forms.FOCUS_TEXT_FIELDS}
    competency_id = entry.competency_id.data or None
    if entry.remove.data or not (competency_id or barriers or steps or any(texts.values())
                                 or entry.target_level_id.data):
        return None
    return services.FocusValues(
        competency_id=competency_id, current_level_id=entry.current_level_id.data or None,
        target_level_id=entry.target_level_id.data or None, barriers=barriers, steps=steps,
        **texts,
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        abort(400)


# --- sharing ------------------------------------------------------------------------------


@bp.post("/plans/<int:plan_id>/share")
@login_required
def share(plan_id: int):
    plan, _cohort_ids = editable_plan(plan_id)
    form = forms.ShareForm()
    if not form.validate_on_submit() or form.visibility.data not in forms.AUDIENCES:
        flash(_("Choose who can see your plan."), "error")
        return redirect(url_for("plans.plan", plan_id=plan_id))
    with refusal_flashed():
        changed = services.set_visibility(current_user, plan, form.visibility.data,
                                          queries.rubric(plan.program, plan.user_id),
                                          form.version.data)
        label, consequence = forms.AUDIENCES[form.visibility.data]
        flash(_("Who can see your plan: %(label)s. %(consequence)s", label=label,
                consequence=consequence) if changed
              else _("Nothing changed: your plan was already “%(label)s”.", label=label), "success")
    return redirect(url_for("plans.plan", plan_id=plan_id))


# --- one step done (from the home page) ----------------------------------------------------


@bp.post("/steps/<int:step_id>/done")
@login_required
def mark_step_done(step_id: int):
    """The home page's "Mark done" beside an overdue step: the plan's author alone; back to
    home, where the step has left the to-do list."""
    plan_id = queries.step_plan_id(step_id)
    permissions.require(plan_id is not None)
    plan, _cohort_ids = editable_plan(plan_id)
    form = forms.StepDoneForm()
    if form.validate_on_submit():
        with refusal_flashed():
            step, changed = services.mark_step_done(current_user, plan, step_id,
                                                    queries.rubric(plan.program, plan.user_id))
            flash(_("Marked done: “%(step)s”.", step=step.text) if changed
                  else _("“%(step)s” was already marked done.", step=step.text), "success")
    else:
        flash(_("The step was not changed: the page had expired. Please try again."), "error")
    return redirect(url_for("main.home"))


# --- progress updates ---------------------------------------------------------------------


@bp.route("/plans/<int:plan_id>/updates/new", methods=["GET", "POST"])
@login_required
def new_update(plan_id: int):
    plan, cohort_ids = editable_plan(plan_id)
    sheet = queries.rubric(plan.program, plan.user_id)
    focus_areas = queries.focus_areas(plan.id)
    meetings = queries.cohort_meetings(cohort_ids)
    form = forms.update_form(focus_areas, sheet, meetings, plan.program.time_zone,
                             data={"version": plan.version})
    if form.validate_on_submit():
        with refusal_shown_on(form) as refused:
            services.post_update(current_user, plan, sheet,
                                 _update_values(form, focus_areas),
                                 {m.id for m in meetings})
            flash(_("Your progress update is posted."), "success")
            return redirect(url_for("plans.plan", plan_id=plan_id, _anchor="timeline"))
        plan, focus_areas = queries.plan(plan_id), queries.focus_areas(plan_id)
        if isinstance(refused.error, services.StalePlan):
            # The next post is a deliberate choice against what is saved now.
            form.version.raw_data = None
            form.version.data = plan.version
    return render_template("plans/update_form.html", title=_title(plan, True, _("New update: "
                                                                                "%(plan)s")),
                           plan=plan, program=plan.program, form=form, focus_areas=focus_areas,
                           update=None)


def _update_values(form, focus_areas) -> services.UpdateValues:
    return services.UpdateValues(
        did=form.did.data or "", learned=form.learned.data or "", next=form.next.data or "",
        meeting_id=form.meeting_id.data or None,
        step_statuses={s.id: form.step_status(s.id).data for fa in focus_areas for s in fa.steps},
        ratings={fa.id: form.rating(fa.id).data or None for fa in focus_areas},
        loaded_version=form.version.data or 0,
    )


@bp.route("/plans/<int:plan_id>/updates/<int:update_id>/edit", methods=["GET", "POST"])
@login_required
def edit_update(plan_id: int, update_id: int):
    plan, cohort_ids = editable_plan(plan_id)
    update = queries.update(plan.id, update_id)
    permissions.require(update is not None)
    permissions.require(permissions.can_edit_update(current_user, plan, update), 403)
    meetings = queries.cohort_meetings(cohort_ids)
    form = forms.update_text_form(meetings, plan.program.time_zone, data={
        "version": update.version, "did": update.did, "learned": update.learned,
        "next": update.next, "meeting_id": update.meeting_id or 0,
    })
    saved_now = None
    if form.validate_on_submit():
        values = services.UpdateTextValues(
            did=form.did.data or "", learned=form.learned.data or "",
            next=form.next.data or "", meeting_id=form.meeting_id.data or None,
            loaded_version=form.version.data or 0)
        with refusal_shown_on(form) as refused:
            services.edit_update(current_user, update, values, {m.id for m in meetings})
            flash(_("Your update is saved."), "success")
            return redirect(url_for("plans.plan", plan_id=plan_id, _anchor=f"update-{update_id}"))
        plan, update = queries.plan(plan_id), queries.update(plan_id, update_id)
        if isinstance(refused.error, services.StaleUpdate):
            saved_now = update
            form.version.raw_data = None
            form.version.data = saved_now.version
    return render_template("plans/update_form.html", title=_title(plan, True, _("Edit update: "
                                                                                "%(plan)s")),
                           plan=plan, program=plan.program, form=form, focus_areas=[],
                           update=update, saved_now=saved_now)


# --- what changed -------------------------------------------------------------------------


@bp.get("/plans/<int:plan_id>/changes")
@login_required
def changes(plan_id: int):
    plan, cohort_ids = visible_plan(plan_id)
    reading.opened(current_user, PLAN, plan.id, plan.user_id, cohort_ids,
                   plan_visibility=plan.visibility, list_readers=False)
    zone = ZoneInfo(plan.program.time_zone)
    since = _date_arg(request.args.get("since"))
    if since is None:
        since = datetime.now(zone).date() - timedelta(days=30)
    # "Since <date>": the plan as it stood at the end of that day, in the programme's zone.
    moment = datetime.combine(since + timedelta(days=1), time(), zone)
    before = queries.revision_at(plan.id, moment)
    sheet = queries.rubric(plan.program, plan.user_id)
    now = revisions.snapshot(plan.visibility, queries.focus_areas(plan.id), sheet)
    found = revisions.differences(revisions.loads(before.snapshot if before else None), now)
    own = permissions.can_edit_plan(current_user, plan)
    return render_template("plans/changes.html", title=_title(plan, own, _("Changes: %(plan)s")),
                           plan=plan, program=plan.program, since=since, before=before,
                           differences=found, own=own, zone=plan.program.time_zone)


def _date_arg(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


# --- a cohort's plans ---------------------------------------------------------------------


@bp.get("/cohorts/<int:cohort_id>/plans")
@login_required
def cohort_plans(cohort_id: int):
    cohort = program_queries.cohort(cohort_id)
    permissions.require(cohort is not None
                        and permissions.can_list_cohort_plans(current_user, cohort))
    readable = permissions.can_read_cohort_plans(current_user, cohort)
    return render_template(
        "plans/cohort_plans.html", title=_("Action plans · %(cohort_name)s",
                                           cohort_name=cohort.name), cohort=cohort,
        rows=queries.cohort_plans(current_user, cohort, readable=readable), readable=readable,
        zone=cohort.program.time_zone, visibility_labels=revisions.VISIBILITY_LABELS,
    )
