"""The catalog check: every word a respondent reads, and every text of the leader's pages
(the round page with its results, the rounds of a plan, the summary a peer or facilitator
sees, the flyer, a programme's counts: plc/templates/voice/ and plc/voice/*.py), of My data,
and of the frame and sign-in pages around them, has its Spanish in the repository's catalog
(plc/translations/es/LC_MESSAGES/messages.po, compiled by make); and a Spanish page shows no
English text of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

import plc
from plc.accounts.models import User
from plc.extensions import db
from plc.voice.words import SOURCE, word
from tests.test_permissions import client_as

PLC = Path(plc.__file__).parent
CATALOG = PLC / "translations" / "es" / "LC_MESSAGES" / "messages.po"
# What make catalogs-update extracts (babel.cfg, Makefile): gettext's names, N_ and _l.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "_l": None}
VOICE_FILES = sorted([*(PLC / "templates" / "voice").glob("*.html"),
                      *(PLC / "voice").glob("*.py")])
# My data (plc/privacy), where a member's rounds are exported: in Spanish too.
PRIVACY_FILES = sorted([*(PLC / "templates" / "privacy").glob("*.html"),
                        *(PLC / "privacy").glob("*.py")])
# The frame around those pages, and the way in: navigation, sign-in, profile, error pages.
FRAME_FILES = [PLC / "templates" / name for name in (
    "base.html", "accounts/login.html", "accounts/login_code.html", "accounts/profile.html",
    "accounts/_form_page.html", "errors/error.html")] + [PLC / "errors.py"]


def _catalog():
    with CATALOG.open("rb") as f:
        return read_po(f)


def _marked(path: Path) -> list[tuple[str, ...]]:
    """The texts marked in one file (a plural's both forms), as pybabel extracts them."""
    method = babel_extract if path.suffix == ".html" else "python"
    found = extract_from_file(method, str(path), keywords=KEYWORDS,
                              options={"extensions": "jinja2.ext.i18n"}
                              if path.suffix == ".html" else {})
    return [m if isinstance(m, tuple) else (m,)
            for _line, m, _comments, _context in found]


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)", text)) | set(re.findall(r"{(\w+)}", text))


VOICE_TEXTS = sorted({m for path in VOICE_FILES for m in _marked(path)})
PRIVACY_TEXTS = sorted({m for path in PRIVACY_FILES for m in _marked(path)})
FRAME_TEXTS = sorted({m for path in FRAME_FILES for m in _marked(path)})
AREAS = {"voice": VOICE_TEXTS, "privacy": PRIVACY_TEXTS, "frame": FRAME_TEXTS}

pytestmark = pytest.mark.database


def test_every_respondent_text_has_its_spanish_in_the_catalog():
    catalog = _catalog()
    missing = [key for key, text in SOURCE.items()
               if not (m := catalog.get(text)) or not m.string or m.fuzzy]
    assert missing == [], f"respondent texts without Spanish in {CATALOG.name}: {missing}"
    placeholders = [key for key, text in SOURCE.items()
                    if set(re.findall(r"{(\w+)}", text))
                    != set(re.findall(r"{(\w+)}", catalog.get(text).string))]
    assert placeholders == []


@pytest.mark.parametrize("area", AREAS)
def test_every_text_of_the_voice_and_my_data_pages_has_its_spanish_in_the_catalog(area):
    """Templates and Python of plc/voice and plc/privacy, and the frame and sign-in pages
    around them: a text marked but not translated (or fuzzy, or with other placeholders than
    its English) fails here."""
    catalog = _catalog()
    marked = AREAS[area]
    assert len(marked) > 20, "the extraction found the marked texts"
    missing, wrong = [], []
    for texts in marked:
        message = catalog.get(texts[0])
        strings = message.string if message else None
        strings = strings if isinstance(strings, tuple) else (strings,)
        if not message or message.fuzzy or not all(strings):
            missing.append(texts[0])
        elif any(_placeholders(s) != _placeholders(texts[-1]) for s in strings):
            wrong.append(texts[0])
    assert missing == [], f"voice texts without Spanish in {CATALOG.name}: {missing}"
    assert wrong == [], f"Spanish with other placeholders than its English: {wrong}"


