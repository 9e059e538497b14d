"""A programme's lead sets how many days before each meeting members are reminded."""

from __future__ import annotations

from plc.extensions import db
from plc.programs.models import Program


def edit(client, world, **extra):
    data = {"name": "Matrix Programme", "starts_on": "2026-09-01", "ends_on": "2027-06-30",
            "time_zone": "America/New_York", "framework_id": str(world.framework.id),
            "description": "", **extra}
    return client.post(f"/programs/{world.program.id}/edit", data=data)


def reminder_days(world) -> int:
    db.session.expire_all()
    return db.session.get(Program, world.program.id).reminder_days


def test_lead_sets_the_reminder_days(app, world, client, login_as):
    login_as(world.users["program_lead"])
    assert 'name="reminder_days"' in client.get(f"/programs/{world.program.id}/edit").text
    assert edit(client, world, reminder_days="7").status_code == 302
    assert reminder_days(world) == 7


def test_out_of_range_days_are_refused_next_to_the_field(app, world, client, login_as):
    login_as(world.users["program_lead"])
    response = edit(client, world, reminder_days="30")
    assert response.status_code == 200
    assert "Choose between 1 and 14 days." in response.text
    assert reminder_days(world) == 3


def test_left_out_the_days_keep_their_value(app, world, client, login_as):
    login_as(world.users["program_lead"])
    assert edit(client, world).status_code == 302
    assert reminder_days(world) == 3
