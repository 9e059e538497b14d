"""The short version of issue 7's load and fault suite (loadtest/, `make loadtest`): a few
users for a few seconds per scenario, under gunicorn, on the test database (SQLite, or
PostgreSQL when PLC_TEST_DATABASE_URL is set). Each scenario's acceptance points must hold:
no 5xx, every acknowledged write stored, mail queued while SMTP is down delivered exactly once
when it returns, a backup taken under load restoring every row committed before it. On
PostgreSQL also issue 16's two hosts behind HAProxy, one of them killed and started again."""

from __future__ import annotations

import dataclasses
import secrets
import shutil
import subprocess  # nosec B404 (haproxy -c on a file of ours)

import pytest

from bench import seed
from loadtest import data, hosts, scenarios, twohosts
from loadtest.browser import find_form
from plc.extensions import db
from tests.conftest import REQUIRE_ALL


@pytest.fixture
def seeded(bench_cohort, app_config, tmp_path):
    """One seeded cohort (40 members and a facilitator) in the test database."""
    db.session.remove()  # the servers and commands of the scenarios have the database now
    url = app_config["SQLALCHEMY_DATABASE_URI"]
    return scenarios.Settings(
        database_url=url, users=5, surge_users=8, duration=3, workers=2, think=0.05,
        write_share=0.3, work_dir=tmp_path, password=seed.BENCH_PASSWORD,
        run_id=secrets.token_hex(3)), data.discover(url)


def run(name: str, settings, world) -> scenarios.Outcome:
    outcome = scenarios.SCENARIOS[name](settings, world)
    failed = [text for ok, text in outcome.checks if not ok]
    assert not failed, f"{name}: {failed}"
    return outcome


def kinds(outcome) -> dict:
    return {count.kind: count for count in outcome.writes}


@pytest.mark.slow
def test_steady_load_stores_exactly_the_acknowledged_writes(seeded):
    outcome = run("steady", *seeded)

    writes = kinds(outcome)
    for kind in ("comment", "update", "attendance"):
        assert writes[kind].acknowledged > 0, f"no {kind} was acknowledged: proves nothing"
        assert not writes[kind].lost
    assert writes["comment"].stored >= writes["comment"].acknowledged
    assert not [s for s in outcome.load.samples if s.status is not None and s.status >= 500]
    assert outcome.log_lines == {"database is locked": 0, "Traceback": 0}


@pytest.mark.slow
def test_a_graceful_reload_mid_surge_fails_no_request_and_latency_recovers(seeded):
    outcome = run("surge", *seeded)

    assert outcome.load.users == seeded[0].surge_users
    assert all(s.status is not None and s.status < 500 for s in outcome.load.samples)
    assert any("SIGHUP" in text for ok, text in outcome.checks if ok)


@pytest.mark.slow
def test_mail_queued_while_smtp_is_down_is_delivered_once_when_it_returns(seeded):
    outcome = run("smtp-down", *seeded)

    queued = next(text for _ok, text in outcome.checks if "messages queued" in text)
    assert int(queued.split()[0]) > 0
    assert any("received exactly once" in text for ok, text in outcome.checks if ok)


@pytest.mark.slow
def test_a_backup_under_load_restores_every_write_acknowledged_before_it(seeded):
    if data.is_postgres(seeded[0].database_url):
        missing = [t for t in ("pg_dump", "psql") if shutil.which(t) is None]
        if missing:
            if REQUIRE_ALL:
                pytest.fail(f"{missing} not installed: the PostgreSQL backup cannot be tested")
            pytest.skip(f"{missing} not installed")

    outcome = run("backup", *seeded)

    restored = [text for ok, text in outcome.checks if "restored database" in text]
    assert restored and any("before the backup began" in t for _ok, t in outcome.checks)


