"""Forms for the dashboards: field-level validation only; they never save."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired

from plc.dashboards.services import DEFAULT_MESSAGE, MAX_MESSAGE
from plc.formtools import BaseForm, limited


class NudgeForm(BaseForm):
    """The dashboard's table carries one checkbox per member (rendered in the rows); the
    view sets ``user_ids.choices`` to the cohort's members."""

    user_ids = SelectMultipleField(_l("Members to nudge"), coerce=int,
                                   validators=[InputRequired(_l("Choose at least one member."))])
    message = TextAreaField(_l("Message"), default=DEFAULT_MESSAGE,
                            validators=[InputRequired(_l("Write a message.")),
                                        limited(MAX_MESSAGE)])
