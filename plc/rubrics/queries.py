"""Reads of rubric frameworks."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from plc.assessments.models import Rating, SelfAssessment
from plc.extensions import db
from plc.programs.models import Program, ProgramFramework
from plc.rubrics.models import Category, Competency, Framework, FrameworkDraft, Level


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


# --- drafts ------------------------------------------------------------------------------------


def draft(draft_id: int) -> FrameworkDraft | None:
    return db.session.get(FrameworkDraft, draft_id)


def drafts(program_ids: frozenset[int] | None) -> list[FrameworkDraft]:
    """Every draft (``program_ids`` None: a site admin's list) or those of these programmes."""
    query = select(FrameworkDraft).order_by(FrameworkDraft.updated_at.desc(), FrameworkDraft.id)
    if program_ids is not None:
        query = query.where(FrameworkDraft.program_id.in_(program_ids))
    return list(db.session.execute(query).scalars())


def editable_programs(program_ids: frozenset[int] | None) -> list[Program]:
    """The programmes a draft can be written for: all (None) or these, by name."""
    query = select(Program).order_by(Program.name)
    if program_ids is not None:
        query = query.where(Program.id.in_(program_ids))
    return list(db.session.execute(query).scalars())


def offering_by_key() -> dict[str, frozenset[int]]:
    """framework key -> the programmes offering any version of it. One statement."""
    first = select(Framework.key, Program.id).join(Program, Program.framework_id == Framework.id)
    more = select(Framework.key, ProgramFramework.program_id).join(
        ProgramFramework, ProgramFramework.framework_id == Framework.id)
    found: dict[str, set[int]] = {}
    for key, program_id in db.session.execute(first.union(more)).all():
        found.setdefault(key, set()).add(program_id)
    return {key: frozenset(ids) for key, ids in found.items()}


def programs_offering_version(framework_id: int) -> frozenset[int]:
    """The programmes offering this very version (first or further)."""
    first = select(Program.id).where(Program.framework_id == framework_id)
    more = select(ProgramFramework.program_id).where(
        ProgramFramework.framework_id == framework_id)
    return frozenset(db.session.execute(first.union(more)).scalars())


def programs_offering(key: str) -> frozenset[int]:
    """The programmes offering any version of the framework ``key`` (first or further)."""
    first = select(Program.id).join(Framework, Framework.id == Program.framework_id).where(
        Framework.key == key)
    more = select(ProgramFramework.program_id).join(
        Framework, Framework.id == ProgramFramework.framework_id).where(Framework.key == key)
    return frozenset(db.session.execute(first.union(more)).scalars())


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
