"""Forms for checkpoints and the reflection worksheet: field-level validation only."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional, ValidationError

from plc.assessments.queries import Sheet
from plc.assessments.services import CHANGE_COUNT
from plc.formtools import BaseForm, PlainForm, limited

TEXT_MAX = 5000


def _text(label: str) -> TextAreaField:
    return TextAreaField(label, validators=[limited(TEXT_MAX)])


# --- checkpoints --------------------------------------------------------------------------


class CheckpointEntry(PlainForm):
    checkpoint_id = HiddenField()
    name = StringField(_l("Name"), validators=[InputRequired(), limited(100)])
    opens_on = DateField(_l("Opens on"), validators=[InputRequired()])
    closes_on = DateField(_l("Closes on"), validators=[InputRequired()])

    def validate_closes_on(self, field) -> None:
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_("The closing date must not be before the opening date."))


class CheckpointsForm(BaseForm):
    checkpoints = FieldList(FormField(CheckpointEntry))


class NewCheckpointForm(BaseForm, CheckpointEntry):
    """The same fields as one row of the checkpoints page, for a checkpoint of its own."""


# --- the worksheet ------------------------------------------------------------------------


class ChangeEntry(PlainForm):
    change = _text(_l("The change I want to make"))
    competency_id = SelectField(_l("Competency (optional)"), coerce=int, default=0,
                                validate_choice=True)
    skill_factors = _text(_l("Skill factors"))
    will_factors = _text(_l("Will factors"))
    structural_factors = _text("Structural / environmental factors")
    action_steps = _text(_l("Action steps"))
    support_formal_learning = _text(_l("Formal learning"))
    support_practice = _text(_l("Opportunities for practice"))
    support_reflection = _text(_l("Opportunities for reflection"))


CHANGE_FIELDS = ("change", "competency_id", "skill_factors", "will_factors",
                 "structural_factors", "action_steps", "support_formal_learning",
                 "support_practice", "support_reflection")


class WorksheetForm(BaseForm):
    # The version the form was loaded at: a save from an older version is refused.
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()], default=0)
    action = HiddenField()  # set by the button pressed: "save" or "submit"
    changes = FieldList(FormField(ChangeEntry), min_entries=CHANGE_COUNT,
                        max_entries=CHANGE_COUNT)

    def rating(self, competency_id: int) -> RadioField:
        return self[f"rating_{competency_id}"]

    def strengths(self, competency_id: int) -> TextAreaField:
        return self[f"strengths_{competency_id}"]

    def changes_for(self, competency_id: int) -> TextAreaField:
        return self[f"changes_{competency_id}"]


def worksheet_form(sheet: Sheet, **kwargs) -> WorksheetForm:
    """A form class with one rating, strengths and changes field per competency."""
    choices = [(str(lv.id), f"{lv.value} {lv.label}") for lv in sheet.levels]
    attrs = {}
    for c in sheet.competencies:
        attrs[f"rating_{c.id}"] = RadioField(
            _("Rating for %(title)s", title=c.title), choices=choices, validators=[Optional()],
            validate_choice=False,  # a missing rating is fine in a draft; the service decides
        )
        attrs[f"strengths_{c.id}"] = _text("Strengths")
        attrs[f"changes_{c.id}"] = _text("Changes I want to make")
    form = type("SheetForm", (WorksheetForm,), attrs)(**kwargs)
    competency_choices = [(0, "(none)")] + [(c.id, c.title) for c in sheet.competencies]
    for entry in form.changes:
        entry.competency_id.choices = competency_choices
    return form


def worksheet_data(assessment) -> dict:
    """The saved worksheet as form data (for a GET)."""
    if assessment is None:
        return {"version": 0}
    data: dict = {"version": assessment.version}
    for r in assessment.ratings:
        data[f"rating_{r.competency_id}"] = str(r.level_id) if r.level_id else None
        data[f"strengths_{r.competency_id}"] = r.strengths
        data[f"changes_{r.competency_id}"] = r.changes
    changes = {c.position: c for c in assessment.changes}
    data["changes"] = [
        {name: getattr(changes[p], name) or (0 if name == "competency_id" else "")
         for name in CHANGE_FIELDS}
        if p in changes else {}
        for p in range(1, CHANGE_COUNT + 1)
    ]
    return data


class ShareForm(BaseForm):
    shared = HiddenField()


class ReopenForm(BaseForm):
    pass
