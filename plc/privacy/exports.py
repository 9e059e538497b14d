"""Building "my data" exports: a job, outside any request's unit of work (each step its own
``job_transaction``), run right after the request that asked for it (when
PLC_EXPORT_AFTER_REQUEST is on) and by ``flask plc run-exports`` (cron, or by hand).

An export is a ZIP in the exports folder (PLC_EXPORT_DIR, else instance/exports) under a random
name: ``data.json`` with everything, a CSV per list, and ``index.html`` that reads well on its
own (no script, no outside file). It is built part by part, the row saying how many parts are
done, so that the page can show progress; it is served to its owner only
(permissions.can_download_export) and deleted after PLC_EXPORT_DAYS days.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import zipfile
from datetime import timedelta
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, update

from plc import i18n
from plc.db import utcnow
from plc.extensions import db
from plc.privacy import queries
from plc.privacy.models import FAILED, QUEUED, READY, RUNNING, DataExport
from plc.unit_of_work import job_transaction

# The parts of an export, in the order they are read (each one step of the progress shown).
PARTS = (
    ("account", _l("My account and cohorts"), queries.account),
    ("worksheets", _l("Worksheets (self-assessments)"), queries.worksheets),
    ("plans", _l("Action plans, revisions and progress updates"), queries.plans),
    ("comments", _l("Comments I wrote and received"), queries.comments),
    ("attendance", _l("Attendance"), queries.attendance),
    ("follow_ups", _l("Follow-ups assigned to me"), queries.follow_ups),
    ("nudges", _l("Nudges I received"), queries.nudges),
    ("reading_record", _l("Who has read my worksheets and plans"), queries.reading_records_about),
    ("voice_rounds", _l("Feedback rounds from my school community"), queries.voice_rounds),
)
# A spreadsheet takes a cell starting with one of these for a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_dir() -> Path:
    configured = current_app.config.get("EXPORT_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "exports"


def export_path(file_name: str) -> Path:
    return export_dir() / Path(file_name).name


def run_pending(ids: list[int] | None = None) -> int:
    """Build every queued export (or just ``ids``); returns how many were built."""
    with job_transaction():
        pending = queries.pending_export_ids()
    built = 0
    for export_id in pending:
        if ids is None or export_id in ids:
            built += build(export_id)
    return built


def build(export_id: int) -> bool:
    """Build one export, if no other builder has claimed it; False if it was not ours."""
    with job_transaction():
        claimed = db.session.execute(
            update(DataExport).where(DataExport.id == export_id, DataExport.status == QUEUED)
            .values(status=RUNNING, started_at=utcnow(), parts=len(PARTS), done=0)
            .execution_options(synchronize_session=False)).rowcount == 1
        user_id = db.session.get(DataExport, export_id).user_id if claimed else None
        language = queries.language_of(user_id) if claimed else None
    if not claimed:
        return False
    try:
        data = {"exported_at": utcnow().isoformat()}
        for done, (key, _title, read) in enumerate(PARTS, start=1):
            with job_transaction():
                data[key] = read(user_id)
                _set(export_id, done=done)
        file_name = f"my-data-{secrets.token_hex(16)}.zip"
        path = export_path(file_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(zip_bytes(data, language))
        partial.replace(path)
        now = utcnow()
        with job_transaction():
            _set(export_id, status=READY, file_name=file_name, size_bytes=path.stat().st_size,
                 finished_at=now,
                 expires_at=now + timedelta(days=current_app.config["EXPORT_DAYS"]))
    except Exception:
        current_app.logger.exception("Export %s failed", export_id)
        with job_transaction():
            _set(export_id, status=FAILED, finished_at=utcnow())
        return False
    return True


def _set(export_id: int, **values) -> None:
    db.session.execute(update(DataExport).where(DataExport.id == export_id).values(**values)
                       .execution_options(synchronize_session=False))


def remove_expired() -> int:
    """Delete the files and rows of exports past their day; returns how many."""
    with job_transaction():
        expired = queries.expired_exports(utcnow())
        for export in expired:
            if export.file_name:
                export_path(export.file_name).unlink(missing_ok=True)
        ids = [export.id for export in expired]
        if ids:
            db.session.execute(delete(DataExport).where(DataExport.id.in_(ids)))
    return len(ids)


# --- the ZIP ----------------------------------------------------------------------------------


def zip_bytes(data: dict, language: str | None = None) -> bytes:
    """The ZIP; its page and headings in the person's language (their profile's, else
    English: no browser asks)."""
    out = io.BytesIO()
    with (force_locale(language or i18n.DEFAULT),
          zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive):
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        for name, (header, rows) in tables(data).items():
            archive.writestr(f"{name}.csv", _csv(header, rows))
        archive.writestr("index.html", render_template(
            "privacy/export_index.html", data=data, parts=PARTS,
            revisions=lambda plan: [(r["number"], r["created_at"], _readable(r["snapshot"]))
                                    for r in plan["revisions"]]))
    return out.getvalue()


def _readable(snapshot: str) -> str:
    try:
        return json.dumps(json.loads(snapshot), indent=2, ensure_ascii=False)
    except ValueError:
        return snapshot


def tables(data: dict) -> dict[str, tuple[tuple, list[tuple]]]:
    """The CSV files: one row per rating, focus area, step, update, comment, meeting..."""
    ratings, changes = [], []
    for sheet in data["worksheets"]:
        where = (sheet["program"], sheet["checkpoint"], sheet["status"])
        ratings += [(*where, r["competency"], r["rating"], r["rating_label"], r["strengths"],
                     r["changes_i_want_to_make"]) for r in sheet["ratings"]]
        changes += [(*where, c["position"], c["change"], c["competency"], c["skill"],
                     c["will"], c["structural"], c["action_steps"],
                     c["support_formal_learning"], c["support_practice"],
                     c["support_reflection"]) for c in sheet["top_changes"]]
    areas, steps, updates = [], [], []
    for plan in data["plans"]:
        for area in plan["focus_areas"]:
            areas.append((plan["program"], plan["visibility"], area["position"],
                          area["competency"], area["change"], area["current_level"],
                          area["target_level"],
                          "; ".join(f"{b['kind']}: {b['text']}" for b in area["barriers"]),
                          area["support_formal_learning"], area["support_practice"],
                          area["support_reflection"], area["support_other"], area["evidence"]))
            steps += [(plan["program"], area["position"], s["text"], s["due_on"], s["status"])
                      for s in area["steps"]]
        updates += [(plan["program"], u["created_at"], u["author"], u["did"], u["learned"],
                     u["next"]) for u in plan["progress_updates"]]
    return {
        "worksheet_ratings": (
            (_l("Programme"), _l("Checkpoint"), _l("Status"), _l("Competency"), _l("Rating"),
             _l("Rating label"), _l("Strengths"), _l("Changes I want to make")), ratings),
        "worksheet_top_changes": (
            (_l("Programme"), _l("Checkpoint"), _l("Status"), _l("Position"), _l("Change"),
             _l("Competency"), _l("Skill"), _l("Will"), _l("Structural"), _l("Action steps"),
             _l("Formal learning"), _l("Practice"), _l("Reflection")), changes),
        "plan_focus_areas": (
            (_l("Programme"), _l("Visibility"), _l("Position"), _l("Competency"), _l("Change"),
             _l("Current level"), _l("Target level"), _l("Barriers"), _l("Formal learning"),
             _l("Practice"), _l("Reflection"), _l("Other support"), _l("Evidence")), areas),
        "plan_steps": (
            (_l("Programme"), _l("Focus area"), _l("Step"), _l("Due on"), _l("Status")), steps),
        "progress_updates": (
            (_l("Programme"), _l("Written at"), _l("Author"), _l("What I did"),
             _l("What I learned"), _l("What is next")), updates),
        "comments": (
            (_l("Written at"), _l("Kind"), _l("Author"), _l("On the plan of"),
             _l("Feedback kind"), _l("Text")),
            [(c["created_at"], c["kind"], c["author"], c["plan_of"], c["feedback_kind"],
              _l("(removed)") if c["removed"] else c["body"]) for c in data["comments"]]),
        "attendance": ((_l("Meeting"), _l("Starts at"), _l("Cohort"), _l("Status")),
                       [(a["meeting"], a["starts_at"], a["cohort"], a["status"])
                        for a in data["attendance"]]),
        "reading_record": ((_l("Day"), _l("What"), _l("Id"), _l("Read by")),
                           [(r["day"], r["what"], r["id"], r["reader"])
                            for r in data["reading_record"]]),
        "voice_results": (
            (_l("Round"), _l("Opens on"), _l("Closes on"), _l("Competency"), _l("Self-rating"),
             _l("Audience"), _l("Responses"), _l("Results shown"), _l("Mean"),
             _l("Don't know")), _voice_rows(data["voice_rounds"])),
    }


def _voice_rows(rounds: list[dict]) -> list[tuple]:
    """One row per round, competency and audience; figures only where the page shows them."""
    return [(r["id"], r["opens_on"], r["closes_on"], c["competency"], c["self_rating"],
             a["audience"], a["responses"], "yes" if a["shown"] else a["not_shown"],
             a.get("mean"), a.get("dont_know"))
            for r in rounds for c in r["results"] for a in c["audiences"]]


def _csv(header: tuple, rows: list[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["'" + v if isinstance(v, str) and v.startswith(FORMULA_STARTS) else
                         ("" if v is None else v) for v in row])
    return "\ufeff" + out.getvalue()  # a BOM, so that spreadsheets read UTF-8


# --- after the request that asked ----------------------------------------------------------------


def build_after_response(response, export_id: int):
    """Build the export once the response has gone out (the browser is not kept waiting):
    when PLC_EXPORT_AFTER_REQUEST is on; ``flask plc run-exports`` builds it otherwise."""
    app = current_app._get_current_object()
    if not app.config["EXPORT_AFTER_REQUEST"]:
        return response

    def run() -> None:
        with app.app_context():
            build(export_id)

    response.call_on_close(run)
    return response
