from plc.extensions import db
from tests import factories


def test_member_signs_in_and_sees_their_cohort(app, client, login_as):
    cohort = factories.make_cohort(name="Cohort Smoke")
    member = factories.make_user()
    factories.add_member(cohort, member)
    db.session.commit()
    login_as(member)
    page = client.get("/")
    assert page.status_code == 200
    assert "Cohort Smoke" in page.text
