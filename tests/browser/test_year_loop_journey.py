"""The year's loop, end to end, for a new member (issue 14): accept the e-mailed invitation,
complete the Baseline self-assessment one competency at a time (reloading mid-way loses
nothing), turn its top 3 changes into a plan in one click, share it and post an update, find a
peer's question on home and answer it (mentioning the peer, picked from the suggestions as she
types), and see growth after the Mid-year checkpoint.

Three ways: on a laptop and on a 390 x 844 phone (every page through the page checker:
axe-core with no serious or critical violation, labelled fields, no console or CSP error; on
the phone every page's document is exactly as wide as the screen), and with JavaScript off
(the whole worksheet on one page, "Save draft" instead of autosave, the mention typed out; a
plain page, since the checker's scripts cannot run there).

The setup (the programme, the invitation, the peer's question, opening the Mid-year
checkpoint) is made through the services, as the lead's and the peer's own journeys are
tested elsewhere (test_invitation_journey.py, test_feedback_browser.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from plc.accounts.models import User
from plc.extensions import db
from plc.feedback import services as feedback_services
from plc.feedback.models import QUESTION
from plc.mail import outbox
from plc.plans import queries as plan_queries
from plc.programs import queries as program_queries
from plc.programs import services as program_services
from plc.programs.models import MEMBER, Program
from tests import factories
from tests.browser.conftest import DESKTOP, PHONE, PageChecker, small_touch_targets

EMAIL = "nia.new@example.org"
PASSWORD = "a long new password"
COMPETENCIES = 4
MODES = ("desktop", "phone", "no-js")


@dataclass
class Loop:
    program_id: int
    lead_id: int
    peer_id: int
    invitation_link: str


@pytest.fixture
def loop(live_server):
    """A programme on a 4-competency rubric with its Baseline open, a cohort with a peer, and
    the new member's invitation in the mail sink."""
    app = live_server.app
    with app.test_request_context(base_url=live_server.url):
        framework = factories.make_framework("year-loop", competencies=COMPETENCIES)
        lead = factories.make_user("lea@example.org", "Lea Lead")
        program = factories.make_program("Leading Learning 2026-27", lead=lead)
        program.framework_id = framework.id
        factories.make_checkpoint(program, "Baseline", 1, date(2020, 1, 1), date(2099, 1, 1))
        cohort = factories.make_cohort(program, "Harbor Cohort")
        peer = factories.make_user("pat.peer@example.org", "Pat Peer")
        factories.add_member(cohort, peer)
        program_services.invite_to_cohort(lead, cohort, email=EMAIL, name="Nia",
                                          role=MEMBER, organization_id=None)
        db.session.commit()
        ids = program.id, lead.id, peer.id
    with app.app_context():
        outbox.deliver()
    message = next(m for m in live_server.mail if m["To"] == EMAIL)
    link = re.search(r"https?://\S+/invitation/\S+", message.get_content())
    assert link, message.get_content()
    assert link.group(0).startswith(live_server.url)
    return Loop(*ids, invitation_link=link.group(0))


def peer_asks_a_question(app, loop: Loop) -> None:
    with app.app_context():
        member = db.session.query(User).filter_by(email=EMAIL).one()
        peer = db.session.get(User, loop.peer_id)
        plan = plan_queries.plan(plan_queries.own_plan(member.id, loop.program_id).id)
        cohort_ids = program_queries.member_cohort_ids(member.id, loop.program_id)
        feedback_services.add_comment(peer, plan, cohort_ids, kind=QUESTION,
                                      body="Which meeting will you try the protocol in first?")
        db.session.commit()


def open_midyear(app, loop: Loop) -> None:
    with app.app_context():
        program = db.session.get(Program, loop.program_id)
        factories.make_checkpoint(program, "Mid-year", 2, date(2020, 1, 1), date(2099, 1, 1))
        db.session.commit()


# --- the two ways of visiting ------------------------------------------------------------


