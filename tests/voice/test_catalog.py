"""The catalog check: every word a respondent reads exists in Spanish, and a Spanish
respondent page shows no English text of the catalog."""

from __future__ import annotations

import re

import pytest

from plc.voice.models import LANGUAGES
from plc.voice.words import WORDS

pytestmark = pytest.mark.database


def test_every_respondent_text_has_every_language():
    missing = [f"{key}.{lang}" for key, texts in WORDS.items() for lang in LANGUAGES
               if not (texts.get(lang) or "").strip()]
    assert missing == [], f"respondent texts without a translation: {missing}"
    placeholders = {key: {lang: set(re.findall(r"{(\w+)}", text)) for lang, text in texts.items()}
                    for key, texts in WORDS.items()}
    assert [k for k, p in placeholders.items() if p["en"] != p["es"]] == []


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    # The leader's own note is their words, in the languages they wrote it in.
    html = re.sub(r'<div class="voice-note">.*?</div>', " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


ENGLISH = [t["en"].split("{")[0].strip() for t in WORDS.values()
           if t["en"] != t["es"] and len(t["en"].split("{")[0].strip()) > 6]


@pytest.mark.parametrize("path", ["a", "closed", "invitee", "used"])
def test_spanish_respondent_pages_hold_no_english(app, world, path):
    links = world.voice_links
    url = {"a": f"/v/{links['a'][0][1]}?lang=es", "closed": f"/v/{links['closed'][0][1]}?lang=es",
           "invitee": f"/v/i/{world.invitee_token}?lang=es", "used": "/v/i/nothing?lang=es"}[path]
    text = _visible_text(app.test_client().get(url).get_data(as_text=True))
    leaked = [phrase for phrase in ENGLISH if phrase in text]
    assert leaked == [], f"{url} shows English: {leaked}"
    assert "Skip to content" not in text
