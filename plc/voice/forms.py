"""Forms of stakeholder voice. The respondent's answers are read by the view from the posted
fields (their names come from the survey); ``AnswerForm`` carries the CSRF token."""

from __future__ import annotations

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


AUDIENCE_CHOICES = [(STAFF, "Staff and teachers"), (STUDENTS, "Students"),
                    (FAMILIES, "Families"), (OTHER, "Another group (name it below)")]


class RoundForm(BaseForm):
    competency_ids = CheckboxesField("Competencies to ask about (up to 3)", coerce=int,
                                     validators=[InputRequired("Choose at least one.")])
    audiences = CheckboxesField("Who to ask", choices=AUDIENCE_CHOICES,
                                validators=[InputRequired("Choose at least one.")])
    other_label = StringField("Name of the other group", validators=[limited(100)])
    languages = CheckboxesField("Languages", validators=[InputRequired("Choose at least one.")])
    opens_on = DateField("Opens on", validators=[InputRequired()])
    closes_on = DateField("Closes on", validators=[InputRequired()])


class InviteForm(BaseForm):
    audience_id = SelectField("Audience", coerce=int)
    language = SelectField("Language of the e-mail",
                           choices=list(LANGUAGE_NAMES.items()))
    addresses = TextAreaField("E-mail addresses (one per line, or separated by commas)",
                              validators=[InputRequired()])


class ShareForm(BaseForm):
    visibility = RadioField("Who may see the summary", choices=[
        ("draft", "Only me"), (SHARED_WITH_COHORT, "My cohort (peers and facilitators)"),
        (FACILITATORS_ONLY, "My facilitators only")], validators=[InputRequired()])


class NoteForm(BaseForm):
    heard = TextAreaField("What I heard", validators=[limited(3000)])
    will_do = TextAreaField("What I will do", validators=[limited(3000)])


class StepForm(BaseForm):
    focus_area_id = SelectField("Focus area", coerce=int)
    text = StringField("The step", validators=[InputRequired()])
    due_on = DateField("Due on (optional)", validators=[Optional()])


class PlainPostForm(BaseForm):
    """A button's form: its CSRF token only (close the round)."""


class AnswerForm(BaseForm):
    """The respondent's page: the CSRF token; the answers are named by the survey."""
