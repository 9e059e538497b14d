"""The facilitator's cohort dashboard (with nudges and growth), the cohort participation page,
the program lead's programme dashboard, and their exports (programme, cohort, district;
the programme's rating aggregates).

Every handler: load the object or 404 -> permissions.require(...) -> (form) -> services ->
flash and redirect (the request commits once, plc/unit_of_work.py).
"""

from __future__ import annotations

from datetime import date
from functools import cached_property

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from plc import cache, permissions
from plc.assessments import aggregates
from plc.assessments.queries import today_in
from plc.dashboards import exports, figures, forms, queries, reports, services
from plc.db import utcnow
from plc.orgs import queries as org_queries
from plc.plans.models import BARRIER_KINDS
from plc.programs import queries as program_queries
from plc.programs.models import Cohort, Program
from plc.unit_of_work import refusal_shown_on

bp = Blueprint("dashboards", __name__)

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


# --- loading, or 404 ------------------------------------------------------------------------


def _cohort(cohort_id: int, allowed) -> Cohort:
    cohort = program_queries.cohort(cohort_id)
    permissions.require(cohort is not None and allowed(current_user, cohort))
    return cohort


def _program(program_id: int) -> Program:
    program = program_queries.program(program_id)
    permissions.require(program is not None
                        and permissions.can_view_program_dashboard(current_user, program))
    return program


# --- the facilitator's cohort dashboard -----------------------------------------------------


def _choice(name: str, allowed) -> str:
    value = request.args.get(name, "")
    return value if value in allowed else next(iter(allowed))


# ?select=flagged: the page with every flagged member ticked, so that one link selects them
# all without JavaScript (with it, static/js/dashboard.js ticks them in place).
SELECT_FLAGGED = "flagged"


@bp.get("/cohorts/<int:cohort_id>/dashboard")
@login_required
def cohort_dashboard(cohort_id: int):
    cohort = _cohort(cohort_id, permissions.can_view_cohort_dashboard)
    return _render_dashboard(cohort, select_flagged=request.args.get("select") == SELECT_FLAGGED)


def _nudge_form(cohort: Cohort, formdata=None) -> forms.NudgeForm:
    form = forms.NudgeForm(formdata=formdata) if formdata is not None else forms.NudgeForm()
    form.user_ids.choices = [(user_id, name) for user_id, name in queries.member_choices(cohort.id)]
    return form


class Board:
    """The facilitator's dashboard below its title: the members' rows, arranged, and the nudge
    form, made only if the body is rendered: a body the worker kept (dashboards/cohort.html,
    under ``_render_dashboard``'s key) reads no nudge and no member."""

    def __init__(self, cohort: Cohort, figures_counted: reports.CohortFigures,
                 limits: figures.Thresholds, select_flagged: bool,
                 form: forms.NudgeForm | None):
        self.cohort, self.counted, self.limits = cohort, figures_counted, limits
        self.select_flagged, self._form = select_flagged, form
        self.sort = _choice("sort", figures.SORTS)
        self.only = _choice("filter", figures.FILTERS)

    @cached_property
    def all_rows(self) -> list[figures.MemberRow]:
        counted, zone = self.counted, self.cohort.program.time_zone
        return figures.member_rows(
            figures.with_nudges(counted.facts, queries.last_nudges(self.cohort.id)),
            counted.checkpoints, counted.ratings, counted.recent,
            self.limits, utcnow(), today_in(zone),
        )

    @cached_property
    def rows(self) -> list[figures.MemberRow]:
        return figures.arrange(self.all_rows, self.sort, self.only)

    @cached_property
    def flagged(self) -> int:
        return sum(1 for r in self.all_rows if r.flags)

    @cached_property
    def flagged_shown(self) -> list[int]:
        return [r.user_id for r in self.rows if r.flags]

    @cached_property
    def form(self) -> forms.NudgeForm:
        form = self._form if self._form is not None else _nudge_form(self.cohort)
        if self.select_flagged:
            form.user_ids.data = self.flagged_shown
        return form


def _render_dashboard(cohort: Cohort, form: forms.NudgeForm | None = None, status: int = 200,
                      select_flagged: bool = False):
    """The dashboard; with the nudge form refused (``form``), shown again with its errors."""
    program = cohort.program
    limits = figures.Thresholds.of(program)
    counted, counted_at = reports.cohort_figures(cohort, limits.missed_meetings)
    board = Board(cohort, counted, limits, select_flagged, form)
    # Kept under the figures' count time and the minute (a member falls quiet with the clock
    # alone), beside the site's stamps, which every nudge, name or membership changes; a form
    # shown again holds what was typed and its errors, which no key covers.
    body_key = None if form is not None else (
        "cohort-dashboard", cohort.id, counted_at, board.sort, board.only, select_flagged)
    return render_template(
        "dashboards/cohort.html", title=_("Dashboard · %(cohort_name)s",
                                          cohort_name=cohort.name), cohort=cohort,
        program=program, board=board, body_key=body_key, select_flagged=SELECT_FLAGGED,
        body_clock=utcnow().replace(second=0, microsecond=0),
        sorts=figures.SORTS, filters=figures.FILTERS, limits=limits, counted_at=counted_at,
    ), status


