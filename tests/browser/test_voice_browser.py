"""Issue 15's journey: a member opens a feedback round for two competencies and two
audiences; six respondents answer on a 390 px phone page (three in Spanish, one with
JavaScript off); an audience's results appear at its fifth response and not before; the member
adds a step from the results and shares the summary with the cohort; a peer sees it. Then a
scan of the whole database finds no respondent's user agent or address, and, once the round
is closed, no invitee's address. axe-core runs on every respondent and results page, in
English and Spanish (PageChecker)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import Text, cast, select

from plc.assessments.queries import today_in
from plc.db import utcnow
from plc.extensions import db
from plc.plans.models import SHARED_WITH_COHORT, ActionPlan, ActionStep, FocusArea
from tests import factories, world_voice
from tests.browser.conftest import PHONE, PageChecker, sign_in

RESPONDENT_UA = "Mozilla/5.0 (Linux; Android 14) VoiceRespondentPhone/15.0 Mobile"
INVITEE = "parent.invitee@example.net"


@pytest.fixture
def cast_(live_server):
    with live_server.app.app_context():
        framework = factories.make_framework("browser-voice")
        framework.survey = world_voice.survey_for([1, 2, 3])
        program = factories.make_program("PLC 2026-27")
        program.framework_id = framework.id
        cohort = factories.make_cohort(program, "Cohort A")
        ana = factories.make_user("ana.voice@example.org", "Ana Alvarez")
        ben = factories.make_user("ben.voice@example.org", "Ben Brooks")
        factories.add_member(cohort, ana)
        factories.add_member(cohort, ben)
        competencies, levels = factories.rubric(framework.id)
        plan = ActionPlan(user_id=ana.id, program_id=program.id, visibility=SHARED_WITH_COHORT,
                          shared_at=utcnow(), focus_areas=[FocusArea(
                              position=1, change="Listen before deciding",
                              competency_id=competencies[0].id,
                              current_level_id=levels[1].id, target_level_id=levels[2].id)])
        db.session.add(plan)
        db.session.commit()
        # The round's dates are the programme's calendar days (a server past midnight UTC is
        # still the day before in New York).
        return {"plan_id": plan.id, "ana": ana.email, "ben": ben.email,
                "today": today_in(program.time_zone)}


def _respond(browser, live_server, link: str, lang: str, choice: str, words: str):
    """One respondent on a phone, in a context of their own, through the page checker."""
    context = browser.new_context(viewport=PHONE, user_agent=RESPONDENT_UA)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        checker = PageChecker(page, live_server.url)
        checker.goto(f"{link}?lang={lang}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        for group in page.locator("fieldset.voice-statement").all():
            group.get_by_label(choice, exact=True).check()
        page.locator("textarea").first.fill(words)
        send = "Enviar mis respuestas" if lang == "es" else "Send my answers"
        checker.click(page.get_by_role("button", name=send))
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Gracias" if lang == "es" else "Thank you")
        checker.finish()
    finally:
        context.close()


def _respond_without_javascript(browser, live_server, link: str):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False,
                                  user_agent=RESPONDENT_UA)
    page = context.new_page()
    try:
        page.goto(live_server.url + link + "?lang=en")
        for group in page.locator("fieldset.voice-statement").all():
            group.get_by_label("Level 3", exact=True).check()
        page.get_by_role("button", name="Send my answers").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    finally:
        context.close()


def _scan(needle: str) -> set[str]:
    found = set()
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if db.session.execute(select(column).where(
                    cast(column, Text).contains(needle)).limit(1)).first():
                found.add(f"{table.name}.{column.name}")
    return found


def test_a_round_from_opening_to_a_shared_summary(live_server, checker, browser, cast_):
    page = checker.page
    sign_in(checker, cast_["ana"])
    checker.goto(f"/plans/{cast_['plan_id']}/voice")
    page.get_by_label("1. Competency 1").check()
    page.get_by_label("2. Competency 2").check()
    page.get_by_label("Staff and teachers").check()
    page.get_by_label("Families").check()
    page.get_by_label("Opens on").fill(cast_["today"].isoformat())
    page.get_by_label("Closes on").fill((cast_["today"] + timedelta(days=14)).isoformat())
    checker.click(page.get_by_role("button", name="Open the round"))
    round_url = checker.path
    staff = page.get_by_label("Staff and teachers (0 responses)").input_value()
    families = page.get_by_label("Families (0 responses)").input_value()
    staff, families = (link.replace(live_server.url, "") for link in (staff, families))
    # An invitee by e-mail, in Spanish: their address lives only until the round closes.
    page.get_by_label("Audience", exact=True).select_option(label="Families")
    page.get_by_label("Language of the e-mail").select_option("es")
    page.get_by_label("E-mail addresses (one per line, or separated by commas)").fill(INVITEE)
    checker.click(page.get_by_role("button", name="Send the invitations"))
    expect(page.get_by_role("status")).to_contain_text("1 invitation queued")

    answers = [("en", "Level 4", "Keep the open door"), ("es", "Nivel 2", "Más visitas"),
               ("es", "Nivel 3", "Siga escuchando")]
    for lang, choice, words in answers:
        _respond(browser, live_server, staff, lang, choice, words)
    _respond_without_javascript(browser, live_server, staff)
    checker.goto(round_url)
    expect(page.locator("td.voice-hidden")).to_have_count(4)  # both audiences, both competencies
    expect(page.get_by_text("Keep the open door")).to_have_count(0)
    _respond(browser, live_server, staff, "es", "No sé", "Más reuniones con familias")
    _respond(browser, live_server, families, "en", "Level 2", "Answer e-mails sooner")
    checker.goto(round_url)
    expect(page.locator("td.voice-hidden")).to_have_count(2)  # families: 1 response
    page.get_by_text("Staff and teachers: 4 open answers").first.click()  # one wrote nothing
    expect(page.get_by_text("Keep the open door")).to_be_visible()
    expect(page.get_by_text("Answer e-mails sooner")).to_have_count(0)
    expect(page.locator("svg.voice-chart")).to_have_count(2)

    # A step from the feedback, then the summary shared with the cohort.
    page.get_by_label("The step").fill("Visit two classrooms every day")
    checker.click(page.get_by_role("button", name="Add the step to my plan"))
    expect(page.get_by_role("status")).to_contain_text("The step is added to your plan")
    page.get_by_label("My cohort (peers and facilitators)").check()
    checker.click(page.get_by_role("button", name="Save who may see it"))
    with live_server.app.app_context():
        assert db.session.execute(select(ActionStep).where(
            ActionStep.text == "Visit two classrooms every day")).scalar_one()

    # Ben, a peer, finds the shared summary from Ana's plan.
    peer_context = browser.new_context(viewport=PHONE)
    try:
        peer = PageChecker(peer_context.new_page(), live_server.url)
        sign_in(peer, cast_["ben"])
        peer.goto(f"/plans/{cast_['plan_id']}")
        peer.click(peer.page.get_by_role("link", name="Feedback from their school community"))
        peer.click(peer.page.get_by_role("link", name="Round of"))
        expect(peer.page.get_by_role("heading", name="How others see it")).to_be_visible()
        expect(peer.page.get_by_text("Invite by e-mail")).to_have_count(0)
        peer.finish()
    finally:
        peer_context.close()

    with live_server.app.app_context():
        assert _scan("VoiceRespondentPhone") == set()  # no respondent's user agent anywhere
        # 127.0.0.1 is also the members' address and the site's own host (in the links of the
        # queued invitation): it may be only there, never beside a response.
        assert not {p for p in _scan("127.0.0.1") if not p.startswith(
            ("login_", "audit_", "user_sessions", "sign_in", "outbox.body"))}
        assert "round_invitees.email" in _scan(INVITEE)  # kept while the round is open
    checker.click(page.get_by_role("button", name="Close the round now"))
    with live_server.app.app_context():
        assert _scan(INVITEE) == set()
    checker.goto(families + "?lang=es", status=410)
    expect(page.get_by_role("heading", level=1)).to_have_text("Esta encuesta está cerrada")