def test_the_compiled_catalog_is_what_the_app_reads(app):
    """`make dev-setup` compiled it: Spanish comes back from gettext, English stays."""
    with app.test_request_context():
        assert word("send", "es") == "Enviar mis respuestas"
        assert word("send", "en") == "Send my answers"


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|svg|textarea)\b.*?</\1>", " ", html, flags=re.S)
    # The leader's own note and the respondents' open answers are their words, in the
    # languages they wrote them in.
    html = re.sub(r'<(div|li) class="voice-note[^"]*">.*?</\1>', " ", html, flags=re.S)
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


def english_of_voice_pages(marked=None) -> list[str]:
    """The English words of the voice texts (or ``marked``): each text's parts between its
    placeholders and tags, long enough to mean something, and not the same in Spanish."""
    catalog = _catalog()
    parts = set()
    for texts in marked or VOICE_TEXTS:
        message = catalog.get(texts[0])
        spanish = " ".join(s for s in (message.string if isinstance(message.string, tuple)
                                       else (message.string,)))
        for text in texts:
            for part in re.split(r"%\(\w+\)[sd]|{\w+}|<[^>]+>|\n", text):
                part = part.strip(" .,:;()·")
                if len(part) > 6 and part not in spanish:
                    parts.add(part)
    return sorted(parts)


LEADER_PAGES = {
    # (who, the page): the member's round page (results, invitations, close), the closed
    # round's (the note form), the rounds of the plan, the summary a facilitator reads once
    # shared, a programme lead's counts.
    "round": ("member_a", lambda w: f"/voice/rounds/{w.round_a.id}"),
    "closed": ("member_a", lambda w: f"/voice/rounds/{w.round_closed.id}"),
    "plan_rounds": ("member_a", lambda w: f"/plans/{w.plan_a.id}/voice"),
    "shared": ("facilitator_a", lambda w: f"/voice/rounds/{w.round_shared.id}"),
    "counts": ("program_lead", lambda w: f"/programs/{w.program.id}/voice"),
}


@pytest.mark.parametrize("page", sorted(LEADER_PAGES))
def test_the_leaders_pages_speak_the_browsers_spanish_with_no_english_of_theirs(
        app, world, page):
    role, url = LEADER_PAGES[page]
    client = client_as(app, world, role)
    response = client.get(url(world), headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="es"' in html
    text = _visible_text(html) + " ".join(re.findall(r'(?:aria-label|title)="([^"]*)"', html))
    leaked = [phrase for phrase in english_of_voice_pages() if phrase in text]
    assert leaked == [], f"{page} shows English: {leaked}"
    english = client.get(url(world), headers={"Accept-Language": "en-US,en"})
    assert '<html lang="en"' in english.get_data(as_text=True)


def test_a_saved_language_wins_over_the_browser_and_the_profile_saves_it(app, world):
    member = client_as(app, world, "member_a")
    url = f"/voice/rounds/{world.round_a.id}"
    spanish_browser = {"Accept-Language": "es"}
    page = member.get("/profile", headers=spanish_browser).get_data(as_text=True)
    assert '<option selected value="">Según prefiera mi navegador</option>' in page
    user = world.users["member_a"]
    response = member.post("/profile", data={
        "name": user.name, "title": "", "organization_id": str(world.school.id),
        "time_zone": "America/Chicago", "notify": "digest", "language": "en"})
    assert response.status_code == 302
    assert db.session.get(User, user.id).language == "en"
    page = member.get(url, headers=spanish_browser).get_data(as_text=True)
    assert '<html lang="en"' in page and "How others see it" in page
    member.post("/profile", data={
        "name": user.name, "title": "", "organization_id": str(world.school.id),
        "time_zone": "America/Chicago", "notify": "digest", "language": "es"})
    page = member.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="es"' in page and "Cómo lo ven los demás" in page
    assert "How others see it" not in page
    # A respondent's page keeps its own rule: the link's language, whoever opens it.
    respondent = member.get(f"/v/{world.voice_links['a'][0][1]}?lang=en")
    assert '<html lang="en"' in respondent.get_data(as_text=True)
    assert "Skip to content" in respondent.get_data(as_text=True)


def test_my_data_speaks_spanish_with_no_english_of_its_own(app, world):
    client = client_as(app, world, "member_a")
    html = client.get("/account/my-data", headers={"Accept-Language": "es"}).get_data(
        as_text=True)
    assert '<html lang="es"' in html and "Rondas de opiniones de mi comunidad escolar" in html
    text = _visible_text(html)
    assert [p for p in english_of_voice_pages(PRIVACY_TEXTS) if p in text] == []