@bp.post("/cohorts/<int:cohort_id>/nudges")
@login_required
def nudge(cohort_id: int):
    cohort = program_queries.cohort(cohort_id)
    permissions.require(cohort is not None
                        and permissions.can_view_cohort(current_user, cohort))
    permissions.require(permissions.can_view_cohort_dashboard(current_user, cohort), 403)
    form = _nudge_form(cohort, request.form)
    if form.validate_on_submit():
        recipients = queries.cohort_members(cohort.id, form.user_ids.data)
        with refusal_shown_on(form):
            services.send_nudges(current_user, cohort, recipients, form.message.data)
            flash(_("Nudge sent to %(join)s.", join=", ".join(p.name for p in recipients)),
                  "success")
            return redirect(url_for("dashboards.cohort_dashboard", cohort_id=cohort.id,
                                    sort=_choice("sort", figures.SORTS),
                                    filter=_choice("filter", figures.FILTERS)))
    return _render_dashboard(cohort, form, 422)


# --- the cohort's growth ---------------------------------------------------------------------


@bp.get("/cohorts/<int:cohort_id>/growth")
@login_required
def cohort_growth(cohort_id: int):
    cohort = _cohort(cohort_id, permissions.can_view_cohort_dashboard)
    program = cohort.program
    checkpoints = queries.checkpoints(program.id)
    framework_id = program_queries.cohort_framework_id(cohort, program)
    levels = queries.levels(framework_id) if framework_id else []
    competencies = queries.competencies(framework_id) if framework_id else []
    data = figures.growth(checkpoints, competencies,
                          queries.cohort_ratings(cohort.id, program.id, framework_id)
                          if framework_id else [])
    mix = queries.barrier_mix(cohort.id, program.id)
    return render_template(
        "dashboards/growth.html", title=_("Growth · %(cohort_name)s",
                                          cohort_name=cohort.name), cohort=cohort,
        program=program, checkpoints=checkpoints, levels=levels, growth=data,
        barriers=[(kind, mix.get(kind, 0)) for kind in BARRIER_KINDS], stacked=figures.stacked,
    )


# --- participation, for leads and facilitators ------------------------------------------------


@bp.get("/cohorts/<int:cohort_id>/participation")
@login_required
def cohort_participation(cohort_id: int):
    cohort = _cohort(cohort_id, permissions.can_view_participation)
    report = reports.cohort_participation(cohort)
    return render_template(
        "dashboards/participation.html", title=_("Participation · %(cohort_name)s",
                                                 cohort_name=cohort.name),
        cohort=cohort, program=report.program, facts=report.facts,
        active_this_month=report.active_this_month, plan_status=figures.plan_status,
    )


@bp.get("/programs/<int:program_id>/dashboard")
@login_required
def program_dashboard(program_id: int):
    program = _program(program_id)
    report = reports.program_report(program)
    return render_template(
        "dashboards/program.html", title=_("Participation dashboard · %(program_name)s",
                                           program_name=program.name),
        program=program, cohorts=report.cohorts, districts=report.districts,
        total=report.total, trend=report.trend, sparklines=figures.trend_sparklines(
            report.trend, report.total.members, report.months),
        month_start=report.month_start, month_names=MONTH_NAMES, months=report.months,
        permissions_minimum=permissions.MIN_AGGREGATE_GROUP, counted_at=report.counted_at,
    )


# --- exports ----------------------------------------------------------------------------------


def _date_arg(name: str, default: date) -> date:
    value = request.args.get(name, "").strip()
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400, f"The {name} date must look like 2026-09-01.")


def _range(program: Program) -> tuple[date, date]:
    first = _date_arg("from", program.starts_on)
    last = _date_arg("to", program.ends_on)
    if last < first:
        abort(400, "The end date comes before the start date.")
    return first, last


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export(program: Program, name: str, kind: str, cohort_ids: list[int] | None = None,
            district_id: int | None = None, with_ratings: bool = False) -> Response:
    """The participation export of the programme's members, or of some cohorts' or one
    district's; the XLSX adds attendance, and the programme's rating aggregates when asked.
    Counted like the dashboards: a worker keeps a file it built for FIGURES_CACHE_SECONDS
    (plc/cache.py), so a lead's repeated downloads do not count the year each time."""
    first, last = _range(program)
    (body, mimetype), _counted_at = cache.remembered(
        ("export", kind, program.id, name, tuple(cohort_ids or ()), district_id, first, last,
         with_ratings, str(get_locale())),
        lambda: _export_body(program, name, kind, cohort_ids, district_id, with_ratings,
                             first, last),
        store="files")
    return _download(body, mimetype, exports.filename(name, first, last, kind))


