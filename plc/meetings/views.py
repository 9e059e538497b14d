"""Cohort meetings, their .ics files and each person's private calendar feed.

Every handler: load the object or 404 -> permissions.require(...) -> validate the form ->
services.x(current_user, obj, values) -> flash and redirect (the request commits once,
plc/unit_of_work.py).
"""

from __future__ import annotations

from functools import cached_property

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from plc import permissions
from plc.db import utcnow
from plc.meetings import forms, ical, queries, services
from plc.meetings.models import PROTOCOLS, AgendaItem, FollowUp, Meeting
from plc.meetings.schedule import to_local
from plc.plans import queries as plans_queries
from plc.programs.loading import visible_cohort
from plc.programs.models import Cohort
from plc.tokens import hash_token
from plc.unit_of_work import refusal_flashed, refusal_shown_on

bp = Blueprint("meetings", __name__)

# The new feed URL travels from the POST to the page that shows it once (only its hash is kept).
_FRESH_FEED = "plc_fresh_calendar_feed"


# --- loading, or 404 ---------------------------------------------------------------------


def _titled(meeting: Meeting) -> str:
    """A page title naming the meeting by its date too: a series' meetings share a title."""
    local = to_local(meeting.starts_at, meeting.cohort.program.time_zone)
    return f"{meeting.title}, {local:%b %-d, %Y} · {meeting.cohort.name}"


def _visible_meeting(meeting_id: int) -> Meeting:
    meeting = queries.meeting(meeting_id)
    permissions.require(
        meeting is not None and permissions.can_view_meetings(current_user, meeting.cohort)
    )
    return meeting


def _meetings_cohort(cohort_id: int) -> Cohort:
    """A cohort whose meetings the viewer may see, or 404 (site admins see the cohort's
    roster, not its meetings)."""
    cohort = visible_cohort(cohort_id)
    permissions.require(permissions.can_view_meetings(current_user, cohort))
    return cohort


# --- a cohort's meetings -------------------------------------------------------------------


@bp.get("/cohorts/<int:cohort_id>/meetings")
@login_required
def cohort_meetings(cohort_id: int):
    cohort = _meetings_cohort(cohort_id)
    meetings = queries.cohort_meetings(cohort.id)
    now = utcnow()
    counts = roster_size = None
    if permissions.can_view_attendance(current_user, cohort):
        counts, roster_size = queries.attendance_counts(cohort.id), queries.roster_size(cohort.id)
    return render_template(
        "meetings/list.html", title=_("Meetings · %(cohort_name)s",
                                      cohort_name=cohort.name), cohort=cohort,
        program=cohort.program,  # base.html says when the year is closed
        upcoming=[m for m in meetings if m.ends_at >= now],
        past=[m for m in reversed(meetings) if m.ends_at < now],
        zone=cohort.program.time_zone, counts=counts, roster_size=roster_size,
        is_member=permissions.keeps_attendance_record(current_user, cohort.id),
    )


