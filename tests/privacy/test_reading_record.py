"""The reading record (issue 17, item 1): who opened a member's worksheet, or a plan not shared
with the whole cohort, is recorded once a day per person, and shown to the author alone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from plc import permissions
from plc.assessments.models import SUBMITTED
from plc.db import utcnow
from plc.extensions import db
from plc.plans.models import FACILITATORS_ONLY
from plc.privacy import queries, services
from plc.privacy.models import PLAN, WORKSHEET, ReadingRecord
from tests import factories
from tests.conftest import login
from tests.test_permissions import client_as


def records(object_type=None) -> list[tuple]:
    statement = select(ReadingRecord.reader_id, ReadingRecord.object_type,
                       ReadingRecord.object_id, ReadingRecord.day)
    if object_type:
        statement = statement.where(ReadingRecord.object_type == object_type)
    return db.session.execute(statement.order_by(ReadingRecord.id)).all()


def who_has_seen(html: str) -> str:
    start = html.index('id="readers-heading"')
    return html[start:html.index("</section>", start)]


def test_a_facilitator_reading_a_worksheet_is_listed_on_the_members_page(app, world):
    assessment = world.assessment_a
    facilitator = client_as(app, world, "facilitator_a")
    assert facilitator.get(f"/assessments/{assessment.id}").status_code == 200
    # The reader does not see the list: it is the author's.
    assert 'id="readers-heading"' not in facilitator.get(
        f"/assessments/{assessment.id}").get_data(as_text=True)

    member = client_as(app, world, "member_a")
    listed = who_has_seen(member.get(f"/assessments/{assessment.id}").get_data(as_text=True))
    assert "Facilitator A" in listed and "facilitator of your cohort" in listed
    assert utcnow().date().isoformat() in listed
    # The worksheet page itself (the draft being filled in) shows it too.
    page = member.get(f"/checkpoints/{world.checkpoint.id}/worksheet").get_data(as_text=True)
    assert "Facilitator A" in who_has_seen(page)
    # The author's own openings are not recorded.
    assert records() == [(world.users["facilitator_a"].id, WORKSHEET, assessment.id,
                          utcnow().date())]


def test_a_peers_view_of_a_shared_plan_is_not_listed_a_facilitators_view_of_a_non_cohort_plan_is(
        app, world):
    plan = world.plan_a  # shared with cohort A
    peer = factories.make_user("peer.a@example.org", "Peer of A")
    factories.add_member(world.cohort_a, peer)
    db.session.commit()
    peer_client = app.test_client()
    login(peer_client, peer)
    assert peer_client.get(f"/plans/{plan.id}").status_code == 200
    assert client_as(app, world, "facilitator_a").get(f"/plans/{plan.id}").status_code == 200
    assert records() == []
    member = client_as(app, world, "member_a")
    assert "Nobody else has opened it yet." in who_has_seen(
        member.get(f"/plans/{plan.id}").get_data(as_text=True))

    plan.visibility = FACILITATORS_ONLY
    db.session.commit()
    facilitator = client_as(app, world, "facilitator_a")
    assert facilitator.get(f"/plans/{plan.id}").status_code == 200
    assert facilitator.get(f"/plans/{plan.id}/changes").status_code == 200
    listed = who_has_seen(member.get(f"/plans/{plan.id}").get_data(as_text=True))
    assert "Facilitator A" in listed and "Peer of A" not in listed
    assert [r[:3] for r in records()] == [(world.users["facilitator_a"].id, PLAN, plan.id)]


def test_a_program_lead_cannot_read_the_reading_record(app, world):
    client_as(app, world, "facilitator_a").get(f"/assessments/{world.assessment_a.id}")
    member_id = world.users["member_a"].id
    for role in ("program_lead", "site_admin", "facilitator_a", "member_b"):
        assert not permissions.can_view_reading_record(world.users[role], member_id)
        permissions.forget_roles()
    assert permissions.can_view_reading_record(world.users["member_a"], member_id)
    lead = client_as(app, world, "program_lead")
    for url in (f"/assessments/{world.assessment_a.id}", f"/plans/{world.plan_a.id}",
                f"/checkpoints/{world.checkpoint.id}/worksheet", "/account/my-data"):
        html = lead.get(url).get_data(as_text=True)
        assert "Facilitator A" not in html and 'id="readers-heading"' not in html


def test_one_row_per_reader_object_and_day_however_many_views(app, world, monkeypatch):
    facilitator = client_as(app, world, "facilitator_a")
    url = f"/assessments/{world.assessment_a.id}"
    for _ in range(4):
        assert facilitator.get(url).status_code == 200
    assert len(records()) == 1
    # Written twice at once (two requests racing): still one row, and no error.
    services.record_reading(world.users["facilitator_a"], WORKSHEET, [world.assessment_a.id])
    db.session.commit()
    assert len(records()) == 1
    tomorrow = utcnow() + timedelta(days=1)
    monkeypatch.setattr("plc.privacy.services.utcnow", lambda: tomorrow)
    facilitator.get(url)
    facilitator.get(url)
    assert [r[3] for r in records()] == [utcnow().date(), tomorrow.date()]
    [reader] = queries.readers(WORKSHEET, world.assessment_a.id, {world.cohort_a.id})
    assert (reader.name, reader.role, reader.last_day, reader.days) == (
        "Facilitator A", "facilitator", tomorrow.date(), 2)


def test_someone_elses_growth_page_records_each_worksheet_it_shows(app, world):
    world.assessment_a.status = SUBMITTED
    db.session.commit()
    facilitator = client_as(app, world, "facilitator_a")
    member_id = world.users["member_a"].id
    assert facilitator.get(f"/programs/{world.program.id}/growth/{member_id}").status_code == 200
    assert [r[:3] for r in records()] == [(world.users["facilitator_a"].id, WORKSHEET,
                                           world.assessment_a.id)]
    client_as(app, world, "member_a").get(f"/programs/{world.program.id}/growth")
    assert len(records()) == 1


def test_records_go_with_the_content_they_are_about(app, world):
    facilitator = client_as(app, world, "facilitator_a")
    facilitator.get(f"/assessments/{world.assessment_a.id}")
    world.plan_a.visibility = FACILITATORS_ONLY
    db.session.commit()
    facilitator.get(f"/plans/{world.plan_a.id}")
    assert {r[1] for r in records()} == {WORKSHEET, PLAN}
    db.session.delete(world.assessment_a)
    db.session.commit()
    assert {r[1] for r in records()} == {PLAN}
    db.session.delete(world.plan_a)
    db.session.commit()
    assert db.session.execute(select(func.count()).select_from(ReadingRecord)).scalar() == 0


def test_readings_at_the_same_moment_leave_one_row(app, world):
    """Insert-or-ignore against the unique key: requests racing to record the same reading
    (four threads, each its own connection and transaction) neither fail nor duplicate."""
    import threading
    from types import SimpleNamespace

    from plc.unit_of_work import job_transaction

    reader_id, assessment_id = world.users["facilitator_a"].id, world.assessment_a.id
    start, errors = threading.Barrier(4), []
    db.session.commit()  # the test's own session holds no lock meanwhile

    def read() -> None:
        try:
            with app.app_context():
                reader = SimpleNamespace(id=reader_id)  # what the service reads of a User
                start.wait(timeout=10)
                with job_transaction():
                    services.record_reading(reader, WORKSHEET, [assessment_id])
                db.session.remove()
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(records()) == 1
