from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired

from plc.formtools import BaseForm, limited


class OrganizationForm(BaseForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Enter a name.")), limited(200)],
    )


class IdentityProviderForm(BaseForm):
    """A district's OpenID Connect provider. The secret field is never filled in again (a
    PasswordField renders no value): left empty, the stored secret stays."""

    issuer = URLField(
        _l("Issuer URL"),
        validators=[DataRequired(message=_l("Enter the issuer URL.")), limited(500)],
    )
    client_id = StringField(
        _l("Client ID"),
        validators=[DataRequired(message=_l("Enter the client ID.")), limited(255)],
    )
    client_secret = PasswordField(_l("Client secret"), validators=[limited(1000)])
    email_domains = TextAreaField(
        _l("E-mail domains it vouches for"),
        validators=[DataRequired(message=_l("Enter at least one e-mail domain.")), limited(1000)],
    )
    password_sign_in = BooleanField(_l("The district’s people may also sign in with a password"))