@pytest.mark.slow
@pytest.mark.postgresql
def test_two_hosts_behind_haproxy_keep_every_promise_when_one_is_killed(seeded):
    require_haproxy()
    settings, world = seeded
    # A kill at 2 s, a restart at 3 s; one worker a host: four processes to start, not six.
    settings = dataclasses.replace(settings, duration=6, workers=1)

    outcome = twohosts.two_hosts(settings, world)

    failed = [text for ok, text in outcome.checks if not ok]
    assert not failed, f"two-hosts: {failed}"
    writes = kinds(outcome)
    for kind in ("comment", "update"):
        assert writes[kind].acknowledged > 0 and not writes[kind].lost
    assert outcome.counts["mail"]["queued"] > 0
    assert outcome.counts["sessions"]["reads_after_kill"] > 0
    assert outcome.counts["sessions"]["sent_to_sign_in"] == 0
    assert any("[429, 429]" in text for _ok, text in outcome.checks)
    # The report says which ran: namespaces (root), else two ports on 127.0.0.1.
    assert ("two hosts as network namespaces" in outcome.setup) == (
        hosts.namespaces_permitted() is None)


def require_haproxy() -> str:
    path = hosts.haproxy_path()
    if path is None:
        if REQUIRE_ALL:
            pytest.fail("HAProxy is not installed: CI installs it (.ci/run)")
        pytest.skip("HAProxy is not installed (`make tools` installs it)")
    return path


def test_without_root_the_two_hosts_are_two_ports_and_haproxy_accepts_its_configuration(
        tmp_path, monkeypatch):
    haproxy = require_haproxy()
    monkeypatch.setattr(hosts.os, "geteuid", lambda: 1000)

    network = hosts.Network.create(2, "t0t0t0")
    app_hosts = [hosts.Host(f"host{i}", network, i - 1, "postgresql://p@127.0.0.1/db", 3, {},
                            tmp_path / f"host{i}.log") for i in (1, 2)]
    config = hosts.haproxy_config(8080, app_hosts, ("10.231.9.1", 15432, "127.0.0.1", 5432))
    (tmp_path / "haproxy.cfg").write_text(config)
    checked = subprocess.run([haproxy, "-c", "-f", str(tmp_path / "haproxy.cfg")],  # noqa: S603
                             capture_output=True, text=True, check=False)

    assert network.mode == "ports" and network.why_not_namespaces == "not root"
    assert "two ports on 127.0.0.1 (network namespaces not available: not root)" in (
        network.describe())
    assert [h.address for h in app_hosts] == ["127.0.0.1", "127.0.0.1"]
    assert app_hosts[0].port != app_hosts[1].port
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "option forwardfor" in config and "X-Served-By" in config


PAGE = """
<form method="post" action="/search"><input name="q" value="x"></form>
<form method="post">
  <input type="hidden" name="csrf_token" value="tok">
  <input type="radio" name="status-7" value="present">
  <input type="radio" name="status-7" value="late" checked>
  <input type="radio" name="status-8" value="present">
  <input type="checkbox" name="remember" value="y">
  <select name="meeting_id"><option value="0">None</option><option value="3" selected>M</option>
  </select>
  <select name="kind"><option value="">Plain</option><option value="warm">Warm</option></select>
  <textarea name="did">
Kept text</textarea>
  <input type="submit" name="mark_all_present" value="All present">
</form>"""


def test_forms_are_read_as_a_browser_would_submit_them():
    form = find_form(PAGE, "/meetings/4/attendance", field_prefix="status-")

    assert form.action == "/meetings/4/attendance"  # no action: the page itself
    assert form.fields == {"csrf_token": "tok", "status-7": "late", "meeting_id": "3",
                           "kind": "", "did": "Kept text"}
    assert form.names_starting("status-") == ["status-7", "status-8"]
    assert "mark_all_present" not in form.filled(did="new")
    assert find_form(PAGE, "/p", action="/search").fields == {"q": "x"}
    assert find_form(PAGE, "/p", field_name="missing") is None