@bp.route("/cohorts/<int:cohort_id>/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(cohort_id: int):
    cohort = _meetings_cohort(cohort_id)
    permissions.require(permissions.can_schedule_meetings(current_user, cohort), 403)
    form = forms.MeetingForm()
    if form.validate_on_submit():
        with refusal_shown_on(form):
            meeting = services.schedule_meeting(
                current_user, cohort, title=form.title.data, day=form.day.data,
                start=form.start.data, duration_minutes=form.duration_minutes.data,
                place=_place(form),
                agenda=tuple(services.AgendaValues(title=row.form.title.data,
                                                   minutes=row.form.minutes.data)
                             for row in form.agenda if row.form.title.data),
            )
            flash(_("The meeting is scheduled."), "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return _form_page("meetings/meeting_form.html", form, cohort, _("Schedule a meeting"),
                      blank_row=forms.blank_agenda_row())


@bp.route("/cohorts/<int:cohort_id>/meetings/series/new", methods=["GET", "POST"])
@login_required
def new_series(cohort_id: int):
    cohort = _meetings_cohort(cohort_id)
    permissions.require(permissions.can_schedule_meetings(current_user, cohort), 403)
    form = forms.SeriesForm()
    if not form.is_submitted():
        form.first_date.data = cohort.program.starts_on
        form.last_date.data = cohort.program.ends_on
    if form.validate_on_submit():
        with refusal_shown_on(form):
            series = services.schedule_series(
                current_user, cohort, title=form.title.data, weekday=form.weekday.data,
                week_of_month=form.week_of_month.data, start=form.start.data,
                duration_minutes=form.duration_minutes.data, first_date=form.first_date.data,
                last_date=form.last_date.data, place=_place(form),
            )
            flash(_("The series is scheduled, from %(first)s to %(last)s.",
                    first=format(series.first_date, "%b %-d, %Y"),
                    last=format(series.last_date, "%b %-d, %Y")), "success")
            return redirect(url_for("meetings.cohort_meetings", cohort_id=cohort.id))
    return _form_page("meetings/series_form.html", form, cohort, _("Schedule a monthly series"))


def _place(form) -> services.Place:
    return services.Place(location=form.location.data or "",
                          online_url=form.online_url.data or "")


def _form_page(template: str, form, cohort: Cohort, title: str, **context):
    return render_template(
        template, title=_("%(title)s · %(cohort_name)s", title=title,
                          cohort_name=cohort.name), form=form, cohort=cohort,
        program=cohort.program, zone=cohort.program.time_zone,
        cancel_url=url_for("meetings.cohort_meetings", cohort_id=cohort.id), **context,
    )


# --- one meeting ---------------------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    meeting = _visible_meeting(meeting_id)
    cohort = meeting.cohort
    items = queries.agenda(meeting.id)
    presenters = queries.presenters(meeting.id) if items else {}
    # Notes and follow-ups are the cohort's: not even read for a program lead.
    notes_readable = permissions.can_read_meeting_notes(current_user, cohort)
    return render_template(
        "meetings/meeting.html", title=_titled(meeting),
        meeting=meeting, cohort=cohort, zone=cohort.program.time_zone, program=cohort.program,
        cancel_form=forms.CancelForm(version=meeting.version),
        items=items, presenters=presenters,
        plan_links=_plan_links(presenters, cohort.program_id),
        protocols=dict(PROTOCOLS),
        preparation=_preparation(meeting),
        my_attendance=_my_attendance(meeting),
        notes_readable=notes_readable,
        follow_ups=queries.follow_ups(meeting.id) if notes_readable else [],
        # The form first (arguments run in order): its roster puts the note-taker in the
        # session, which spares a statement.
        note_taker_form=_note_taker_form(meeting),
        note_taker=queries.user(meeting.note_taker_id) if notes_readable else None,
    )


def _plan_links(presenters: dict[int, list], program_id: int) -> dict[int, int]:
    """Presenter id -> their plan's id, for the plans the viewer may open (others show as a
    name only)."""
    ids = {person.id for people in presenters.values() for person in people}
    plans = queries.presenter_plans(ids, program_id)
    return {user_id: plan.id for user_id, (plan, cohort_ids) in plans.items()
            if permissions.can_view_plan(current_user, plan, cohort_ids)}


def _preparation(meeting: Meeting):
    """Who has posted a progress update since the last meeting: facilitators and leads."""
    if not permissions.can_view_attendance(current_user, meeting.cohort):
        return None
    rows = queries.preparation(meeting, meeting.cohort.program_id)
    return {"since": rows[0][2] if rows else None,
            "people": [(person, count) for person, count, _ in rows]}


def _my_attendance(meeting: Meeting):
    if not permissions.keeps_attendance_record(current_user, meeting.cohort_id):
        return None
    return queries.own_attendance_at(current_user.id, meeting.id)


def _note_taker_form(meeting: Meeting):
    if not permissions.can_choose_note_taker(current_user, meeting.cohort):
        return None
    form = forms.NoteTakerForm(user_id=meeting.note_taker_id or 0)
    form.user_id.choices = _note_taker_choices(meeting)
    return form


def _note_taker_choices(meeting: Meeting) -> list[tuple[int, str]]:
    return [(0, _("Nobody (facilitators take notes)"))] + [
        (person.id, person.name) for person in queries.roster(meeting.cohort_id)
    ]


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
        with refusal_shown_on(form):
            services.move_meeting(
                current_user, meeting, day=form.day.data, start=form.start.data,
                duration_minutes=form.duration_minutes.data, loaded_version=form.version.data,
                place=_place(form),
            )
            flash(_("The meeting is moved; its cohort is told by e-mail."), "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_template(
        "meetings/move_form.html", title=_("Move %(titled)s", titled=_titled(meeting)),
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
    form.location.data = meeting.location
    form.online_url.data = meeting.online_url


@bp.post("/meetings/<int:meeting_id>/cancel")
@login_required
def cancel_meeting(meeting_id: int):
    meeting = _visible_meeting(meeting_id)
    permissions.require(permissions.can_schedule_meetings(current_user, meeting.cohort), 403)
    form = forms.CancelForm()
    back = redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    if not form.validate_on_submit():
        flash(_("The meeting was not cancelled: reload the page and try again."), "error")
        return back
    with refusal_flashed():
        services.cancel_meeting(current_user, meeting, loaded_version=form.version.data)
        flash(_("The meeting is cancelled; its cohort is told by e-mail."), "success")
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
        session[_FRESH_FEED] = token
        flash(_("Your calendar feed has a new address; any old one has stopped working."),
              "success")
        return redirect(url_for("meetings.calendar_settings"))
    token = session.pop(_FRESH_FEED, None)
    return render_template(
        "meetings/calendar.html", title=_("Calendar feed"),
        has_feed=queries.calendar_token(current_user.id) is not None,
        feed_url=url_for("meetings.calendar_feed", token=token, _external=True) if token else None,
    )


@bp.post("/account/calendar/revoke")
@login_required
def revoke_calendar():
    services.revoke_calendar_token(current_user)
    flash(_("Your calendar feed is turned off; its address no longer works."), "success")
    return redirect(url_for("meetings.calendar_settings"))


# --- agenda --------------------------------------------------------------------------------


def _agenda_item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = queries.agenda_item(meeting.id, item_id)
    permissions.require(item is not None)
    return item


def _managed_agenda(meeting_id: int) -> Meeting:
    meeting = _visible_meeting(meeting_id)
    permissions.require(permissions.can_manage_agenda(current_user, meeting.cohort), 403)
    return meeting


def _agenda_values(form: forms.AgendaItemForm) -> services.AgendaValues:
    return services.AgendaValues(
        title=form.title.data, minutes=form.minutes.data, protocol=form.chosen_protocol(),
        description=form.description.data or "", materials=form.materials.data or "",
        presenter_ids=tuple(form.presenters.data or ()),
    )


def _presenter_choices(meeting: Meeting) -> list[tuple[int, str]]:
    return [(person.id, person.name) for person in queries.roster(meeting.cohort_id)]


@bp.route("/meetings/<int:meeting_id>/agenda/new", methods=["GET", "POST"])
@login_required
def agenda_new(meeting_id: int):
    meeting = _managed_agenda(meeting_id)
    form = forms.AgendaItemForm()
    form.presenters.choices = _presenter_choices(meeting)
    if form.validate_on_submit():
        with refusal_shown_on(form):
            services.add_agenda_item(current_user, meeting, _agenda_values(form))
            flash(_("The agenda item is added."), "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id,
                                    _anchor="agenda"))
    return _agenda_page(meeting, form, _("Add an agenda item"))


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def agenda_edit(meeting_id: int, item_id: int):
    meeting = _managed_agenda(meeting_id)
    item = _agenda_item(meeting, item_id)
    form = forms.AgendaItemForm(obj=None if request.method == "POST" else item)
    form.presenters.choices = _presenter_choices(meeting)
    if not form.is_submitted():
        form.show_protocol(item.protocol)
        form.presenters.data = queries.presenter_ids(item.id)
    if form.validate_on_submit():
        with refusal_shown_on(form):
            services.edit_agenda_item(current_user, meeting, item, _agenda_values(form))
            flash(_("The agenda item is saved."), "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id,
                                    _anchor="agenda"))
    return _agenda_page(meeting, form, _("Edit “%(item_title)s”", item_title=item.title))


