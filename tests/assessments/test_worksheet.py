"""The worksheet: drafts, submitting, reopening and two saves racing."""

from __future__ import annotations

from sqlalchemy import select

from plc.assessments.models import SUBMITTED, Rating, SelfAssessment
from plc.extensions import db
from tests.assessments.conftest import form_data


def saved(sheet, checkpoint=None) -> SelfAssessment | None:
    db.session.expire_all()
    return db.session.execute(
        select(SelfAssessment).where(
            SelfAssessment.user_id == sheet.member.id,
            SelfAssessment.checkpoint_id == (checkpoint or sheet.open_checkpoint).id,
        )
    ).scalar_one_or_none()


def url(sheet, checkpoint=None) -> str:
    return f"/checkpoints/{(checkpoint or sheet.open_checkpoint).id}/worksheet"


def test_worksheet_shows_questions_levels_and_descriptors(app, login_as, sheet):
    page = login_as(sheet.member).get(url(sheet))
    assert page.status_code == 200
    html = page.text
    assert "Question 1.1?" in html and "C1 at level 3: bullet 2." in html
    assert html.count('type="radio"') == 4 * len(sheet.competency_ids)
    assert "<legend" in html and "Top 3 changes I want to make" in html
    assert "Leads self" in html and "Leads others" in html


def test_draft_saves_partial_ratings_and_text(app, login_as, sheet):
    c1, c2, _c3 = sheet.competency_ids
    client = login_as(sheet.member)
    data = form_data(sheet, {c1: 2}, **{f"strengths_{c2}": "I listen.",
                                        "changes-0-change": "Delegate more",
                                        "changes-0-competency_id": str(c2),
                                        "changes-0-will_factors": "Fear"})
    assert client.post(url(sheet), data=data).status_code == 302
    assessment = saved(sheet)
    assert assessment.status == "draft" and assessment.version == 1
    assert assessment.framework_id == sheet.framework.id
    ratings = {r.competency_id: r for r in db.session.execute(
        select(Rating).where(Rating.assessment_id == assessment.id)).scalars()}
    assert ratings[c1].level_id == sheet.level_ids[2]
    assert ratings[c2].level_id is None and ratings[c2].strengths == "I listen."
    page = client.get(url(sheet))
    assert "I listen." in page.text and "Delegate more" in page.text and "Fear" in page.text


def test_submit_needs_every_rating_and_keeps_the_text(app, login_as, sheet):
    c1, c2, c3 = sheet.competency_ids
    client = login_as(sheet.member)
    data = form_data(sheet, {c1: 2}, action="submit", **{f"changes_{c3}": "Typed text"})
    page = client.post(url(sheet), data=data)
    assert page.status_code == 200
    assert page.text.count("Choose a rating to submit.") == 2
    assert f'id="rating_{c2}-error"' in page.text and "Typed text" in page.text
    assert saved(sheet) is None
    data = form_data(sheet, {c1: 2, c2: 3, c3: 4}, action="submit")
    response = client.post(url(sheet), data=data)
    assert response.status_code == 302
    assessment = saved(sheet)
    assert assessment.status == SUBMITTED and assessment.submitted_at is not None


def test_submitted_worksheet_reopens_while_open(app, login_as, sheet):
    ids = sheet.competency_ids
    client = login_as(sheet.member)
    client.post(url(sheet), data=form_data(sheet, dict.fromkeys(ids, 3), action="submit"))
    assessment = saved(sheet)
    page = client.get(url(sheet))
    assert "Reopen to change it" in page.text and 'type="radio"' not in page.text
    # A save to a submitted worksheet is refused.
    client.post(url(sheet), data=form_data(sheet, version=assessment.version))
    assert saved(sheet).status == SUBMITTED
    assert client.post(f"/assessments/{assessment.id}/reopen").status_code == 302
    assert saved(sheet).status == "draft"


def _submitted_on_closed_checkpoint(sheet) -> SelfAssessment:
    assessment = SelfAssessment(user_id=sheet.member.id, checkpoint_id=sheet.closed_checkpoint.id,
                                framework_id=sheet.framework.id, status=SUBMITTED)
    db.session.add(assessment)
    db.session.commit()
    return assessment


def test_closed_checkpoint_cannot_be_reopened_or_saved(app, login_as, sheet):
    assessment = _submitted_on_closed_checkpoint(sheet)
    client = login_as(sheet.member)
    page = client.get(url(sheet, sheet.closed_checkpoint))
    assert "Reopen" not in page.text
    client.post(f"/assessments/{assessment.id}/reopen")
    assert saved(sheet, sheet.closed_checkpoint).status == SUBMITTED
    page = client.get(f"/assessments/{assessment.id}")
    assert "has closed" in page.text


def test_no_draft_on_a_closed_checkpoint(app, login_as, sheet):
    client = login_as(sheet.member)
    page = client.post(url(sheet, sheet.closed_checkpoint), data=form_data(sheet))
    assert page.status_code == 200 and "cannot be changed now" in page.text
    assert saved(sheet, sheet.closed_checkpoint) is None


