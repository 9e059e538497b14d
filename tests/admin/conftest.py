from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from plc.extensions import db
from plc.mail.models import OutboxMessage
from tests import factories


@pytest.fixture
def admin(app):
    user = factories.make_user(email="ada@example.org", name="Ada Admin", admin=True)
    db.session.commit()
    return user


@pytest.fixture
def admin_client(client, login_as, admin):
    return login_as(admin)


def outbox() -> list[OutboxMessage]:
    return list(db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def invitation_path(body: str) -> str:
    """The path of the invitation link in an e-mail body (the test client needs no host)."""
    match = re.search(r"https?://[^/\s]+(/invitation/[\w-]+)", body)
    assert match, f"no invitation link in: {body!r}"
    return match.group(1)


def field_error(html: str, field_id: str) -> str:
    """The error text the form macro shows next to one field ('' when there is none)."""
    match = re.search(rf'<div id="{field_id}-error" class="invalid-feedback">([^<]*)</div>', html)
    return match.group(1) if match else ""