def _agenda_page(meeting: Meeting, form, heading: str):
    return render_template(
        "meetings/agenda_form.html", title=_("%(heading)s · %(titled)s", heading=heading,
                                             titled=_titled(meeting)), heading=heading,
        form=form, meeting=meeting, cohort=meeting.cohort,
        cancel_url=url_for("meetings.meeting", meeting_id=meeting.id, _anchor="agenda"),
    )


@bp.post("/meetings/<int:meeting_id>/agenda/<int:item_id>/delete")
@login_required
def agenda_delete(meeting_id: int, item_id: int):
    meeting = _managed_agenda(meeting_id)
    item = _agenda_item(meeting, item_id)
    services.remove_agenda_item(current_user, meeting, item)
    flash(_("“%(item_title)s” is removed from the agenda.", item_title=item.title), "success")
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id, _anchor="agenda"))


@bp.post("/meetings/<int:meeting_id>/agenda/<int:item_id>/move")
@login_required
def agenda_move(meeting_id: int, item_id: int):
    meeting = _managed_agenda(meeting_id)
    item = _agenda_item(meeting, item_id)
    form = forms.MoveItemForm()
    back = redirect(url_for("meetings.meeting", meeting_id=meeting.id, _anchor="agenda"))
    if not form.validate_on_submit():
        flash(_("Choose whether to move the item up or down."), "error")
        return back
    with refusal_flashed():
        services.move_agenda_item(current_user, meeting, item, form.direction.data)
        flash(_("“%(item_title)s” is moved %(data)s.", item_title=item.title,
                data=form.direction.data), "success")
    return back


