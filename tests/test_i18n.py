"""The templates read each request's catalog once (plc/i18n.py:_catalog) and still follow
every change of language inside the request: Flask-Babel's force_locale (a page rendered for
someone else, e.g. a "My data" export) and plc.i18n.use_language (a respondent's link)."""

from __future__ import annotations

from babel import support
from flask import render_template_string
from flask_babel import force_locale, gettext
from werkzeug.datastructures import MultiDict
from wtforms import SelectField

from plc import formtools, i18n
from plc.formtools import BaseForm

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


class _Choice(BaseForm):
    pick = SelectField(choices=[("a", "A")])


def _refusal(language: str) -> str:
    with force_locale(language):
        form = _Choice(formdata=MultiDict({"pick": "z"}), meta={"csrf": False})
        assert not form.validate()
        return form.pick.errors[0]


def test_a_forms_own_messages_speak_the_pages_language_from_one_read_of_each_catalog(
        app, monkeypatch):
    """WTForms' messages come from its catalog in the page's language, read once per
    process and language (Flask-WTF read the file for every request that made a form)."""
    formtools._wtforms_catalog.cache_clear()
    reads = []
    load = support.Translations.load
    monkeypatch.setattr(support.Translations, "load",
                        lambda *a, **k: reads.append(a) or load(*a, **k))
    with app.test_request_context():
        english = [_refusal("en") for _ in range(3)]
        spanish = [_refusal("es") for _ in range(3)]
    assert english == ["Not a valid choice."] * 3
    assert len(set(spanish)) == 1 and spanish[0] != english[0] and "válida" in spanish[0]
    assert len(reads) == 2
