"""Forms for meetings: field-level validation only; they never save."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import (
    URL,
    AnyOf,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from plc.formtools import BaseForm, PlainForm, limited
from plc.meetings.models import ATTENDANCE_STATUSES, LAST_WEEK, PROTOCOLS
from plc.meetings.services import MAX_DURATION_MINUTES

WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"),
            (5, "Saturday"), (6, "Sunday")]
WEEKS = [(1, "First"), (2, "Second"), (3, "Third"), (4, "Fourth"), (LAST_WEEK, "Last")]
WEEK_LABELS = dict(WEEKS)
WEEKDAY_LABELS = dict(WEEKDAYS)


def _duration_field():
    return IntegerField(_l("Length (minutes)"), default=90,
                        validators=[InputRequired(), NumberRange(1, MAX_DURATION_MINUTES)])


class _Place(BaseForm):
    location = StringField(_l("Place"), validators=[limited(500)])
    online_url = URLField(_l("Video link"), validators=[Optional(), URL(), limited(1000)])


class _PlaceFields(_Place):
    title = StringField(_l("Title"), default=lambda: _("Cohort meeting"),
                        validators=[InputRequired(), limited(200)])


class AgendaRow(PlainForm):
    """One line of a new meeting's agenda: the item and its minutes (the rest, protocol,
    materials and presenters, on the item's own page later). A blank row is ignored."""

    title = StringField(_l("Agenda item"), validators=[limited(200)])
    minutes = IntegerField(_l("Minutes"), validators=[Optional(), NumberRange(1, 600)])

    def validate_title(self, field) -> None:
        if not field.data and self.minutes.data:
            raise ValidationError(_("Name the item, or clear its minutes."))


BLANK_AGENDA_ROWS = 3
MAX_AGENDA_ROWS = 30


def blank_agenda_row() -> AgendaRow:
    """The page's <template> row, named for plc/static/js/rows.js to number."""
    return AgendaRow(prefix="__list__-__index__-")


class MeetingForm(_PlaceFields):
    day = DateField(_l("Date"), validators=[InputRequired()])
    start = TimeField(_l("Starts at"), validators=[InputRequired()])
    duration_minutes = _duration_field()
    agenda = FieldList(FormField(AgendaRow), min_entries=BLANK_AGENDA_ROWS,
                       max_entries=MAX_AGENDA_ROWS)


class SeriesForm(_PlaceFields):
    week_of_month = SelectField(_l("Week of the month"), coerce=int, choices=WEEKS, default=2)
    weekday = SelectField(_l("Day"), coerce=int, choices=WEEKDAYS, default=1)
    start = TimeField(_l("Starts at"), validators=[InputRequired()])
    duration_minutes = _duration_field()
    first_date = DateField(_l("From"), validators=[InputRequired()])
    last_date = DateField(_l("Until"), validators=[InputRequired()])

    def validate_last_date(self, field) -> None:
        if self.first_date.data and field.data and field.data < self.first_date.data:
            raise ValidationError(_("The last date must not be before the first."))


class MoveForm(_Place):
    day = DateField(_l("Date"), validators=[InputRequired()])
    start = TimeField(_l("Starts at"), validators=[InputRequired()])
    duration_minutes = _duration_field()
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class CancelForm(BaseForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


# --- agenda --------------------------------------------------------------------------------

TEXT_MAX = 20_000  # agenda texts and meeting notes: the longest anyone writes here
OTHER_PROTOCOL = "other"
PROTOCOL_KEYS = {key for key, _ in PROTOCOLS}


class AgendaItemForm(BaseForm):
    title = StringField(_l("Title"), validators=[InputRequired(), limited(200)])
    minutes = IntegerField(_l("Minutes"), validators=[Optional(), NumberRange(1, 600)])
    protocol = SelectField(_l("Protocol"), choices=PROTOCOLS, default=OTHER_PROTOCOL)
    protocol_other = StringField(_l("Name of the other protocol (optional)"),
                                 validators=[limited(30)])
    description = TextAreaField(_l("Description"), validators=[limited(TEXT_MAX)])
    materials = TextAreaField(_l("Materials"), validators=[limited(TEXT_MAX)])
    presenters = SelectMultipleField(_l("Presenters"), coerce=int, choices=[])

    def chosen_protocol(self) -> str:
        """A protocol of the list, or the name typed for "Other"."""
        if self.protocol.data == OTHER_PROTOCOL and self.protocol_other.data:
            return self.protocol_other.data
        return self.protocol.data

    def show_protocol(self, stored: str) -> None:
        if stored in PROTOCOL_KEYS:
            self.protocol.data = stored
        else:
            self.protocol.data, self.protocol_other.data = OTHER_PROTOCOL, stored


class MoveItemForm(BaseForm):
    direction = SelectField(choices=[("up", "Up"), ("down", "Down")])


# --- attendance ----------------------------------------------------------------------------

STATUS_LABELS = {"present": _l("Present"), "late": _l("Late"), "excused": _l("Excused"),
                 "absent": _l("Absent")}


class _AttendanceBase(BaseForm):
    # Shown only for a meeting that has not started (plc/meetings/services.record_attendance).
    confirm_early = BooleanField(
        _l("Record it anyway: I know this meeting has not started yet"))

    def statuses(self) -> dict[int, str]:
        """The choices made, by person id (people left without one are not included)."""
        return {person_id: self[name].data for person_id, name in self.person_fields.items()
                if self[name].data}


def attendance_form(people, current: dict[int, str]):
    """One radio group per person, named ``status-<id>``, with none chosen unless recorded."""
    fields = {
        f"status-{person.id}": RadioField(
            person.name, choices=[(s, STATUS_LABELS[s]) for s in ATTENDANCE_STATUSES],
            validate_choice=False, validators=[Optional(), AnyOf(ATTENDANCE_STATUSES)],
            default=current.get(person.id),
        )
        for person in people
    }
    form_class = type("AttendanceForm", (_AttendanceBase,), fields)
    form = form_class()
    form.person_fields = {person.id: f"status-{person.id}" for person in people}
    return form


# --- notes and follow-ups ------------------------------------------------------------------


class NotesForm(BaseForm):
    notes = TextAreaField(_l("Notes"), validators=[limited(TEXT_MAX)])
    notes_version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class NoteTakerForm(BaseForm):
    user_id = SelectField(_l("Note-taker"), coerce=int, choices=[])


class FollowUpForm(BaseForm):
    assignee_id = SelectField(_l("Assigned to"), coerce=int, choices=[],
                              validators=[InputRequired()])
    text = StringField(_l("Follow-up"), validators=[InputRequired(), limited(1000)])
    due_on = DateField(_l("Due on"), validators=[Optional()])


class FollowUpPlanForm(BaseForm):
    focus_area_id = SelectField(_l("Focus area"), coerce=int, choices=[],
                                validators=[InputRequired()])
