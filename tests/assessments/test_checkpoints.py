from __future__ import annotations

from datetime import date

from sqlalchemy import select

from plc.assessments.models import Checkpoint
from plc.assessments.services import default_checkpoint_dates
from plc.extensions import db
from plc.programs import services as program_services
from tests import factories


def test_default_dates_cover_start_middle_and_end():
    dates = default_checkpoint_dates(date(2026, 9, 1), date(2027, 6, 30))
    assert dates == [
        ("Baseline", date(2026, 9, 1), date(2026, 10, 12)),
        ("Mid-year", date(2027, 1, 9), date(2027, 2, 19)),
        ("End of year", date(2027, 5, 20), date(2027, 6, 30)),
    ]


def test_short_programme_keeps_windows_inside_it():
    start, end = date(2026, 9, 1), date(2026, 10, 1)
    for _name, opens, closes in default_checkpoint_dates(start, end):
        assert start <= opens <= closes <= end


def test_creating_a_programme_creates_its_checkpoints(app):
    lead = factories.make_user()
    program = program_services.create_program(
        lead, name="New year", starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 30),
        time_zone="UTC", description="",
    )
    db.session.commit()
    names = db.session.execute(
        select(Checkpoint.name).where(Checkpoint.program_id == program.id)
        .order_by(Checkpoint.position)
    ).scalars().all()
    assert names == ["Baseline", "Mid-year", "End of year"]


def test_lead_edits_checkpoints(app, login_as, sheet):
    client = login_as(sheet.lead)
    url = f"/programs/{sheet.program.id}/checkpoints"
    page = client.get(url)
    assert page.status_code == 200 and "Mid-year" in page.text
    data = {
        "checkpoints-0-checkpoint_id": sheet.closed_checkpoint.id,
        "checkpoints-0-name": "Mid-year",  # names swap
        "checkpoints-0-opens_on": "2020-01-01",
        "checkpoints-0-closes_on": "2020-02-01",
        "checkpoints-1-checkpoint_id": sheet.open_checkpoint.id,
        "checkpoints-1-name": "Baseline",
        "checkpoints-1-opens_on": "2021-01-01",
        "checkpoints-1-closes_on": "2099-01-01",
    }
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Checkpoint, sheet.open_checkpoint.id).name == "Baseline"
    assert db.session.get(Checkpoint, sheet.open_checkpoint.id).opens_on == date(2021, 1, 1)


def test_closing_before_opening_is_refused(app, login_as, sheet):
    client = login_as(sheet.lead)
    data = {
        "checkpoints-0-checkpoint_id": sheet.closed_checkpoint.id,
        "checkpoints-0-name": "Baseline",
        "checkpoints-0-opens_on": "2020-03-01",
        "checkpoints-0-closes_on": "2020-02-01",
        "checkpoints-1-checkpoint_id": sheet.open_checkpoint.id,
        "checkpoints-1-name": "Mid-year",
        "checkpoints-1-opens_on": "2020-01-01",
        "checkpoints-1-closes_on": "2099-01-01",
    }
    page = client.post(f"/programs/{sheet.program.id}/checkpoints", data=data)
    assert page.status_code == 200
    assert "must not be before the opening date" in page.text


def test_duplicate_names_are_refused(app, login_as, sheet):
    client = login_as(sheet.lead)
    data = {
        "checkpoints-0-checkpoint_id": sheet.closed_checkpoint.id,
        "checkpoints-0-name": "Same",
        "checkpoints-0-opens_on": "2020-01-01",
        "checkpoints-0-closes_on": "2020-02-01",
        "checkpoints-1-checkpoint_id": sheet.open_checkpoint.id,
        "checkpoints-1-name": "same",
        "checkpoints-1-opens_on": "2020-01-01",
        "checkpoints-1-closes_on": "2099-01-01",
    }
    page = client.post(f"/programs/{sheet.program.id}/checkpoints", data=data)
    assert "cannot have the same name" in page.text


def checkpoint_names(program_id: int) -> list[str]:
    return db.session.execute(
        select(Checkpoint.name).where(Checkpoint.program_id == program_id)
        .order_by(Checkpoint.position)
    ).scalars().all()


