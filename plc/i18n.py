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

from flask import g, has_app_context, has_request_context, request
from flask_babel import get_locale, get_translations, refresh
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


def install_catalog_lookup(jinja_env) -> None:
    """The templates' ``_``, ``ngettext``, ``pgettext`` and ``npgettext`` read the catalog
    through ``_catalog`` instead of Flask-Babel's own lookup (same catalogs, same rules)."""
    jinja_env.install_gettext_callables(
        gettext=lambda s: _catalog().ugettext(s),
        ngettext=lambda s, p, n: _catalog().ungettext(s, p, n),
        pgettext=lambda c, s: _catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalog().unpgettext(c, s, p, n),
        newstyle=True,
    )


def _catalog():
    """This request's catalog. Flask-Babel finds the locale, the domain and the catalog again
    for every text (8 µs; a plan page has some 400 texts: a sixth of its time). The catalog is
    kept on Flask-Babel's own per-request namespace beside the locale object it was loaded for,
    so that ``force_locale`` (a new locale object) and ``refresh`` (none) are still obeyed."""
    state = g.get("_flask_babel") if has_app_context() else None
    locale = getattr(state, "babel_locale", None)
    kept = getattr(state, "plc_catalog", None)
    if locale is not None and kept is not None and kept[0] is locale:
        return kept[1]
    catalog = get_translations()
    state = g.get("_flask_babel") if has_app_context() else None
    locale = getattr(state, "babel_locale", None)
    if locale is not None:
        state.plc_catalog = (locale, catalog)
    return catalog
