"""Forms for comments: field-level validation only; they never save."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired
from wtforms.widgets import HiddenInput

from plc.feedback.models import COOL, QUESTION, WARM
from plc.feedback.services import MAX_BODY
from plc.formtools import BaseForm, limited

KIND_CHOICES = [
    ("", _l("No particular kind")),
    (WARM, _l("Warm: what is working")),
    (COOL, _l("Cool: something to push on")),
    (QUESTION, "Question"),
]
KIND_LABELS = {WARM: "Warm", COOL: "Cool", QUESTION: "Question"}


class CommentForm(BaseForm):
    body = TextAreaField(_l("Your comment"), validators=[InputRequired(), limited(MAX_BODY)])
    kind = SelectField(_l("Kind of feedback"), choices=KIND_CHOICES, default="")


class EditCommentForm(CommentForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