# --- attendance ----------------------------------------------------------------------------


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(meeting_id: int):
    meeting = _visible_meeting(meeting_id)
    permissions.require(permissions.can_take_attendance(current_user, meeting.cohort), 403)
    roster = Roster(meeting)
    not_started = meeting.starts_at > utcnow()
    if request.method == "POST":
        form = roster.form
        if "mark_all_present" in request.form:
            # Without JavaScript the button is a submit: show the roster again, all present,
            # for the facilitator to adjust and save. Nothing is saved yet.
            for name in form.person_fields.values():
                form[name].data = "present"
        elif form.validate_on_submit():
            with refusal_shown_on(form):
                saved = services.record_attendance(current_user, meeting, form.statuses(),
                                                   ahead_confirmed=form.confirm_early.data)
                flash(_("Attendance is saved (%(saved)s of %(len)s recorded).", saved=saved,
                        len=len(roster.people)), "success")
                return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_template(
        "meetings/attendance.html", title=_("Attendance · %(titled)s", titled=_titled(meeting)),
        meeting=meeting, cohort=meeting.cohort, zone=meeting.cohort.program.time_zone,
        roster=roster, not_started=not_started,
        # A form shown again holds what was typed and its errors, which no key covers.
        body_key=("attendance", meeting.id, not_started) if request.method == "GET" else None,
    )


class Roster:
    """The attendance page's people, what is recorded for them and its form, read only if
    the page's body is rendered: a body the worker kept (meetings/attendance.html, under the
    meeting, whether it has started and the site's stamps, which every write of a roster,
    a name, a meeting or attendance changes) reads none of them."""

    def __init__(self, meeting: Meeting):
        self.meeting = meeting

    @cached_property
    def people(self) -> list:
        return queries.roster(self.meeting.cohort_id)

    @cached_property
    def form(self):
        recorded = queries.attendance(self.meeting.id)
        return forms.attendance_form(self.people,
                                     {uid: row.status for uid, row in recorded.items()})


@bp.get("/cohorts/<int:cohort_id>/my-attendance")
@login_required
def my_attendance(cohort_id: int):
    """A person's own record in a cohort: their attendance and their follow-ups, no one
    else's."""
    cohort = _meetings_cohort(cohort_id)
    return render_template(
        "meetings/my_attendance.html", title=_("My attendance · %(cohort_name)s",
                                               cohort_name=cohort.name), cohort=cohort,
        zone=cohort.program.time_zone,
        rows=queries.own_attendance(current_user.id, cohort.id),
        follow_ups=queries.own_follow_ups(current_user.id, cohort.id),
    )


# --- notes and follow-ups ------------------------------------------------------------------


def _notes_meeting(meeting_id: int) -> Meeting:
    meeting = _visible_meeting(meeting_id)
    permissions.require(
        permissions.can_write_notes(current_user, meeting, meeting.cohort), 403
    )
    return meeting


@bp.route("/meetings/<int:meeting_id>/notes", methods=["GET", "POST"])
@login_required
def notes(meeting_id: int):
    meeting = _notes_meeting(meeting_id)
    form = forms.NotesForm()
    if not form.is_submitted():
        form.notes.data, form.notes_version.data = meeting.notes, meeting.notes_version
    current = None  # the notes someone else saved meanwhile, shown beside the typed text
    if form.validate_on_submit():
        with refusal_shown_on(form):
            services.save_notes(current_user, meeting, form.notes.data or "",
                                loaded_version=form.notes_version.data)
            flash(_("The notes are saved."), "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id,
                                    _anchor="notes"))
        current = meeting.notes
        # The next save builds on theirs (raw_data is what the hidden field shows).
        form.notes_version.data = meeting.notes_version
        form.notes_version.raw_data = [str(meeting.notes_version)]
    return render_template(
        "meetings/notes_form.html", title=_("Notes · %(titled)s", titled=_titled(meeting)),
        form=form, meeting=meeting, cohort=meeting.cohort, current=current,
        cancel_url=url_for("meetings.meeting", meeting_id=meeting.id, _anchor="notes"),
    )


