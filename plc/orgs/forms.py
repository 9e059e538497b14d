from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class OrganizationForm(FlaskForm):
    name = StringField(
        "Name", filters=[strip], validators=[DataRequired(message="Enter a name."), Length(max=200)]
    )
