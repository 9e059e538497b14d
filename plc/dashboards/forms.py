"""Forms for the dashboards: field-level validation only; they never save."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length

from plc.dashboards.services import DEFAULT_MESSAGE, MAX_MESSAGE
from plc.formtools import clean_text


class NudgeForm(FlaskForm):
    """The dashboard's table carries one checkbox per member (rendered in the rows); the
    view sets ``user_ids.choices`` to the cohort's members."""

    user_ids = SelectMultipleField("Members to nudge", coerce=int,
                                   validators=[InputRequired("Choose at least one member.")])
    message = TextAreaField("Message", default=DEFAULT_MESSAGE, filters=[clean_text],
                            validators=[InputRequired("Write a message."),
                                        Length(max=MAX_MESSAGE)])
