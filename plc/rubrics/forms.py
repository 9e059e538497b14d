"""Forms of the framework pages."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired

from plc.formtools import BaseForm

MAX_BYTES = 1_000_000  # the seed rubric is 25 kB; a framework file is never large


class FrameworkUploadForm(BaseForm):
    file = FileField(
        "Framework file (YAML or JSON)",
        validators=[
            FileRequired("Choose a YAML or JSON file."),
            FileAllowed(["yaml", "yml", "json"], "Choose a file ending in .yaml, .yml or .json."),
        ],
    )
