"""Forms of the privacy pages: asking for an export, confirming an erasure."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import DataRequired

from plc.formtools import BaseForm


class ExportForm(BaseForm):
    """"Prepare my data": nothing to fill in but the CSRF token."""


class EraseForm(BaseForm):
    confirm = BooleanField(
        _l("I have checked the request: erase this person's content and anonymise the"
           " account"),
        validators=[DataRequired(message=_l("Tick the box to confirm the erasure."))],
    )