@bp.post("/meetings/<int:meeting_id>/note-taker")
@login_required
def note_taker(meeting_id: int):
    meeting = _visible_meeting(meeting_id)
    permissions.require(permissions.can_choose_note_taker(current_user, meeting.cohort), 403)
    form = forms.NoteTakerForm()
    form.user_id.choices = _note_taker_choices(meeting)
    back = redirect(url_for("meetings.meeting", meeting_id=meeting.id, _anchor="notes"))
    if not form.validate_on_submit():
        flash(_("Choose a member of the cohort as note-taker."), "error")
        return back
    services.choose_note_taker(current_user, meeting, form.user_id.data or None)
    flash(_("The note-taker is set."), "success")
    return back


@bp.route("/meetings/<int:meeting_id>/follow-ups/new", methods=["GET", "POST"])
@login_required
def follow_up_new(meeting_id: int):
    meeting = _notes_meeting(meeting_id)
    form = forms.FollowUpForm()
    form.assignee_id.choices = _presenter_choices(meeting)
    if form.validate_on_submit():
        with refusal_shown_on(form):
            services.add_follow_up(current_user, meeting, assignee_id=form.assignee_id.data,
                                   text=form.text.data, due_on=form.due_on.data)
            flash(_("The follow-up is added."), "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id,
                                    _anchor="follow-ups"))
    return render_template(
        "meetings/follow_up_form.html",
        title=_("Add a follow-up · %(titled)s", titled=_titled(meeting)),
        form=form, meeting=meeting, cohort=meeting.cohort,
        cancel_url=url_for("meetings.meeting", meeting_id=meeting.id, _anchor="follow-ups"),
    )


def _visible_follow_up(follow_up_id: int) -> tuple[FollowUp, Meeting]:
    """A follow-up is part of the meeting's notes: whoever may not read them does not learn
    that it exists (404)."""
    follow_up = queries.follow_up(follow_up_id)
    permissions.require(follow_up is not None)
    meeting = _visible_meeting(follow_up.meeting_id)
    permissions.require(permissions.can_read_meeting_notes(current_user, meeting.cohort))
    return follow_up, meeting


def _back_to(meeting: Meeting):
    return redirect(url_for("meetings.meeting", meeting_id=meeting.id, _anchor="follow-ups"))


@bp.post("/follow-ups/<int:follow_up_id>/done")
@login_required
def follow_up_done(follow_up_id: int):
    follow_up, meeting = _visible_follow_up(follow_up_id)
    permissions.require(permissions.can_complete_follow_up(
        current_user, follow_up, meeting, meeting.cohort), 403)
    services.complete_follow_up(current_user, follow_up)
    flash(_("The follow-up is marked done."), "success")
    return _back_to(meeting)


@bp.post("/follow-ups/<int:follow_up_id>/delete")
@login_required
def follow_up_delete(follow_up_id: int):
    follow_up, meeting = _visible_follow_up(follow_up_id)
    permissions.require(permissions.can_write_notes(current_user, meeting, meeting.cohort), 403)
    services.remove_follow_up(current_user, follow_up)
    flash(_("The follow-up is deleted."), "success")
    return _back_to(meeting)


@bp.route("/follow-ups/<int:follow_up_id>/plan", methods=["GET", "POST"])
@login_required
def follow_up_to_plan(follow_up_id: int):
    """The assignee adds their follow-up to their own plan, choosing the focus area."""
    follow_up, meeting = _visible_follow_up(follow_up_id)
    permissions.require(permissions.can_plan_follow_up(current_user, follow_up), 403)
    plan = plans_queries.own_plan(current_user.id, meeting.cohort.program_id)
    areas = queries.focus_areas(plan.id) if plan else []
    form = forms.FollowUpPlanForm()
    form.focus_area_id.choices = [(a.id, _area_label(a, n)) for n, a in enumerate(areas, 1)]
    if plan is not None and areas and follow_up.action_step_id is None \
            and form.validate_on_submit():
        with refusal_shown_on(form):
            services.follow_up_to_plan(current_user, follow_up, plan, form.focus_area_id.data)
            flash(_("The follow-up is now a step on your plan."), "success")
            return _back_to(meeting)
    return render_template(
        "meetings/follow_up_plan.html",
        title=_("Add a follow-up to my plan · %(titled)s",
                titled=_titled(meeting)), form=form, meeting=meeting,
        cohort=meeting.cohort, follow_up=follow_up, plan=plan, areas=areas,
        cancel_url=url_for("meetings.meeting", meeting_id=meeting.id, _anchor="follow-ups"),
    )


def _area_label(area, number: int) -> str:
    return _("Change %(number)s: %(change)s", number=number,
             change=area.change) if area.change else _("Change %(number)s", number=number)
