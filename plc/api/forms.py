from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length


class NewTokenForm(FlaskForm):
    name = StringField("Token name", validators=[DataRequired(), Length(max=100)])


class RevokeTokenForm(FlaskForm):
    token_id = IntegerField(validators=[DataRequired()])
