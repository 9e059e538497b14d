from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from plc.accounts.models import NOTIFY_CHOICES
from plc.accounts.passwords import MIN_LENGTH
from plc.formtools import BaseForm, limited
from plc.i18n import LANGUAGE_NAMES


def time_zone_choices() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


def valid_time_zone(_form, field) -> None:
    if field.data not in set(time_zone_choices()):
        raise ValidationError(_("Choose a time zone from the list."))


class LoginForm(BaseForm):
    """E-mail first: with the district button (or no password) the sign-in goes to the
    identity provider of the district that vouches for the address's domain."""

    email = EmailField(_l("E-mail"), validators=[InputRequired(), limited(254)])
    # Not required by the form: the view asks for it when no district signs the person in.
    password = PasswordField(_l("Password"), validators=[limited(1000)])
    remember = BooleanField(_l("Keep me signed in on this device"))
    district = SubmitField(_l("Continue with my district’s account"))


def _new_password_fields():
    password = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(),
            Length(min=MIN_LENGTH, message=_l("Use at least %(MIN_LENGTH)s characters.",
                                              MIN_LENGTH=MIN_LENGTH)),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    return password, confirm


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired()])
    password, confirm = _new_password_fields()


class ResetRequestForm(BaseForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(), Email(), limited(254)])


class ResetPasswordForm(BaseForm):
    password, confirm = _new_password_fields()


class AcceptInvitationForm(BaseForm):
    name = StringField(_l("Your name"), validators=[InputRequired(), limited(200)])
    password, confirm = _new_password_fields()


class LanguageField(SelectField):
    """A shipped language, or "" for the browser's: an account without a choice shows "", and
    a form that leaves the field out keeps the choice as it was."""

    def process_data(self, value) -> None:
        super().process_data(value or "")


class ProfileForm(BaseForm):
    name = StringField(_l("Name"), validators=[InputRequired(), limited(200)])
    title = StringField(_l("Title or position"), validators=[limited(200)])
    organization_id = SelectField(_l("Organization"), coerce=int)
    time_zone = SelectField(_l("Time zone"), validators=[InputRequired(), valid_time_zone])
    notify = SelectField(_l("E-mail notifications"), choices=NOTIFY_CHOICES)
    # Each language named in its own words; "" follows the browser (plc/i18n.py).
    language = LanguageField(_l("Language"), choices=[
        ("", _l("As my browser prefers"))] + list(LANGUAGE_NAMES.items()))


class SecondFactorForm(BaseForm):
    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        validators=[InputRequired(message=_l("Enter the code.")), limited(40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "text",
                   "autocapitalize": "none", "spellcheck": "false"},
    )


class EnrolForm(BaseForm):
    # The secret the page showed, signed and bound to the person (plc/accounts/two_factor.py).
    enrolment = HiddenField(validators=[InputRequired()])
    code = StringField(
        _l("The 6-digit code your app shows now"),
        validators=[InputRequired(message=_l("Enter the code your app shows.")), limited(20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                   "spellcheck": "false"},
    )


class DisableTwoFactorForm(BaseForm):
    proof = PasswordField(_l("Your password, or the code your app shows now"),
                          validators=[InputRequired()],
                          render_kw={"autocomplete": "current-password"})
