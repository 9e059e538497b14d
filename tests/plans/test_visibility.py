"""Who reaches which plan URL (docs/product.md): a draft is the author's alone; facilitators-only
is for the cohort's facilitators; shared with the cohort, its peers read it too. Anyone who
may not see a plan gets 404 on every one of its URLs; who sees it but is not its author, 403
where they would change it."""

from __future__ import annotations

import pytest

from plc.extensions import db
from plc.plans import queries, services
from plc.plans.models import DRAFT, FACILITATORS_ONLY, SHARED_WITH_COHORT
from tests.conftest import login
from tests.plans.conftest import content, start_plan, submit_baseline


def plan_with_an_update(setting, visibility: str):
    submit_baseline(setting)
    plan = start_plan(setting, from_assessment=queries.latest_submitted_assessment(
        setting.member.id, setting.program.id))
    member = setting.fresh(setting.member)
    update = services.post_update(member, queries.plan(plan.id), setting.rubric(),
                                  services.UpdateValues(did="Observed"), set())
    services.set_visibility(member, queries.plan(plan.id), visibility, setting.rubric())
    db.session.commit()
    return plan, update


def plan_urls(plan, update, step_id: int):
    """(method, url, data) for every URL of one plan; the data would succeed for its author."""
    return [
        ("GET", f"/plans/{plan.id}", {}),
        ("GET", f"/plans/{plan.id}/changes?since=2026-01-01", {}),
        ("GET", f"/plans/{plan.id}/edit", {}),
        ("POST", f"/plans/{plan.id}/edit", {"version": "9", "focus_areas-0-change": "Mine"}),
        ("POST", f"/plans/{plan.id}/share", {"visibility": "cohort"}),
        ("GET", f"/plans/{plan.id}/updates/new", {}),
        ("POST", f"/plans/{plan.id}/updates/new", {"did": "x", f"step_{step_id}": "done"}),
        ("GET", f"/plans/{plan.id}/updates/{update.id}/edit", {}),
        ("POST", f"/plans/{plan.id}/updates/{update.id}/edit", {"did": "x", "version": "1"}),
    ]


def answers(client, plan, update, step_id) -> dict[str, int]:
    return {f"{method} {url}": client.open(url, method=method, data=data).status_code
            for method, url, data in plan_urls(plan, update, step_id)}


@pytest.mark.parametrize("visibility", [DRAFT, FACILITATORS_ONLY])
def test_a_peer_gets_404_on_every_url_of_a_plan_not_shared_with_the_cohort(
        client, setting, visibility):
    plan, update = plan_with_an_update(setting, visibility)
    step_id = content(plan.id)[0].steps[0].id
    login(client, setting.peer)
    assert set(answers(client, plan, update, step_id).values()) == {404}
    assert content(plan.id)[0].steps[0].status == "not_started"


def test_a_peer_reads_a_shared_plan_and_changes_nothing(client, setting):
    plan, update = plan_with_an_update(setting, SHARED_WITH_COHORT)
    step_id = content(plan.id)[0].steps[0].id
    login(client, setting.peer)
    got = answers(client, plan, update, step_id)
    assert got.pop(f"GET /plans/{plan.id}") == 200
    assert got.pop(f"GET /plans/{plan.id}/changes?since=2026-01-01") == 200
    assert set(got.values()) == {403}
    assert content(plan.id)[0].steps[0].status == "not_started"


@pytest.mark.parametrize("visibility", [DRAFT, FACILITATORS_ONLY, SHARED_WITH_COHORT])
def test_people_outside_the_cohort_get_404_everywhere(client, setting, visibility):
    plan, update = plan_with_an_update(setting, visibility)
    step_id = content(plan.id)[0].steps[0].id
    for person in (setting.other_member, setting.other_facilitator, setting.lead, setting.admin):
        login(client, person)
        assert set(answers(client, plan, update, step_id).values()) == {404}, person.email
        client.post("/logout")


@pytest.mark.parametrize("visibility, status", [(DRAFT, 404), (FACILITATORS_ONLY, 200),
                                                (SHARED_WITH_COHORT, 200)])
def test_the_cohort_facilitator_reads_plans_once_shared(client, setting, visibility, status):
    plan, _update = plan_with_an_update(setting, visibility)
    login(client, setting.facilitator)
    assert client.get(f"/plans/{plan.id}").status_code == status
    assert client.get(f"/plans/{plan.id}/edit").status_code == (403 if status == 200 else 404)


def test_a_cohort_b_member_gets_404_on_cohort_a_plans_list(client, setting):
    login(client, setting.other_member)
    assert client.get(f"/cohorts/{setting.cohort.id}/plans").status_code == 404
    assert client.get(f"/programs/{setting.program.id}/plan").status_code == 200
    client.post("/logout")
    login(client, setting.facilitator)  # facilitators keep no plan of their own
    assert client.get(f"/programs/{setting.program.id}/plan").status_code == 404
