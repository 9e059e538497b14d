"""Forms of the site admin's user pages. Organization forms live in plc/orgs/forms.py."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Form, SearchField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from plc.accounts.queries import STATUS_FILTERS
from plc.formtools import clean_text


class UserEditForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[clean_text],
        validators=[DataRequired(message="Enter a name."), Length(max=200)],
    )
    title = StringField("Title or position", filters=[clean_text], validators=[Length(max=200)])
    organization_id = SelectField("Organization", coerce=int)
    is_site_admin = BooleanField("Site admin (manages accounts and organizations)")


class UserCreateForm(UserEditForm):
    email = EmailField(
        "E-mail",
        filters=[clean_text],
        validators=[
            DataRequired(message="Enter an e-mail address."),
            Email(message="Enter an e-mail address like name@example.org."),
            Length(max=254),
        ],
    )


class UserSearchForm(Form):
    """Filters of the user list: a GET form, so no CSRF token and nothing saved."""

    q = SearchField("Name or e-mail contains", filters=[clean_text], validators=[Length(max=200)])
    status = SelectField("Status", choices=STATUS_FILTERS, default="")
