"""Grows the permission world for the audit log (tests.permission_world.grow): more events by
people, the command line and on several kinds of target, so the log page's statement count is
seen not to grow with them."""

from __future__ import annotations

from plc.audit import services as audit


def grow(world, i: int) -> None:
    admin = world.users["site_admin"]
    member = world.users["member_a"]
    audit.record("user.deactivated", actor=admin, target_type="user", target_id=member.id,
                 target_label=audit.user_label(member), details={"grown": i})
    audit.record("roster.imported", actor=world.users["program_lead"], target_type="cohort",
                 target_id=world.cohort_a.id, target_label=world.cohort_a.name,
                 details={"added": i, "invited": 0})
    audit.record("second_factor.reset", target_type="user", target_id=admin.id,
                 target_label=audit.user_label(admin))
