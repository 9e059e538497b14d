"""Stakeholder voice in Spanish, the printable flyer, and the respondent's pages no journey
reaches (a closing note, an invitee's link, a used link, a round not open yet or closed, an
open link past its throttle or its round's cap), on a laptop and on a 390 px phone.

A member whose profile says Español reads the rounds of her plan and a round's results in
Spanish (she manages it); a peer whose browser prefers Spanish reads the summary she shared
with the cohort. Every page passes the page checker (axe-core: no serious or critical
violation) and shows none of the English of the voice templates; nothing scrolls sideways on
the phone. The flyer, in each of the round's languages, carries its QR code as a named image
and its link, and prints on one page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from plc.extensions import db
from plc.tokens import hash_token
from plc.voice.models import SHARED_WITH_COHORT as ROUND_SHARED_WITH_COHORT
from plc.voice.models import RoundInvitee
from tests import world_voice
from tests.browser.conftest import DESKTOP, PHONE, PageChecker, sign_in
from tests.voice.test_catalog import english_of_voice_pages

SIZES = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture
def cast_(live_server):
    """Ana's plan with a round shared with her cohort: staff 6 responses (shown), families 2
    (not enough); Ana chose Spanish on her profile, Ben did not."""
    with live_server.app.app_context():
        plan, competencies, ana, _ben = world_voice.member_with_plan(
            "spanish-voice", ("ana.es@example.org", "Ana Alvarez"),
            ("ben.es@example.org", "Ben Brooks"))
        ana.language = "es"
        chosen = [competencies[0].id, competencies[1].id]
        round_ = world_voice.make_round(plan, chosen, ROUND_SHARED_WITH_COHORT)
        staff, families = round_.audiences
        world_voice.add_responses(staff.id, chosen, 6)
        world_voice.add_responses(families.id, chosen, 2)
        db.session.add(RoundInvitee(audience_id=families.id, email="fam@example.net",
                                    language="es", token_hash=hash_token("spanish-invitee")))
        noted = world_voice.make_round(plan, chosen, closed=True)
        silent = world_voice.make_round(plan, chosen, closed=True)
        silent.heard = silent.will_do = ""
        later = world_voice.make_round(plan, chosen)
        later.opens_on = date.today() + timedelta(days=3)
        links = {"note": f"/v/{noted.audiences[0].token}",
                 "closed": f"/v/{silent.audiences[0].token}",
                 "not_open": f"/v/{later.audiences[0].token}",
                 "invitee": "/v/i/spanish-invitee", "used": "/v/i/used-or-unknown",
                 "open": f"/v/{staff.token}"}
        cast = {"plan_id": plan.id, "round_id": round_.id, "staff_id": staff.id,
                "ana": ana.email, "ben": "ben.es@example.org", "links": links}
        db.session.commit()
        return cast


def _spanish_only(checker, width: int) -> None:
    """The page speaks Spanish, shows no English of the voice templates, fits the width."""
    page = checker.page
    assert page.evaluate("document.documentElement.lang") == "es"
    text = page.locator("main").inner_text()
    assert [phrase for phrase in english_of_voice_pages() if phrase in text] == []
    assert page.evaluate("document.documentElement.scrollWidth") == width


@pytest.mark.parametrize("size", SIZES)
def test_the_results_the_round_and_the_shared_summary_in_spanish(live_server, checker, browser,
                                                                 cast_, size):
    page = checker.page
    page.set_viewport_size(SIZES[size])
    width = SIZES[size]["width"]
    sign_in(checker, cast_["ana"])
    checker.goto(f"/plans/{cast_['plan_id']}/voice")
    expect(page.get_by_role("heading", level=1)).to_have_text("Escuche a su comunidad escolar")
    _spanish_only(checker, width)
    checker.click(page.get_by_role("link", name=re.compile("^Ronda del ")).last)  # the first made
    expect(page.get_by_role("heading", level=2, name="Cómo lo ven los demás")).to_be_visible()
    expect(page.get_by_label("Personal y docentes (6 respuestas)")).to_be_visible()
    expect(page.locator("td.voice-hidden").first).to_have_text(
        "No hay suficientes respuestas para proteger el anonimato")
    expect(page.get_by_role("button", name="Enviar las invitaciones")).to_be_visible()
    _spanish_only(checker, width)
    page.get_by_label("Mi cohorte (compañeros y facilitadores)").check()
    checker.click(page.get_by_role("button", name="Guardar quién puede verlo"))
    expect(page.get_by_role("status")).to_contain_text("Se ha guardado quién puede ver el resumen")
    _spanish_only(checker, width)

    # Ben's browser prefers Spanish; his profile says nothing: the shared summary in Spanish.
    context = browser.new_context(viewport=SIZES[size], locale="es-ES")
    try:
        peer = PageChecker(context.new_page(), live_server.url)
        sign_in(peer, cast_["ben"], language="es")
        peer.goto(f"/voice/rounds/{cast_['round_id']}")
        expect(peer.page.get_by_role("heading", name="Cómo lo ven los demás")).to_be_visible()
        expect(peer.page.get_by_text("Invitar por correo electrónico")).to_have_count(0)
        _spanish_only(peer, width)
        peer.finish()
    finally:
        context.close()


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_flyer_in_each_language_prints_on_one_page_with_its_code_and_link(
        live_server, checker, cast_, size, lang):
    page = checker.page
    page.set_viewport_size(SIZES[size])
    sign_in(checker, cast_["ana"])
    checker.goto(f"/voice/rounds/{cast_['round_id']}/flyer/{cast_['staff_id']}?lang={lang}")
    assert page.evaluate("document.documentElement.lang") == lang
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Comparta su opinión" if lang == "es" else "Share your view")
    code = page.get_by_role("img", name="Código QR que abre la encuesta" if lang == "es"
                            else "QR code that opens the survey")
    expect(code).to_be_visible()
    link = page.locator(".voice-link code")
    expect(link).to_contain_text("/v/matrix-")
    expect(link).to_contain_text(f"lang={lang}")
    assert page.evaluate("document.documentElement.scrollWidth") == SIZES[size]["width"]

    page.emulate_media(media="print")
    expect(code).to_be_visible()
    expect(link).to_be_visible()
    expect(page.locator(".skip-link")).to_be_hidden()
    box = code.bounding_box()
    assert box["width"] >= 150  # big enough for a phone's camera across a room
    for paper in ("Letter", "A4"):
        assert _pages(page.pdf(format=paper, print_background=True)) == 1, paper


RESPONDENT_PAGES = {  # page: (status, its heading in English, in Spanish)
    "note": (200, "What I heard, what I will do", "Lo que escuché, lo que haré"),
    "invitee": (200, "Share your view", "Comparta su opinión"),
    "used": (410, "This link was already used", "Este enlace ya fue usado"),
    "closed": (410, "This survey is closed", "Esta encuesta está cerrada"),
    "not_open": (403, "This survey is not open yet", "Esta encuesta todavía no está abierta"),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_respondent_pages_no_journey_reaches_in_both_languages(checker, cast_, size, lang):
    page = checker.page
    page.set_viewport_size(SIZES[size])
    for name, (status, english, spanish) in RESPONDENT_PAGES.items():  # "open" is below
        checker.goto(f"{cast_['links'][name]}?lang={lang}", status=status)
        assert page.evaluate("document.documentElement.lang") == lang, name
        expect(page.get_by_role("heading", level=1)).to_have_text(
            spanish if lang == "es" else english)
        assert page.evaluate("document.documentElement.scrollWidth") == SIZES[size]["width"]


# What an open link answers a respondent past its throttle or its round's cap: (setting,
# status, heading in English, in Spanish).
LIMITS = {"busy": ("VOICE_THROTTLE_PER_HOUR", 429, "Please try again later",
                   "Por favor, inténtelo más tarde"),
          "full": ("VOICE_ROUND_CAP", 409, "This survey is full", "Esta encuesta está completa")}


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("limit", LIMITS)
def test_a_busy_or_full_round_tells_the_respondent_in_their_language(
        live_server, checker, cast_, limit, lang):
    setting, status, english, spanish = LIMITS[limit]
    live_server.app.config[setting] = 0
    page = checker.page
    page.set_viewport_size(PHONE)
    checker.goto(f"{cast_['links']['open']}?lang={lang}")
    checker.click(page.get_by_role("button", name="Enviar mis respuestas" if lang == "es"
                                   else "Send my answers"), status=status)
    assert page.evaluate("document.documentElement.lang") == lang
    expect(page.get_by_role("heading", level=1)).to_have_text(spanish if lang == "es"
                                                                else english)
    assert page.evaluate("document.documentElement.scrollWidth") == PHONE["width"]
