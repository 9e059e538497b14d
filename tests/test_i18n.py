"""The templates read each request's catalog once (plc/i18n.py:_catalog) and still follow
every change of language inside the request: Flask-Babel's force_locale (a page rendered for
someone else, e.g. a "My data" export) and plc.i18n.use_language (a respondent's link)."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, gettext

from plc import i18n

TEXT = ("{{ _('Sign in') }} · "
        "{{ ngettext('%(count)s audience', '%(count)s audiences', 2, count=2) }}")


def test_a_template_follows_every_change_of_language_within_a_request(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = render_template_string(TEXT)
        with force_locale("es"):
            forced = render_template_string(TEXT)
        after = render_template_string(TEXT)
        i18n.use_language("es")
        fixed = render_template_string(TEXT)

    assert english == "Sign in · 2 audiences"
    assert forced == "Iniciar sesión · 2 grupos" and fixed == forced
    assert after == english


def test_templates_and_python_code_read_the_same_catalog(app):
    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert render_template_string("{{ _('Sign in') }}") == gettext("Sign in")
        assert gettext("Sign in") == "Iniciar sesión"


def test_outside_a_request_the_templates_speak_english(app):
    assert render_template_string("{{ _('Sign in') }}") == "Sign in"
