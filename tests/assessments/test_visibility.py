"""Who may read a worksheet and a growth page (docs/product.md, the privacy model)."""

from __future__ import annotations

import pytest

from plc.assessments.models import SUBMITTED, Rating, SelfAssessment
from plc.extensions import db
from tests.conftest import login


def make_assessment(sheet, user, checkpoint, values, shared=False) -> SelfAssessment:
    ids = sheet.competency_ids
    levels = sheet.level_ids
    assessment = SelfAssessment(
        user_id=user.id, checkpoint_id=checkpoint.id, framework_id=sheet.framework.id,
        status=SUBMITTED, shared_with_cohort=shared,
        ratings=[Rating(competency_id=cid, level_id=levels[v], strengths=f"S{cid}")
                 for cid, v in zip(ids, values, strict=True)],
        changes=[],
    )
    db.session.add(assessment)
    db.session.commit()
    return assessment


READERS = {
    # role: (unshared, shared)
    "member": (200, 200),
    "facilitator": (200, 200),
    "peer": (404, 200),
    "other_member": (404, 404),
    "other_facilitator": (404, 404),
    "lead": (404, 404),
}


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("shared", [False, True])
def test_who_reads_a_worksheet(app, login_as, sheet, role, shared):
    assessment = make_assessment(sheet, sheet.member, sheet.open_checkpoint, [1, 2, 3],
                                 shared=shared)
    response = login_as(getattr(sheet, role)).get(f"/assessments/{assessment.id}")
    assert response.status_code == READERS[role][shared]


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("shared", [False, True])
def test_who_sees_a_growth_page(app, login_as, sheet, role, shared):
    make_assessment(sheet, sheet.member, sheet.open_checkpoint, [1, 2, 3], shared=shared)
    url = f"/programs/{sheet.program.id}/growth/{sheet.member.id}"
    assert login_as(getattr(sheet, role)).get(url).status_code == READERS[role][shared]


def test_peer_sees_only_shared_checkpoints_on_growth(app, login_as, sheet):
    make_assessment(sheet, sheet.member, sheet.closed_checkpoint, [1, 1, 1], shared=False)
    make_assessment(sheet, sheet.member, sheet.open_checkpoint, [2, 2, 2], shared=True)
    page = login_as(sheet.peer).get(f"/programs/{sheet.program.id}/growth/{sheet.member.id}")
    assert "Mid-year" in page.text and "Baseline" not in page.text


def test_only_the_author_shares(app, login_as, sheet):
    assessment = make_assessment(sheet, sheet.member, sheet.open_checkpoint, [1, 2, 3])
    client = login_as(sheet.facilitator)
    assert client.post(f"/assessments/{assessment.id}/share", data={"shared": "1"}).status_code \
        == 403
    client = app.test_client()
    login(client, sheet.member)
    assert client.post(f"/assessments/{assessment.id}/share",
                       data={"shared": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(SelfAssessment, assessment.id).shared_with_cohort


def test_facilitator_sees_worksheet_status_on_the_cohort_page(app, login_as, sheet):
    assessment = make_assessment(sheet, sheet.member, sheet.open_checkpoint, [1, 2, 3])
    page = login_as(sheet.facilitator).get(f"/cohorts/{sheet.cohort.id}")
    assert f"/assessments/{assessment.id}" in page.text and "Submitted" in page.text
    client = app.test_client()
    login(client, sheet.peer)
    page = client.get(f"/cohorts/{sheet.cohort.id}")
    assert f"/assessments/{assessment.id}" not in page.text


def test_home_links_the_open_worksheet(app, login_as, sheet):
    page = login_as(sheet.member).get("/")
    assert "Your worksheet for Mid-year" in page.text
    assert "Your worksheet for Baseline" not in page.text  # closed
    assert f"/checkpoints/{sheet.open_checkpoint.id}/worksheet" in page.text
