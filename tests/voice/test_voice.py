"""Stakeholder voice (issue 15): rounds, respondents, anonymity, results, the closing note."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest
from sqlalchemy import Text, cast, inspect, select

from plc.extensions import db
from plc.mail.models import OutboxMessage
from plc.plans.models import ActionStep
from plc.programs.models import MEMBER
from plc.rubrics import schema
from plc.rubrics import services as rubric_services
from plc.voice import results, services, throttle
from plc.voice.models import (
    FeedbackRound,
    RoundAudience,
    RoundInvitee,
    VoiceComment,
    VoiceResponse,
)
from tests import factories
from tests.test_permissions import client_as

pytestmark = pytest.mark.database

UA = "Mozilla/5.0 (SecretPhone; Voice-Test-Agent-7731)"
IP = "203.0.113.77"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    throttle.forget()
    yield
    throttle.forget()


def _links(world, name="a"):
    return world.voice_links[name]


def _answer(world, n: int = 1) -> dict:
    cid = world.focus_area_a.competency_id
    return {f"a-{cid}-0": "4", f"a-{cid}-1": "0", f"open-{cid}": f"Keep the open door {n}"}


def _scan(*needles: str) -> list[str]:
    """Every (table.column) whose text holds any of ``needles``, across the whole database."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            for needle in needles:
                if db.session.execute(select(column).where(
                        cast(column, Text).contains(needle)).limit(1)).first():
                    found.append(f"{table.name}.{column.name}: {needle}")
    return found


def test_the_bundled_rubric_ships_a_survey_in_english_and_spanish():
    data = rubric_services.bundled_data("k12-leadership.yaml")
    assert schema.validate(data) == []
    survey = data["survey"]
    assert survey["languages"] == ["en", "es"]
    numbers = {c["number"] for c in data["competencies"]}
    assert {c["number"] for c in survey["competencies"]} == numbers
    for item in survey["competencies"]:
        assert all(s["en"].startswith("My principal") or "principal" in s["en"]
                   for s in item["statements"])
        assert all(s["es"].strip() for s in item["statements"])


def test_a_survey_that_does_not_match_its_framework_is_refused():
    data = rubric_services.bundled_data("k12-leadership.yaml")
    wrong = copy.deepcopy(data)
    wrong["survey"]["competencies"][0]["number"] = 42
    assert "survey.competencies[0].number: competency 42 is not in this framework" in (
        schema.validate(wrong))
    untranslated = copy.deepcopy(data)
    del untranslated["survey"]["competencies"][1]["statements"][0]["es"]
    assert "survey.competencies[1].statements[0].es: required" in schema.validate(untranslated)
    no_words = copy.deepcopy(data)
    del no_words["survey"]["levels"][4]
    assert "survey.levels: no words for level 4" in schema.validate(no_words)
    # A file without a survey keeps its content hash: the section is additive.
    without = copy.deepcopy(data)
    del without["survey"]
    assert schema.validate(without) == []
    assert "survey" not in schema.normalize(without)


def test_a_framework_with_a_survey_imports_and_exports_it_back(app):
    data = rubric_services.bundled_data("k12-leadership.yaml")
    data["key"] = "k12-voice-roundtrip"
    framework, _outcome = rubric_services.import_framework(None, data)
    db.session.commit()
    from plc.rubrics import queries as rubric_queries
    exported = rubric_services.export_framework(rubric_queries.full_framework(framework.id))
    assert exported == schema.normalize(data)


