"""Forms for comments: field-level validation only; they never save."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import HiddenInput

from plc.feedback.models import COOL, QUESTION, WARM
from plc.feedback.services import MAX_BODY
from plc.formtools import clean_text

KIND_CHOICES = [
    ("", "No particular kind"),
    (WARM, "Warm: what is working"),
    (COOL, "Cool: something to push on"),
    (QUESTION, "Question"),
]
KIND_LABELS = {WARM: "Warm", COOL: "Cool", QUESTION: "Question"}


class CommentForm(FlaskForm):
    body = TextAreaField("Your comment", validators=[InputRequired(), Length(max=MAX_BODY)],
                         filters=[clean_text])
    kind = SelectField("Kind of feedback", choices=KIND_CHOICES, default="")


class EditCommentForm(CommentForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
