"""The crawler: every route, as each role, with the ids of objects that belong to a cohort
(or a programme) that role has no part in. Not one of those requests may succeed.

Two "sides" are built beside the permission world: cohort B's objects (member_b's plan, its
update and comment, a meeting with an agenda item and a follow-up, a worksheet, a
notification) and the same set in a cohort of another programme. People of cohort A are tried
with cohort B's ids and the other programme's; people of cohort B with cohort A's; the
programme's lead with the other programme's. Success means a 200, or a redirect anywhere but
the sign-in page: an out-of-reach object must answer 404 (or 403, 401, 405).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from plc.accounts.models import UserSession
from plc.assessments.models import SelfAssessment
from plc.db import utcnow
from plc.extensions import db
from plc.feedback.models import Comment
from plc.meetings.models import AgendaItem, FollowUp
from plc.notifications.models import COMMENT_ON_MY_PLAN, Notification
from plc.plans.models import (
    SHARED_WITH_COHORT,
    ActionPlan,
    ActionStep,
    FocusArea,
    ProgressUpdate,
)
from plc.privacy.models import READY, DataExport
from plc.programs.models import FACILITATOR
from plc.tokens import new_token
from tests import factories, world_voice
from tests.permission_world import _meeting
from tests.test_permissions import client_as

ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")
SKIPPED_ARGUMENTS = {"filename", "fmt", "token", "framework_id"}  # not cohort data


def side(world, cohort, member, facilitator, checkpoint) -> dict[str, int]:
    """A full set of cohort objects around ``member``: URL argument name -> id."""
    step = ActionStep(position=1, text="A step")
    focus = FocusArea(position=1, change="A change", barriers=[], steps=[step])
    plan = ActionPlan(user_id=member.id, program_id=cohort.program_id,
                      visibility=SHARED_WITH_COHORT, focus_areas=[focus])
    db.session.add(plan)
    db.session.flush()
    update = ProgressUpdate(plan_id=plan.id, author_id=member.id, did="Did")
    db.session.add(update)
    db.session.flush()
    comment = Comment(plan_id=plan.id, author_id=member.id, body="Mine")
    db.session.add(comment)
    db.session.flush()
    notification = Notification(user_id=member.id, kind=COMMENT_ON_MY_PLAN, plan_id=plan.id,
                                comment_id=comment.id)
    assessment = SelfAssessment(user_id=member.id, checkpoint_id=checkpoint.id,
                                framework_id=world.framework.id, shared_with_cohort=True,
                                ratings=[], changes=[])
    meeting = _meeting(facilitator, cohort, days_from_now=5)
    item = AgendaItem(meeting_id=meeting.id, position=1, title="Item")
    follow_up = FollowUp(meeting_id=meeting.id, assignee_id=member.id, text="Do it")
    browser = UserSession(user_id=member.id, key_hash=new_token()[1], user_agent="crawler")
    export = DataExport(user_id=member.id, status=READY, file_name="crawler.zip",
                        finished_at=utcnow(), expires_at=utcnow() + timedelta(days=7))
    db.session.add_all([notification, assessment, item, follow_up, browser, export])
    db.session.flush()
    voice_round = world_voice.make_round(plan, [], visibility=SHARED_WITH_COHORT)
    return {
        "round_id": voice_round.id, "audience_id": voice_round.audiences[0].id,
        "cohort_id": cohort.id, "program_id": cohort.program_id, "user_id": member.id,
        "plan_id": plan.id, "focus_area_id": focus.id, "step_id": step.id,
        "update_id": update.id, "comment_id": comment.id, "notification_id": notification.id,
        "assessment_id": assessment.id, "checkpoint_id": checkpoint.id,
        "meeting_id": meeting.id, "item_id": item.id, "follow_up_id": follow_up.id,
        "org_id": world.district.id, "session_id": browser.id, "export_id": export.id,
        "draft_id": (world.draft_p if cohort.program_id == world.program.id
                     else world.draft_q).id,
    }


def a_side(world) -> dict[str, int]:
    """Cohort A's objects, as the permission world already has them."""
    return {
        "cohort_id": world.cohort_a.id, "program_id": world.program.id,
        "user_id": world.users["member_a"].id, "plan_id": world.plan_a.id,
        "focus_area_id": world.focus_area_a.id, "step_id": world.step_a.id,
        "update_id": world.update_a.id, "comment_id": world.comment_a.id,
        "notification_id": world.notification_a.id, "assessment_id": world.assessment_a.id,
        "checkpoint_id": world.checkpoint.id, "meeting_id": world.meeting_a.id,
        "item_id": world.agenda_item_a.id, "follow_up_id": world.follow_up_a.id,
        "org_id": world.district.id, "session_id": world.other_session_a,
        "export_id": world.export_a.id, "round_id": world.round_shared.id,
        "audience_id": world.voice_links["shared"][0][0], "draft_id": world.draft_p.id,
    }