def test_lead_adds_a_checkpoint_after_the_others(app, login_as, sheet):
    client = login_as(sheet.lead)
    url = f"/programs/{sheet.program.id}/checkpoints/new"
    assert client.get(url).status_code == 200
    values = {"name": "Second mid-year", "opens_on": "2027-03-01", "closes_on": "2027-03-31"}
    assert client.post(url, data=values).status_code == 302
    assert checkpoint_names(sheet.program.id)[-1] == "Second mid-year"
    again = client.post(url, data={**values, "name": "second MID-YEAR"})
    assert again.status_code == 200
    assert "Another checkpoint already has this name." in again.text
    backwards = client.post(url, data={**values, "name": "Late", "closes_on": "2027-02-01"})
    assert "The closing date must not be before the opening date." in backwards.text
    assert 'value="Late"' in backwards.text  # what was typed is kept


def test_a_checkpoint_with_worksheets_cannot_be_removed(app, login_as, sheet):
    from tests.assessments.test_visibility import make_assessment

    make_assessment(sheet, sheet.member, sheet.open_checkpoint, [1, 2, 3])
    client = login_as(sheet.lead)
    before = checkpoint_names(sheet.program.id)
    response = client.post(f"/checkpoints/{sheet.open_checkpoint.id}/remove")
    assert response.status_code == 302
    assert "has worksheets" in client.get(response.location).text
    assert checkpoint_names(sheet.program.id) == before
    empty = sheet.closed_checkpoint.name
    assert client.post(f"/checkpoints/{sheet.closed_checkpoint.id}/remove").status_code == 302
    assert checkpoint_names(sheet.program.id) == [n for n in before if n != empty]


def test_members_cannot_add_or_remove_checkpoints(app, login_as, sheet):
    client = login_as(sheet.member)
    assert client.get(f"/programs/{sheet.program.id}/checkpoints/new").status_code == 404
    assert client.post(f"/checkpoints/{sheet.closed_checkpoint.id}/remove").status_code == 404
    assert sheet.closed_checkpoint.name in checkpoint_names(sheet.program.id)


def both_checkpoints(sheet, baseline_closes: str, midyear_closes: str) -> dict:
    """The checkpoints page's form, with the closing days given (both opened in 2020)."""
    return {
        "checkpoints-0-checkpoint_id": sheet.closed_checkpoint.id,
        "checkpoints-0-name": "Baseline",
        "checkpoints-0-opens_on": "2020-01-01",
        "checkpoints-0-closes_on": baseline_closes,
        "checkpoints-1-checkpoint_id": sheet.open_checkpoint.id,
        "checkpoints-1-name": "Mid-year",
        "checkpoints-1-opens_on": "2020-01-01",
        "checkpoints-1-closes_on": midyear_closes,
    }


def test_a_closed_checkpoint_with_submissions_does_not_open_again(app, login_as, sheet):
    """Its figures are on the ratings overview: reopened, one late worksheet could be told
    from the figures after its second closing (issue 17). Without submissions it may."""
    from tests.assessments.test_visibility import make_assessment

    client = login_as(sheet.lead)
    url = f"/programs/{sheet.program.id}/checkpoints"
    make_assessment(sheet, sheet.member, sheet.closed_checkpoint, [2, 2, 2])
    page = client.post(url, data=both_checkpoints(sheet, "2099-06-30", "2099-12-31"))
    assert page.status_code == 200
    assert "Baseline has closed and the ratings overview shows its figures" in page.text
    assert 'value="2099-06-30"' in page.text  # the typed dates are shown again
    db.session.expire_all()
    assert db.session.get(Checkpoint, sheet.closed_checkpoint.id).closes_on == date(2020, 2, 1)
    # Its dates may still move within the past, and an open checkpoint may close early.
    response = client.post(url, data=both_checkpoints(sheet, "2020-03-01", "2020-06-30"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Checkpoint, sheet.closed_checkpoint.id).closes_on == date(2020, 3, 1)


def test_a_closed_checkpoint_without_submissions_may_open_again(app, login_as, sheet):
    client = login_as(sheet.lead)
    response = client.post(f"/programs/{sheet.program.id}/checkpoints",
                           data=both_checkpoints(sheet, "2099-06-30", "2099-12-31"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Checkpoint, sheet.closed_checkpoint.id).closes_on == date(2099, 6, 30)
