"""Forms of the site admin's user pages. Organization forms live in plc/orgs/forms.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SearchField, SelectField, StringField
from wtforms.validators import DataRequired, Email

from plc.accounts.queries import STATUS_FILTERS
from plc.formtools import BaseForm, PlainForm, limited


class UserEditForm(BaseForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(message=_l("Enter a name.")), limited(200)],
    )
    title = StringField(_l("Title or position"), validators=[limited(200)])
    organization_id = SelectField(_l("Organization"), coerce=int)
    is_site_admin = BooleanField(_l("Site admin (manages accounts and organizations)"))


class UserCreateForm(UserEditForm):
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(message=_l("Enter an e-mail address.")),
            Email(message=_l("Enter an e-mail address like name@example.org.")),
            limited(254),
        ],
    )


class UserSearchForm(PlainForm):
    """Filters of the user list: a GET form, so no CSRF token and nothing saved."""

    q = SearchField(_l("Name or e-mail contains"), validators=[limited(200)])
    status = SelectField(_l("Status"), choices=STATUS_FILTERS, default="")
