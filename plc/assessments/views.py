"""Checkpoints, the reflection worksheet, sharing, the growth page and the ratings overview.

Every handler: load the object or 404 -> permissions.require(...) -> validate the form ->
services.x(current_user, obj, values) -> flash and redirect (the request commits once,
plc/unit_of_work.py). Worksheets are shown all on one page, grouped by category, with "Save
draft"; with JavaScript (plc/static/js/worksheet.js) one competency at a time, saved as a draft
as you go: the same POST, asking for JSON (see ``_autosave_answer``).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from plc import permissions
from plc.assessments import aggregates, forms, growth, queries, services
from plc.assessments.models import Checkpoint, SelfAssessment
from plc.errors import DomainError, show_on_form
from plc.plans import queries as plan_queries
from plc.privacy import reading
from plc.privacy import services as privacy_services
from plc.privacy.models import WORKSHEET
from plc.programs import queries as program_queries
from plc.programs.loading import managed_program
from plc.programs.models import Program
from plc.unit_of_work import refusal_flashed, refusal_shown_on

bp = Blueprint("assessments", __name__)


# --- loading, or 404 ---------------------------------------------------------------------


def _checkpoint(checkpoint_id: int) -> tuple[Checkpoint, Program]:
    found = queries.checkpoint_with_program(checkpoint_id)
    permissions.require(found is not None)
    return found


def _visible_assessment(assessment_id: int) -> tuple[SelfAssessment, Program, frozenset[int]]:
    found = queries.assessment(assessment_id)
    permissions.require(found is not None)
    assessment, program = found
    cohort_ids = program_queries.member_cohort_ids(assessment.user_id, program.id)
    permissions.require(permissions.can_view_assessment(current_user, assessment, cohort_ids))
    return assessment, program, cohort_ids


# --- checkpoints -------------------------------------------------------------------------


@bp.route("/programs/<int:program_id>/checkpoints", methods=["GET", "POST"])
@login_required
def checkpoints(program_id: int):
    program = managed_program(program_id)
    items = queries.checkpoints(program.id)
    form = forms.CheckpointsForm(
        data={"checkpoints": [
            {"checkpoint_id": cp.id, "name": cp.name, "opens_on": cp.opens_on,
             "closes_on": cp.closes_on} for cp in items
        ]}
    )
    if form.validate_on_submit():
        values = [
            services.CheckpointValues(_int_or_none(e.checkpoint_id.data) or 0, e["name"].data,
                                      e.opens_on.data, e.closes_on.data)
            for e in (entry.form for entry in form.checkpoints)
        ]
        with refusal_flashed():
            services.update_checkpoints(current_user, program, items, values,
                                        today=queries.today_in(program.time_zone))
            flash(_("The checkpoints are saved."), "success")
            return redirect(url_for("assessments.checkpoints", program_id=program.id))
    return render_template("assessments/checkpoints.html", title=_("Checkpoints: %(program_name)s",
                                                                   program_name=program.name),
                           program=program, form=form)


@bp.route("/programs/<int:program_id>/checkpoints/new", methods=["GET", "POST"])
@login_required
def new_checkpoint(program_id: int):
    program = managed_program(program_id)
    form = forms.NewCheckpointForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            checkpoint = services.add_checkpoint(
                current_user, program, name=form["name"].data, opens_on=form.opens_on.data,
                closes_on=form.closes_on.data,
            )
            flash(_("The checkpoint %(checkpoint_name)s is added.",
                    checkpoint_name=checkpoint.name), "success")
            return redirect(url_for("assessments.checkpoints", program_id=program.id))
    return render_template("assessments/checkpoint_new.html",
                           title=_("New checkpoint: %(program_name)s",
                                   program_name=program.name), program=program, form=form)


@bp.post("/checkpoints/<int:checkpoint_id>/remove")
@login_required
def remove_checkpoint(checkpoint_id: int):
    found = queries.checkpoint_with_program(checkpoint_id)
    permissions.require(found is not None)
    checkpoint, program = found
    managed_program(program.id)
    with refusal_flashed():
        services.remove_checkpoint(current_user, checkpoint)
        flash(_("The checkpoint %(checkpoint_name)s is removed.", checkpoint_name=checkpoint.name),
              "success")
    return redirect(url_for("assessments.checkpoints", program_id=program.id))




# --- the worksheet -----------------------------------------------------------------------


@bp.route("/checkpoints/<int:checkpoint_id>/worksheet", methods=["GET", "POST"])
@login_required
def worksheet(checkpoint_id: int):
    checkpoint, program = _checkpoint(checkpoint_id)
    own_cohorts = program_queries.member_cohort_ids(current_user.id, program.id)
    permissions.require(permissions.can_keep_worksheet(current_user, own_cohorts))
    assessment = queries.own_assessment(current_user.id, checkpoint.id)
    framework_id = (assessment.framework_id if assessment
                    else program_queries.member_framework_id(current_user.id, program))
    if framework_id is None:
        return render_template("assessments/no_framework.html",
                               title=_("%(checkpoint)s worksheet", checkpoint=checkpoint.name),
                               checkpoint=checkpoint, program=program)
    sheet = queries.sheet(framework_id)
    today = queries.today_in(program.time_zone)
    is_open = checkpoint.is_open(today)
    form = forms.worksheet_form(sheet, data=forms.worksheet_data(assessment))
    if form.is_submitted() and _wants_json():
        return _autosave_answer(form, checkpoint, assessment, sheet, today)
    readers = None if assessment is None else reading.opened(
        current_user, WORKSHEET, assessment.id, assessment.user_id, own_cohorts)
    if (assessment is not None and assessment.is_submitted) or not is_open:
        # Nothing to fill in: the read-only worksheet, with "Reopen" while the checkpoint is open.
        if form.is_submitted():
            flash(_("This worksheet cannot be changed now."), "error")
        return _render_read_only(assessment, checkpoint, program, sheet, is_open, own=True,
                                 title=f"{checkpoint.name} worksheet · {program.name}",
                                 readers=readers)
    if form.validate_on_submit():
        submit = form.action.data == "submit"
        with refusal_shown_on(form, show=_show_on_worksheet) as refused:
            saved = services.save_worksheet(current_user, checkpoint, assessment, sheet,
                                            _values(form, sheet), today=today, submit=submit)
            message = (_("Your %(checkpoint)s worksheet is submitted.", checkpoint=checkpoint.name)
                       if submit else _("Your %(checkpoint)s worksheet is saved as a draft.",
                                        checkpoint=checkpoint.name))
            flash(message, "success")
            if submit:
                return redirect(url_for("assessments.view_assessment", assessment_id=saved.id))
            return redirect(url_for("assessments.worksheet", checkpoint_id=checkpoint_id))
        if isinstance(refused.error, services.StaleWorksheet):
            # The next save is a deliberate overwrite of what is saved now.
            saved_now = queries.own_assessment(current_user.id, checkpoint_id)
            form.version.raw_data = None
            form.version.data = saved_now.version if saved_now else 0
    previous_name, previous = queries.previous_ratings(current_user.id, checkpoint)
    return render_template(
        "assessments/worksheet.html",
        title=_("%(checkpoint)s worksheet · %(program)s", checkpoint=checkpoint.name,
                program=program.name),
        form=form, sheet=sheet, checkpoint=checkpoint, program=program, assessment=assessment,
        previous=previous, previous_name=previous_name, readers=readers,
    )


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _autosave_answer(form, checkpoint, assessment, sheet, today):
    """The worksheet's autosave: the page's own form, posted by script, saved as a draft.
    It answers {"version": n} (the script posts that version next), or 409 with the message of
    a save from an older version (another tab or device saved since) or of a closed or
    submitted worksheet, or 422 for a field out of bounds. It never submits and never flashes:
    a draft saved in the background is not news on the next page."""
    if assessment is not None and assessment.is_submitted or not checkpoint.is_open(today):
        return jsonify(error=_("This worksheet cannot be changed now. Reload the page.")), 409
    if not form.validate():
        first = next(_messages(form.errors), _("the form is out of date"))
        return jsonify(error=_("Not saved: %(first)s Press “Save draft” to see where.",
                               first=first)), 422
    with refusal_shown_on(form, show=lambda _form, _error: None) as refused:
        saved = services.save_worksheet(current_user, checkpoint, assessment, sheet,
                                        _values(form, sheet), today=today, submit=False)
        return jsonify(version=saved.version, status=saved.status)
    return jsonify(error=refused.error.message), 409


def _messages(errors):
    for error in errors.values() if isinstance(errors, dict) else errors:
        if isinstance(error, dict | list):
            yield from _messages(error)
        elif error:
            yield str(error)


def _show_on_worksheet(form: forms.WorksheetForm, error: DomainError) -> None:
    """A worksheet submitted with ratings missing: "choose a rating" by each of them."""
    if isinstance(error, services.IncompleteWorksheet):
        for competency_id in error.missing:
            form.rating(competency_id).errors = [_("Choose a rating to submit.")]
    show_on_form(form, error)


def _values(form: forms.WorksheetForm, sheet: queries.Sheet) -> services.WorksheetValues:
    ratings = {
        c.id: services.RatingValues(
            level_id=_int_or_none(form.rating(c.id).data),
            strengths=form.strengths(c.id).data or "",
            changes=form.changes_for(c.id).data or "",
        )
        for c in sheet.competencies
    }
    changes = [
        services.ChangeValues(**{
            name: (entry[name].data or None) if name == "competency_id"
            else (entry[name].data or "")
            for name in forms.CHANGE_FIELDS
        })
        for entry in form.changes
    ]
    return services.WorksheetValues(ratings, changes, form.version.data or 0)


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        abort(400)


def _worksheet_title(checkpoint: str, author_name: str | None, program: str) -> str:
    if author_name:
        return _("%(checkpoint)s worksheet of %(author)s · %(program)s", checkpoint=checkpoint,
                 author=author_name, program=program)
    return _("%(checkpoint)s worksheet summary · %(program)s", checkpoint=checkpoint,
             program=program)


def _render_read_only(assessment, checkpoint, program, sheet, is_open: bool, own: bool,
                      author_name: str | None = None, title: str | None = None,
                      plan_step: tuple[str, int | None] | None = None, readers=None):
    by_competency = {r.competency_id: r for r in assessment.ratings} if assessment else {}
    return render_template(
        "assessments/assessment.html",
        title=title or _worksheet_title(checkpoint.name, author_name, program.name),
        assessment=assessment, checkpoint=checkpoint, program=program, sheet=sheet,
        ratings=by_competency, changes=assessment.changes if assessment else [],
        is_open=is_open, own=own, author_name=author_name,
        reopen_form=forms.ReopenForm(), share_form=forms.ShareForm(), plan_step=plan_step,
        readers=readers,
    )


@bp.get("/assessments/<int:assessment_id>")
@login_required
def view_assessment(assessment_id: int):
    assessment, program, cohort_ids = _visible_assessment(assessment_id)
    readers = reading.opened(current_user, WORKSHEET, assessment.id, assessment.user_id,
                             cohort_ids)
    checkpoint = assessment.checkpoint
    sheet = queries.sheet(assessment.framework_id)
    own = permissions.can_edit_assessment(current_user, assessment)
    is_open = checkpoint.is_open(queries.today_in(program.time_zone))
    return _render_read_only(assessment, checkpoint, program, sheet, is_open, own=own,
                             author_name=None if own else assessment.user.name,
                             plan_step=_plan_step(assessment, program) if own else None,
                             readers=readers)


def _plan_step(assessment: SelfAssessment, program: Program) -> tuple[str, int | None] | None:
    """The way on from one's latest submitted worksheet: ("start", None) to turn its top 3
    changes into a new plan, ("catch-up", plan id) to bring the plan up to date with it."""
    if not assessment.is_submitted or plan_queries.latest_submitted_id(
            assessment.user_id, program.id) != assessment.id:
        return None
    plan = plan_queries.own_plan(assessment.user_id, program.id)
    if plan is None:
        cohort_ids = program_queries.member_cohort_ids(assessment.user_id, program.id)
        return ("start", None) if permissions.can_keep_plan(current_user, cohort_ids) else None
    return None if plan.source_assessment_id == assessment.id else ("catch-up", plan.id)


@bp.post("/assessments/<int:assessment_id>/reopen")
@login_required
def reopen(assessment_id: int):
    assessment, program, _cohort_ids = _visible_assessment(assessment_id)
    permissions.require(permissions.can_edit_assessment(current_user, assessment), 403)
    checkpoint = assessment.checkpoint
    with refusal_flashed():
        services.reopen(current_user, assessment, checkpoint,
                        today=queries.today_in(program.time_zone))
        flash(_("Your %(checkpoint_name)s worksheet is a draft again. Submit it when you are done.",
                checkpoint_name=checkpoint.name),
              "success")
        return redirect(url_for("assessments.worksheet", checkpoint_id=checkpoint.id))
    return redirect(url_for("assessments.view_assessment", assessment_id=assessment_id))


@bp.post("/assessments/<int:assessment_id>/share")
@login_required
def share(assessment_id: int):
    assessment, _program, _cohort_ids = _visible_assessment(assessment_id)
    permissions.require(permissions.can_edit_assessment(current_user, assessment), 403)
    form = forms.ShareForm()
    if not form.validate_on_submit():
        abort(400)
    shared = form.shared.data == "1"
    with refusal_flashed():
        services.set_sharing(current_user, assessment, shared)
        flash(_("Peers in your cohort can now read this worksheet.") if shared
              else _("This worksheet is now private to you and your facilitators."), "success")
    return redirect(url_for("assessments.view_assessment", assessment_id=assessment_id))


# --- growth ------------------------------------------------------------------------------


@bp.get("/programs/<int:program_id>/growth")
@login_required
def my_growth(program_id: int):
    return _growth(program_id, current_user.id)


@bp.get("/programs/<int:program_id>/growth/<int:user_id>")
@login_required
def member_growth(program_id: int, user_id: int):
    return _growth(program_id, user_id)


def _growth(program_id: int, person_id: int):
    program = program_queries.program(program_id)
    permissions.require(program is not None)
    cohort_ids = program_queries.member_cohort_ids(person_id, program.id)
    submitted = queries.submitted_assessments(person_id, program.id)
    permissions.require(permissions.can_view_growth(current_user, person_id, cohort_ids,
                                                    submitted))
    readable = [a for a in submitted
                if permissions.can_view_assessment(current_user, a, cohort_ids)]
    # One framework per figure: the one the person rates on now (their cohort's), any of its
    # versions. Worksheets on another (from a cohort they left) are linked, not charted.
    framework_id = program_queries.member_framework_id(person_id, program)
    same = queries.same_framework_ids(framework_id)
    visible = [a for a in readable if a.framework_id in same]
    if permissions.reading_is_recorded(current_user, person_id):
        # Someone else's growth page shows their worksheets' ratings: each is read.
        privacy_services.record_reading(current_user, WORKSHEET, [a.id for a in visible])
    by_checkpoint = {a.checkpoint_id for a in visible}
    checkpoints = queries.checkpoints(program.id)
    columns = [(cp.id, cp.name) for cp in checkpoints if cp.id in by_checkpoint]
    names = {cp.id: cp.name for cp in checkpoints}
    elsewhere = [(names.get(a.checkpoint_id, ""), a.id) for a in readable if a not in visible]
    data = growth.table(columns, queries.growth_ratings([a.id for a in visible]))
    own = person_id == current_user.id
    name = current_user.name if own else queries.user_name(person_id)
    return render_template(
        "assessments/growth.html",
        title=(_("My growth · %(program)s", program=program.name) if own
               else _("Growth of %(name)s · %(program)s", name=name, program=program.name)),
        program=program, table=data, **_pictures(data, _levels(framework_id, visible)),
        changes=growth.changes_in_words(data), own=own, person_name=name,
        assessment_ids={a.checkpoint_id: a.id for a in visible}, elsewhere=elsewhere,
    )


def _pictures(data: growth.Table, levels) -> dict:
    """A line chart from two checkpoints on; with one, the baseline's bars."""
    if len(data.checkpoints) == 1:
        return {"chart": None, "baseline": growth.baseline(data, levels)}
    return {"chart": growth.chart(data, levels), "baseline": None}


def _levels(framework_id: int | None,
            visible: list[SelfAssessment]) -> list[tuple[int, str]]:
    # The chart's scale: the levels of the newest worksheet's version, else the person's
    # cohort's framework's.
    framework_id = visible[-1].framework_id if visible else framework_id
    return queries.level_scale(framework_id) if framework_id else []


# --- the programme's ratings overview (aggregates only) -----------------------------------


@bp.get("/programs/<int:program_id>/ratings")
@login_required
def ratings_overview(program_id: int):
    program = program_queries.program(program_id)
    permissions.require(program is not None
                        and permissions.can_view_rating_aggregates(current_user, program))
    return render_template("assessments/ratings_overview.html",
                           title=_("Ratings overview · %(program_name)s",
                                   program_name=program.name), program=program,
                           overviews=aggregates.program_overviews(program),
                           minimum=permissions.MIN_AGGREGATE_GROUP)
