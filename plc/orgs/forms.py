from __future__ import annotations

from wtforms import BooleanField, PasswordField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired

from plc.formtools import BaseForm, limited


class OrganizationForm(BaseForm):
    name = StringField(
        "Name",
        validators=[DataRequired(message="Enter a name."), limited(200)],
    )


class IdentityProviderForm(BaseForm):
    """A district's OpenID Connect provider. The secret field is never filled in again (a
    PasswordField renders no value): left empty, the stored secret stays."""

    issuer = URLField(
        "Issuer URL",
        validators=[DataRequired(message="Enter the issuer URL."), limited(500)],
    )
    client_id = StringField(
        "Client ID",
        validators=[DataRequired(message="Enter the client ID."), limited(255)],
    )
    client_secret = PasswordField("Client secret", validators=[limited(1000)])
    email_domains = TextAreaField(
        "E-mail domains it vouches for",
        validators=[DataRequired(message="Enter at least one e-mail domain."), limited(1000)],
    )
    password_sign_in = BooleanField("The district’s people may also sign in with a password")