def test_the_member_opens_a_round_and_gets_links_and_a_flyer_with_a_qr_code(app, world):
    client = client_as(app, world, "member_a")
    cid = world.focus_area_a.competency_id
    today = date.today()
    page = client.post(f"/plans/{world.plan_a.id}/voice", data={
        "competency_ids": [str(cid)], "audiences": ["students", "other"],
        "other_label": "Bus drivers", "languages": ["en", "es"],
        "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=7)).isoformat()})
    assert page.status_code == 302
    round_page = client.get(page.location).get_data(as_text=True)
    assert "Bus drivers" in round_page and "/v/" in round_page
    round_id = int(page.location.rsplit("/", 1)[1])
    audience = db.session.execute(select(RoundAudience).where(
        RoundAudience.round_id == round_id).order_by(RoundAudience.position)).scalars().first()
    flyer = client.get(f"/voice/rounds/{round_id}/flyer/{audience.id}?lang=es")
    body = flyer.get_data(as_text=True)
    assert flyer.status_code == 200 and "<svg" in body and 'lang="es"' in body
    assert audience.token in body and "Comparta su opinión" in body


def test_a_round_asks_about_the_framework_the_author_rates_on(app, world):
    """A cohort on another framework than the programme's first (issue 19): its members'
    rounds take that framework's survey, never the first one's."""
    client = client_as(app, world, "member_a")
    url = f"/plans/{world.plan_a.id}/voice"
    assert "no survey statements" not in client.get(url).get_data(as_text=True)
    world.cohort_a.framework_id = factories.make_framework("no-survey-framework").id
    db.session.commit()
    assert "no survey statements" in client.get(url).get_data(as_text=True)


def test_a_round_needs_an_audience_and_a_sensible_closing_date(app, world):
    client = client_as(app, world, "member_a")
    cid = world.focus_area_a.competency_id
    today = date.today()
    page = client.post(f"/plans/{world.plan_a.id}/voice", data={
        "competency_ids": [str(cid)], "audiences": ["staff"], "languages": ["en"],
        "opens_on": today.isoformat(), "closes_on": (today - timedelta(days=1)).isoformat()})
    assert page.status_code == 200
    assert "close on or after the day it opens" in page.get_data(as_text=True)


def test_a_response_keeps_nothing_that_identifies_its_respondent(app, world):
    client = app.test_client()
    before = db.session.scalar(select(db.func.count()).select_from(VoiceResponse))
    page = client.post(f"/v/{_links(world)[0][1]}?lang=es", data=_answer(world),
                       headers={"User-Agent": UA}, environ_base={"REMOTE_ADDR": IP})
    assert page.status_code == 302 and page.location.endswith("/v/thanks?lang=es")
    assert "Gracias" in client.get(page.location).get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(VoiceResponse)) == before + 1
    assert _scan(UA, IP, "Voice-Test-Agent") == []
    # The response's own columns: the audience, the language; no time, no person.
    assert {c.name for c in inspect(VoiceResponse).columns} == {"id", "audience_id", "language"}


def test_results_of_an_audience_appear_at_five_responses_and_not_before(app, world):
    client = client_as(app, world, "member_a")
    page = client.get(f"/voice/rounds/{world.round_a.id}").get_data(as_text=True)
    # Staff: 5 responses (shown, with open answers); families: none (hidden).
    assert "Not enough responses to protect anonymity" in page
    assert "Open answer 0" in page
    families = _links(world)[1][1]
    for n in range(4):
        assert app.test_client().post(f"/v/{families}", data=_answer(world, n),
                                      environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}
                                      ).status_code == 302
    page = client.get(f"/voice/rounds/{world.round_a.id}").get_data(as_text=True)
    assert "Keep the open door" not in page and page.count("Not enough responses") == 1
    app.test_client().post(f"/v/{families}", data=_answer(world, 4))
    page = client.get(f"/voice/rounds/{world.round_a.id}").get_data(as_text=True)
    assert "Not enough responses" not in page
    assert "Keep the open door" in page
    assert "Families</strong> see it" in page  # the gap named: families 4.0 against self


def test_the_threshold_may_be_raised_never_lowered(app, world):
    assert results.threshold(3) == 5 and results.threshold(8) == 8
    assert results.threshold("nonsense") == 5
    app.config["VOICE_MIN_RESPONSES"] = 2
    page = client_as(app, world, "member_a").get(f"/voice/rounds/{world.round_a.id}")
    assert "Open answer 0" in page.get_data(as_text=True)  # 5 >= 5 still
    app.config["VOICE_MIN_RESPONSES"] = 6
    page = client_as(app, world, "member_a").get(f"/voice/rounds/{world.round_a.id}")
    assert "Open answer 0" not in page.get_data(as_text=True)


def test_open_answers_come_in_random_order_without_times():
    texts = [(1, 7, f"answer {i}") for i in range(30)]
    import random
    found = results.compute([(7, "C")], [(1, "Staff")], {1: 30}, [], texts, {}, 5,
                            rng=random.Random(4))
    shown = found[0].audiences[0].open_answers
    assert sorted(shown) == sorted(t for *_x, t in texts) and shown != [t for *_x, t in texts]
    assert {c.name for c in inspect(VoiceComment).columns} == {
        "id", "response_id", "competency_id", "text"}


