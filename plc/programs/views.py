"""Programmes, cohorts and rosters.

Every handler: load the object or 404 -> permissions.require(...) -> validate the form ->
services.x(current_user, obj, values) -> flash and redirect (the request commits once,
plc/unit_of_work.py).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from plc import permissions
from plc.assessments import queries as assessment_queries
from plc.dashboards import services as dashboard_services
from plc.db import utcnow
from plc.meetings import services as meeting_services
from plc.orgs import queries as org_queries
from plc.programs import forms, queries, roster, services
from plc.programs.loading import visible_cohort, visible_program
from plc.programs.models import COHORT_ROLES, Cohort, Membership
from plc.rubrics import queries as rubric_queries
from plc.rubrics.services import DEFAULT_KEY
from plc.unit_of_work import refusal_flashed, refusal_shown_on

bp = Blueprint("programs", __name__)


# --- loading, or 404 ---------------------------------------------------------------------


def _membership_in(cohort: Cohort, user_id: int) -> Membership:
    membership = queries.membership(cohort.id, user_id)
    permissions.require(membership is not None)
    return membership


# --- programmes --------------------------------------------------------------------------


@bp.get("/programs")
@login_required
def program_list():
    permissions.require(permissions.can_create_program(current_user), 403)
    programs = queries.programs(permissions.visible_programs(current_user))
    return render_template(
        "programs/program_list.html",
        title=_("Programmes"),
        programs=programs,
        cohort_counts=queries.cohorts_per_program([p.id for p in programs]),
    )


@bp.route("/programs/new", methods=["GET", "POST"])
@login_required
def new_program():
    permissions.require(permissions.can_create_program(current_user), 403)
    form = forms.ProgramForm()
    if not form.is_submitted():
        form.time_zone.data = current_app.config["DEFAULT_TIME_ZONE"]
        bundled = rubric_queries.newest_version(DEFAULT_KEY)
        form.framework_id.data = bundled.id if bundled else 0
    if form.validate_on_submit():
        with refusal_shown_on(form):
            prog = services.create_program(current_user, **_program_values(form))
            flash(_("The programme %(prog_name)s is created.", prog_name=prog.name), "success")
            return redirect(url_for("programs.program", program_id=prog.id))
    return render_template(
        "programs/program_form.html", title=_("New programme"), form=form,
        cancel_url=url_for("programs.program_list"),
    )


@bp.route("/programs/<int:program_id>/edit", methods=["GET", "POST"])
@login_required
def edit_program(program_id: int):
    prog = visible_program(program_id)
    permissions.require(permissions.can_manage_program(current_user, prog), 403)
    form = forms.ProgramEditForm(obj=prog)
    if not form.is_submitted():
        form.more_framework_ids.data = queries.offered_framework_ids(prog)[1:]
    if form.validate_on_submit():
        with refusal_shown_on(form):
            services.update_program(current_user, prog, **_program_values(form))
            if form.more_frameworks_shown.data:
                services.set_more_frameworks(current_user, prog, form.more_framework_ids.data)
            dashboard_services.set_nudge_thresholds(current_user, prog, **_threshold_values(
                form, prog))
            if form.reminder_days.data is not None:
                meeting_services.set_reminder_days(current_user, prog, form.reminder_days.data)
            flash(_("The programme is saved."), "success")
            return redirect(url_for("programs.program", program_id=prog.id))
    return render_template(
        "programs/program_form.html", title=_("Edit programme: %(prog_name)s",
                                              prog_name=prog.name), form=form,
        program=prog, cancel_url=url_for("programs.program", program_id=prog.id),
    )


@bp.route("/programs/<int:program_id>/close", methods=["GET", "POST"])
@login_required
def close_program(program_id: int):
    prog = visible_program(program_id)
    permissions.require(permissions.can_close_program(current_user, prog), 403)
    form = forms.CloseProgramForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            services.close_program(current_user, prog)
            flash(_("%(prog_name)s is closed: its content is read-only from now on.",
                    prog_name=prog.name), "success")
            return redirect(url_for("programs.program", program_id=prog.id))
    return render_template(
        "programs/close_form.html", title=_("Close the programme year %(prog_name)s",
                                            prog_name=prog.name), form=form,
        program=prog, retention_years=current_app.config["RETENTION_YEARS"],
        cancel_url=url_for("programs.program", program_id=prog.id),
    )


def _threshold_values(form: forms.ProgramEditForm, prog) -> dict:
    def given(value, current):
        return current if value is None else value

    return {
        "update_days": given(form.nudge_update_days.data, prog.nudge_update_days),
        "missed_meetings": given(form.nudge_missed_meetings.data, prog.nudge_missed_meetings),
        "no_feedback": form.nudge_no_feedback.data,
    }


def _program_values(form: forms.ProgramForm) -> dict:
    return {
        "name": form.name.data,
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "time_zone": form.time_zone.data,
        "description": form.description.data or "",
        "framework_id": form.framework_id.data or None,
    }


@bp.get("/programs/<int:program_id>")
@login_required
def program(program_id: int):
    prog = queries.program_with_cohorts(program_id)
    permissions.require(prog is not None and permissions.can_view_program(current_user, prog))
    return render_template(
        "programs/program.html",
        title=prog.name,
        program=prog,
        leads=sorted(prog.leads, key=lambda lead: lead.user.name.lower()),
        counts=queries.cohort_counts(prog.id),
        frameworks=queries.offered_frameworks(prog),
    )


@bp.route("/programs/<int:program_id>/leads/new", methods=["GET", "POST"])
@login_required
def new_lead(program_id: int):
    prog = visible_program(program_id)
    permissions.require(permissions.can_manage_program(current_user, prog), 403)
    form = forms.LeadForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            user = services.add_program_lead(current_user, prog, form.email.data)
            flash(_("%(user_name)s now leads %(prog_name)s.", user_name=user.name,
                    prog_name=prog.name), "success")
            return redirect(url_for("programs.program", program_id=prog.id))
    return render_template(
        "programs/lead_form.html", title=_("Appoint a program lead for %(prog_name)s",
                                           prog_name=prog.name), form=form,
        program=prog, cancel_url=url_for("programs.program", program_id=prog.id),
    )


@bp.post("/programs/<int:program_id>/leads/<int:user_id>/remove")
@login_required
def remove_lead(program_id: int, user_id: int):
    prog = visible_program(program_id)
    permissions.require(permissions.can_manage_program(current_user, prog), 403)
    with refusal_flashed():
        services.remove_program_lead(current_user, prog, user_id)
        permissions.forget_roles()  # the actor may have just stepped down themselves
        flash(_("The program lead is removed."), "success")
        if not permissions.can_view_program(current_user, prog):
            return redirect(url_for("main.home"))
    return redirect(url_for("programs.program", program_id=program_id))


# --- cohorts -----------------------------------------------------------------------------


@bp.route("/programs/<int:program_id>/cohorts/new", methods=["GET", "POST"])
@login_required
def new_cohort(program_id: int):
    prog = visible_program(program_id)
    permissions.require(permissions.can_manage_program(current_user, prog), 403)
    form = forms.CohortForm(offered=queries.offered_frameworks(prog))
    if form.validate_on_submit():
        with refusal_shown_on(form):
            coh = services.create_cohort(
                current_user, prog, name=form.name.data, description=form.description.data or "",
                framework_id=form.framework_id.data or None,
            )
            flash(_("The cohort %(coh_name)s is created. Now bring its people in.",
                    coh_name=coh.name), "success")
            return redirect(url_for("programs.cohort", cohort_id=coh.id))
    return render_template(
        "programs/cohort_form.html", title=_("New cohort in %(prog_name)s",
                                             prog_name=prog.name), form=form,
        program=prog, cancel_url=url_for("programs.program", program_id=prog.id),
    )


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@login_required
def edit_cohort(cohort_id: int):
    coh = visible_cohort(cohort_id)
    permissions.require(permissions.can_manage_cohort(current_user, coh), 403)
    form = forms.CohortForm(obj=coh, offered=queries.offered_frameworks(coh.program))
    if not form.is_submitted():
        form.framework_id.data = queries.cohort_framework_id(coh, coh.program)
    if form.validate_on_submit():
        with refusal_shown_on(form):
            services.update_cohort(
                current_user, coh, name=form.name.data, description=form.description.data or "",
                framework_id=form.framework_id.data or None,
            )
            flash(_("The cohort is saved."), "success")
            return redirect(url_for("programs.cohort", cohort_id=coh.id))
    return render_template(
        "programs/cohort_form.html", title=_("Edit cohort: %(coh_name)s",
                                             coh_name=coh.name), form=form,
        program=coh.program, cohort=coh, cancel_url=url_for("programs.cohort", cohort_id=coh.id),
    )


@bp.get("/cohorts/<int:cohort_id>")
@login_required
def cohort(cohort_id: int):
    coh = visible_cohort(cohort_id)
    manages = permissions.can_manage_roster(current_user, coh)
    # Facilitators see each member's worksheets: two queries whatever the roster's size.
    tracks_worksheets = permissions.can_view_worksheet_status(current_user, coh)
    return render_template(
        "programs/cohort.html",
        # Cohort names repeat from year to year ("Cohort A"): the programme tells them apart.
        title=_("%(coh_name)s · %(program_name)s", coh_name=coh.name,
                program_name=coh.program.name),
        cohort=coh,
        program=coh.program,  # base.html says when the year is closed
        roster=queries.roster(coh),
        manages=manages,
        # Only those who manage the roster see who has not joined yet.
        expiries=queries.invitation_expiries(coh.id) if manages else {},
        now=utcnow(),
        checkpoints=assessment_queries.checkpoints(coh.program_id) if tracks_worksheets else [],
        worksheets=assessment_queries.cohort_worksheets(coh.id) if tracks_worksheets else {},
    )


# --- the roster: one person at a time ----------------------------------------------------


@bp.route("/cohorts/<int:cohort_id>/invite", methods=["GET", "POST"])
@login_required
def invite(cohort_id: int):
    coh = visible_cohort(cohort_id)
    permissions.require(permissions.can_manage_roster(current_user, coh), 403)
    form = forms.InviteForm()
    grantable = [r for r in COHORT_ROLES if permissions.can_grant_role(current_user, coh, r)]
    form.set_choices(grantable, org_queries.organization_choices_or_none())
    if form.validate_on_submit():
        permissions.require(permissions.can_grant_role(current_user, coh, form.role.data), 403)
        with refusal_shown_on(form):
            result = services.invite_to_cohort(
                current_user, coh, email=form.email.data, name=form.name.data,
                role=form.role.data, organization_id=form.organization_id.data or None,
            )
            flash(_invited_message(result, coh), "success")
            return redirect(url_for("programs.cohort", cohort_id=coh.id))
    return render_template(
        "programs/invite.html", title=_("Invite someone to %(coh_name)s",
                                        coh_name=coh.name), form=form, cohort=coh,
        cancel_url=url_for("programs.cohort", cohort_id=coh.id),
    )


def _invited_message(result: services.InviteResult, coh: Cohort) -> str:
    if result.new_account:
        return _("%(user_name)s is in %(coh_name)s. An invitation is on its way to them.",
                 user_name=result.user.name, coh_name=coh.name)
    return _("%(user_name)s already had an account and is now in %(coh_name)s; we told them.",
             user_name=result.user.name, coh_name=coh.name)


@bp.post("/cohorts/<int:cohort_id>/people/<int:user_id>/role")
@login_required
def change_role(cohort_id: int, user_id: int):
    coh = visible_cohort(cohort_id)
    membership = _membership_in(coh, user_id)
    permissions.require(permissions.can_change_cohort_role(current_user, coh), 403)
    form = forms.RoleForm()
    if not form.validate_on_submit():
        abort(400)
    services.change_role(current_user, coh, membership, form.role.data)
    flash(_("%(user_name)s is now a %(data)s of %(coh_name)s.", user_name=membership.user.name,
            data=form.role.data, coh_name=coh.name), "success")
    return redirect(url_for("programs.cohort", cohort_id=coh.id))


@bp.post("/cohorts/<int:cohort_id>/people/<int:user_id>/remove")
@login_required
def remove_person(cohort_id: int, user_id: int):
    coh = visible_cohort(cohort_id)
    membership = _membership_in(coh, user_id)
    permissions.require(permissions.can_remove_from_cohort(current_user, coh, membership), 403)
    name = membership.user.name
    services.remove_from_cohort(current_user, coh, membership)
    permissions.forget_roles()  # the actor may have removed themselves
    flash(_("%(name)s is no longer in %(coh_name)s.", name=name, coh_name=coh.name), "success")
    if not permissions.can_view_cohort(current_user, coh):
        return redirect(url_for("main.home"))
    return redirect(url_for("programs.cohort", cohort_id=coh.id))


@bp.post("/cohorts/<int:cohort_id>/people/<int:user_id>/resend")
@login_required
def resend_invitation(cohort_id: int, user_id: int):
    coh = visible_cohort(cohort_id)
    membership = _membership_in(coh, user_id)
    permissions.require(permissions.can_manage_roster(current_user, coh), 403)
    with refusal_flashed():
        services.resend_invitation(current_user, coh, membership)
        flash(_("A new invitation is on its way to %(user_name)s.", user_name=membership.user.name),
              "success")
    return redirect(url_for("programs.cohort", cohort_id=coh.id))


# --- the roster: a CSV file ----------------------------------------------------------------


@bp.route("/cohorts/<int:cohort_id>/import", methods=["GET", "POST"])
@login_required
def import_roster(cohort_id: int):
    """Upload, then a preview of every row; nothing is saved until the preview is confirmed."""
    coh = visible_cohort(cohort_id)
    permissions.require(permissions.can_manage_roster(current_user, coh), 403)
    form = forms.RosterUploadForm()
    if form.validate_on_submit():
        try:
            text = roster.read_text(form.roster.data.read(roster.MAX_BYTES + 1))
        except roster.RosterFileError as exc:
            form.roster.errors.append(str(exc))
        else:
            return _preview(coh, text)
    return render_template(
        "programs/roster_upload.html", title=_("Import a roster into %(coh_name)s",
                                               coh_name=coh.name), form=form,
        cohort=coh, max_rows=current_app.config["ROSTER_MAX_ROWS"],
    )


@bp.post("/cohorts/<int:cohort_id>/import/confirm")
@login_required
def confirm_import(cohort_id: int):
    coh = visible_cohort(cohort_id)
    permissions.require(permissions.can_manage_roster(current_user, coh), 403)
    form = forms.RosterConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    # The file is checked again: the database (or the text sent back) may have changed.
    plan = _plan(coh, form.csv_text.data)
    if not plan.ok:
        return _render_preview(coh, plan, form.csv_text.data)
    summary = services.import_roster(current_user, coh, plan)
    flash(summary.message(), "success")
    return redirect(url_for("programs.cohort", cohort_id=coh.id))


@bp.get("/cohorts/<int:cohort_id>/import/example.csv")
@login_required
def roster_example(cohort_id: int):
    coh = visible_cohort(cohort_id)
    permissions.require(permissions.can_manage_roster(current_user, coh), 403)
    example = (
        "name,email,district,school,role\r\n"
        "Ana Alvarez,ana.alvarez@example.org,Riverside Unified,Oak Street Elementary,member\r\n"
        "Dev Desai,dev.desai@example.org,Pine Ridge District,,member\r\n"
    )
    return current_app.response_class(
        "\ufeff" + example,  # the BOM makes Excel read the file as UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=roster-example.csv"},
    )


def _plan(coh: Cohort, text: str) -> roster.RosterPlan:
    parsed = roster.parse(
        text,
        max_rows=current_app.config["ROSTER_MAX_ROWS"],
        allow_facilitators=permissions.can_appoint_facilitators(current_user, coh),
    )
    if parsed.errors:
        return roster.plan(parsed, roster.Existing({}, frozenset(), {}, {}))
    return roster.plan(parsed, queries.roster_lookup(coh, parsed))


def _preview(coh: Cohort, text: str):
    return _render_preview(coh, _plan(coh, text), text)


def _render_preview(coh: Cohort, plan: roster.RosterPlan, text: str):
    return render_template(
        "programs/roster_preview.html",
        title=_("Check the roster for %(coh_name)s", coh_name=coh.name),
        cohort=coh,
        plan=plan,
        confirm_form=forms.RosterConfirmForm(formdata=None, csv_text=text) if plan.ok else None,
        upload_form=None if plan.ok else forms.RosterUploadForm(formdata=None),
        roster=roster,
    )