class LoopChecker(PageChecker):
    """The page checker; and on a phone, no page wider than the screen (no sideways
    scrolling), and buttons and links of forms and navigation big enough for a finger."""

    def check(self) -> None:
        super().check()
        width = self.page.viewport_size["width"]
        scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width == width, (
            f"{self.page.url} is {scroll_width} px wide on a {width} px screen")
        if width == PHONE["width"]:
            small = small_touch_targets(self.page)
            assert not small, f"touch targets under 44 px on {self.page.url}:\n" + "\n".join(
                small)


class PlainVisitor:
    """The same navigation with JavaScript off: page.evaluate cannot run, so no axe here
    (the same pages are checked with it on), only the status of every page."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.status: int | None = None
        page.on("response", self._on_response)

    def _on_response(self, response) -> None:
        request = response.request
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.status = response.status

    def goto(self, path: str, status: int = 200):
        response = self.page.goto(path if path.startswith("http") else self.base_url + path)
        assert response.status == status
        return response

    def navigate(self, action) -> None:
        with self.page.expect_navigation():
            action()
        assert self.status is not None and self.status < 400, f"{self.page.url}: {self.status}"

    def click(self, locator) -> None:
        self.navigate(locator.click)

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    def finish(self) -> None:
        pass


@pytest.fixture(params=MODES)
def visitor(request, browser, live_server):
    mode = request.param
    context = browser.new_context(viewport=PHONE if mode == "phone" else DESKTOP,
                                  java_script_enabled=mode != "no-js")
    context.set_default_timeout(10_000)
    page = context.new_page()
    if mode == "no-js":
        visit = PlainVisitor(page, live_server.url)
    else:
        visit = LoopChecker(page, live_server.url)
    visit.mode = mode
    yield visit
    visit.finish()
    context.close()


# --- steps of the journey ------------------------------------------------------------------


def go_home(visit) -> None:
    visit.click(visit.page.get_by_role("link", name="PLC", exact=True))
    assert visit.path == "/"


def todo(page):
    return page.get_by_role("region", name="To do")


def current_step(page):
    return page.locator("form[data-worksheet] [data-step]:not([hidden])")


def rate_current(page, value: int, label: str, strengths: str | None = None) -> None:
    step = current_step(page)
    if strengths:  # first: the click then ends the typing pause, saving at once
        step.get_by_label("Strengths").fill(strengths)
    step.locator(".level-card").nth(value - 1).click()
    expect(step.get_by_role("radio", name=f"{value} {label}")).to_be_checked()


def wait_for_autosave(page) -> None:
    expect(page.locator("form[data-worksheet]")).to_have_attribute("data-autosave", "saved")
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"^Draft saved at"))


def baseline_one_at_a_time(visit) -> None:
    page = visit.page
    position, rated = page.locator("#worksheet-position"), page.locator("#worksheet-rated")
    # The competencies come by category, as on the page: 1 and 3 lead self, 2 and 4 others.
    expect(position).to_have_text("Competency 1 of 4: 1. Competency 1")
    expect(rated).to_have_text("0 of 4 rated")
    expect(page.locator("form[data-worksheet] [data-step]:visible")).to_have_count(1)
    rate_current(page, 2, "To some extent", strengths="I set clear goals")
    expect(rated).to_have_text("1 of 4 rated")
    page.get_by_role("button", name="Next").click()
    expect(position).to_have_text("Competency 2 of 4: 3. Competency 3")
    rate_current(page, 1, "Not very much", strengths="I listen first")
    expect(rated).to_have_text("2 of 4 rated")
    wait_for_autosave(page)

    # Reloading mid-way loses nothing: it opens where the work stopped, answers kept.
    visit.goto(page.url)
    expect(position).to_have_text("Competency 3 of 4: 2. Competency 2")
    expect(rated).to_have_text("2 of 4 rated")
    page.get_by_role("button", name="Previous").click()
    expect(current_step(page).get_by_role("radio", name="1 Not very much")).to_be_checked()
    expect(current_step(page).get_by_label("Strengths")).to_have_value("I listen first")
    page.get_by_role("button", name="Previous").click()
    expect(current_step(page).get_by_label("Strengths")).to_have_value("I set clear goals")
    expect(page.get_by_role("button", name="Previous")).to_be_disabled()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Next").click()
    rate_current(page, 2, "To some extent")
    page.get_by_role("button", name="Next").click()
    rate_current(page, 3, "Mostly")
    expect(rated).to_have_text("4 of 4 rated")
    page.get_by_role("button", name="Next").click()
    expect(position).to_have_text("Top 3 changes I want to make")
    expect(page.get_by_role("button", name="Next")).to_be_hidden()
    top_changes(page)
    # No waiting for the autosave: "Submit" posts the whole form, held back while a save runs.
    visit.click(page.get_by_role("button", name="Submit"))


def baseline_on_one_page(visit) -> None:
    """Without JavaScript: every competency on the page, "Save draft", and the draft kept."""
    page = visit.page
    cards = page.locator("form.worksheet section.card")
    expect(cards).to_have_count(COMPETENCIES)
    cards.nth(0).locator(".level-card").nth(1).click()
    cards.nth(0).get_by_label("Strengths").fill("I set clear goals")
    cards.nth(1).locator(".level-card").nth(0).click()
    visit.click(page.get_by_role("button", name="Save draft"))
    expect(page.get_by_role("status").first).to_contain_text("saved as a draft")
    visit.goto(page.url)  # reloaded: nothing lost
    expect(cards.nth(0).get_by_role("radio", name="2 To some extent")).to_be_checked()
    expect(cards.nth(0).get_by_label("Strengths")).to_have_value("I set clear goals")
    expect(cards.nth(1).get_by_role("radio", name="1 Not very much")).to_be_checked()
    cards.nth(2).locator(".level-card").nth(1).click()
    cards.nth(3).locator(".level-card").nth(2).click()
    top_changes(page)
    visit.click(page.get_by_role("button", name="Submit"))


def top_changes(page) -> None:
    first = page.get_by_role("group", name="Change 1")
    first.get_by_label("The change I want to make").fill("Run meetings with a protocol")
    first.get_by_label("Competency (optional)").select_option(label="2. Competency 2")
    first.get_by_label("Action steps").fill("Pick a protocol\nTry it in the staff meeting")


def midyear(visit) -> None:
    """On the phone one competency at a time again; on the laptop all on one page, as the
    member chooses (the choice is kept in the browser)."""
    page = visit.page
    cards = page.locator("form.worksheet section.card")
    if visit.mode == "desktop":
        page.get_by_role("button", name="Show all on one page").click()
        expect(cards.filter(visible=True)).to_have_count(COMPETENCIES)
        expect(page.get_by_role("button", name="Next")).to_be_hidden()
        expect(page.get_by_role("button", name="One competency at a time")).to_be_focused()
    if visit.mode == "phone":
        expect(page.locator("#worksheet-position")).to_have_text(
            "Competency 1 of 4: 1. Competency 1")
        for n in range(COMPETENCIES):
            rate_current(page, 3, "Mostly")
            if n < COMPETENCIES - 1:
                page.get_by_role("button", name="Next").click()
    else:
        for n in range(COMPETENCIES):
            cards.nth(n).locator(".level-card").nth(2).click()
    if visit.mode != "no-js":
        expect(page.locator("#worksheet-rated")).to_have_text("4 of 4 rated")
    visit.click(page.get_by_role("button", name="Submit"))
    expect(page.get_by_role("status").first).to_contain_text("Mid-year worksheet is submitted")


# --- the journey ---------------------------------------------------------------------------


def test_a_new_member_goes_round_the_years_loop(live_server, loop, visitor):
    visit, page = visitor, visitor.page

    # The invitation, from the e-mail.
    visit.goto(loop.invitation_link)
    expect(page.get_by_label("Your name")).to_have_value("Nia")
    page.get_by_label("Your name").fill("Nia New")
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the new password").fill(PASSWORD)
    visit.click(page.get_by_role("button", name="Create my account"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbor Cohort")

    # Home says what to do first: the Baseline self-assessment.
    go_home(visit)
    if visit.mode == "phone":  # the folded menu's links are finger-sized too
        page.get_by_role("button", name="Toggle navigation").click()
        expect(page.get_by_role("link", name="Notifications")).to_be_visible()
        assert not small_touch_targets(page)
        page.get_by_role("button", name="Toggle navigation").click()
    visit.click(todo(page).get_by_role("link", name="Begin the self-assessment for Baseline"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Baseline")
    if visit.mode == "no-js":
        expect(page.locator("#worksheet-stepper")).to_be_hidden()
        baseline_on_one_page(visit)
    else:
        expect(page.get_by_text("All competencies are on this one page")).to_be_hidden()
        baseline_one_at_a_time(visit)
    expect(page.get_by_role("status").first).to_contain_text("Baseline worksheet is submitted")

    # One click: the top 3 changes become the plan.
    visit.click(page.get_by_role("button", name="Turn my top 3 changes into my plan"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My action plan")
    expect(page.get_by_text("Run meetings with a protocol").first).to_be_visible()
    expect(page.get_by_text("Try it in the staff meeting").first).to_be_visible()

    # Shared with the cohort, and a first progress update.
    page.get_by_label("Shared with my cohort").check()
    visit.click(page.get_by_role("button", name="Change who can see my plan"))
    expect(page.locator("#who-can-see")).to_contain_text("cohort")
    visit.click(page.get_by_role("link", name="Post a progress update"))
    page.get_by_label("What I did").fill("Chose the consultancy protocol")
    visit.click(page.get_by_role("button", name="Post my update"))
    expect(page.get_by_role("status").first).to_contain_text("progress update is posted")
    expect(page.get_by_text("Chose the consultancy protocol")).to_be_visible()

    # A peer asks; home shows it; one click to the answer.
    peer_asks_a_question(live_server.app, loop)
    go_home(visit)
    item = todo(page).get_by_role("listitem").filter(has_text="Pat Peer asked a question")
    expect(item).to_contain_text("Which meeting will you try the protocol in first?")
    visit.click(item.get_by_role("link", name="Answer the question", exact=False))
    thread = page.locator("#comments-plan").locator("..").get_by_role("listitem").filter(
        has_text="Which meeting will you try the protocol in first?").first
    thread.get_by_text("Reply", exact=False).first.click()
    reply = thread.get_by_label("Your reply")
    if visit.mode == "no-js":
        reply.fill("The October staff meeting, @pat.peer")
    else:  # @mention suggestions as she types
        reply.press_sequentially("The October staff meeting, @pa")
        expect(page.get_by_role("listbox", name="People you can mention")
               .get_by_role("option")).to_have_text(["Pat Peer (@pat.peer)"])
        reply.press("Enter")
        expect(reply).to_have_value("The October staff meeting, @pat.peer ")
    visit.click(thread.get_by_role("button", name="Post reply"))
    expect(page.get_by_role("status").first).to_contain_text("posted")
    expect(page.locator(".comment-body").filter(has_text="The October staff meeting")
           ).to_contain_text("@Pat Peer")

    # Mid-year: the second self-assessment, then growth.
    open_midyear(live_server.app, loop)
    go_home(visit)
    visit.click(todo(page).get_by_role("link", name="Begin the self-assessment for Mid-year"))
    midyear(visit)
    go_home(visit)
    visit.click(page.get_by_role("link", name="My growth", exact=False).first)
    table = page.get_by_role("table").first
    expect(table.get_by_role("columnheader", name="Baseline")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Mid-year")).to_be_visible()
    expect(table.get_by_role("row").filter(has_text="Competency 3")).to_contain_text("+2")
