"""With CSRF protection on (as in production), every state-changing route refuses a request
that carries no token, even from a signed-in site admin."""

from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import csrf_token_from, current_code

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def url_arguments(world) -> dict:
    """A real object for every URL argument name the app uses."""
    return {
        "cohort_id": world.cohort_a.id,
        "program_id": world.program.id,
        "user_id": world.users["member_a"].id,
        "org_id": world.school.id,
        "organization_id": world.school.id,
        "membership_id": world.cohort_a.id,
        "token": world.invitation_token,
        "checkpoint_id": world.checkpoint.id,
        "assessment_id": world.assessment_a.id,
        "meeting_id": world.meeting_a.id,
        "plan_id": world.plan_a.id,
        "focus_area_id": world.focus_area_a.id,
        "step_id": world.step_a.id,
        "update_id": world.update_a.id,
        "comment_id": world.comment_a.id,
        "notification_id": world.notification_a.id,
        "item_id": world.agenda_item_a.id,
        "follow_up_id": world.follow_up_a.id,
        "session_id": world.other_session_a,
        "framework_id": world.framework.id,
        "draft_id": world.draft_p.id,
        "round_id": world.round_a.id,
    }


def state_changing_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.methods & STATE_CHANGING]


def signed_in_admin(app, world):
    client = app.test_client()
    token = csrf_token_from(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": world.users["site_admin"].email, "password": factories.PASSWORD,
              "csrf_token": token},
    )
    assert response.status_code == 302
    if response.location.endswith("/login/code"):  # the world's site admin has a second factor
        token = csrf_token_from(client.get("/login/code").text)
        response = client.post("/login/code", data={
            "code": current_code(world.users["site_admin"].email), "csrf_token": token})
        assert response.status_code == 302 and response.location == "/"
    return client


def test_there_are_state_changing_routes(app):
    assert len(state_changing_rules(app)) >= 5


def test_every_state_changing_route_needs_a_token(app, world):
    client = signed_in_admin(app, world)
    args = url_arguments(world)
    for rule in state_changing_rules(app):
        missing = rule.arguments - args.keys()
        assert not missing, f"{rule.endpoint}: add {missing} to url_arguments()"
        url = rule.build({name: args[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods & STATE_CHANGING):
            response = client.open(url, method=method, data={"name": "x"})
            assert response.status_code == 400, f"{method} {url} accepted no CSRF token"
            assert "CSRF" in response.text or "Bad request" in response.text


def test_a_forged_token_is_refused_too(app, world):
    client = signed_in_admin(app, world)
    response = client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 400
    assert client.get("/").status_code == 200  # still signed in: the forged logout did nothing


def test_login_itself_needs_a_token(app, world):
    client = app.test_client()
    response = client.post(
        "/login", data={"email": world.users["member_a"].email, "password": factories.PASSWORD}
    )
    assert response.status_code == 400
