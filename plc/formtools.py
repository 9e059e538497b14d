"""Every form's text handling, in one place.

Every form of PLC derives from ``BaseForm`` (a page's form, with its CSRF token) or
``PlainForm`` (a group of fields repeated inside a page's form, or a GET form of filters).
Their ``Meta.bind_field`` gives every text field what no form may forget:

- a filter: control characters dropped (NUL above all, which PostgreSQL refuses in text and
  which would otherwise reach queued mail), surrounding spaces trimmed; a single-line field
  also turns tabs and line breaks into spaces. Passwords are kept exactly as typed.
- a length limit, unless the field states its own: ``LINE_MAX`` for a single line,
  ``TEXT_MAX`` for a text area or hidden text, ``PASSWORD_MAX`` for a password. Too long is
  an error next to the field, never a truncation.

Error rendering is the ``field`` / ``field_error`` macros of templates/_macros/forms.html.
"""

from __future__ import annotations

import re
from functools import cache

from babel import support
from flask import has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.i18n import messages_path
from wtforms.validators import Length

LINE_MAX = 200
TEXT_MAX = 10_000
PASSWORD_MAX = 1_000
TOO_LONG = "Use at most %(max)d characters; this has %(length)d."

# C0 controls and DEL; a text area keeps tab and line breaks.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\t\r\n]+")


def clean_text(value):
    """Text as stored: controls (NUL among them) dropped, outer spaces trimmed."""
    return CONTROL_CHARACTERS.sub("", value).strip() if isinstance(value, str) else value


def clean_line(value):
    """Like ``clean_text``, for one line: tabs and line breaks become one space."""
    return clean_text(_LINE_BREAKS.sub(" ", value)) if isinstance(value, str) else value


class TextLength(Length):
    """Length, for text only: a hidden field can hold the int its form was filled with."""

    def __call__(self, form, field):
        if isinstance(field.data, str):
            super().__call__(form, field)


def limited(max_length: int) -> Length:
    """A length limit with the house's message, for a field whose limit is not the default."""
    return TextLength(max=max_length, message=TOO_LONG)


def _text_handling(field_class) -> tuple[tuple, int] | None:
    """(filters, default limit) for a text field class; None for any other field."""
    if not issubclass(field_class, StringField):
        return None
    if issubclass(field_class, PasswordField):
        return (), PASSWORD_MAX
    if issubclass(field_class, (TextAreaField, HiddenField)):
        return (clean_text,), TEXT_MAX
    return (clean_line,), LINE_MAX


def _text_options(unbound_field) -> dict:
    """The filters and validators a text field is bound with; nothing for other fields."""
    handling = _text_handling(unbound_field.field_class)
    if handling is None:
        return {}
    filters, default_max = handling
    validators = list(unbound_field.kwargs.get("validators") or ())
    if not any(isinstance(v, Length) and v.max >= 0 for v in validators):
        validators.append(limited(default_max))
    # The house's filter runs first, so that a form's own filters see clean text.
    return {"validators": validators,
            "filters": [*filters, *(unbound_field.kwargs.get("filters") or ())]}


@cache
def _wtforms_catalog(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _WTFormsMessages:
    """WTForms' own messages ("Not a valid choice") in the page's language, each catalog read
    once per process: Flask-WTF reads the file again for every request that makes a form
    (0.3 to 0.5 ms a page: issue 16's profile)."""

    @staticmethod
    def _catalog() -> support.Translations:
        return _wtforms_catalog(str(get_locale()))

    def gettext(self, string: str) -> str:
        return self._catalog().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog().ungettext(singular, plural, n)


_MESSAGES = _WTFormsMessages()


class _TextHandlingMeta:
    def bind_field(self, form, unbound_field, options):
        return super().bind_field(form, unbound_field,
                                  {**options, **_text_options(unbound_field)})

    def get_translations(self, form):
        return _MESSAGES if has_request_context() else super().get_translations(form)


class BaseForm(FlaskForm):
    """A page's form (CSRF-protected), with the house's text handling."""

    class Meta(_TextHandlingMeta):
        pass


class PlainForm(Form):
    """Fields repeated inside a page's form (a FieldList's rows), or a GET form of filters:
    no CSRF token of its own, the same text handling."""

    class Meta(_TextHandlingMeta):
        pass
