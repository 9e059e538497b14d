"""The language a page speaks (Flask-Babel's locale selector), and the marker of texts
translated where they are used (docs/architecture.md, "Texts and languages").

In order: the page's own language when a view fixed it (a respondent's page follows its link,
its switcher and the round's languages: plc/voice/views.py), the signed-in person's saved
choice (their profile), the browser's preference among the shipped languages, English.
Outside a request (a job building an export, a command) it is English.

A text a person reads is marked where it is written: ``gettext`` (``_``) when it is made
during a request or a job, ``lazy_gettext`` (``_l``) for WTForms labels, descriptions and
messages in a form's class body. A text kept in a module-level constant that other code
compares or writes into files (an error message a test matches, a label an export writes) is
marked with ``N_`` and translated where it is used: ``_(GENERIC_LOGIN_ERROR)``.
"""

from __future__ import annotations

from flask import g, has_request_context, request
from flask_babel import get_locale, refresh
from flask_login import current_user

SHIPPED = ("en", "es")
DEFAULT = "en"
# Shown in each language's own words (a person who cannot read the page can find theirs).
LANGUAGE_NAMES = {"en": "English", "es": "Español"}


def select_locale() -> str:
    if not has_request_context():
        return DEFAULT
    fixed = g.get("page_language")
    if fixed in SHIPPED:
        return fixed
    saved = getattr(current_user, "language", None) if current_user else None
    if saved in SHIPPED:
        return saved
    return request.accept_languages.best_match(SHIPPED) or DEFAULT


def use_language(lang: str) -> None:
    """Fix this request's language (a respondent's page), whatever the person or browser
    prefers; gettext called before this is forgotten."""
    g.page_language = lang if lang in SHIPPED else DEFAULT
    refresh()


def page_language() -> str:
    """The language of the page being rendered: ``<html lang>``."""
    locale = get_locale()
    return locale.language if locale else DEFAULT

def N_(text: str) -> str:  # noqa: N802  (the marker pybabel extracts: -k N_, babel.cfg)
    """Marks an English source text for the catalog; gettext translates it at use."""
    return text
