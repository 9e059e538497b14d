"""Fixtures for the rubric frameworks: the bundled seed rubric, a site admin, a small valid file."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from plc.extensions import db
from plc.rubrics import queries, services
from tests import factories

REPO = Path(__file__).resolve().parents[2]
SEED_FALLBACK = REPO / "tests" / "data" / "003_rubric_seed.txt"


def seed_file() -> Path:
    """The seed document itself where the shared seeds are present, else the copy kept here."""
    shared = sorted((REPO.parent / "shared" / "seeds").glob("003_*.txt"))
    return shared[0] if shared else SEED_FALLBACK


SMALL = {
    "key": "small",
    "name": "Small framework",
    "description": "Two levels, two categories.",
    "question_prompt": "Does the person:",
    "levels": [{"value": 1, "label": "Starting"}, {"value": 2, "label": "Secure"}],
    "categories": ["Self", "Others"],
    "competencies": [
        {"number": 1, "name": "Listens", "category": "Self",
         "guiding_questions": ["Listen?"], "levels": {1: ["Rarely listens."], 2: ["Listens."]}},
        {"number": 2, "name": "Leads", "category": "Others",
         "guiding_questions": [], "levels": {1: ["Follows."], 2: ["Leads.", "Inspires."]}},
    ],
}


@pytest.fixture
def small() -> dict:
    return copy.deepcopy(SMALL)


@pytest.fixture
def seed_framework(app):
    """The bundled K-12 rubric, imported and committed, with everything loaded."""
    services.ensure_bundled_frameworks()
    db.session.commit()
    return queries.full_framework(queries.newest_version(services.DEFAULT_KEY).id)


@pytest.fixture
def admin(app):
    user = factories.make_user("admin@example.org", "Ada Admin", admin=True)
    db.session.commit()
    return user