def other_programme_side(world) -> dict[str, int]:
    program = world.other_program
    program.framework_id = world.framework.id
    cohort = factories.make_cohort(program, "Cohort Q")
    member = factories.make_user("member.q@example.org", "Member Q")
    facilitator = factories.make_user("facilitator.q@example.org", "Facilitator Q")
    factories.add_member(cohort, member)
    factories.add_member(cohort, facilitator, FACILITATOR)
    checkpoint = factories.make_checkpoint(program)
    return side(world, cohort, member, facilitator, checkpoint)


# Cohorts A and B share their programme: its own pages (my plan, my worksheet, my growth)
# are every member's. Against those sides, only routes naming a cohort's object are tried.
PROGRAMME_LEVEL = {"program_id", "checkpoint_id", "org_id"}
SAME_PROGRAMME_SIDES = {"a", "b"}

# Within one programme the lead reaches every cohort, so the lead is tried on the other one.
FOREIGN_SIDES = {
    "member_a": ("b", "q"), "facilitator_a": ("b", "q"),
    "member_b": ("a", "q"), "facilitator_b": ("a", "q"),
    "program_lead": ("q",),
}


@pytest.fixture
def sides(app, world):
    sides = {
        "a": a_side(world),
        "b": side(world, world.cohort_b, world.users["member_b"],
                  world.users["facilitator_b"], world.checkpoint),
        "q": other_programme_side(world),
    }
    db.session.commit()
    return world, sides


def object_routes(app):
    """(method, rule) for every route that names at least one cohort object."""
    for rule in app.url_map.iter_rules():
        names = set(rule.arguments) - SKIPPED_ARGUMENTS
        if not names or set(rule.arguments) & {"filename", "token"}:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, rule


def fill(rule, ids: dict[str, int]) -> str:
    return ARGUMENT.sub(lambda m: str(ids[m.group(1)]), rule.rule)


def succeeded(response) -> bool:
    if response.status_code == 200:
        return True
    return response.status_code in (301, 302, 303) and "/login" not in response.location


@pytest.mark.long
def test_no_role_reaches_an_object_of_a_cohort_it_has_no_part_in(app, sides):
    world, by_side = sides
    routes = list(object_routes(app))
    assert len(routes) > 40
    tried, leaks = 0, []
    for role, foreign in FOREIGN_SIDES.items():
        client = client_as(app, world, role)
        for name in foreign:
            for method, rule in routes:
                if name in SAME_PROGRAMME_SIDES and set(rule.arguments) <= PROGRAMME_LEVEL:
                    continue
                url = fill(rule, by_side[name])
                response = client.open(url, method=method, data={})
                tried += 1
                if succeeded(response):
                    leaks.append(f"{role} {method} {url} -> {response.status_code}")
    assert tried > 400
    assert leaks == [], "\n".join(leaks)
