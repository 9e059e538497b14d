"""Forms of the framework pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import RadioField, SelectField
from wtforms.validators import Optional

from plc.formtools import BaseForm

MAX_BYTES = 1_000_000  # the seed rubric is 25 kB; a framework file is never large


class FrameworkUploadForm(BaseForm):
    file = FileField(
        _l("Framework file (YAML or JSON)"),
        validators=[
            FileRequired(_l("Choose a YAML or JSON file.")),
            FileAllowed(["yaml", "yml", "json"],
                        _l("Choose a file ending in .yaml, .yml or .json.")),
        ],
    )


class StartDraftForm(BaseForm):
    """A new framework in the editor: empty, a copy of a published one, or an uploaded file."""

    program_id = SelectField(_l("For the programme"), coerce=int, validate_choice=False)
    start = RadioField(_l("Start from"), choices=[("empty", _l("Nothing: an empty framework")),
                                                  ("copy", _l("A copy of a framework")),
                                                  ("upload", _l("A YAML or JSON file"))],
                       default="empty")
    copy_of = SelectField(_l("Framework to copy"), coerce=int, validate_choice=False)
    file = FileField(_l("Framework file (YAML or JSON)"), validators=[
        Optional(), FileAllowed(["yaml", "yml", "json"],
                                _l("Choose a file ending in .yaml, .yml or .json."))])

    def __init__(self, *args, programs=(), frameworks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.program_id.choices = list(programs)
        self.copy_of.choices = list(frameworks)


class DraftForm(BaseForm):
    """The editor's form: its CSRF token only; the draft's fields are read by editor.read."""