def test_two_saves_from_the_same_version(app, login_as, sheet):
    c1 = sheet.competency_ids[0]
    client = login_as(sheet.member)
    client.post(url(sheet), data=form_data(sheet, {c1: 1}))
    version = saved(sheet).version
    first = form_data(sheet, {c1: 2}, version=version, **{f"strengths_{c1}": "From tab one"})
    second = form_data(sheet, {c1: 4}, version=version, **{f"strengths_{c1}": "From tab two"})
    assert client.post(url(sheet), data=first).status_code == 302
    refused = client.post(url(sheet), data=second)
    assert refused.status_code == 200
    assert "was saved somewhere else" in refused.text
    assert "From tab two" in refused.text  # the refused text stays in the form
    assessment = saved(sheet)
    rating = db.session.execute(select(Rating).where(
        Rating.assessment_id == assessment.id, Rating.competency_id == c1)).scalar_one()
    assert rating.strengths == "From tab one" and rating.level_id == sheet.level_ids[2]
    # The refused form now carries the current version: saving again is a deliberate overwrite.
    assert f'value="{assessment.version}"' in refused.text


def test_a_lost_version_race_is_refused_by_the_database(app, sheet):
    """Both saves pass the version check; the database's version test refuses the second."""
    from plc.assessments import queries, services
    from plc.assessments.models import SelfAssessment as SA

    c1 = sheet.competency_ids[0]
    member = sheet.member
    the_sheet = queries.sheet(sheet.framework.id)
    values = services.WorksheetValues({c1: services.RatingValues(None)}, [], 0)
    services.save_worksheet(member, sheet.open_checkpoint, None, the_sheet, values,
                            today=sheet.open_checkpoint.opens_on, submit=False)
    db.session.commit()
    assessment = queries.own_assessment(member.id, sheet.open_checkpoint.id)
    # Someone else's save lands between our read and our write.
    db.session.execute(SA.__table__.update().where(SA.id == assessment.id)
                       .values(version=assessment.version + 1))
    values = services.WorksheetValues({c1: services.RatingValues(None, "x")}, [],
                                      assessment.version)
    try:
        services.save_worksheet(member, sheet.open_checkpoint, assessment, the_sheet, values,
                                today=sheet.open_checkpoint.opens_on, submit=False)
    except services.StaleWorksheet:
        db.session.rollback()
    else:
        raise AssertionError("a stale save went through")


# --- autosave (plc/static/js/worksheet.js posts the same form, asking for JSON) -----------

JSON = {"Accept": "application/json"}


def test_autosave_saves_a_draft_and_answers_the_new_version(app, login_as, sheet):
    c1, c2, _c3 = sheet.competency_ids
    client = login_as(sheet.member)
    first = client.post(url(sheet), headers=JSON,
                        data=form_data(sheet, {c1: 2}, **{f"strengths_{c1}": "Clear goals"}))
    assert first.status_code == 200 and first.json == {"version": 1, "status": "draft"}
    second = client.post(url(sheet), headers=JSON, data=form_data(sheet, {c1: 2, c2: 3},
                                                                  version=1))
    assert second.json["version"] == 2
    assessment = saved(sheet)
    assert assessment.status == "draft" and assessment.version == 2
    # Even "submit" is only a draft in the background, and nothing is flashed for later.
    client.post(url(sheet), headers=JSON, data=form_data(sheet, {c1: 2}, version=2,
                                                         action="submit"))
    assert saved(sheet).status == "draft"
    page = client.get(url(sheet))
    assert "worksheet is saved as a draft" not in page.text and "Clear goals" in page.text


def test_autosave_from_a_stale_tab_is_a_conflict_not_an_overwrite(app, login_as, sheet):
    c1 = sheet.competency_ids[0]
    client = login_as(sheet.member)
    client.post(url(sheet), headers=JSON,
                data=form_data(sheet, {c1: 2}, **{f"strengths_{c1}": "From tab one"}))
    stale = client.post(url(sheet), headers=JSON,
                        data=form_data(sheet, {c1: 4}, **{f"strengths_{c1}": "From tab two"}))
    assert stale.status_code == 409
    assert "saved somewhere else" in stale.json["error"]
    assert db.session.execute(select(Rating.strengths).where(
        Rating.assessment_id == saved(sheet).id, Rating.competency_id == c1)).scalar_one() \
        == "From tab one"


def test_autosave_refuses_a_submitted_worksheet_and_too_long_text(app, login_as, sheet):
    c1 = sheet.competency_ids[0]
    client = login_as(sheet.member)
    too_long = client.post(url(sheet), headers=JSON,
                           data=form_data(sheet, **{f"strengths_{c1}": "x" * 5001}))
    assert too_long.status_code == 422 and "Not saved: Use at most" in too_long.json["error"]
    assert saved(sheet) is None
    client.post(url(sheet), data=form_data(sheet, dict.fromkeys(sheet.competency_ids, 3),
                                           action="submit"))
    closed = client.post(url(sheet), headers=JSON, data=form_data(sheet, version=1))
    assert closed.status_code == 409 and saved(sheet).status == SUBMITTED
