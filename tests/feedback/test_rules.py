"""The SQL sides of the access rules agree with can_view_plan, and @mentions parse as said."""

from __future__ import annotations

import pytest

from plc import permissions
from plc.accounts.models import User
from plc.extensions import db
from plc.feedback import mentions, queries
from plc.plans.models import DRAFT, FACILITATORS_ONLY, SHARED_WITH_COHORT
from plc.plans.queries import author_cohort_ids


@pytest.mark.parametrize("visibility", [DRAFT, SHARED_WITH_COHORT, FACILITATORS_ONLY])
def test_plan_readers_agree_with_can_view_plan(app, world, visibility):
    world.plan_a.visibility = visibility
    db.session.commit()
    permissions.forget_roles()
    cohort_ids = author_cohort_ids(world.plan_a)
    readers = {u.id for u in queries.plan_readers(world.plan_a.id)}
    for user in db.session.query(User).filter(User.password_hash.is_not(None)):
        assert (user.id in readers) == permissions.can_view_plan(user, world.plan_a, cohort_ids), (
            visibility, user.email)
    assert world.users["member_a"].id in readers


def test_mentions_parse_handles_and_skip_addresses_and_ambiguity():
    people = mentions.by_handle([(1, "ana.alvarez@a.org", "Ana Alvarez"),
                                 (2, "ben@a.org", "Ben"), (3, "ben@b.org", "Benedict"),
                                 (4, "c_d-e+f@a.org", "Cee")])
    assert set(people) == {"ana.alvarez", "c_d-e+f"}  # "ben" names two people: nobody
    body = "Hi @Ana.Alvarez. Mail ana.alvarez@a.org or @ben, and @c_d-e+f!"
    assert [p.id for p in mentions.mentioned(body, people)] == [1, 4]
    assert mentions.plain_with_names(body, people) == (
        "Hi @Ana Alvarez. Mail ana.alvarez@a.org or @ben, and @Cee!")


def test_a_name_with_markdown_in_it_stays_text():
    people = mentions.by_handle([(1, "x@a.org", "*Evil* <b>[n](javascript:x)</b>")])
    html = str(mentions.render("hi @x", people))
    assert "<em>" not in html and "javascript:" not in html.replace("(javascript:x)", "")
    assert "href" not in html and "&lt;b&gt;" in html
