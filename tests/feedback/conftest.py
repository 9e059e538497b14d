"""The permission world plus a second member of cohort A (member_a's peer, "peer_a")."""

from __future__ import annotations

from plc.accounts.models import NOTIFY_NONE
from tests import factories
from tests.permission_world import PERMISSION
from tests.worlds import Spec, world_fixture


def add_peer(world, role: str = "peer_a"):
    peer = factories.make_user(f"{role}@example.org", "Pat Peer")
    factories.add_member(world.cohort_a, peer)
    world.users[role] = peer
    return peer


def with_a_quiet_peer(world):
    add_peer(world)
    # Quiet by default: tests that look at e-mail choose their preference themselves.
    for user in world.users.values():
        user.notify = NOTIFY_NONE
    return world


world = world_fixture("world", Spec("feedback", with_a_quiet_peer, base=PERMISSION))
