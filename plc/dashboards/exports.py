"""Participation and attendance as CSV or XLSX, for a programme, one cohort or one district;
and the programme's rating aggregates.

Only what a program lead may see: names, cohorts, districts, plan status and dates, and
counts. No plan text, no comment text, no individual rating. Ratings leave only as the
ratings overview's aggregates (plc/assessments/aggregates.py, with its suppression of groups
under MIN_AGGREGATE_GROUP, and no figure for a checkpoint that has not closed), for the whole
programme and its cohorts: in the programme's XLSX ("Ratings" sheet) and its ratings CSV.
A cohort's or a district's export has no ratings: such a group is often small, and a district
breakdown would need suppression of its own. No meeting notes either: they are the cohort's
(permissions.can_read_meeting_notes). Every text cell that a spreadsheet could take for a
formula is neutralised with a leading apostrophe, and file names are plain ASCII.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from plc.assessments.aggregates import Overview
from plc.dashboards.figures import PLAN_STATUS, percent, plan_status
from plc.dashboards.queries import AttendanceRecord, MemberFacts
from plc.permissions import MIN_AGGREGATE_GROUP

# A cell starting with one of these is a formula (or DDE) to Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

HEADER = ("Name", "E-mail", "Cohort", "District", "Organization", "Plan status",
          "Plan shared on", "Progress updates", "Last update", "Comments given",
          "Comments received", "Self-assessments submitted", "Meetings held",
          "Meetings attended", "Attendance %")


def safe_cell(value):
    """Text that would start a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _day(moment) -> str:
    return moment.date().isoformat() if moment is not None else ""


def rows(facts: list[MemberFacts], cohort_names: dict[int, str]) -> list[tuple]:
    # Each status translated once, not once a member (thousands of rows: issue 16's profile).
    statuses = {visibility: plan_status(visibility) for visibility in PLAN_STATUS}
    return [
        tuple(safe_cell(v) for v in (
            f.name, f.email, cohort_names.get(f.cohort_id, ""), f.district or "",
            f.organization or "",
            statuses[f.visibility] if f.visibility in statuses else plan_status(f.visibility),
            _day(f.shared_at), f.updates,
            _day(f.last_update_at), f.comments_given, f.comments_received,
            f.worksheets_submitted, f.meetings_held, f.meetings_attended,
            "" if percent(f.meetings_attended, f.meetings_held) is None
            else percent(f.meetings_attended, f.meetings_held),
        ))
        for f in facts
    ]


ATTENDANCE_HEADER = ("Date", "Meeting", "Cohort", "Name", "E-mail", "Status")


def attendance_rows(records: list[AttendanceRecord], cohort_names: dict[int, str]
                    ) -> list[tuple]:
    return [
        tuple(safe_cell(v) for v in (
            _day(r.starts_at), r.meeting, cohort_names.get(r.cohort_id, ""), r.name, r.email,
            r.status or "no record",
        ))
        for r in records
    ]


# The words of the ratings overview page for the two kinds of hidden group, and for a
# checkpoint that is still open.
FEWER = f"fewer than {MIN_AGGREGATE_GROUP}"
HIDDEN = "hidden"
OPEN = "open"
FEWER_NOTE = f"not shown: fewer than {MIN_AGGREGATE_GROUP} people"
HIDDEN_NOTE = ("not shown: with the programme total it would reveal a group of fewer than "
               f"{MIN_AGGREGATE_GROUP}")
OPEN_NOTE = "shown when the checkpoint closes (after {day})"


def ratings_header(overview: Overview | None) -> tuple:
    levels = tuple(safe_cell(f"{value} {label}") for value, label in overview.levels) \
        if overview else ()
    return ("Group", "Checkpoint", "Competency", "People", *levels, "Average", "Note")


def ratings_rows(overview: Overview | None) -> list[tuple]:
    """One row per group, checkpoint and competency. A hidden group's figure cells hold the
    overview's words ("fewer than 5", "hidden", or "open" while the checkpoint is), never a
    number."""
    if overview is None:
        return []
    found = []
    for group in overview.groups:
        for table in group.tables:
            for row in table.rows:
                c = row.cell
                if c.shown:
                    figures, note = (c.people, *c.counts, round(c.average, 2)), ""
                elif c.pending:
                    word, note = OPEN, OPEN_NOTE.format(day=table.open_until.isoformat())
                    figures = (word,) * (len(overview.levels) + 2)
                else:
                    word, note = (HIDDEN, HIDDEN_NOTE) if c.protects else (FEWER, FEWER_NOTE)
                    figures = (word,) * (len(overview.levels) + 2)
                found.append(tuple(safe_cell(v) for v in (
                    group.name, table.checkpoint_name, f"{row.number}. {row.name}", *figures,
                    note)))
    return found


def to_csv(table: list[tuple], header: tuple = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(table)
    # A BOM so that Excel opens accented names as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: list[tuple], title: str, attendance: list[tuple] = (),
            ratings: list[tuple[tuple, list[tuple], str | None]] | tuple | None = None,
            ) -> bytes:
    """Two sheets: participation per member, and attendance per meeting and member; and a
    "Ratings" sheet per framework when ``ratings`` (header, rows, framework name or None)
    is given: "Ratings" alone, or "Ratings 1", "Ratings 2" (the framework's name in cell A1's
    row above the header) when the programme offers several."""
    if isinstance(ratings, tuple):  # (header, rows): one framework
        ratings = [(*ratings, None)]
    book = Workbook()
    _fill(book.active, "Participation", HEADER, table)
    _fill(book.create_sheet(), "Attendance", ATTENDANCE_HEADER, attendance)
    for number, (header, rows, framework_name) in enumerate(ratings or (), start=1):
        if framework_name is None:
            _fill(book.create_sheet(), "Ratings", header, rows)
        else:
            _fill(book.create_sheet(), f"Ratings {number}", header, rows)
            book.worksheets[-1].insert_rows(1)
            book.worksheets[-1]["A1"] = _xlsx_value(f"Framework: {framework_name}")
    book.properties.title = _xlsx_value(title)[:250]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(sheet, title: str, header: tuple, table) -> None:
    sheet.title = title
    sheet.append([_xlsx_value(v) for v in header])  # the ratings' level labels are data
    for row in table:
        sheet.append([_xlsx_value(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)


def _xlsx_value(value):
    """XML cannot carry most control characters: drop them, then check for a formula start
    again (dropping may have uncovered one). openpyxl stores any text starting with "=" as a
    formula, which safe_cell rules out."""
    if isinstance(value, str):
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "export"


def filename(name: str, first: date, last: date, extension: str) -> str:
    """"participation-leadership-plc-2026-27-2026-09-01-to-2027-06-30.csv": ASCII only."""
    return f"participation-{_slug(name)}-{first.isoformat()}-to-{last.isoformat()}.{extension}"


def ratings_filename(name: str) -> str:
    """"ratings-leadership-plc-2026-27.csv": every checkpoint, so no dates."""
    return f"ratings-{_slug(name)}.csv"
