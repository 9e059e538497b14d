"""Writes of rubric frameworks: import (with versioning), export, the bundled seed rubric.

A version someone has rated against is never edited in place: a changed import makes the next
version and old ratings keep pointing at the version they were made on. A version no one has
used yet is simply replaced, so that fixing a typo before the year starts adds no version.
The caller has checked access (plc/permissions.py: can_manage_frameworks).
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import delete, select

from plc.audit import services as audit
from plc.db import utcnow
from plc.errors import DomainError
from plc.extensions import db
from plc.rubrics import editor, queries, schema
from plc.rubrics.models import Category, Competency, Descriptor, Framework, FrameworkDraft, Level

CREATED = "created"
UNCHANGED = "unchanged"
NEW_VERSION = "new version"
REPLACED = "replaced"

DATA_DIR = Path(__file__).resolve().parent / "data"
BUNDLED = {"k12-leadership": "k12-leadership.yaml"}  # key -> file in DATA_DIR
DEFAULT_KEY = "k12-leadership"


def import_framework(actor, data: dict, may_replace: bool = True) -> tuple[Framework, str]:
    """Save a framework file's content; the outcome says what happened (see the constants).
    ``may_replace`` False: a changed content never replaces the newest version in place (a
    program lead's edit of a version other programmes offer too)."""
    errors = schema.validate(data)
    if errors:
        raise DomainError(_("The framework file is not valid: %(problems)s",
                            problems="; ".join(errors)))
    content_hash = schema.content_hash(data)
    newest = queries.newest_version(data["key"])
    if newest is None:
        return _create(data, content_hash, version=1), CREATED
    if newest.content_hash == content_hash:
        return newest, UNCHANGED
    if not may_replace or queries.is_in_use(newest):
        return _create(data, content_hash, version=newest.version + 1), NEW_VERSION
    _replace_content(newest, data, content_hash)
    return newest, REPLACED


def upload_framework(actor, data: dict) -> tuple[Framework, str]:
    """A site admin's upload (or ``flask plc import-framework``, actor None): the import, and
    its audit event, whatever the outcome (the bundled rubric's own import is not audited)."""
    framework, outcome = import_framework(actor, data)
    audit.record("framework.uploaded", actor=actor, target_type="framework",
                 target_id=framework.id, target_label=framework.label,
                 details={"key": framework.key, "version": framework.version,
                          "outcome": outcome})
    return framework, outcome


def describe(framework: Framework, outcome: str, published: bool = False) -> str:
    """The outcome in a sentence, for the CLI, the upload page and the editor."""
    label = framework.label
    if outcome == CREATED:
        return (_("Published %(label)s.", label=label) if published
                else _("Imported %(label)s.", label=label))
    return {
        UNCHANGED: _("%(label)s already has this content; nothing changed.", label=label),
        NEW_VERSION: _("Created %(label)s: the previous version has ratings and is kept as it "
                       "was.", label=label),
        REPLACED: _("Updated %(label)s in place: no one has rated against it yet.",
                    label=label),
    }[outcome]


def _create(data: dict, content_hash: str, version: int) -> Framework:
    framework = Framework(key=data["key"], version=version, content_hash=content_hash)
    _set_fields(framework, data, content_hash)
    db.session.add(framework)
    db.session.flush()
    _add_content(framework, data)
    return framework


def _set_fields(framework: Framework, data: dict, content_hash: str) -> None:
    normal = schema.normalize(data)
    framework.name = normal["name"]
    framework.description = normal["description"]
    framework.question_prompt = normal["question_prompt"]
    framework.survey = normal.get("survey")
    framework.content_hash = content_hash


def _replace_content(framework: Framework, data: dict, content_hash: str) -> None:
    # Old rows go first and are flushed: the new levels reuse their (framework, value) pairs.
    competency_ids = select(Competency.id).where(Competency.framework_id == framework.id)
    for statement in (
        delete(Descriptor).where(Descriptor.competency_id.in_(competency_ids)),
        delete(Competency).where(Competency.framework_id == framework.id),
        delete(Category).where(Category.framework_id == framework.id),
        delete(Level).where(Level.framework_id == framework.id),
    ):
        db.session.execute(statement, execution_options={"synchronize_session": False})
    db.session.expire(framework)
    _set_fields(framework, data, content_hash)
    db.session.flush()
    _add_content(framework, data)


def _add_content(framework: Framework, data: dict) -> None:
    """Levels, categories, competencies and descriptors, tied to the framework by id (its
    collections are never loaded, so nothing is read back)."""
    normal = schema.normalize(data)
    levels = {lv["value"]: Level(framework_id=framework.id, value=lv["value"], label=lv["label"])
              for lv in normal["levels"]}
    categories = {name: Category(framework_id=framework.id, position=i, name=name)
                  for i, name in enumerate(normal["categories"], start=1)}
    db.session.add_all([*levels.values(), *categories.values()])
    for position, item in enumerate(normal["competencies"], start=1):
        competency = Competency(
            framework_id=framework.id, position=position, number=item["number"],
            name=item["name"], category=categories[item["category"]],
            guiding_questions=item["guiding_questions"],
        )
        competency.descriptors = [Descriptor(level=levels[value], bullets=bullets)
                                  for value, bullets in item["levels"].items()]
        db.session.add(competency)
    db.session.flush()


# --- drafts: the browser's editor ----------------------------------------------------------


def start_draft(actor, *, program_id: int | None, data: dict | None = None,
                base: Framework | None = None) -> FrameworkDraft:
    """A new draft: empty, or ``data`` (a copy of a framework, an uploaded file). A copy of
    ``base`` keeps its key: publishing it makes that framework's next version (or none, if
    nothing changed)."""
    draft = FrameworkDraft(program_id=program_id, created_by_id=actor.id if actor else None,
                           base_framework_id=base.id if base else None,
                           data=editor.loaded(data) if data else editor.empty())
    db.session.add(draft)
    db.session.flush()
    return draft


def save_draft(actor, draft: FrameworkDraft, data: dict) -> None:
    """Drafts are saved as they are, valid or not: publishing checks them."""
    draft.data = editor.loaded(data)
    draft.updated_at = utcnow()
    db.session.flush()


def delete_draft(actor, draft: FrameworkDraft) -> None:
    db.session.delete(draft)
    db.session.flush()


def draft_problems(draft: FrameworkDraft) -> list[str]:
    """What stops the draft from being published, each naming its place (as an import's)."""
    return schema.validate(_file_form(draft.data))


def publish_draft(actor, draft: FrameworkDraft, *, may_use_key: bool,
                  may_replace: bool = True) -> tuple[Framework, str]:
    """Validate as an import does and save as an import does: a new key is version 1; the
    same content as the newest version changes nothing; changed content replaces a version
    no one has rated against, else makes the next version, which is frozen from then on.
    ``may_use_key``: the caller's check that the actor edits the framework already holding
    this key, if one does; ``may_replace``: whether a version no one has rated against may
    be replaced in place (not when programmes the actor does not lead offer it). The draft
    goes; the publishing is audit-logged."""
    data = _file_form(draft.data)
    problems = schema.validate(data)
    if problems:
        raise DomainError(_("The framework is not ready to publish: %(problems)s",
                            problems="; ".join(problems)))
    if queries.framework_exists(data["key"]) and not may_use_key:
        raise DomainError(_("The key %(key)s belongs to another framework: choose another key.",
                            key=repr(data["key"])), field="key")
    framework, outcome = import_framework(actor, data, may_replace=may_replace)
    audit.record("framework.published", actor=actor, target_type="framework",
                 target_id=framework.id, target_label=framework.label,
                 details={"key": framework.key, "version": framework.version,
                          "outcome": outcome, "program_id": draft.program_id})
    db.session.delete(draft)
    db.session.flush()
    return framework, outcome


def _file_form(data: dict) -> dict:
    """The draft as a framework file: the editor's keys only, with a competency's descriptors
    keyed by level value."""
    return {key: data[key] for key in ("key", "name", "description", "question_prompt",
                                       "levels", "categories", "competencies", "survey")
            if key in data}


# --- export ---------------------------------------------------------------------------------


def export_framework(framework: Framework) -> dict:
    """The framework in the file format (normal form); needs levels, categories, competencies
    and descriptors loaded (queries.full_framework)."""
    category_names = {c.id: c.name for c in framework.categories}
    level_values = {lv.id: lv.value for lv in framework.levels}
    return schema.normalize({
        "key": framework.key,
        "name": framework.name,
        "description": framework.description,
        "question_prompt": framework.question_prompt,
        "levels": [{"value": lv.value, "label": lv.label} for lv in framework.levels],
        "categories": [c.name for c in framework.categories],
        "competencies": [
            {
                "number": c.number,
                "name": c.name,
                "category": category_names[c.category_id],
                "guiding_questions": list(c.guiding_questions),
                "levels": {level_values[d.level_id]: list(d.bullets) for d in c.descriptors},
            }
            for c in framework.competencies
        ],
        **({"survey": framework.survey} if framework.survey else {}),
    })


def dump(data: dict, fmt: str = "yaml") -> str:
    return schema.dump(data, fmt)


def export_filename(framework: Framework, fmt: str) -> str:
    return f"{framework.key}-v{framework.version}.{fmt}"


# --- the frameworks that ship with PLC --------------------------------------------------------


def bundled_data(filename: str) -> dict:
    path = DATA_DIR / filename
    return schema.load(path.read_text(encoding="utf-8"), path.name)


def ensure_bundled_frameworks() -> None:
    """Import each bundled framework whose key the database does not hold yet. A key already
    present is left alone: its versions are the site admins' to manage."""
    for key, filename in BUNDLED.items():
        if not queries.framework_exists(key):  # checked first: no file parsing when present
            import_framework(None, bundled_data(filename))


def default_framework() -> Framework:
    """The framework a new programme uses: the newest version of the bundled rubric."""
    ensure_bundled_frameworks()
    return queries.newest_version(DEFAULT_KEY)
