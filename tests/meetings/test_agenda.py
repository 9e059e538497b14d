"""The agenda: ordered items with protocol, presenters from the cohort, materials; members
read it ahead of time, only facilitators and leads change it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from plc.db import utcnow
from plc.extensions import db
from plc.meetings.models import AgendaItem, AgendaPresenter
from plc.plans.models import DRAFT, SHARED_WITH_COHORT, ActionPlan
from tests.meetings.conftest import make_meeting


def items_now(meeting_id: int) -> list[tuple[str, int]]:
    db.session.expire_all()
    return [(i.title, i.position) for i in db.session.execute(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.position)).scalars()]


def item_titled(title: str) -> AgendaItem:
    return db.session.execute(select(AgendaItem).where(AgendaItem.title == title)).scalar_one()


def add(client, meeting_id: int, title: str, **data):
    response = client.post(f"/meetings/{meeting_id}/agenda/new",
                           data={"title": title, "protocol": "other", **data})
    assert response.status_code == 302, response.text
    return response


def test_agenda_add_edit_reorder_remove(app, people, client_for):
    meeting = make_meeting(people.cohort, utcnow() + timedelta(days=5))
    db.session.commit()
    client = client_for(people.facilitator)
    add(client, meeting.id, "Check-in", protocol="check_in", minutes="10")
    add(client, meeting.id, "Consultancy", protocol="consultancy", minutes="40",
        presenters=[str(people.member.id)])
    add(client, meeting.id, "Closing", protocol="other", protocol_other="Fishbowl")
    assert items_now(meeting.id) == [("Check-in", 1), ("Consultancy", 2), ("Closing", 3)]

    closing = item_titled("Closing")
    assert closing.protocol == "Fishbowl"  # "Other" with its own name
    assert client.post(f"/meetings/{meeting.id}/agenda/{closing.id}/move",
                       data={"direction": "up"}).status_code == 302
    assert items_now(meeting.id) == [("Check-in", 1), ("Closing", 2), ("Consultancy", 3)]
    # Already last: refused, nothing changes.
    consultancy = item_titled("Consultancy")
    client.post(f"/meetings/{meeting.id}/agenda/{consultancy.id}/move", data={"direction": "down"})
    assert items_now(meeting.id) == [("Check-in", 1), ("Closing", 2), ("Consultancy", 3)]

    edit_page = client.get(f"/meetings/{meeting.id}/agenda/{consultancy.id}/edit").text
    assert f'value="{people.member.id}" checked' in edit_page
    response = client.post(f"/meetings/{meeting.id}/agenda/{consultancy.id}/edit", data={
        "title": "Consultancy on two plans", "protocol": "consultancy", "minutes": "45",
        "presenters": [str(people.member.id), str(people.peer.id)],
        "materials": "https://example.org/protocol.pdf\njavascript:alert(1)\nHandout"})
    assert response.status_code == 302
    presenters = set(db.session.execute(
        select(AgendaPresenter.user_id).where(AgendaPresenter.agenda_item_id == consultancy.id)
    ).scalars())
    assert presenters == {people.member.id, people.peer.id}

    check_in = item_titled("Check-in")
    assert client.post(f"/meetings/{meeting.id}/agenda/{check_in.id}/delete").status_code == 302
    assert items_now(meeting.id) == [("Closing", 1), ("Consultancy on two plans", 2)]

    page = client_for(people.member).get(f"/meetings/{meeting.id}").text  # a member reads it
    assert page.index("Closing") < page.index("Consultancy on two plans")
    assert "Fishbowl" in page and "45 min" in page
    assert '<a href="https://example.org/protocol.pdf"' in page
    assert 'href="javascript' not in page and "javascript:alert(1)" in page  # text, not a link
    assert "Add an agenda item" not in page


def test_presenters_must_be_members_of_the_cohort(app, people, client_for):
    meeting = make_meeting(people.cohort, utcnow() + timedelta(days=5))
    db.session.commit()
    client = client_for(people.facilitator)
    for stranger in (people.outsider, people.facilitator):
        response = client.post(f"/meetings/{meeting.id}/agenda/new", data={
            "title": "Consultancy", "protocol": "consultancy",
            "presenters": [str(stranger.id)]})
        assert response.status_code == 200  # refused on the form
    assert items_now(meeting.id) == []
    form = client.get(f"/meetings/{meeting.id}/agenda/new").text
    assert people.member.name in form and people.outsider.name not in form


def test_presenter_links_to_the_plan_only_when_the_viewer_may_see_it(app, people, client_for):
    meeting = make_meeting(people.cohort, utcnow() + timedelta(days=5))
    shared = ActionPlan(user_id=people.member.id, program_id=people.cohort.program_id,
                        visibility=SHARED_WITH_COHORT)
    draft = ActionPlan(user_id=people.peer.id, program_id=people.cohort.program_id,
                       visibility=DRAFT)
    db.session.add_all([shared, draft])
    db.session.flush()
    item = AgendaItem(meeting_id=meeting.id, position=1, title="Consultancy")
    db.session.add(item)
    db.session.flush()
    db.session.add_all([AgendaPresenter(agenda_item_id=item.id, user_id=people.member.id),
                        AgendaPresenter(agenda_item_id=item.id, user_id=people.peer.id)])
    db.session.commit()
    page = client_for(people.member).get(f"/meetings/{meeting.id}").text
    assert f'href="/plans/{shared.id}"' in page
    assert f'href="/plans/{draft.id}"' not in page and people.peer.name in page  # a name only
    peer_view = client_for(people.peer).get(f"/meetings/{meeting.id}").text
    assert f'href="/plans/{shared.id}"' in peer_view and f'href="/plans/{draft.id}"' in peer_view
    lead_view = client_for(people.lead).get(f"/meetings/{meeting.id}").text
    assert "/plans/" not in lead_view  # program leads never read plan text


def test_members_cannot_change_the_agenda(app, people, client_for):
    meeting = make_meeting(people.cohort, utcnow() + timedelta(days=5))
    item = AgendaItem(meeting_id=meeting.id, position=1, title="Check-in")
    db.session.add(item)
    db.session.commit()
    member = client_for(people.member)
    assert member.get(f"/meetings/{meeting.id}/agenda/new").status_code == 403
    assert member.post(f"/meetings/{meeting.id}/agenda/{item.id}/delete").status_code == 403
    outsider = client_for(people.outsider)
    assert outsider.post(f"/meetings/{meeting.id}/agenda/{item.id}/delete").status_code == 404
    assert items_now(meeting.id) == [("Check-in", 1)]
