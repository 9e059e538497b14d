"""Reads of rubric frameworks."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from plc.assessments.models import Rating, SelfAssessment
from plc.extensions import db
from plc.rubrics.models import Category, Competency, Framework, Level


def newest_version(key: str) -> Framework | None:
    return db.session.execute(
        select(Framework).where(Framework.key == key).order_by(Framework.version.desc()).limit(1)
    ).scalar_one_or_none()


def framework_version(key: str, version: int) -> Framework | None:
    return db.session.execute(
        select(Framework).where(Framework.key == key, Framework.version == version)
    ).scalar_one_or_none()


def framework_keys(framework_ids: list[int]) -> dict[int, str]:
    """framework id -> key."""
    found = db.session.execute(
        select(Framework.id, Framework.key).where(Framework.id.in_(framework_ids)))
    return dict(found.all())


def framework_exists(key: str) -> bool:
    return db.session.execute(select(exists().where(Framework.key == key))).scalar()


def full_framework(framework_id: int) -> Framework | None:
    """A framework with its levels, categories, competencies and descriptors (five queries)."""
    return db.session.execute(
        select(Framework)
        .where(Framework.id == framework_id)
        .options(
            selectinload(Framework.levels),
            selectinload(Framework.categories),
            selectinload(Framework.competencies).selectinload(Competency.descriptors),
        )
    ).scalar_one_or_none()


def is_in_use(framework: Framework) -> bool:
    """Someone has rated against this version: a self-assessment or a rating exists."""
    rated = exists().where(Rating.competency_id == Competency.id,
                           Competency.framework_id == framework.id)
    assessed = exists().where(SelfAssessment.framework_id == framework.id)
    return db.session.execute(select(rated | assessed)).scalar()


def all_frameworks() -> list[Framework]:
    """Every framework version, by key, newest version first."""
    return list(db.session.execute(
        select(Framework).order_by(Framework.key, Framework.version.desc())
    ).scalars())


# --- the rubric as the seed shows it ---------------------------------------------------------


@dataclass(frozen=True)
class RubricRow:
    competency: Competency
    cells: list[list[str]]  # the descriptor bullets, one list per level, in level order


@dataclass(frozen=True)
class RubricSection:
    category: Category
    rows: list[RubricRow]


@dataclass(frozen=True)
class Rubric:
    framework: Framework
    levels: list[Level]
    sections: list[RubricSection]


def rubric(framework_id: int) -> Rubric | None:
    """Competencies down (grouped by category), levels across, bullets in the cells."""
    framework = full_framework(framework_id)
    if framework is None:
        return None
    levels = list(framework.levels)
    rows_by_category: dict[int, list[RubricRow]] = {}
    for competency in framework.competencies:
        bullets = {d.level_id: d.bullets for d in competency.descriptors}
        row = RubricRow(competency, [bullets.get(level.id, []) for level in levels])
        rows_by_category.setdefault(competency.category_id, []).append(row)
    sections = [RubricSection(c, rows_by_category.get(c.id, [])) for c in framework.categories]
    return Rubric(framework, levels, sections)
