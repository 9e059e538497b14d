"""The permission world plus a second member of cohort A (member_a's peer, "peer_a")."""

from __future__ import annotations

import pytest

from plc.accounts.models import NOTIFY_NONE
from plc.extensions import db
from tests import factories
from tests.permission_world import build_world


def add_peer(world, role: str = "peer_a"):
    peer = factories.make_user(f"{role}@example.org", "Pat Peer")
    factories.add_member(world.cohort_a, peer)
    world.users[role] = peer
    return peer


@pytest.fixture
def world(app):
    world = build_world()
    add_peer(world)
    # Quiet by default: tests that look at e-mail choose their preference themselves.
    for user in world.users.values():
        user.notify = NOTIFY_NONE
    db.session.commit()
    return world
