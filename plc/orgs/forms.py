from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired

from plc.formtools import BaseForm, limited


class OrganizationForm(BaseForm):
    name = StringField(
        "Name",
        validators=[DataRequired(message="Enter a name."), limited(200)],
    )
