"""Issue 19's journey in Chromium: a program lead builds a four-domain, three-level framework
from empty with the keyboard alone (focus and keys, no clicks), reorders with the Move
buttons, previews it, publishes it and gives it to a new cohort; a member of that cohort
completes a worksheet on it; the original cohort still rates on the bundled rubric. Every
page passes the page checker (axe-core, labels), the editor and preview also at 390 px."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from plc.extensions import db
from plc.rubrics import services as rubric_services
from tests import factories
from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_worksheet_browser import rate_all_with_keyboard

DOMAINS = ["Leads learning", "Leads colleagues", "Leads community", "Leads change"]
SKILLS = ["Coaches peers", "Facilitates teams", "Engages families", "Pilots new practice"]
LEVELS = ["Emerging", "Developing", "Leading"]


@pytest.fixture
def year(live_server):
    with live_server.app.app_context():
        program = factories.make_program("PLC 2026-27", lead=factories.make_user(
            "lena@example.org", "Lena Lead"))
        program.framework_id = rubric_services.default_framework().id
        factories.make_checkpoint(program, "Baseline", 1, date(2020, 1, 1), date(2099, 1, 1))
        original = factories.make_cohort(program, "Cohort A")
        factories.add_member(original, factories.make_user("olga@example.org", "Olga Original"))
        factories.make_user("tara@example.org", "Tara Teacher")
        db.session.commit()
        return program.id


def press_on(checker, locator) -> None:
    """Focus ``locator`` and press Enter: a button (or link) used by keyboard."""
    locator.focus()
    checker.press("Enter")


def type_into(page, locator, text: str) -> None:
    locator.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def test_a_lead_builds_publishes_and_gives_a_framework_to_a_new_cohort(
        live_server, checker, year):
    page = checker.page
    sign_in(checker, "lena@example.org")
    checker.goto("/frameworks/editor")
    press_on(checker, page.get_by_role("link", name="New framework"))
    # Start from nothing, for this lead's programme (the one choice).
    press_on(checker, page.get_by_role("button", name="Start the draft"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Untitled framework")

    press_on(checker, page.get_by_role("button", name="Add a level"))
    # The new level's name field has the keyboard's focus.
    page.keyboard.type(LEVELS[2])
    type_into(page, page.get_by_label("Level 1: name"), LEVELS[0])
    type_into(page, page.get_by_label("Level 2: name"), LEVELS[1])
    type_into(page, page.get_by_label("Name", exact=True), "Teacher leadership")
    type_into(page, page.get_by_label("Key"), "teacher-leadership")
    # Each domain, then its competency (a new competency takes the newest domain).
    for j, (domain, skill) in enumerate(zip(DOMAINS, SKILLS, strict=True)):
        press_on(checker, page.get_by_role("button", name="Add a category"))
        page.keyboard.type(domain)  # the new category's field has the focus
        press_on(checker, page.get_by_role("button", name="Add a competency"))
        page.keyboard.type(skill)
        for value, level in enumerate(LEVELS, start=1):
            type_into(page, page.locator(f"#comp-{j}-level-{value - 1}"),
                      f"{skill} at {level.lower()}.")
    type_into(page, page.locator("#comp-0-questions"), "Model a lesson?\nGive feedback?")
    # Reorder by keyboard: competency 2 up, and (focus stays on the moved one) down again.
    press_on(checker, page.get_by_role("button", name="Move up competency 2"))
    expect(page.locator("#comp-0-name")).to_have_value(SKILLS[1])
    expect(page.locator("#down-competency-0")).to_be_focused()
    checker.press("Enter")
    expect(page.locator("#comp-0-name")).to_have_value(SKILLS[0])

    press_on(checker, page.get_by_role("button", name="Save and preview"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Teacher leadership")
    table = page.get_by_role("table")
    for domain in DOMAINS:
        expect(table.get_by_role("columnheader", name=domain)).to_be_visible()
    expect(table.get_by_role("columnheader", name="Leading (3)")).to_be_visible()
    page.set_viewport_size(PHONE)
    checker.check()
    # And as the worksheet will show it, buttons disabled.
    press_on(checker, page.get_by_role("link", name="See it as the worksheet"))
    expect(page.locator("input[type=radio]")).to_have_count(4 * 3)
    expect(page.get_by_role("heading", name="1. Coaches peers")).to_be_visible()
    expect(page.get_by_role("button", name="Submit")).to_be_disabled()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    checker.navigate(page.go_back)
    press_on(checker, page.get_by_role("link", name="Back to the editor"))
    page.set_viewport_size({"width": 1280, "height": 900})

    press_on(checker, page.get_by_role("button", name="Publish"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Teacher leadership")
    expect(page.get_by_text("Version 1", exact=True)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Published Teacher leadership")

    # A new cohort rates on it.
    checker.goto(f"/programs/{year}/cohorts/new")
    type_into(page, page.get_by_label("Name"), "Teacher leaders")
    page.get_by_label("Rubric framework").focus()
    page.keyboard.type("Teacher")  # a select picks the option by its first letters
    expect(page.get_by_label("Rubric framework").locator("option:checked")).to_have_text(
        "Teacher leadership (version 1)")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Create cohort")).to_be_focused()
    checker.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Teacher leaders")
    with live_server.app.app_context():
        from sqlalchemy import select

        from plc.accounts.models import User
        from plc.programs.models import Cohort

        cohort = db.session.execute(select(Cohort).where(Cohort.name == "Teacher leaders")
                                    ).scalar_one()
        tara = db.session.execute(select(User).where(User.email == "tara@example.org")
                                  ).scalar_one()
        factories.add_member(cohort, tara)
        db.session.commit()
    page.context.clear_cookies()

    # Its member completes a worksheet on the new framework, by keyboard.
    sign_in(checker, "tara@example.org")
    checker.click(page.get_by_role("link", name="Your worksheet for Baseline"))
    for skill in SKILLS:  # one competency at a time: the others are on the page, hidden
        expect(page.get_by_text(skill).first).to_be_attached()
    rate_all_with_keyboard(page, arrow_presses=2, groups=4)
    checker.click(page.get_by_role("button", name="Submit"))
    expect(page.get_by_role("status").first).to_contain_text("submitted")
    page.context.clear_cookies()

    # The original cohort still rates on the bundled rubric.
    sign_in(checker, "olga@example.org")
    checker.click(page.get_by_role("link", name="Your worksheet for Baseline"))
    expect(page.get_by_text("Delivers results").first).to_be_visible()
    expect(page.get_by_text("Coaches peers")).to_have_count(0)


def test_the_editor_on_a_phone(live_server, checker, year):
    page = checker.page
    page.set_viewport_size(PHONE)
    sign_in(checker, "lena@example.org")
    checker.goto("/frameworks/editor/new")
    press_on(checker, page.get_by_role("button", name="Start the draft"))
    press_on(checker, page.get_by_role("button", name="Add a category"))
    press_on(checker, page.get_by_role("button", name="Add a competency"))
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_dragging_a_category_onto_another_moves_it(live_server, checker, year):
    """The optional enhancement: with JavaScript, drag handles post the same move."""
    page = checker.page
    sign_in(checker, "lena@example.org")
    checker.goto("/frameworks/editor/new")
    press_on(checker, page.get_by_role("button", name="Start the draft"))
    for name in ("First", "Second"):
        press_on(checker, page.get_by_role("button", name="Add a category"))
        page.keyboard.type(name)
    press_on(checker, page.get_by_role("button", name="Save the draft"))
    handles = page.locator("[data-drag-kind=category] .drag-handle")
    expect(handles).to_have_count(2)
    checker.navigate(lambda: handles.nth(1).drag_to(
        page.locator("[data-drag-kind=category]").first))
    expect(page.locator("#category-0")).to_have_value("Second")
    expect(page.locator("#category-1")).to_have_value("First")


def test_a_lead_rewords_a_spanish_survey_statement_by_keyboard_and_rounds_ask_it(
        live_server, checker, year):
    """Issue 19, item 4: the survey's statements are edited in the editor, per competency and
    language; once published, stakeholder rounds of the cohort on that framework ask the new
    wording (plc.voice's survey of the member's framework)."""
    page = checker.page
    sign_in(checker, "lena@example.org")
    checker.goto("/frameworks/editor")
    press_on(checker, page.get_by_role("button", name="Edit in a new draft"))
    expect(page.get_by_role("group", name="Stakeholder survey")).to_be_visible()
    checker.check()
    page.set_viewport_size(PHONE)
    checker.check()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Competency 3's first statement: another in Spanish, then take it out again, in place.
    spanish = page.get_by_label("Statement 2 in Spanish").nth(2)
    expect(spanish).to_have_value("Mi director(a) une a las personas alrededor de metas comunes.")
    press_on(checker, page.get_by_role("button", name="Add a statement to competency 3"))
    expect(page.locator("#comp-2-statement-2-en")).to_be_focused()
    press_on(checker, page.get_by_role("button", name="Remove statement 3 of competency 3"))
    expect(page.locator("#comp-2-statement-2-en")).to_have_count(0)
    expect(page.locator("#add-statement-2")).to_be_focused()

    new = "Mi director(a) reúne a todos alrededor de metas comunes."
    type_into(page, page.locator("#comp-2-statement-1-es"), new)
    press_on(checker, page.get_by_role("button", name="Save and preview"))
    expect(page.get_by_role("heading", name="Stakeholder survey")).to_be_visible()
    expect(page.get_by_text(new)).to_be_visible()
    press_on(checker, page.get_by_role("link", name="Back to the editor"))
    press_on(checker, page.get_by_role("button", name="Publish"))
    # No one has rated on it yet: the version is updated in place (the house's rule).
    expect(page.get_by_role("status")).to_contain_text("in place")

    with live_server.app.app_context():
        from sqlalchemy import select

        from plc.accounts.models import User
        from plc.programs import queries as program_queries
        from plc.voice import queries as voice_queries

        olga = db.session.execute(select(User).where(User.email == "olga@example.org")
                                  ).scalar_one()
        program = program_queries.program(year)
        survey = voice_queries.survey(program_queries.member_framework_id(olga.id, program))
        third = next(c for c in survey.competencies if c.number == 3)
        assert third.statements[1]["es"] == new
