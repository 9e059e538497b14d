"""The API's permission matrix with bearer tokens: every API route x every role, each with a
token of its own (tests/matrix_api.py covers the cookie clients, who all get 401). Every
answer is checked against the served OpenAPI document, and the statement counts of the
allowed reads must not grow when the world grows."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from plc.accounts.models import User
from plc.extensions import db
from tests.api.helpers import Schemas, bearer, make_token
from tests.matrix import OK, A, B, P, Q, expect
from tests.permission_world import GROWN_5, ROLES

NO_TOKEN = {"anonymous": 401, "deactivated": 401}
EVERY_TOKEN = expect(OK, **NO_TOKEN)
LEADS_OF_P = expect(404, program_lead=OK, **NO_TOKEN)
NOBODY = expect(404, **NO_TOKEN)
PARTICIPATION_A = expect(404, facilitator_a=OK, program_lead=OK, **NO_TOKEN)
PARTICIPATION_B = expect(404, facilitator_b=OK, program_lead=OK, **NO_TOKEN)
BUDGET = 10


@dataclass
class ApiCase:
    path: str  # as in the OpenAPI document
    url: object
    expected: dict
    label: str = ""


CASES = [
    ApiCase("/me", lambda w: "/api/v1/me", EVERY_TOKEN),
    ApiCase("/programs/{program_id}/participation",
            lambda w: f"/api/v1/programs/{P(w)}/participation", LEADS_OF_P),
    ApiCase("/programs/{program_id}/participation",
            lambda w: f"/api/v1/programs/{Q(w)}/participation", NOBODY, "other programme"),
    ApiCase("/programs/{program_id}/participation",
            lambda w: "/api/v1/programs/999999/participation", NOBODY, "no such programme"),
    ApiCase("/cohorts/{cohort_id}/participation",
            lambda w: f"/api/v1/cohorts/{A(w)}/participation", PARTICIPATION_A),
    ApiCase("/cohorts/{cohort_id}/participation",
            lambda w: f"/api/v1/cohorts/{B(w)}/participation", PARTICIPATION_B, "cohort B"),
]


def _tokens(world) -> dict[str, str | None]:
    """One token per role; the deactivated person's account is switched off after."""
    tokens = {role: make_token(world.users[role]) for role in ROLES if role != "anonymous"}
    tokens["anonymous"] = None
    db.session.get(User, world.users["deactivated"].id).active = False
    db.session.commit()
    return tokens


def test_every_api_route_has_token_cases(app):
    document = Schemas(app.test_client()).document
    covered = {case.path for case in CASES} | {"/openapi.json"}
    assert covered == set(document["paths"])


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.path} {c.label}".strip())
def test_token_matrix(app, worlds, grown_world, count_queries, case):
    client = app.test_client()
    schemas = Schemas(client)
    failures = []

    def answers(world) -> dict[str, int]:
        tokens = _tokens(world)
        counts = {}
        for role in ROLES:
            headers = bearer(tokens[role]) if tokens[role] else {}
            with count_queries() as counter:
                response = client.get(case.url(world), headers=headers)
            got = OK if response.status_code == 200 else response.status_code
            if got != case.expected[role]:
                failures.append(f"{role}: {response.status_code} (expected "
                                f"{case.expected[role]})")
            schemas.validate(case.path, response)
            if got == OK:
                counts[role] = counter.count
        return counts

    small = answers(grown_world)
    large = answers(worlds.clone(GROWN_5))
    assert not failures, f"{case.url(grown_world)}\n" + "\n".join(failures)
    assert small == large, f"statements grew with the data: {small} -> {large}"
    assert all(n <= BUDGET for n in large.values()), large


def test_me_lists_what_each_role_reads(app, world):
    tokens = _tokens(world)
    client = app.test_client()
    expected = {
        "member_a": ([], []), "member_b": ([], []), "site_admin": ([], []),
        "facilitator_a": ([], ["Cohort A"]), "facilitator_b": ([], ["Cohort B"]),
        "program_lead": ([world.program.name], ["Cohort A", "Cohort B"]),
    }
    for role, (programs, cohorts) in expected.items():
        body = client.get("/api/v1/me", headers=bearer(tokens[role])).get_json()
        assert body["user"]["id"] == world.users[role].id
        assert [p["name"] for p in body["programs"]] == programs, role
        assert sorted(c["name"] for c in body["cohorts"]) == cohorts, role
        # Whatever /me lists, the token can read.
        for item in body["programs"] + body["cohorts"]:
            assert client.get(item["participation_url"],
                              headers=bearer(tokens[role])).status_code == 200


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("anonymous", "deactivated")])
def test_visible_filters_agree_with_the_dashboard_rules(app, world, role):
    from sqlalchemy import select

    from plc import permissions
    from plc.programs.models import Cohort, Program

    user = db.session.get(User, world.users[role].id)
    permissions.forget_roles()
    cohorts = db.session.execute(select(Cohort)).scalars().all()
    programs = db.session.execute(select(Program)).scalars().all()
    assert set(db.session.execute(select(Cohort.id).where(
        permissions.visible_participation_cohorts(user))).scalars()) == {
        c.id for c in cohorts if permissions.can_view_participation(user, c)}
    assert set(db.session.execute(select(Program.id).where(
        permissions.visible_dashboard_programs(user))).scalars()) == {
        p.id for p in programs if permissions.can_view_program_dashboard(user, p)}