def _export_body(program: Program, name: str, kind: str, cohort_ids: list[int] | None,
                 district_id: int | None, with_ratings: bool, first: date, last: date
                 ) -> tuple[bytes, str]:
    window = queries.Window.of_days(first, last)
    cohort_names = dict(queries.cohorts(program.id))
    table = exports.rows(queries.member_facts(program.id, cohort_ids, window,
                                              district_id=district_id,
                                              time_zone=program.time_zone), cohort_names)
    if kind == "csv":
        return exports.to_csv(table), "text/csv; charset=utf-8"
    attendance = exports.attendance_rows(
        queries.attendance_records(program.id, cohort_ids, window, district_id=district_id),
        cohort_names)
    ratings = None
    if with_ratings:  # one sheet per framework the programme offers, never mixed
        found = aggregates.program_overviews(program)
        ratings = [(exports.ratings_header(f.overview), exports.ratings_rows(f.overview),
                    f.framework_name if len(found) > 1 else None) for f in found] or [
            (exports.ratings_header(None), [], None)]
    return (exports.to_xlsx(table, _("Participation · %(name)s", name=name), attendance,
                            ratings), XLSX)


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
    })


def _program_export(program_id: int, kind: str) -> Response:
    program = _program(program_id)
    return _export(program, program.name, kind, with_ratings=kind == "xlsx"
                   and permissions.can_view_rating_aggregates(current_user, program))


@bp.get("/programs/<int:program_id>/participation.csv")
@login_required
def program_csv(program_id: int):
    return _program_export(program_id, "csv")


@bp.get("/programs/<int:program_id>/participation.xlsx")
@login_required
def program_xlsx(program_id: int):
    return _program_export(program_id, "xlsx")


@bp.get("/cohorts/<int:cohort_id>/participation.csv")
@login_required
def cohort_csv(cohort_id: int):
    cohort = _cohort(cohort_id, permissions.can_view_participation)
    return _export(cohort.program, cohort.name, "csv", [cohort.id])


@bp.get("/cohorts/<int:cohort_id>/participation.xlsx")
@login_required
def cohort_xlsx(cohort_id: int):
    cohort = _cohort(cohort_id, permissions.can_view_participation)
    return _export(cohort.program, cohort.name, "xlsx", [cohort.id])


def _district_export(program_id: int, org_id: int, kind: str) -> Response:
    """A district's members in the programme: 404 for an org that is not a district, or a
    district with no member in the programme's cohorts (there is nothing of it to show)."""
    program = _program(program_id)
    district = org_queries.organization(org_id)
    if (district is None or not district.is_district
            or not queries.district_has_members(program.id, district.id)):
        abort(404)
    return _export(program, f"{program.name} {district.name}", kind, district_id=district.id)


@bp.get("/programs/<int:program_id>/districts/<int:org_id>/participation.csv")
@login_required
def district_csv(program_id: int, org_id: int):
    return _district_export(program_id, org_id, "csv")


@bp.get("/programs/<int:program_id>/districts/<int:org_id>/participation.xlsx")
@login_required
def district_xlsx(program_id: int, org_id: int):
    return _district_export(program_id, org_id, "xlsx")


@bp.get("/programs/<int:program_id>/ratings.csv")
@login_required
def program_ratings_csv(program_id: int):
    """The ratings overview's figures, suppression included, as CSV: program leads only."""
    program = program_queries.program(program_id)
    permissions.require(program is not None
                        and permissions.can_view_rating_aggregates(current_user, program))
    # One framework's figures per file (?framework=ID; the programme's first by default): two
    # frameworks' levels never share columns.
    found = aggregates.program_overviews(program)
    chosen = request.args.get("framework", type=int)
    picked = next((f for f in found if f.framework_id == chosen), found[0] if found else None)
    if chosen is not None and (picked is None or picked.framework_id != chosen):
        abort(404)
    overview = picked.overview if picked else None
    body = exports.to_csv(exports.ratings_rows(overview), exports.ratings_header(overview))
    suffix = "" if picked is None or picked is found[0] else f" {picked.framework_name}"
    return _download(body, "text/csv; charset=utf-8",
                     exports.ratings_filename(program.name + suffix))
