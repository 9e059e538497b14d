"""Forms for action plans: field-level validation only. Rows of barriers and steps come as
many as there are, plus a few blank ones; blank rows are ignored, so no script is needed."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import HiddenInput

from plc.assessments.queries import Sheet
from plc.formtools import BaseForm, PlainForm, limited
from plc.plans.models import (
    DONE,
    DRAFT,
    DROPPED,
    FACILITATORS_ONLY,
    IN_PROGRESS,
    MAX_FOCUS_AREAS,
    NOT_STARTED,
    SHARED_WITH_COHORT,
    SKILL,
    STRUCTURAL,
    WILL,
)

TEXT_MAX = 5000
BLANK_BARRIERS = 2
BLANK_STEPS = 3
SUPPORT_FIELDS = ("support_formal_learning", "support_practice", "support_reflection",
                  "support_other")
FOCUS_TEXT_FIELDS = ("change", *SUPPORT_FIELDS, "evidence")


def _text(label: str) -> TextAreaField:
    return TextAreaField(label, validators=[limited(TEXT_MAX)])


def _version() -> IntegerField:
    # The version the form was loaded at: a save from an older version is refused.
    return IntegerField(widget=HiddenInput(), validators=[Optional()], default=0)


# As the plan's history says them (plans/revisions.py), capitalised for a list of choices.
STATUS_CHOICES = [(NOT_STARTED, _l("Not started")), (IN_PROGRESS, _l("In progress")),
                  (DONE, _l("Done")), (DROPPED, _l("Dropped"))]


class BarrierEntry(PlainForm):
    id = HiddenField()
    # A blank row chooses no kind: a barrier written there must say which it is (it used to
    # become "skill" unasked).
    kind = SelectField(_l("Kind"), choices=[
        ("", _l("(choose)")), (SKILL, _l("Skill")), (WILL, _l("Will")),
        (STRUCTURAL, _l("Structural / environmental"))], default="")
    text = StringField(_l("What is holding me back"), validators=[limited(TEXT_MAX)])
    remove = BooleanField(_l("Remove"))

    def validate_kind(self, field) -> None:
        if self.text.data and not field.data and not self.remove.data:
            raise ValidationError(_("Choose skill, will or structural."))


class StepEntry(PlainForm):
    id = HiddenField()
    text = StringField(_l("Action step"), validators=[limited(TEXT_MAX)])
    due_on = DateField(_l("Due on"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default=NOT_STARTED)
    remove = BooleanField(_l("Remove"))

    def validate_text(self, field) -> None:
        if not field.data and self.due_on.data and not self.remove.data:
            raise ValidationError(_("Write the step, or clear its date."))


class FocusEntry(PlainForm):
    competency_id = SelectField(_l("Competency"), coerce=int, default=0)
    change = _text(_l("The change I want to make"))
    current_level_id = SelectField(_l("Current rating"), coerce=int, default=0)
    target_level_id = SelectField(_l("Target rating"), coerce=int, default=0)
    barriers = FieldList(FormField(BarrierEntry))
    steps = FieldList(FormField(StepEntry))
    support_formal_learning = _text(_l("Formal learning"))
    support_practice = _text(_l("Opportunities for practice"))
    support_reflection = _text(_l("Opportunities for reflection"))
    support_other = _text(_l("Other support"))
    evidence = _text("How I will know (evidence of progress)")
    remove = BooleanField(_l("Remove this focus area"))


def blank_rows() -> dict[str, PlainForm]:
    """One blank barrier and step row, named "__list__-__index__-<field>": the page's
    <template>s, from which plc/static/js/rows.js adds rows in place (it names them)."""
    return {"barrier": BarrierEntry(prefix="__list__-__index__-"),
            "step": StepEntry(prefix="__list__-__index__-")}


class PlanForm(BaseForm):
    version = _version()
    focus_areas = FieldList(FormField(FocusEntry), min_entries=MAX_FOCUS_AREAS,
                            max_entries=MAX_FOCUS_AREAS)


def level_choices(sheet: Sheet, none_label: str) -> list[tuple[int, str]]:
    return [(0, none_label)] + [(lv.id, f"{lv.value} {lv.label}") for lv in sheet.levels]


def plan_form(sheet: Sheet, **kwargs) -> PlanForm:
    form = PlanForm(**kwargs)
    competencies = [(0, "(choose a competency)")] + [(c.id, c.title)
                                                     for c in sheet.competencies]
    for entry in form.focus_areas:
        entry.competency_id.choices = competencies
        entry.current_level_id.choices = level_choices(
            sheet, _("From my latest self-assessment"))
        entry.target_level_id.choices = level_choices(sheet, _("(not chosen yet)"))
    return form


def plan_data(focus_areas, version: int) -> dict:
    """The form's data for the plan as saved, with blank rows to add barriers and steps."""
    by_position = {fa.position: fa for fa in focus_areas}
    slots = []
    for position in range(1, MAX_FOCUS_AREAS + 1):
        fa = by_position.get(position)
        if fa is None:
            slots.append({"barriers": [{}] * BLANK_BARRIERS, "steps": [{}] * BLANK_STEPS})
            continue
        slots.append({
            "competency_id": fa.competency_id or 0,
            "current_level_id": fa.current_level_id or 0,
            "target_level_id": fa.target_level_id or 0,
            **{name: getattr(fa, name) or "" for name in FOCUS_TEXT_FIELDS},
            "barriers": [{"id": b.id, "kind": b.kind, "text": b.text} for b in fa.barriers]
            + [{}] * BLANK_BARRIERS,
            "steps": [{"id": s.id, "text": s.text, "due_on": s.due_on, "status": s.status}
                      for s in fa.steps] + [{}] * BLANK_STEPS,
        })
    return {"version": version, "focus_areas": slots}


