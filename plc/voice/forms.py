"""Forms of stakeholder voice. The respondent's answers are read by the view from the posted
fields (their names come from the survey); ``AnswerForm`` carries the CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import InputRequired, Optional

from plc.formtools import BaseForm, limited
from plc.voice.models import (
    FACILITATORS_ONLY,
    FAMILIES,
    OTHER,
    SHARED_WITH_COHORT,
    STAFF,
    STUDENTS,
)
from plc.voice.words import LANGUAGE_NAMES


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


AUDIENCE_CHOICES = [(STAFF, _l("Staff and teachers")), (STUDENTS, _l("Students")),
                    (FAMILIES, _l("Families")), (OTHER, _l("Another group (name it below)"))]


class RoundForm(BaseForm):
    competency_ids = CheckboxesField(_l("Competencies to ask about (up to 3)"), coerce=int,
                                     validators=[InputRequired(_l("Choose at least one."))])
    audiences = CheckboxesField(_l("Who to ask"), choices=AUDIENCE_CHOICES,
                                validators=[InputRequired(_l("Choose at least one."))])
    other_label = StringField(_l("Name of the other group"), validators=[limited(100)])
    languages = CheckboxesField(_l("Languages"),
                                validators=[InputRequired(_l("Choose at least one."))])
    opens_on = DateField(_l("Opens on"), validators=[InputRequired()])
    closes_on = DateField(_l("Closes on"), validators=[InputRequired()])


class InviteForm(BaseForm):
    audience_id = SelectField(_l("Audience"), coerce=int)
    language = SelectField(_l("Language of the e-mail"),
                           choices=list(LANGUAGE_NAMES.items()))
    addresses = TextAreaField(_l("E-mail addresses (one per line, or separated by commas)"),
                              validators=[InputRequired()])


class ShareForm(BaseForm):
    visibility = RadioField(_l("Who may see the summary"), choices=[
        ("draft", _l("Only me")), (SHARED_WITH_COHORT, _l("My cohort (peers and facilitators)")),
        (FACILITATORS_ONLY, _l("My facilitators only"))], validators=[InputRequired()])


class NoteForm(BaseForm):
    heard = TextAreaField(_l("What I heard"), validators=[limited(3000)])
    will_do = TextAreaField(_l("What I will do"), validators=[limited(3000)])


class StepForm(BaseForm):
    focus_area_id = SelectField(_l("Focus area"), coerce=int)
    text = StringField(_l("The step"), validators=[InputRequired()])
    due_on = DateField(_l("Due on (optional)"), validators=[Optional()])


class PlainPostForm(BaseForm):
    """A button's form: its CSRF token only (close the round)."""


class AnswerForm(BaseForm):
    """The respondent's page: the CSRF token; the answers are named by the survey."""
