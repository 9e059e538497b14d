from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired

from plc.formtools import BaseForm, limited


class NewTokenForm(BaseForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), limited(100)])


class RevokeTokenForm(BaseForm):
    token_id = IntegerField(validators=[DataRequired()])