# --- sharing ------------------------------------------------------------------------------

AUDIENCES = {
    DRAFT: (_l("Draft: only me"),
            _l("Nobody else can see it, not even your facilitators.")),
    SHARED_WITH_COHORT: (_l("Shared with my cohort"),
                         _l("Every member and facilitator of your cohort can read it and "
                            "comment.")),
    FACILITATORS_ONLY: (_l("My facilitators only"),
                        _l("Your cohort's facilitators can read it and comment; other members "
                           "cannot.")),
}


class ShareForm(BaseForm):
    version = _version()
    visibility = RadioField(_l("Who can see my plan"),
                            choices=[(key, label) for key, (label, _) in AUDIENCES.items()])


# --- catching up with a newer self-assessment --------------------------------------------


class CatchUpForm(BaseForm):
    version = _version()
    ratings = BooleanField(_l("Update the current ratings of my focus areas"), default=True)
    # The worksheet's changes offered as new focus areas, by their index in the offer;
    # the view sets the choices.
    take = SelectMultipleField(_l("Add as focus areas"), coerce=int, choices=[])


# --- starting -----------------------------------------------------------------------------


class StepDoneForm(BaseForm):
    """"Mark done" beside an action step (on the home page): the CSRF token alone."""


class StartForm(BaseForm):
    # Set by the button pressed: "assessment" or "empty" (a value, not text anyone types).
    source = HiddenField()


# --- progress updates ---------------------------------------------------------------------


class UpdateTextForm(BaseForm):
    version = _version()
    did = _text("What I did")
    learned = _text("What I learned")
    next = _text(_l("What is next"))
    meeting_id = SelectField(_l("Linked to a meeting (optional)"), coerce=int, default=0)

    def step_status(self, step_id: int) -> SelectField:
        return self[f"step_{step_id}"]

    def rating(self, focus_area_id: int) -> SelectField:
        return self[f"rating_{focus_area_id}"]


def _meeting_choices(meetings, time_zone: str) -> list[tuple[int, str]]:
    from plc.templating import local_time

    return [(0, "(no meeting)")] + [
        (m.id, f"{m.title}, {local_time(m.starts_at, '%b %-d, %Y', tz=time_zone)}"
         + (" (cancelled)" if m.is_cancelled else ""))
        for m in meetings
    ]


def update_form(focus_areas, sheet: Sheet, meetings, time_zone: str,
                **kwargs) -> UpdateTextForm:
    """A new progress update, with a status field for every step and a current rating for
    every focus area (pre-set to what the plan holds: leaving them changes nothing)."""
    attrs = {}
    for fa in focus_areas:
        for step in fa.steps:
            attrs[f"step_{step.id}"] = SelectField(_("Status of “%(text)s”", text=step.text),
                                                   choices=STATUS_CHOICES, default=step.status)
        attrs[f"rating_{fa.id}"] = SelectField(
            _("Current rating, focus area %(position)s", position=fa.position), coerce=int,
            choices=level_choices(sheet, "(no rating)"), default=fa.current_level_id or 0)
    form = type("UpdateForm", (UpdateTextForm,), attrs)(**kwargs)
    form.meeting_id.choices = _meeting_choices(meetings, time_zone)
    return form


def update_text_form(meetings, time_zone: str, **kwargs) -> UpdateTextForm:
    form = UpdateTextForm(**kwargs)
    form.meeting_id.choices = _meeting_choices(meetings, time_zone)
    return form
