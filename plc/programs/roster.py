"""Roster CSV files: parse and validate them, then plan what an import will do.

Pure functions: no database and no request. The view loads what already exists
(queries.roster_lookup), ``plan`` decides row by row, and services.import_roster writes.
Row numbers are spreadsheet rows: the header is row 1, so the first person is on row 2.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from plc.accounts.services import normalize_email
from plc.formtools import clean_line
from plc.programs.models import COHORT_ROLES, FACILITATOR, MEMBER

COLUMNS = ("name", "email", "district", "school", "role")
REQUIRED_COLUMNS = ("name", "email")
# Spreadsheets exported by hand often say "E-mail"; header names are compared in lower case.
HEADER_ALIASES = {"e-mail": "email", "email address": "email", "e-mail address": "email"}
FIRST_DATA_ROW = 2
MAX_BYTES = 2 * 1024 * 1024
# E-mail length is the validator's job (254 at most).
MAX_LENGTHS = {"name": 200, "district": 200, "school": 200}

# What an import does for one person.
NEW_PERSON = "new"  # no account yet: create one and e-mail an invitation
ADD_EXISTING = "add"  # has an account: add them to the cohort
ALREADY_IN_COHORT = "present"  # nothing to do
# What it does for a district or school named on a new person's row.
MATCHED = "matched"
CREATE = "create"


class RosterFileError(ValueError):
    """The upload cannot be read as text at all."""


@dataclass
class RosterRow:
    number: int
    name: str
    email: str  # normalized (trimmed, lower case) when valid; as typed otherwise
    district: str
    school: str
    role: str
    errors: list[str] = field(default_factory=list)


@dataclass
class ParsedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems with the file as a whole
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def emails(self) -> set[str]:
        return {row.email for row in self.rows if row.email}

    @property
    def district_names(self) -> set[str]:
        return {row.district for row in self.rows if row.district}


def read_text(data: bytes) -> str:
    """The upload as text: UTF-8, with or without the byte-order mark Excel writes."""
    if len(data) > MAX_BYTES:
        raise RosterFileError(_("The file is larger than %(mb)s MB.",
                                mb=MAX_BYTES // (1024 * 1024)))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterFileError(
            _("The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”.")
        ) from exc


def name_key(name: str) -> str:
    """How names of districts and schools are compared: case and extra spaces ignored."""
    return " ".join(name.split()).casefold()


# --- parsing ---------------------------------------------------------------------------


def parse(text: str, *, max_rows: int, allow_facilitators: bool) -> ParsedRoster:
    """Every row of the file with its problems, or the file's own problems."""
    parsed = ParsedRoster()
    text = text.removeprefix("\ufeff")
    if len(text.encode()) > MAX_BYTES:
        parsed.errors.append(_("The file is larger than %(mb)s MB.", mb=MAX_BYTES // (1024 * 1024)))
        return parsed
    if "\x00" in text:
        # Databases refuse NUL in text; a file holding one is rarely CSV (a renamed .xlsx?).
        parsed.errors.append(_("The file contains NUL characters: it is not a CSV text file."))
        return parsed
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        parsed.errors.append(_("The file is not valid CSV: %(exc)s.", exc=exc))
        return parsed
    if not records or _is_blank(records[0]):
        parsed.errors.append(_("The file is empty, or its first row (the header) is blank."))
        return parsed
    columns = _read_header(records[0], parsed)
    if parsed.errors:
        return parsed
    numbered = [
        (number, record)
        for number, record in enumerate(records[1:], start=FIRST_DATA_ROW)
        if not _is_blank(record)
    ]
    if not numbered:
        parsed.errors.append(_("The file has a header row but no people under it."))
    elif len(numbered) > max_rows:
        parsed.errors.append(
            _("The file lists %(count)s people; at most %(max_rows)s can be imported at once.",
              count=len(numbered), max_rows=max_rows)
        )
    else:
        parsed.rows = [_read_row(number, record, columns) for number, record in numbered]
        _check_rows(parsed.rows, allow_facilitators)
    return parsed


def _is_blank(record: list[str]) -> bool:
    return not any(cell.strip() for cell in record)


def _read_header(record: list[str], parsed: ParsedRoster) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(record):
        name = " ".join(cell.split()).lower()
        name = HEADER_ALIASES.get(name, name)
        if name not in COLUMNS:
            if name:
                parsed.ignored_columns.append(cell.strip())
            continue
        if name in columns:
            parsed.errors.append(_("Row 1 (the header) names the column “%(name)s” twice.",
                                   name=name))
        columns[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        parsed.errors.append(
            _("Row 1 must be a header row naming at least the columns name and email (missing: "
              "%(missing)s).", missing=", ".join(missing))
        )
    return columns


def _read_row(number: int, record: list[str], columns: dict[str, int]) -> RosterRow:
    def cell(name: str) -> str:
        index = columns.get(name)
        if index is None or index >= len(record):
            return ""
        # Trimmed, control characters dropped, stray line breaks and tabs folded.
        return " ".join(clean_line(record[index]).split())

    return RosterRow(
        number=number,
        name=cell("name"),
        email=cell("email"),
        district=cell("district"),
        school=cell("school"),
        role=cell("role").lower() or MEMBER,
    )


def _check_rows(rows: list[RosterRow], allow_facilitators: bool) -> None:
    first_row_of: dict[str, int] = {}
    for row in rows:
        if _check_row(row, allow_facilitators):
            if row.email in first_row_of:
                row.errors.append(
                    _("e-mail '%(email)s' is also on row %(row)s.", email=row.email,
                      row=first_row_of[row.email])
                )
            else:
                first_row_of[row.email] = row.number


def _check_row(row: RosterRow, allow_facilitators: bool) -> bool:
    """Record the row's own problems; True when its e-mail is valid (and now normalized)."""
    email_ok = False
    if not row.name:
        row.errors.append("name is missing.")
    if not row.email:
        row.errors.append("e-mail is missing.")
    elif not _valid_email(row.email):
        row.errors.append(_("e-mail '%(email)s' is not a valid address.", email=row.email))
    else:
        row.email = normalize_email(row.email)
        email_ok = True
    for column, limit in MAX_LENGTHS.items():
        if len(getattr(row, column)) > limit:
            row.errors.append(_("%(column)s is longer than %(limit)s characters.", column=column,
                                limit=limit))
    if row.role not in COHORT_ROLES:
        row.errors.append(_("role '%(role)s' is not member or facilitator.", role=row.role))
    elif row.role == FACILITATOR and not allow_facilitators:
        row.errors.append(
            _("role facilitator: only the programme's leads can appoint facilitators."))
    if row.school and not row.district:
        row.errors.append(_("school '%(school)s' needs its district in the district column.",
                            school=row.school))
    return email_ok


def _valid_email(email: str) -> bool:
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


# --- planning --------------------------------------------------------------------------


@dataclass(frozen=True)
class Existing:
    """What the database already holds for the file's e-mails and districts."""

    users: Mapping[str, Any]  # normalized e-mail -> User (needs .id, .name, .active)
    member_ids: frozenset[int]  # user ids already in the cohort
    districts: Mapping[str, int]  # name_key(district name) -> id
    schools: Mapping[tuple[int, str], int]  # (district id, name_key(school name)) -> id


@dataclass
class PlannedRow:
    row: RosterRow
    person: str = NEW_PERSON
    user: Any = None  # the existing account, if any
    district: str | None = None  # MATCHED or CREATE; None when not given or not used
    school: str | None = None
    district_id: int | None = None
    school_id: int | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class RosterPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        """Every problem, each naming its row."""
        return self.file_errors + [
            _("Row %(number)s: %(error)s", number=p.row.number,
              error=error) for p in self.rows for error in p.errors
        ]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.messages

    def count(self, person: str) -> int:
        """Rows that will do this (rows with problems do nothing)."""
        return sum(1 for p in self.rows if p.person == person and not p.errors)

    @property
    def new_districts(self) -> set[str]:
        return {name_key(p.row.district) for p in self.rows if p.district == CREATE}

    @property
    def new_schools(self) -> set[tuple[str, str]]:
        return {
            (name_key(p.row.district), name_key(p.row.school))
            for p in self.rows
            if p.school == CREATE
        }


def plan(parsed: ParsedRoster, existing: Existing) -> RosterPlan:
    """What importing each row will do, and any problem only the database reveals."""
    result = RosterPlan(
        file_errors=list(parsed.errors), ignored_columns=list(parsed.ignored_columns)
    )
    for row in parsed.rows:
        planned = PlannedRow(row=row, errors=list(row.errors))
        if not row.errors:
            _plan_person(planned, existing)
        result.rows.append(planned)
    return result


def _plan_person(planned: PlannedRow, existing: Existing) -> None:
    row = planned.row
    user = existing.users.get(row.email)
    if user is None:
        planned.person = NEW_PERSON
        _plan_organization(planned, existing)
        return
    planned.user = user
    if user.id in existing.member_ids:
        planned.person = ALREADY_IN_COHORT
    elif not user.active:
        planned.errors.append(
            _("e-mail '%(email)s' belongs to a deactivated account; a site admin must reactivate "
              "it first.", email=row.email)
        )
    else:
        # Existing people keep their own name and organization: nothing to match.
        planned.person = ADD_EXISTING


def _plan_organization(planned: PlannedRow, existing: Existing) -> None:
    row = planned.row
    if not row.district:
        return
    planned.district_id = existing.districts.get(name_key(row.district))
    planned.district = CREATE if planned.district_id is None else MATCHED
    if not row.school:
        return
    if planned.district_id is not None:
        planned.school_id = existing.schools.get((planned.district_id, name_key(row.school)))
    planned.school = CREATE if planned.school_id is None else MATCHED
