"""House rules every page of the area keeps: unique titles, CSRF on every POST, no inline
script or style (the CSP forbids them), tables with captions and scoped headers."""

from __future__ import annotations

import html
import io
import re

from plc.extensions import db
from tests.conftest import csrf_token_from
from tests.programs.conftest import generated_rows, roster_csv, table_counts


def pages(world) -> list[str]:
    p, c = world.program.id, world.cohort.id
    return [
        "/programs", "/programs/new", f"/programs/{p}", f"/programs/{p}/edit",
        f"/programs/{p}/leads/new", f"/programs/{p}/cohorts/new", f"/cohorts/{c}",
        f"/cohorts/{c}/edit", f"/cohorts/{c}/invite", f"/cohorts/{c}/import",
    ]


def title_of(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip()


def test_every_page_has_its_own_title_and_keeps_the_house_rules(world, client, login_as):
    login_as(world.lead)
    titles = []
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.text
        titles.append(title_of(text))
        assert "<script>" not in text and "<script " not in text.replace(
            '<script src="', ""), url
        assert "style=" not in text, url
        assert text.count("<table") == text.count("<caption"), url
        assert "<th>" not in text, url  # every header cell says what it heads
        assert text.count("<h1") == 1, url
    assert len(set(titles)) == len(titles), titles


def test_the_preview_is_csrf_protected_and_round_trips_the_file(world, client, login_as):
    login_as(world.lead)
    db.session.commit()
    client.application.config["WTF_CSRF_ENABLED"] = True
    url = f"/cohorts/{world.cohort.id}/import"
    token = csrf_token_from(client.get(url).text)
    rows = generated_rows(3)
    rows[0]["name"] = '"Ana, ""the boss"" Alvarez"'  # quoted comma and quotes survive
    data = roster_csv(rows, bom=True)

    preview = client.post(url, data={"csrf_token": token,
                                     "roster": (io.BytesIO(data), "roster.csv")},
                          content_type="multipart/form-data")
    assert preview.status_code == 200
    hidden = re.search(r'name="csv_text" type="hidden" value="([^"]*)"', preview.text)
    csv_text = html.unescape(hidden.group(1))
    assert "\n" in csv_text  # the hidden field keeps the line breaks

    forged = client.post(f"{url}/confirm", data={"csv_text": csv_text},
                         content_type="multipart/form-data")
    assert forged.status_code == 400
    before = table_counts()
    done = client.post(f"{url}/confirm",
                       data={"csrf_token": csrf_token_from(preview.text), "csv_text": csv_text},
                       content_type="multipart/form-data")
    assert done.status_code == 302
    assert table_counts()["Membership"] == before["Membership"] + 3
    page = client.get(done.headers["Location"]).text
    assert 'Ana, &#34;the boss&#34; Alvarez' in page or "Ana, &quot;the boss&quot;" in page


def test_roster_buttons_need_the_csrf_token(world, client, login_as):
    login_as(world.lead)
    client.application.config["WTF_CSRF_ENABLED"] = True
    remove = f"/cohorts/{world.cohort.id}/people/{world.member.id}/remove"
    assert client.post(remove).status_code == 400
    page = client.get(f"/cohorts/{world.cohort.id}").text
    assert f'action="{remove}"' in page
    assert client.post(remove, data={"csrf_token": csrf_token_from(page)}).status_code == 302
