"""Erasure on request (issue 17, item 4): a site admin sees what will be removed, confirms, and
the person's texts and e-mail are nowhere in the database afterwards, while the programme's
participation counts stay what they were."""

from __future__ import annotations

from sqlalchemy import String, Text, func, select

from plc.accounts.models import IdentityLink, User, UserSession
from plc.assessments.models import PlannedChange, Rating, SelfAssessment
from plc.audit import services as audit_services
from plc.audit.models import AuditEvent
from plc.dashboards import queries as dashboard_queries
from plc.db import utcnow
from plc.extensions import db
from plc.feedback.models import Comment
from plc.mail import outbox
from plc.meetings.models import Attendance
from plc.plans.models import ActionPlan, ActionStep, Barrier, FocusArea, ProgressUpdate
from plc.privacy import exports
from plc.privacy import queries as privacy_queries
from plc.privacy.models import DataExport
from plc.programs.models import Program
from tests.conftest import bench_cohort, login  # noqa: F401 (fixture)
from tests.test_permissions import client_as

ADMIN_EMAIL = "admin@bench.example.org"


def _count(model, *where) -> int:
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar()


def texts_of(user_id: int) -> set[str]:
    """Everything the person wrote, as stored (long enough to be theirs alone)."""
    own_sheets = select(SelfAssessment.id).where(SelfAssessment.user_id == user_id)
    own_plans = select(ActionPlan.id).where(ActionPlan.user_id == user_id)
    own_areas = select(FocusArea.id).where(FocusArea.plan_id.in_(own_plans))
    columns = [
        (Comment.body, Comment.author_id == user_id),
        (ProgressUpdate.did, ProgressUpdate.plan_id.in_(own_plans)),
        (ProgressUpdate.learned, ProgressUpdate.plan_id.in_(own_plans)),
        (ProgressUpdate.next, ProgressUpdate.plan_id.in_(own_plans)),
        (Rating.strengths, Rating.assessment_id.in_(own_sheets)),
        (Rating.changes, Rating.assessment_id.in_(own_sheets)),
        (PlannedChange.change, PlannedChange.assessment_id.in_(own_sheets)),
        (PlannedChange.action_steps, PlannedChange.assessment_id.in_(own_sheets)),
        (FocusArea.change, FocusArea.plan_id.in_(own_plans)),
        (FocusArea.evidence, FocusArea.plan_id.in_(own_plans)),
        (Barrier.text, Barrier.focus_area_id.in_(own_areas)),
        (ActionStep.text, ActionStep.focus_area_id.in_(own_areas)),
    ]
    found: set[str] = set()
    for column, where in columns:
        found |= set(db.session.execute(select(column).where(where)).scalars())
    return {text for text in found if len(text) >= 25}


def every_text_in_the_database() -> str:
    """All text columns of every table (SQLAlchemy's metadata), as one string."""
    values = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if columns:
            for row in db.session.execute(select(*columns)):
                values.extend(v for v in row if v)
    return "\x00".join(values)


def participation(program_id: int) -> tuple:
    """What the dashboards count of participation: members and meetings held and attended, by
    cohort and district, and month by month."""
    program = db.session.get(Program, program_id)
    groups = sorted((g.cohort_id, g.district_id, g.members, g.meetings_held, g.meetings_attended)
                    for g in dashboard_queries.group_facts(program_id, utcnow(),
                                                           program.time_zone))
    year = dashboard_queries.LocalMonths(program.time_zone, program.starts_on, program.ends_on)
    months = sorted((key, m.meetings_held, m.meetings_attended) for key, m in
                    dashboard_queries.monthly(program_id, year).items())
    return groups, months


