"""Import with versioning, export, round trips and the bundled framework."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from plc import demo
from plc.assessments.models import Rating, SelfAssessment
from plc.errors import DomainError
from plc.extensions import db
from plc.programs import services as program_services
from plc.programs.models import Program
from plc.rubrics import queries, schema, services
from plc.rubrics.models import Competency, Descriptor, Framework, Level
from tests import factories


def export_of(framework: Framework) -> dict:
    db.session.expire_all()
    return services.export_framework(queries.full_framework(framework.id))


def versions(key: str) -> list[int]:
    return list(db.session.execute(
        select(Framework.version).where(Framework.key == key).order_by(Framework.version)
    ).scalars())


def changed(data: dict) -> dict:
    data["competencies"][0]["levels"][2] = ["Listens well."]
    return data


def rate(framework: Framework) -> Rating:
    """A member's self-assessment against ``framework``, with one rating."""
    program = factories.make_program()
    checkpoint = factories.make_checkpoint(program)
    assessment = SelfAssessment(user_id=factories.make_user().id, checkpoint_id=checkpoint.id,
                                framework_id=framework.id)
    competency = db.session.execute(
        select(Competency).where(Competency.framework_id == framework.id, Competency.number == 1)
    ).scalar_one()
    level = db.session.execute(
        select(Level).where(Level.framework_id == framework.id, Level.value == 2)
    ).scalar_one()
    rating = Rating(assessment=assessment, competency_id=competency.id, level_id=level.id)
    db.session.add_all([assessment, rating])
    db.session.commit()
    return rating


def test_a_new_key_is_version_1(app, small):
    framework, outcome = services.import_framework(None, small)
    assert (outcome, framework.version, framework.key) == (services.CREATED, 1, "small")
    assert framework.content_hash == schema.content_hash(small)
    assert export_of(framework) == schema.normalize(small)


def test_the_same_content_again_changes_nothing(app, small):
    first, _ = services.import_framework(None, small)
    again, outcome = services.import_framework(None, small)
    assert (outcome, again.id) == (services.UNCHANGED, first.id)
    assert versions("small") == [1]


def test_changed_content_without_ratings_replaces_the_version_in_place(app, small):
    first, _ = services.import_framework(None, small)
    db.session.commit()
    framework, outcome = services.import_framework(None, changed(small))
    db.session.commit()
    assert (outcome, framework.id, versions("small")) == (services.REPLACED, first.id, [1])
    assert export_of(framework) == schema.normalize(small)
    assert framework.content_hash == schema.content_hash(small)
    assert db.session.scalar(select(func.count()).select_from(Level)) == 2  # old rows are gone


def test_changed_content_with_ratings_makes_version_2_and_keeps_version_1(app, small):
    v1, _ = services.import_framework(None, small)
    db.session.commit()
    v1_export, v1_hash = export_of(v1), v1.content_hash
    rating = rate(v1)
    v2, outcome = services.import_framework(None, changed(small))
    db.session.commit()
    assert (outcome, v2.version, versions("small")) == (services.NEW_VERSION, 2, [1, 2])
    assert export_of(v2) == schema.normalize(small)
    assert export_of(v1) == v1_export and db.session.get(Framework, v1.id).content_hash == v1_hash
    rating = db.session.get(Rating, rating.id)
    competency = db.session.get(Competency, rating.competency_id)
    assert competency.framework_id == v1.id
    assert db.session.get(Level, rating.level_id).framework_id == v1.id
    assert queries.newest_version("small").id == v2.id


def test_a_self_assessment_without_ratings_also_protects_the_version(app, small):
    v1, _ = services.import_framework(None, small)
    checkpoint = factories.make_checkpoint(factories.make_program())
    db.session.add(SelfAssessment(user_id=factories.make_user().id,
                                  checkpoint_id=checkpoint.id, framework_id=v1.id))
    db.session.commit()
    _, outcome = services.import_framework(None, changed(small))
    assert outcome == services.NEW_VERSION


def test_an_invalid_file_is_refused_by_the_service_too(app, small):
    small["levels"] = []
    with pytest.raises(DomainError, match="levels: must not be empty"):
        services.import_framework(None, small)
    assert db.session.scalar(select(func.count()).select_from(Framework)) == 0


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_import_export_import_is_identical(app, small, fmt):
    first, _ = services.import_framework(None, small)
    text = services.dump(export_of(first), fmt)
    again, outcome = services.import_framework(None, schema.load(text, f"x.{fmt}"))
    assert (outcome, again.id) == (services.UNCHANGED, first.id)
    assert services.dump(export_of(again), fmt) == text


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_seed_round_trips(seed_framework, fmt):
    bundled = services.bundled_data("k12-leadership.yaml")
    exported = services.export_framework(seed_framework)
    assert exported == schema.normalize(bundled)
    reread = schema.load(services.dump(exported, fmt), f"k12.{fmt}")
    _, outcome = services.import_framework(None, reread)
    assert outcome == services.UNCHANGED


def test_levels_in_any_order_come_back_in_level_order(app, small):
    small["levels"].reverse()
    framework, _ = services.import_framework(None, small)
    assert [lv["value"] for lv in export_of(framework)["levels"]] == [1, 2]
    _, outcome = services.import_framework(None, export_of(framework))
    assert outcome == services.UNCHANGED


def test_ensure_bundled_frameworks_is_idempotent(app):
    services.ensure_bundled_frameworks()
    services.ensure_bundled_frameworks()
    db.session.commit()
    assert versions(services.DEFAULT_KEY) == [1]
    framework = queries.full_framework(queries.newest_version(services.DEFAULT_KEY).id)
    assert len(framework.competencies) == 7
    cells = db.session.scalar(select(func.count()).select_from(Descriptor))
    assert cells == 28


def test_a_new_programme_uses_the_newest_bundled_framework(app):
    admin = factories.make_user(admin=True)
    program = program_services.create_program(
        admin, name="PLC 2027-28", starts_on=date(2027, 9, 1), ends_on=date(2028, 6, 30),
        time_zone="America/New_York", description="")
    db.session.commit()
    assert program.framework_id == queries.newest_version(services.DEFAULT_KEY).id


def test_the_demo_programme_uses_the_bundled_framework(app):
    demo.load()
    db.session.commit()
    program = db.session.execute(select(Program)).scalar_one()
    assert program.framework_id == queries.newest_version(services.DEFAULT_KEY).id
