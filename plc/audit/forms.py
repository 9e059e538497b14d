"""The audit log page's filters: a GET form, so no CSRF token and nothing saved."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField

from plc.audit.services import ACTIONS
from plc.formtools import PlainForm, limited

ACTION_CHOICES = [("", _l("Every action")), *ACTIONS.items()]


class AuditFilterForm(PlainForm):
    action = SelectField(_l("Action"), choices=ACTION_CHOICES, default="")
    person = SearchField(_l("Person (name or e-mail, who acted or was acted on)"),
                         validators=[limited(200)])
