"""Forms for meetings: field-level validation only; they never save."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TimeField,
    URLField,
)
from wtforms.validators import URL, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from plc.formtools import clean_text
from plc.meetings.models import LAST_WEEK
from plc.meetings.services import MAX_DURATION_MINUTES

WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"), (4, "Friday"),
            (5, "Saturday"), (6, "Sunday")]
WEEKS = [(1, "First"), (2, "Second"), (3, "Third"), (4, "Fourth"), (LAST_WEEK, "Last")]
WEEK_LABELS = dict(WEEKS)
WEEKDAY_LABELS = dict(WEEKDAYS)


def _duration_field():
    return IntegerField("Length (minutes)", default=90,
                        validators=[InputRequired(), NumberRange(1, MAX_DURATION_MINUTES)])


class _PlaceFields(FlaskForm):
    title = StringField("Title", default="Cohort meeting",
                        validators=[InputRequired(), Length(max=200)], filters=[clean_text])
    location = StringField("Place", validators=[Length(max=500)], filters=[clean_text])
    online_url = URLField("Video link", validators=[Optional(), URL(), Length(max=1000)],
                          filters=[clean_text])


class MeetingForm(_PlaceFields):
    day = DateField("Date", validators=[InputRequired()])
    start = TimeField("Starts at", validators=[InputRequired()])
    duration_minutes = _duration_field()


class SeriesForm(_PlaceFields):
    week_of_month = SelectField("Week of the month", coerce=int, choices=WEEKS, default=2)
    weekday = SelectField("Day", coerce=int, choices=WEEKDAYS, default=1)
    start = TimeField("Starts at", validators=[InputRequired()])
    duration_minutes = _duration_field()
    first_date = DateField("From", validators=[InputRequired()])
    last_date = DateField("Until", validators=[InputRequired()])

    def validate_last_date(self, field) -> None:
        if self.first_date.data and field.data and field.data < self.first_date.data:
            raise ValidationError("The last date must not be before the first.")


class MoveForm(FlaskForm):
    day = DateField("Date", validators=[InputRequired()])
    start = TimeField("Starts at", validators=[InputRequired()])
    duration_minutes = _duration_field()
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class CancelForm(FlaskForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