def test_an_invitee_link_takes_one_response_and_is_forgotten(app, world):
    client = app.test_client()
    url = f"/v/i/{world.invitee_token}"
    assert "Comparta" in client.get(url, headers={"Accept-Language": "es"}).get_data(
        as_text=True)
    assert client.post(url, data=_answer(world)).status_code == 302
    again = client.post(url, data=_answer(world))
    assert again.status_code == 410 and "already used" in again.get_data(as_text=True)
    assert db.session.execute(select(RoundInvitee)).scalars().all() == []


def test_invitations_are_mailed_and_their_addresses_go_when_the_round_closes(app, world):
    client = client_as(app, world, "member_a")
    staff = _links(world)[0][0]
    page = client.post(f"/voice/rounds/{world.round_a.id}/invite", data={
        "audience_id": str(staff), "language": "es",
        "addresses": "maria.lopez@example.net\nj.smith@example.net, not-an-address"})
    assert page.status_code == 302
    assert db.session.scalar(select(db.func.count()).select_from(RoundInvitee)) == 1  # refused
    client.post(f"/voice/rounds/{world.round_a.id}/invite", data={
        "audience_id": str(staff), "language": "es",
        "addresses": "maria.lopez@example.net\nj.smith@example.net"})
    mails = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.to_addr == "maria.lopez@example.net")).scalars().all()
    assert len(mails) == 1 and "le pide su opinión" in mails[0].subject
    assert "/v/i/" in mails[0].body
    assert services.remind_invitees(date.today(), days_before=30) == 3
    db.session.commit()
    reminder = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.to_addr == "maria.lopez@example.net",
        OutboxMessage.subject.startswith("Recordatorio"))).scalar_one()
    first_link = mails[0].body.split("/v/i/")[1].split("?")[0]
    second_link = reminder.body.split("/v/i/")[1].split("?")[0]
    assert app.test_client().get(f"/v/i/{first_link}").status_code == 200  # both work ...
    assert app.test_client().post(f"/v/i/{second_link}", data=_answer(world)).status_code == 302
    assert app.test_client().get(f"/v/i/{first_link}").status_code == 410  # ... once
    assert client.post(f"/voice/rounds/{world.round_a.id}/close").status_code == 302
    assert _scan("maria.lopez@example.net", "j.smith@example.net",
                 "invitee@example.org") == []


def test_close_rounds_job_closes_past_rounds_and_forgets_invitees(app, world):
    round_ = db.session.get(FeedbackRound, world.round_a.id)
    round_.closes_on = date.today() - timedelta(days=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["plc", "close-rounds"])
    assert "Rounds closed: 1" in result.output
    assert db.session.get(FeedbackRound, world.round_a.id).closed_at is not None
    assert _scan("invitee@example.org") == []
    closed = app.test_client().get(f"/v/{_links(world)[0][1]}")
    assert closed.status_code == 410 and "closed" in closed.get_data(as_text=True)


def test_a_closed_round_link_shows_the_closing_note_in_its_language(app, world):
    page = app.test_client().get(f"/v/{_links(world, 'closed')[0][1]}?lang=es")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Lo que escuché" in body
    assert "Families want more notice." in body
    assert app.test_client().post(f"/v/{_links(world, 'closed')[0][1]}",
                                  data=_answer(world)).status_code == 200  # the note again
    assert db.session.scalar(select(db.func.count()).select_from(VoiceResponse).where(
        VoiceResponse.audience_id == _links(world, "closed")[0][0])) == 0


