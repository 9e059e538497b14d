"""The catalog check: every word a respondent reads has its Spanish in the repository's
catalog (plc/translations/es/LC_MESSAGES/messages.po, compiled by make), and a Spanish
respondent page shows no English text of it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import plc
from plc.voice.words import SOURCE, word

CATALOG = Path(plc.__file__).parent / "translations" / "es" / "LC_MESSAGES" / "messages.po"

pytestmark = pytest.mark.database


def test_every_respondent_text_has_its_spanish_in_the_catalog():
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    missing = [key for key, text in SOURCE.items()
               if not (m := catalog.get(text)) or not m.string or m.fuzzy]
    assert missing == [], f"respondent texts without Spanish in {CATALOG.name}: {missing}"
    placeholders = [key for key, text in SOURCE.items()
                    if set(re.findall(r"{(\w+)}", text))
                    != set(re.findall(r"{(\w+)}", catalog.get(text).string))]
    assert placeholders == []


def test_the_compiled_catalog_is_what_the_app_reads(app):
    """`make dev-setup` compiled it: Spanish comes back from gettext, English stays."""
    with app.test_request_context():
        assert word("send", "es") == "Enviar mis respuestas"
        assert word("send", "en") == "Send my answers"


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    # The leader's own note is their words, in the languages they wrote it in.
    html = re.sub(r'<div class="voice-note">.*?</div>', " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


ENGLISH = [t.split("{")[0].strip() for t in SOURCE.values() if len(t.split("{")[0].strip()) > 6]


@pytest.mark.parametrize("path", ["a", "closed", "invitee", "used"])
def test_spanish_respondent_pages_hold_no_english(app, world, path):
    links = world.voice_links
    url = {"a": f"/v/{links['a'][0][1]}?lang=es", "closed": f"/v/{links['closed'][0][1]}?lang=es",
           "invitee": f"/v/i/{world.invitee_token}?lang=es", "used": "/v/i/nothing?lang=es"}[path]
    text = _visible_text(app.test_client().get(url).get_data(as_text=True))
    leaked = [phrase for phrase in ENGLISH if phrase in text]
    assert leaked == [], f"{url} shows English: {leaked}"
    assert "Skip to content" not in text
