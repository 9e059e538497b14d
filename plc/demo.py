"""Demo data: one programme year, three cross-district cohorts, five districts and their
schools, and the activity of the year so far (plc/demo_activity.py)."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _

from plc import demo_activity
from plc.accounts import passwords
from plc.accounts.models import User
from plc.assessments import services as assessment_services
from plc.extensions import db
from plc.orgs.models import DISTRICT, SCHOOL, Organization
from plc.programs.models import FACILITATOR, MEMBER, Cohort, Membership, Program, ProgramLead
from plc.rubrics import services as rubric_services

DEMO_PASSWORD = "plc-demo-password"  # noqa: S105  # nosec B105 (demo data, printed on purpose)
PROGRAM_NAME = "Leadership Competencies PLC"

DISTRICTS = {
    "Riverside Unified": [
        "Riverside High School", "Oak Street Elementary", "Bayview Middle School",
    ],
    "Maple Valley Public Schools": ["Maple Valley High", "Cedar Elementary", "Valley View Middle"],
    "Harbor City Schools": ["Harbor City Academy", "Lighthouse Elementary", "Dockside Middle"],
    "Pine Ridge District": ["Pine Ridge High", "Summit Elementary", "Ridgeline Middle"],
    "Lakeshore Regional": ["Lakeshore High", "Willow Elementary", "Northshore Middle"],
}

# (name, title, district index, school index or None for district office)
MEMBERS = [
    ("Ana Alvarez", "Principal", 0, 0), ("Ben Brooks", "Assistant Principal", 1, 1),
    ("Chloe Chen", "Principal", 2, 2), ("Dev Desai", "Director of Teaching and Learning", 3, None),
    ("Erin Evans", "Principal", 4, 1), ("Farid Fahmy", "Assistant Principal", 0, 2),
    ("Grace Green", "Principal", 1, 0), ("Hugo Hall", "Principal", 2, 1),
    ("Iris Ito", "Assistant Superintendent", 3, None), ("Jamal Jones", "Principal", 4, 0),
    ("Kara King", "Principal", 0, 1), ("Leo Lopez", "Assistant Principal", 1, 2),
    ("Maya Moore", "Principal", 2, 0), ("Nico Novak", "Principal", 3, 1),
    ("Olive Ortiz", "Assistant Principal", 4, 2), ("Paul Park", "Principal", 3, 2),
    ("Quinn Quade", "Principal", 1, 0), ("Rosa Reyes", "Director of Schools", 0, None),
]
COHORTS = [
    ("Cohort A: Instructional leadership", [0, 1, 2, 3, 4, 5]),
    ("Cohort B: Leading change", [6, 7, 8, 9, 10, 11]),
    ("Cohort C: Family and community engagement", [12, 13, 14, 15, 16, 17]),
]

LOGINS_TEXT = f"""
Demo logins (password for all: {DEMO_PASSWORD}):
  site admin     admin@example.org
  program lead   lead@example.org
  facilitator    facilitator.ab@example.org   (Cohorts A and B)
  facilitator    facilitator.c@example.org    (Cohort C)
  member         ana.alvarez@example.org      (Cohort A; every member: first.last@example.org)
"""


def _email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@example.org"


def load() -> None:
    password_hash = passwords.hash_password(DEMO_PASSWORD)  # one hash: demo data only

    def person(email: str, name: str, title: str = "", org: Organization | None = None,
               admin: bool = False) -> User:
        user = User(email=email, name=name, title=title, organization=org,
                    password_hash=password_hash, is_site_admin=admin, time_zone="America/New_York")
        db.session.add(user)
        return user

    districts: list[tuple[Organization, list[Organization]]] = []
    for district_name, school_names in DISTRICTS.items():
        district = Organization(name=district_name, kind=DISTRICT)
        schools = [Organization(name=s, kind=SCHOOL, parent=district) for s in school_names]
        db.session.add_all([district, *schools])
        districts.append((district, schools))

    person("admin@example.org", "Sam Admin", "Site administrator", admin=True)
    lead = person("lead@example.org", "Lena Lead", "Program director", districts[0][0])
    coach = "Leadership coach"
    fac_ab = person("facilitator.ab@example.org", "Felix Facil", coach, districts[1][0])
    fac_c = person("facilitator.c@example.org", "Fiona Guide", coach, districts[2][0])
    members = []
    for name, title, d, s in MEMBERS:
        district, schools = districts[d]
        members.append(person(_email(name), name, title, district if s is None else schools[s]))

    starts_on, ends_on = school_year(date.today())
    program = Program(
        name=f"{PROGRAM_NAME} {starts_on.year}-{ends_on.year % 100:02d}",
        starts_on=starts_on,
        ends_on=ends_on,
        time_zone="America/New_York",
        description=_("Cross-district professional learning communities for school leaders."),
        framework_id=rubric_services.default_framework().id,
    )
    db.session.add(program)
    db.session.add(ProgramLead(program=program, user=lead))
    cast = demo_activity.Cast(program, [], [], [])
    for index, (cohort_name, member_indexes) in enumerate(COHORTS):
        cohort = Cohort(program=program, name=cohort_name)
        db.session.add(cohort)
        facilitator = fac_c if index == 2 else fac_ab
        db.session.add(Membership(cohort=cohort, user=facilitator, role=FACILITATOR))
        for i in member_indexes:
            db.session.add(Membership(cohort=cohort, user=members[i], role=MEMBER))
        cast.cohorts.append(cohort)
        cast.facilitators.append(facilitator)
        cast.members.append([members[i] for i in member_indexes])
    db.session.flush()
    baseline = assessment_services.create_default_checkpoints(program)[0]
    # A newcomer should find a worksheet to fill in whatever the date.
    today = date.today()
    baseline.opens_on = min(baseline.opens_on, today)
    baseline.closes_on = max(baseline.closes_on, today + timedelta(days=60))
    db.session.flush()
    demo_activity.load(cast, today)


def school_year(today: date) -> tuple[date, date]:
    """September to June of the school year that ``today`` falls in (summer counts forward)."""
    first = today.year if today.month >= 7 else today.year - 1
    return date(first, 9, 1), date(first + 1, 6, 30)
