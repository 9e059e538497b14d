"""Cohort meetings, their .ics files and each person's private calendar feed.

Every handler: load the object or 404 -> permissions.require(...) -> validate the form ->
services.x(current_user, obj, values) -> one commit -> flash and redirect.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from plc import permissions
from plc.db import utcnow
from plc.errors import DomainError, show_on_form
from plc.extensions import db
from plc.meetings import forms, ical, queries, services
from plc.meetings.models import Meeting
from plc.meetings.schedule import to_local
from plc.programs.loading import visible_cohort
from plc.programs.models import Cohort
from plc.tokens import hash_token

bp = Blueprint("meetings", __name__)

# The new feed URL travels from the POST to the page that shows it once (only its hash is kept).
_FRESH_FEED = "plc_fresh_calendar_feed"


# --- loading, or 404 ---------------------------------------------------------------------


def _visible_meeting(meeting_id: int) -> Meeting:
    meeting = queries.meeting(meeting_id)
    permissions.require(
        meeting is not None and permissions.can_view_cohort(current_user, meeting.cohort)
    )
    return meeting


# --- a cohort's meetings -------------------------------------------------------------------


@bp.get("/cohorts/<int:cohort_id>/meetings")
@login_required
def cohort_meetings(cohort_id: int):
    cohort = visible_cohort(cohort_id)
    meetings = queries.cohort_meetings(cohort.id)
    now = utcnow()
    return render_template(
        "meetings/list.html", title=f"Meetings · {cohort.name}", cohort=cohort,
        upcoming=[m for m in meetings if m.ends_at >= now],
        past=[m for m in reversed(meetings) if m.ends_at < now],
        zone=cohort.program.time_zone,
    )


@bp.route("/cohorts/<int:cohort_id>/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(cohort_id: int):
    cohort = visible_cohort(cohort_id)
    permissions.require(permissions.can_schedule_meetings(current_user, cohort), 403)
    form = forms.MeetingForm()
    if form.validate_on_submit():
        try:
            meeting = services.schedule_meeting(
                current_user, cohort, title=form.title.data, day=form.day.data,
                start=form.start.data, duration_minutes=form.duration_minutes.data,
                place=_place(form),
            )
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash("The meeting is scheduled.", "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return _form_page("meetings/meeting_form.html", form, cohort, "Schedule a meeting")


@bp.route("/cohorts/<int:cohort_id>/meetings/series/new", methods=["GET", "POST"])
@login_required
def new_series(cohort_id: int):
    cohort = visible_cohort(cohort_id)
    permissions.require(permissions.can_schedule_meetings(current_user, cohort), 403)
    form = forms.SeriesForm()
    if not form.is_submitted():
        form.first_date.data = cohort.program.starts_on
        form.last_date.data = cohort.program.ends_on
    if form.validate_on_submit():
        try:
            series = services.schedule_series(
                current_user, cohort, title=form.title.data, weekday=form.weekday.data,
                week_of_month=form.week_of_month.data, start=form.start.data,
                duration_minutes=form.duration_minutes.data, first_date=form.first_date.data,
                last_date=form.last_date.data, place=_place(form),
            )
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash(f"The series is scheduled, from {series.first_date:%b %-d, %Y} to "
                  f"{series.last_date:%b %-d, %Y}.", "success")
            return redirect(url_for("meetings.cohort_meetings", cohort_id=cohort.id))
    return _form_page("meetings/series_form.html", form, cohort, "Schedule a monthly series")


def _place(form) -> services.Place:
    return services.Place(location=form.location.data or "",
                          online_url=form.online_url.data or "")


def _form_page(template: str, form, cohort: Cohort, title: str):
    return render_template(
        template, title=f"{title} · {cohort.name}", form=form, cohort=cohort,
        program=cohort.program, zone=cohort.program.time_zone,
        cancel_url=url_for("meetings.cohort_meetings", cohort_id=cohort.id),
    )


# --- one meeting ---------------------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    meeting = _visible_meeting(meeting_id)
    return render_template(
        "meetings/meeting.html", title=f"{meeting.title} · {meeting.cohort.name}",
        meeting=meeting, cohort=meeting.cohort, zone=meeting.cohort.program.time_zone,
        cancel_form=forms.CancelForm(version=meeting.version),
    )


@bp.route("/meetings/<int:meeting_id>/move", methods=["GET", "POST"])
@login_required
def move_meeting(meeting_id: int):
    meeting = _visible_meeting(meeting_id)
    permissions.require(permissions.can_schedule_meetings(current_user, meeting.cohort), 403)
    zone = meeting.cohort.program.time_zone
    form = forms.MoveForm()
    if not form.is_submitted():
        _fill_move_form(form, meeting, zone)
    if form.validate_on_submit():
        try:
            services.move_meeting(
                current_user, meeting, day=form.day.data, start=form.start.data,
                duration_minutes=form.duration_minutes.data, loaded_version=form.version.data,
            )
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            db.session.commit()
            flash("The meeting is moved; its cohort is told by e-mail.", "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_template(
        "meetings/move_form.html", title=f"Move {meeting.title} · {meeting.cohort.name}",
        form=form, meeting=meeting, cohort=meeting.cohort,
        program=meeting.cohort.program, zone=zone,
        cancel_url=url_for("meetings.meeting", meeting_id=meeting.id),
    )


def _fill_move_form(form: forms.MoveForm, meeting: Meeting, zone: str) -> None:
    local = to_local(meeting.starts_at, zone)
    form.day.data = local.date()
    form.start.data = local.time().replace(tzinfo=None)
    form.duration_minutes.data = int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)
    form.version.data = meeting.version


@bp.post("/meetings/<int:meeting_id>/cancel")
@login_required
def cancel_meeting(meeting_id: int):
    meeting = _visible_meeting(meeting_id)
    permissions.require(permissions.can_schedule_meetings(current_user, meeting.cohort), 403)
    form = forms.CancelForm()
    back = redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    if not form.validate_on_submit():
        flash("The meeting was not cancelled: reload the page and try again.", "error")
        return back
    try:
        services.cancel_meeting(current_user, meeting, loaded_version=form.version.data)
    except DomainError as exc:
        flash(exc.message, "error")
        return back
    db.session.commit()
    flash("The meeting is cancelled; its cohort is told by e-mail.", "success")
    return back


# --- calendars -----------------------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(meeting_id: int):
    meeting = _visible_meeting(meeting_id)
    return _ics([meeting], meeting.title, f"meeting-{meeting.id}.ics")


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    """No sign-in: calendar apps cannot sign in. The secret token is the key, and only ever
    opens its owner's own cohorts' meetings."""
    owner = queries.feed_owner(hash_token(token))
    permissions.require(owner is not None)
    return _ics(queries.feed_meetings(owner.id), "PLC meetings", "plc-meetings.ics")


def _ics(meetings: list[Meeting], name: str, filename: str) -> Response:
    body = ical.calendar_bytes(
        meetings, domain=request.host.split(":")[0], name=name,
        link_for=lambda m: url_for("meetings.meeting", meeting_id=m.id, _external=True),
    )
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "private, no-store"})


@bp.route("/account/calendar", methods=["GET", "POST"])
@login_required
def calendar_settings():
    if request.method == "POST":
        token = services.renew_calendar_token(current_user)
        db.session.commit()
        session[_FRESH_FEED] = token
        flash("Your calendar feed has a new address; any old one has stopped working.",
              "success")
        return redirect(url_for("meetings.calendar_settings"))
    token = session.pop(_FRESH_FEED, None)
    return render_template(
        "meetings/calendar.html", title="Calendar feed",
        has_feed=queries.calendar_token(current_user.id) is not None,
        feed_url=url_for("meetings.calendar_feed", token=token, _external=True) if token else None,
    )


@bp.post("/account/calendar/revoke")
@login_required
def revoke_calendar():
    services.revoke_calendar_token(current_user)
    db.session.commit()
    flash("Your calendar feed is turned off; its address no longer works.", "success")
    return redirect(url_for("meetings.calendar_settings"))
