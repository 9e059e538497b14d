"""Small pieces every area's forms share."""

from __future__ import annotations


def clean_text(value):
    """A WTForms filter: trim typed text and drop NUL, which PostgreSQL refuses in text."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value
