"""Forms for programmes, cohorts and rosters: field-level validation only; they never save."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from plc.accounts.forms import time_zone_choices, valid_time_zone
from plc.formtools import BaseForm, limited
from plc.programs.models import COHORT_ROLES, FACILITATOR, MEMBER
from plc.programs.roster import MAX_BYTES as ROSTER_MAX_BYTES
from plc.rubrics import queries as rubric_queries
from plc.rubrics.services import DEFAULT_KEY

ROLE_LABELS = {MEMBER: "Member", FACILITATOR: "Facilitator"}


class ProgramForm(BaseForm):
    name = StringField(
        _l("Name"), validators=[InputRequired(), limited(200)]
    )
    starts_on = DateField(_l("Start date"), validators=[InputRequired()])
    ends_on = DateField(_l("End date"), validators=[InputRequired()])
    time_zone = SelectField(_l("Time zone"), validators=[InputRequired(), valid_time_zone])
    # Left out (an older client, a script), it means the bundled default.
    framework_id = SelectField(_l("Rubric framework"), coerce=int, validate_choice=False)
    description = TextAreaField(_l("Description"), validators=[limited(5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = time_zone_choices()
        self.framework_id.choices = framework_choices()

    def validate_framework_id(self, field) -> None:
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_("Choose a framework from the list."))

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data <= self.starts_on.data:
            raise ValidationError(_("The end date must be after the start date."))


class ProgramEditForm(ProgramForm):
    """Editing adds the thresholds of the cohort dashboard's nudge flags and when meeting
    reminders go out. Left out (an older client, a script), a number keeps its value."""

    nudge_update_days = IntegerField(
        _l("Flag a member after this many days without a progress update"),
        validators=[Optional(), NumberRange(1, 365, _l("Choose between 1 and 365 days."))])
    nudge_missed_meetings = IntegerField(
        _l("Flag a member who missed this many meetings in a row"),
        validators=[Optional(), NumberRange(1, 12, _l("Choose between 1 and 12 meetings."))])
    nudge_no_feedback = BooleanField(_l("Flag a shared plan that has received no comment yet"))
    reminder_days = IntegerField(
        _l("Remind members this many days before each meeting"),
        validators=[Optional(), NumberRange(1, 14, _l("Choose between 1 and 14 days."))])
    # Left out (an older client, a script), the further frameworks stay as they are.
    more_framework_ids = SelectMultipleField(
        _l("Further frameworks"), coerce=int, validate_choice=False)
    more_frameworks_shown = HiddenField(default="1")  # an empty multi-select sends nothing

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.more_framework_ids.choices = [c for c in self.framework_id.choices if c[0]]

    def validate_more_framework_ids(self, field) -> None:
        known = {value for value, _label in field.choices}
        if any(value not in known for value in field.data or ()):
            raise ValidationError(_("Choose frameworks from the list."))


def framework_choices() -> list[tuple[int, str]]:
    """Every framework version; 0 stands for the bundled rubric while it is not imported yet
    (it is imported when the programme is saved, so that showing the form writes nothing)."""
    choices = [(f.id, f.label) for f in rubric_queries.all_frameworks()]
    if not rubric_queries.framework_exists(DEFAULT_KEY):
        choices.insert(0, (0, "Leadership competency framework rubric: K-12 (bundled)"))
    return choices


class CohortForm(BaseForm):
    name = StringField(
        _l("Name"), validators=[InputRequired(), limited(200)]
    )
    description = TextAreaField(_l("Description"), validators=[limited(5000)])
    # Shown when the programme offers several frameworks; left out, the cohort keeps its own.
    framework_id = SelectField(_l("Rubric framework"), coerce=int, validate_choice=False)

    def __init__(self, *args, offered: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.framework_id.choices = list(offered)

    def validate_framework_id(self, field) -> None:
        if field.data and field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_("Choose one of the programme's frameworks."))


class LeadForm(BaseForm):
    email = EmailField(
        _l("E-mail of the new program lead"),
        validators=[InputRequired(), Email(), limited(254)],
    )


class InviteForm(BaseForm):
    email = EmailField(
        _l("E-mail"), validators=[InputRequired(), Email(), limited(254)]
    )
    name = StringField(_l("Name"), validators=[InputRequired(), limited(200)])
    role = SelectField(_l("Role in the cohort"), validators=[InputRequired()])
    organization_id = SelectField(_l("District or school"), coerce=int, default=0)

    def set_choices(self, roles: list[str], organizations: list[tuple[int, str]]) -> None:
        """Only the roles this user may grant; ``organizations`` includes "(none)"."""
        self.role.choices = [(role, ROLE_LABELS[role]) for role in roles]
        self.organization_id.choices = organizations


class RosterUploadForm(BaseForm):
    roster = FileField(
        _l("Roster file (CSV)"),
        validators=[
            FileRequired(_l("Choose a CSV file.")),
            FileAllowed(["csv", "txt"], _l("Choose a file ending in .csv.")),
        ],
    )


class RosterConfirmForm(BaseForm):
    # The checked file travels back with the confirmation and is checked again there:
    # nothing is stored between the preview and the import.
    csv_text = HiddenField(validators=[InputRequired(), limited(ROSTER_MAX_BYTES)])


class RoleForm(BaseForm):
    """The promote / make-member buttons on the roster."""

    role = SelectField(choices=list(COHORT_ROLES), validators=[InputRequired()])


class CloseProgramForm(BaseForm):
    confirm = BooleanField(
        _l("I understand: the year becomes read-only for everyone, and its worksheets, plans, "
           "updates, comments, meeting notes and attendance are deleted after the retention "
           "period."),
        validators=[DataRequired(message=_l("Tick the box to confirm that the year is to close."))],
    )