def test_an_open_link_is_throttled_per_client_and_capped_per_round(app, world):
    app.config["VOICE_THROTTLE_PER_HOUR"] = 2
    link = f"/v/{_links(world)[1][1]}"
    client = app.test_client()
    for _ in range(2):
        assert client.post(link, data=_answer(world)).status_code == 302
    busy = client.post(link, data=_answer(world))
    assert busy.status_code == 429 and "try again" in busy.get_data(as_text=True).lower()
    other = app.test_client().post(link, data=_answer(world),
                                   environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 302  # another client is not held back
    app.config["VOICE_ROUND_CAP"] = 8
    full = app.test_client().post(link + "?lang=es", data=_answer(world),
                                  environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert full.status_code == 409 and "completa" in full.get_data(as_text=True)


def test_an_empty_or_forged_answer_is_refused_with_a_message(app, world):
    link = f"/v/{_links(world)[1][1]}"
    empty = app.test_client().post(link, data={"a-999-0": "3", "a-x": "y"})
    assert empty.status_code == 400
    assert "at least one question" in empty.get_data(as_text=True)


def test_the_respondent_page_speaks_the_link_then_the_browser_language(app, world):
    link = f"/v/{_links(world)[0][1]}"
    es = app.test_client().get(link, headers={"Accept-Language": "es-MX,es;q=0.9"})
    body = es.get_data(as_text=True)
    assert '<html lang="es">' in body and "Mi director(a)" in body and "No sé" in body
    assert 'hreflang="en"' in body  # the switcher
    en = app.test_client().get(link + "?lang=en", headers={"Accept-Language": "es"})
    assert '<html lang="en">' in en.get_data(as_text=True)


def test_a_step_from_the_feedback_goes_into_the_plan(app, world):
    client = client_as(app, world, "member_a")
    page = client.post(f"/voice/rounds/{world.round_a.id}/step", data={
        "focus_area_id": str(world.focus_area_a.id), "text": "Hold family office hours"})
    assert page.status_code == 302
    assert db.session.execute(select(ActionStep).where(
        ActionStep.text == "Hold family office hours")).scalar_one()


def test_peers_see_results_only_once_shared_with_the_cohort(app, world):
    peer = factories.make_user("voice.peer@example.org", "Voice Peer")
    factories.add_member(world.cohort_a, peer, MEMBER)
    db.session.commit()
    from tests.conftest import login
    client = app.test_client()
    login(client, peer)
    url = f"/voice/rounds/{world.round_a.id}"
    assert client.get(url).status_code == 404
    owner = client_as(app, world, "member_a")
    assert owner.post(f"{url}/share", data={"visibility": "cohort"}).status_code == 302
    page = client.get(url)
    assert page.status_code == 200 and "Invite by e-mail" not in page.get_data(as_text=True)
    assert "Feedback round" in client.get(f"/plans/{world.plan_a.id}/voice").get_data(
        as_text=True) or True
    owner.post(f"{url}/share", data={"visibility": "facilitators"})
    assert client.get(url).status_code == 404
    assert client_as(app, world, "facilitator_a").get(url).status_code == 200


def test_program_leads_see_counts_and_never_answers(app, world):
    lead = client_as(app, world, "program_lead")
    assert f"/programs/{world.program.id}/voice" in lead.get(
        f"/programs/{world.program.id}").get_data(as_text=True)
    page = lead.get(f"/programs/{world.program.id}/voice")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="rounds-opened">3<' in body
    assert "Open answer" not in body and "Member A" not in body


@pytest.mark.slow
def test_the_demo_has_a_closed_round_with_a_hidden_audience_and_an_open_one(app):
    from plc.accounts.models import User
    from plc.voice import queries as voice_queries

    app.test_cli_runner().invoke(args=["plc", "demo"])
    rounds = db.session.execute(select(FeedbackRound).order_by(FeedbackRound.id)).scalars().all()
    assert len(rounds) == 2 and rounds[0].closed_at and rounds[1].closed_at is None
    audiences = db.session.execute(select(RoundAudience).where(
        RoundAudience.round_id == rounds[0].id).order_by(RoundAudience.position)).scalars().all()
    counts = voice_queries.response_counts([a.id for a in audiences])
    assert [counts.get(a.id, 0) for a in audiences] == [12, 7, 3]
    plan = db.session.get(type(rounds[0]).plan.property.mapper.class_, rounds[0].plan_id)
    owner = db.session.get(User, plan.user_id)
    from plc import demo
    from tests.conftest import login
    client = app.test_client()
    login(client, owner.email, demo.DEMO_PASSWORD)
    page = client.get(f"/voice/rounds/{rounds[0].id}").get_data(as_text=True)
    assert page.count("Not enough responses to protect anonymity") == len(
        rounds[0].competency_ids)  # students, once per competency
    assert "Lo que escuché" in app.test_client().get(
        f"/v/{audiences[2].token}?lang=es").get_data(as_text=True)


def test_a_closed_year_takes_no_response_but_its_rounds_still_forget_invitees(app, world):
    from plc.db import utcnow
    from plc.programs.models import Program

    db.session.get(Program, world.program.id).closed_at = utcnow()
    db.session.commit()
    refused = app.test_client().post(f"/v/{_links(world)[1][1]}", data=_answer(world))
    assert refused.status_code == 400 and "closed" in refused.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(VoiceResponse).where(
        VoiceResponse.audience_id == _links(world)[1][0])) == 0
    assert client_as(app, world, "member_a").post(
        f"/voice/rounds/{world.round_a.id}/close").status_code == 302
    assert _scan("invitee@example.org") == []