def test_erasing_a_busy_member(app, bench_cohort, tmp_path):  # noqa: F811
    person = db.session.execute(select(User).where(
        User.email == "member-2@bench.example.org")).scalar_one()
    person_id, email, name = person.id, person.email, person.name
    program_id = db.session.execute(select(ActionPlan.program_id).where(
        ActionPlan.user_id == person_id)).scalar_one()
    # Traces elsewhere: a session, an export with its file, mail to them and quoting them.
    quoted = db.session.execute(select(Comment.body).where(
        Comment.author_id == person_id).limit(1)).scalar_one()
    outbox.queue(email, "Your digest", "Hello")
    outbox.queue("someone@example.org", f"{name} commented", f"They wrote: {quoted}")
    db.session.add(DataExport(user_id=person_id))
    db.session.add(IdentityLink(user_id=person_id, issuer="https://login.district.example",
                                subject=f"subject-{person_id}-at-the-district"))
    db.session.commit()
    exports.run_pending()
    export_file = exports.export_path(db.session.execute(select(DataExport.file_name))
                                      .scalar_one())
    person_client = app.test_client()
    login(person_client, email, "bench-password-123")
    texts = texts_of(person_id)
    assert len(texts) > 100
    before = participation(program_id)
    preview = privacy_queries.erasure_preview(person_id)
    comments_written = _count(Comment, Comment.author_id == person_id)

    admin = app.test_client()
    login(admin, ADMIN_EMAIL, "bench-password-123")
    page = admin.get(f"/admin/users/{person_id}/erase").get_data(as_text=True)
    for what, count, _effect in preview.as_rows():
        assert f"{what}</th><td class=\"text-end\" data-count>{count}</td>" in page
    refused = admin.post(f"/admin/users/{person_id}/erase", data={})
    assert refused.status_code == 200 and "Tick the box" in refused.get_data(as_text=True)
    assert _count(SelfAssessment, SelfAssessment.user_id == person_id) == preview.worksheets
    response = admin.post(f"/admin/users/{person_id}/erase", data={"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()

    # None of their texts nor their e-mail (nor their name) is anywhere in the database.
    everything = every_text_in_the_database()
    assert [text for text in texts if text in everything] == []
    assert email not in everything and name not in everything.split("\x00")
    # What the preview counted is what went.
    assert preview.worksheets > 0 and _count(SelfAssessment,
                                             SelfAssessment.user_id == person_id) == 0
    assert preview.plans == 1 and _count(ActionPlan, ActionPlan.user_id == person_id) == 0
    assert preview.progress_updates > 0 and _count(
        ProgressUpdate, ProgressUpdate.author_id == person_id) == 0
    assert preview.comments == comments_written == _count(
        Comment, Comment.author_id == person_id, Comment.deleted_at.is_not(None),
        Comment.body == "")
    assert preview.attendance == _count(Attendance, Attendance.user_id == person_id) > 0
    assert preview.sessions > 0 and _count(UserSession, UserSession.user_id == person_id) == 0
    assert preview.exports == 1 and _count(DataExport) == 0 and not export_file.exists()
    assert _count(IdentityLink, IdentityLink.user_id == person_id) == 0  # no district sign-in
    # The programme's participation counts are the same.
    assert participation(program_id) == before
    # The account is anonymised and signs in no more; its old session is dead.
    erased = db.session.get(User, person_id)
    assert (erased.name, erased.active, erased.password_hash) == ("Removed person", False, None)
    assert person_client.get("/account/my-data").status_code == 302
    assert login(app.test_client(), email, "bench-password-123").status_code != 302
    # The audit log says who erased whom, by account number, with what went.
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.action == "person.erased")).scalar_one()
    assert (event.target_type, event.target_id, event.target_label) == (
        "user", person_id, audit_services.person_label(person_id))
    admin_id = db.session.execute(select(User.id).where(User.email == ADMIN_EMAIL)).scalar()
    assert event.actor_id == admin_id and event.details == preview.as_dict()
    # A thread keeps its place: the comment says it was removed.
    plan_id = db.session.execute(select(Comment.plan_id).where(
        Comment.author_id == person_id, Comment.parent_id.is_(None))).scalars().first()
    assert plan_id is not None


def test_only_site_admins_erase_and_never_themselves(app, world):
    admin = world.users["site_admin"]
    response = client_as(app, world, "site_admin").post(f"/admin/users/{admin.id}/erase",
                                                        data={"confirm": "y"})
    assert response.status_code == 403
    assert db.session.get(User, admin.id).email == "site_admin@example.org"
    lead = client_as(app, world, "program_lead")
    assert lead.get(f"/admin/users/{world.users['member_a'].id}/erase").status_code == 404


def test_an_erased_account_says_so(app, world):
    admin = client_as(app, world, "site_admin")
    member_id = world.users["member_a"].id
    assert admin.post(f"/admin/users/{member_id}/erase",
                      data={"confirm": "y"}).status_code == 302
    page = admin.get(f"/admin/users/{member_id}/erase").get_data(as_text=True)
    assert "erased already" in page
    again = admin.post(f"/admin/users/{member_id}/erase", data={"confirm": "y"})
    assert "already been erased" in again.get_data(as_text=True)


def test_an_erasure_reaches_a_closed_years_content(app, world):
    """A closed year is read-only (plc/programs/closing.py), but not to an erasure request."""
    world.program.closed_at = utcnow()
    db.session.commit()
    member_id = world.users["member_a"].id
    admin = client_as(app, world, "site_admin")
    assert admin.post(f"/admin/users/{member_id}/erase",
                      data={"confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert _count(ActionPlan, ActionPlan.user_id == member_id) == 0
    assert _count(SelfAssessment, SelfAssessment.user_id == member_id) == 0
    assert db.session.get(User, member_id).name == "Removed person"
