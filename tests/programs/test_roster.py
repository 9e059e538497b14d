"""The pure roster functions: parsing, validation messages and the import plan."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from plc.programs import roster
from plc.programs.roster import (
    ADD_EXISTING,
    ALREADY_IN_COHORT,
    CREATE,
    MATCHED,
    NEW_PERSON,
    Existing,
    parse,
    plan,
)

NOTHING = Existing(users={}, member_ids=frozenset(), districts={}, schools={})


def parsed(text: str, max_rows: int = 100, allow_facilitators: bool = True):
    return parse(text, max_rows=max_rows, allow_facilitators=allow_facilitators)


def messages(text: str, **kwargs) -> list[str]:
    return plan(parsed(text, **kwargs), NOTHING).messages


def test_header_names_are_case_insensitive_and_extra_columns_ignored():
    result = parsed("Name, E-MAIL ,Title,District\nAna Alvarez, Ana@Example.ORG ,Principal,North\n")
    assert result.errors == []
    (row,) = result.rows
    assert (row.number, row.name, row.email, row.district, row.role) == (
        2, "Ana Alvarez", "ana@example.org", "North", "member")
    assert result.ignored_columns == ["Title"]


def test_byte_order_mark_is_accepted():
    text = roster.read_text("\ufeffname,email\nAna,ana@example.org\n".encode())
    assert parsed(text).rows[0].name == "Ana"


def test_text_that_is_not_utf8_is_refused_with_advice():
    with pytest.raises(roster.RosterFileError, match="UTF-8"):
        roster.read_text("name,email\nJosé,jose@example.org\n".encode("latin-1"))


def test_header_row_is_required():
    result = parsed("Ana Alvarez,ana@example.org\n")
    assert result.rows == []
    assert "Row 1 must be a header row" in result.errors[0]


@pytest.mark.parametrize("text", ["", "\n\n", ",,\n"])
def test_empty_file_is_an_error(text):
    assert parsed(text).errors


def test_header_without_people_is_an_error():
    assert "no people" in parsed("name,email\n\n").errors[0]


def test_rows_are_numbered_from_two_and_blank_lines_keep_their_number():
    text = "name,email\nAna,ana@example.org\n\nBen,x\n"
    assert messages(text) == ["Row 4: e-mail 'x' is not a valid address."]


def test_quoted_line_breaks_stay_in_one_row():
    text = 'name,email\n"Ana\nAlvarez",ana@example.org\nBen,not-an-address\n'
    result = parsed(text)
    assert result.rows[0].name == "Ana Alvarez"
    assert plan(result, NOTHING).messages == [
        "Row 3: e-mail 'not-an-address' is not a valid address."
    ]


def test_every_problem_names_its_row():
    text = (
        "name,email,district,school,role\n"
        ",missing.name@example.org,,,\n"
        "No Mail,,,,\n"
        "Bad Role,bad.role@example.org,,,boss\n"
        "Lone School,lone@example.org,,Oak Elementary,\n"
        "Dup One,dup@example.org,,,\n"
        "Dup Two,DUP@example.org,,,\n"
    )
    assert messages(text) == [
        "Row 2: name is missing.",
        "Row 3: e-mail is missing.",
        "Row 4: role 'boss' is not member or facilitator.",
        "Row 5: school 'Oak Elementary' needs its district in the district column.",
        "Row 7: e-mail 'dup@example.org' is also on row 6.",
    ]


def test_facilitator_rows_need_the_right_to_appoint_facilitators():
    text = "name,email,role\nFay,fay@example.org,Facilitator\n"
    assert messages(text, allow_facilitators=True) == []
    (message,) = messages(text, allow_facilitators=False)
    assert message.startswith("Row 2: role facilitator: only the programme's leads")


def test_too_many_rows_is_a_file_error():
    text = "name,email\n" + "".join(f"P{n},p{n}@example.org\n" for n in range(6))
    assert messages(text, max_rows=5) == [
        "The file lists 6 people; at most 5 can be imported at once."
    ]


def test_overlong_values_are_errors():
    text = f"name,email\n{'x' * 201},x@example.org\n"
    assert messages(text) == ["Row 2: name is longer than 200 characters."]


def test_plan_sorts_people_into_new_existing_and_present():
    known = SimpleNamespace(id=1, name="Known", active=True)
    present = SimpleNamespace(id=2, name="Present", active=True)
    existing = Existing(
        users={"known@example.org": known, "present@example.org": present},
        member_ids=frozenset({2}), districts={}, schools={},
    )
    text = "name,email\nNew,new@example.org\nKnown,KNOWN@example.org\nPresent,present@example.org\n"
    result = plan(parsed(text), existing)
    assert result.ok
    assert [p.person for p in result.rows] == [NEW_PERSON, ADD_EXISTING, ALREADY_IN_COHORT]
    assert result.rows[1].user is known


def test_plan_refuses_deactivated_accounts():
    gone = SimpleNamespace(id=3, name="Gone", active=False)
    existing = Existing(users={"gone@example.org": gone}, member_ids=frozenset(),
                        districts={}, schools={})
    result = plan(parsed("name,email\nGone,gone@example.org\n"), existing)
    assert not result.ok
    assert "Row 2: e-mail 'gone@example.org' belongs to a deactivated account" in result.messages[0]


def test_plan_matches_places_ignoring_case_and_spaces():
    existing = Existing(users={}, member_ids=frozenset(),
                        districts={"north unified": 10}, schools={(10, "oak elementary"): 11})
    text = (
        "name,email,district,school\n"
        "A,a@example.org,NORTH  Unified,oak ELEMENTARY\n"
        "B,b@example.org,North Unified,Pine Middle\n"
        "C,c@example.org,South,Elm High\n"
        "D,d@example.org,south,\n"
    )
    rows = plan(parsed(text), existing).rows
    assert [(p.district, p.school) for p in rows] == [
        (MATCHED, MATCHED), (MATCHED, CREATE), (CREATE, CREATE), (CREATE, None)
    ]
    assert (rows[0].district_id, rows[0].school_id) == (10, 11)
    result = plan(parsed(text), existing)
    assert result.new_districts == {"south"}
    assert result.new_schools == {("north unified", "pine middle"), ("south", "elm high")}


def test_invalid_csv_is_a_file_error():
    huge_field = "x" * 200_000  # beyond the csv module's field limit
    assert "not valid CSV" in parsed(f"name,email\n{huge_field},a@example.org\n").errors[0]


def test_nul_characters_are_a_file_error():
    assert "NUL" in parsed("name,email\nA,a@example.org\0\n").errors[0]
