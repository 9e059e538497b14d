"""The two-host scenario (issue 16, item 5): two app hosts behind HAProxy against one
PostgreSQL; under steady load one host is killed (SIGKILL to all its processes) and started
again. What must hold, each counted (loadtest/results/):

- sessions survive: they are rows, so a person signed in on the host that died goes on
  through the load balancer on the other, and no signed-in page sends anyone to sign in;
- no acknowledged write is lost: every 2xx/3xx write is in the database at the end (a write
  in flight on the dying host may fail with a 502: its outcome is unknown to the client);
- every mail is sent exactly once: the SMTP sink's messages by outbox id, against the outbox;
- the sign-in throttle holds across both: N wrong passwords, every other one on the other
  host, lock the account on both, as N on one host do;
- the dashboards agree: the programme dashboard and its participation CSV are the same from
  either host (the per-worker figure cache off: PLC_FIGURES_CACHE_SECONDS=0, so both count
  the database as it is, not what each worker counted up to two minutes before).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass, field

from loadtest import data, hosts
from loadtest.browser import Browser, Recorder
from loadtest.scenarios import (
    FIRST_WRITE_WAIT_SECONDS,
    Outcome,
    Settings,
    Write,
    check_writes,
    count_writes,
    deliver_everything,
    extend_if_ending,
    run_load,
)
from plc.config import Defaults

# A request in flight on the host when it dies fails (502, or the connection drops); one that
# begins after it is sent to the other host. HAProxy notices a dead host within two health
# checks; until then a refused connection is tried again on the other host.
KILL_WINDOW_SECONDS = 2 * hosts.HEALTH_CHECK_MS / 1000 + 1


@dataclass
class Timeline:
    killed_at: float = 0.0
    restarted_at: float = 0.0
    back_in_rotation_at: float = 0.0
    extended: int = 0
    probe: dict = field(default_factory=dict)
    error: str = ""
    users: list = field(default_factory=list)  # the simulated users (threads)


def two_hosts(settings: Settings, world: data.World) -> Outcome:
    from loadtest.smtp import SmtpSink

    if not data.is_postgres(settings.database_url):
        raise RuntimeError("the two-host scenario runs on PostgreSQL (one database that "
                           "both hosts share); give a postgresql:// URL")
    network = hosts.Network.create(2, settings.run_id, settings.network)
    balancer = hosts.Balancer(settings.work_dir, settings.run_id)
    app_hosts: list[hosts.Host] = []
    sink = None
    try:
        url, relay = hosts.database_url_for_hosts(settings.database_url, network)
        mail_port = hosts.free_port(network.gateway)
        sink = SmtpSink(mail_port, network.gateway).start()
        env = {"PLC_SECRET_KEY": secrets.token_hex(32),  # the same on every host
               "PLC_FIGURES_CACHE_SECONDS": "0", "PLC_PROXY_COUNT": "1",
               "PLC_MAIL_SERVER": network.gateway, "PLC_MAIL_PORT": str(mail_port)}
        app_hosts = [make_host(i, network, url, settings, env) for i in range(2)]
        balancer_config = hosts.haproxy_config(balancer.port, app_hosts, relay)
        if relay is not None:  # the hosts reach PostgreSQL through HAProxy: start it first
            balancer.start(balancer_config)
        for host in app_hosts:
            host.launch()
        for host in app_hosts:
            host.wait_until_ready()
        if relay is None:
            balancer.start(balancer_config)
        balancer.wait_until_serving({h.name for h in app_hosts})
        outcome = Outcome("two-hosts", f"{settings.users} users, {settings.duration:g} s, "
                          f"{network.describe()}; each host gunicorn with {settings.server}; "
                          f"HAProxy {balancer.port} round robin; host1 killed "
                          "(SIGKILL to its process group) a third of the way in and started "
                          "again half-way; figure cache off (PLC_FIGURES_CACHE_SECONDS=0)")
        run_scenario(outcome, settings, world, app_hosts, balancer, sink, env)
        return outcome
    finally:
        balancer.stop()
        for host in app_hosts:
            host.stop()
        if sink is not None:
            sink.stop()
        network.remove()


def make_host(index: int, network: hosts.Network, url: str, settings: Settings,
              env: dict) -> hosts.Host:
    """Host ``host<index + 1>``: the shared settings, and a mail folder and a log of its own."""
    name = f"host{index + 1}"
    own = {"PLC_MAIL_DIR": str(settings.work_dir / f"{settings.run_id}-{name}-mail")}
    return hosts.Host(name, network, index, url, settings.workers, {**env, **own},
                      settings.work_dir / f"{settings.run_id}-{name}-gunicorn.log",
                      threads=settings.threads)


def run_scenario(outcome: Outcome, settings: Settings, world: data.World,
                 app_hosts: list[hosts.Host], balancer: hosts.Balancer, sink, env: dict) -> None:
    prefix = f"lt{settings.run_id}hosts"
    before = data.outbox_top(settings.database_url)
    victim = app_hosts[0]
    probe = sign_in_on(victim, world.members[-1].email, world, settings)
    timeline = Timeline()
    load = run_load(balancer.port, world, settings.users, settings, prefix,
                    during=lambda threads, started, stop_at: kill_and_restart(
                        threads, started, stop_at, victim, probe, balancer, world, prefix,
                        timeline))
    if timeline.error:
        raise RuntimeError(timeline.error)
    outcome.load = load
    probe_writes = timeline.probe.get("writes", [])
    outcome.writes = count_writes(settings.database_url, prefix, [*load.writes, *probe_writes])
    check_requests(outcome, load, timeline, app_hosts)
    check_sessions(outcome, load, timeline, victim)
    check_writes(outcome)
    check_mail(outcome, settings, before, sink, env)
    check_throttle(outcome, world, settings, app_hosts)
    check_dashboards(outcome, world, settings, app_hosts, balancer)
    check_logs(outcome, app_hosts)
    if timeline.extended:
        outcome.notes.append(f"The load was extended by {timeline.extended} s so that host1 "
                             "served again before it ended.")


def sign_in_on(host: hosts.Host, email: str, world: data.World, settings: Settings) -> Browser:
    """A person who signs in on this host itself (not through the load balancer)."""
    browser = Browser(host.port, Recorder(), host=host.address)
    if not browser.sign_in(world.login_path, email, settings.password):
        raise RuntimeError(f"{email} could not sign in on {host.name}")
    return browser


def through(balancer: hosts.Balancer, signed_in: Browser) -> Browser:
    """The same person (the same cookies) through the load balancer."""
    browser = Browser(balancer.port, signed_in.recorder)
    browser.jar = signed_in.jar
    return browser


# --- the kill ------------------------------------------------------------------------------


def kill_and_restart(threads, started, stop_at, victim: hosts.Host, probe: Browser,
                     balancer: hosts.Balancer, world: data.World, prefix: str,
                     timeline: Timeline) -> None:
    timeline.users = threads
    try:
        time.sleep(max(0.0, started + (stop_at - started) / 3 - time.monotonic()))
        wait_for_a_write_on(victim, threads, timeline)
        timeline.killed_at = time.monotonic()
        victim.kill()
        probe_after_kill(probe, balancer, world, prefix, timeline)
        time.sleep(max(0.0, (started + stop_at) / 2 - time.monotonic()))
        timeline.restarted_at = time.monotonic()
        restart(victim, threads, timeline)
        give_up_at = time.monotonic() + FIRST_WRITE_WAIT_SECONDS
        while time.monotonic() < give_up_at and not served_by(threads, victim.name,
                                                             timeline.restarted_at):
            timeline.extended += extend_if_ending(threads)
            time.sleep(0.05)
        timeline.back_in_rotation_at = time.monotonic()
    except Exception as exc:  # reported by the scenario, after the users have stopped
        timeline.error = f"killing and restarting {victim.name} failed: {exc!r}"


def wait_for_a_write_on(victim: hosts.Host, threads, timeline: Timeline) -> None:
    """The kill proves more once the victim has acknowledged writes (and sent mail)."""
    give_up_at = time.monotonic() + FIRST_WRITE_WAIT_SECONDS
    while time.monotonic() < give_up_at and not any(
            s.method == "POST" and s.status == 302 and s.host == victim.name
            for t in threads for s in list(t.browser.mine)):
        timeline.extended += extend_if_ending(threads)
        time.sleep(0.05)


def restart(victim: hosts.Host, threads, timeline: Timeline) -> None:
    starting = threading.Thread(target=victim.start)
    starting.start()
    while starting.is_alive():  # the load goes on while it starts
        timeline.extended += extend_if_ending(threads)
        starting.join(0.2)
    if victim.proc is None or victim.proc.poll() is not None:
        raise RuntimeError(f"{victim.name} did not start again")


def served_by(threads, host_name: str, since: float) -> bool:
    return any(s.host == host_name and s.at >= since and s.status is not None
               for t in threads for s in list(t.browser.mine))


def probe_after_kill(probe: Browser, balancer: hosts.Balancer, world: data.World,
                     prefix: str, timeline: Timeline) -> None:
    """Right after its host died, the person signed in there reads a page and comments
    through the load balancer."""
    from loadtest.browser import find_form

    browser = through(balancer, probe)
    account = world.members[-1]
    page = browser.get(world.probe_path)
    answers = [(page[0] if page else None, browser.mine[-1].host)]
    plan, action = account.comment_pages[0]
    writes = []
    form_page = browser.get(plan)
    form = form_page and form_page[0] == 200 and find_form(form_page[1], plan, action=action)
    if form:
        key = f"{prefix}-probe-w1"
        write = Write("comment", key, time.monotonic())
        answer = browser.submit(form, body=f"Load test comment {key} after the host died.")
        write.answered = time.monotonic()
        write.outcome = ("acknowledged" if answer and answer[0] == 302 else
                         "rejected" if answer and answer[0] < 500 else "unknown")
        writes.append(write)
        answers.append((answer[0] if answer else None, browser.mine[-1].host))
    timeline.probe = {"answers": answers, "writes": writes, "form": bool(form)}
    browser.close()


# --- the checks ----------------------------------------------------------------------------


def check_requests(outcome: Outcome, load, timeline: Timeline, app_hosts) -> None:
    """Failures (5xx, no answer) only for requests in flight when the host died."""
    killed = timeline.killed_at
    failed = [s for s in load.samples if s.status is None or s.status >= 500]
    outside = [s for s in failed
               if not (s.at <= killed + KILL_WINDOW_SECONDS and s.at + s.seconds >= killed)]
    outcome.check(not outside, f"{len(failed)} requests failed (5xx or no answer), all in "
                  f"flight when host1 died or within {KILL_WINDOW_SECONDS:g} s of it; "
                  f"outside that: {len(outside)}"
                  + (f" (first: {outside[0].method} {outside[0].route} {outside[0].status} "
                     f"{outside[0].error})" if outside else ""))
    limited = {s.route for s in load.samples if s.status == 429}
    outcome.check(not limited, f"429 seen on: {sorted(limited) or 'nothing'}")
    per_host = {h.name: sum(s.host == h.name for s in load.samples) for h in app_hosts}
    outcome.check(all(per_host.values()), "requests served per host: "
                  + ", ".join(f"{k} {v}" for k, v in per_host.items()))
    down = [s for s in load.samples if s.host == app_hosts[0].name
            and killed + KILL_WINDOW_SECONDS < s.at < timeline.restarted_at]
    outcome.check(not down, f"{len(down)} requests answered by host1 while it was down")
    back = sum(s.host == app_hosts[0].name and s.at >= timeline.restarted_at
               for s in load.samples)
    outcome.check(back > 0, f"host1 started again in "
                  f"{timeline.back_in_rotation_at - timeline.restarted_at:.1f} s and served "
                  f"{back} requests after it")
    outcome.notes.append(f"host1 killed {timeline.killed_at - load.started:.1f} s into the "
                         f"run, restarted at {timeline.restarted_at - load.started:.1f} s; "
                         f"failed requests around the kill: {len(failed) - len(outside)}.")


def check_sessions(outcome: Outcome, load, timeline: Timeline, victim: hosts.Host) -> None:
    answers = timeline.probe.get("answers", [])
    outcome.check(timeline.probe.get("form") and len(answers) == 2
                  and [a[0] for a in answers] == [200, 302]
                  and all(a[1] and a[1] != victim.name for a in answers),
                  f"a person signed in on {victim.name}, right after it died, through the load "
                  f"balancer: home and a comment answered {answers} (status, host)")
    killed = timeline.killed_at
    after = [s for s in load.samples if s.at > killed and s.method == "GET"
             and s.status is not None]
    sent_to_sign_in = [s for s in after if s.status == 302]
    outcome.check(after and not sent_to_sign_in,
                  f"{len(after)} signed-in page reads after the kill, {len(sent_to_sign_in)} "
                  "sent to sign in again (a lost session)")
    outcome.check(load.signed_in == load.users,
                  f"{load.signed_in} of {load.users} users signed in")
    # The users who signed in on the host that died, and read on after it through the other.
    moved = [u for u in timeline.users if signed_in_on(u, victim.name) and any(
        s.at > killed and s.method == "GET" and s.status == 200 and s.host != victim.name
        for s in u.browser.mine)]
    began_there = [u for u in timeline.users if signed_in_on(u, victim.name)]
    outcome.notes.append(f"Of the {len(timeline.users)} users, {len(began_there)} signed in "
                         f"through {victim.name}; {len(moved)} of them read on through the "
                         "other host after it died (the others happened not to read then).")
    outcome.counts["sessions"] = {"moved": len(moved), "reads_after_kill": len(after),
                                  "sent_to_sign_in": len(sent_to_sign_in)}


def signed_in_on(user, host_name: str) -> bool:
    first_post = next((s for s in user.browser.mine if s.method == "POST"), None)
    return first_post is not None and first_post.status == 302 and first_post.host == host_name


def check_mail(outcome: Outcome, settings: Settings, before: int, sink, env: dict) -> None:
    """Every message queued during the run reaches the sink once: sent after its request, or
    by ``send-mail`` (cron's, plain, no --all) when its host died before it could. One its
    host had claimed when it died waits the claim out (10 minutes; made due here at once, as
    the claim's end would) and goes out then."""
    mail_env = {k: v for k, v in env.items() if k.startswith("PLC_MAIL_")}
    queued = data.outbox_since(settings.database_url, before)
    # The users have their answers, so every live host's deliveries are over: a message
    # still claimed was the dead host's.
    in_flight = data.claimed_unsent(settings.database_url, queued)
    received_before = sink.outbox_ids()
    data.expire_claims(settings.database_url, in_flight)
    rounds = deliver_everything(settings.database_url, mail_env, send_all=False) \
        if not all(queued.values()) else 0  # (each round is a process: seconds on 2 cores)
    queued = data.outbox_since(settings.database_url, before)
    received = sink.outbox_ids()
    counts = {i: received.count(i) for i in queued}
    twice = [i for i, n in counts.items() if n > 1]
    # Only a message its host had already handed to the SMTP server when it died can go twice
    # (SMTP's acceptance and the database's "sent" cannot be one transaction).
    unavoidable = [i for i in twice if i in in_flight and received_before.count(i) == 1]
    outcome.check(len(queued) > 0, f"{len(queued)} messages queued during the run")
    outcome.check(all(queued.values()), f"{sum(queued.values())} of {len(queued)} marked sent")
    outcome.check(all(n >= 1 for n in counts.values()) and twice == unavoidable,
                  f"{sum(n == 1 for n in counts.values())} of {len(queued)} received exactly "
                  f"once (twice: {len(twice)}, of which handed to SMTP by host1 as it died: "
                  f"{len(unavoidable)}; never: {sum(n == 0 for n in counts.values())})")
    outcome.notes.append(
        f"Mail: the sink received {len(received)} messages in all; claimed by host1 when it "
        f"died: {len(in_flight)} (of them received before it died: "
        f"{sum(received_before.count(i) for i in in_flight)}); sent by `flask plc send-mail` "
        f"after the run: {len(received) - len(received_before)} ({rounds} rounds).")
    outcome.counts["mail"] = {"queued": len(queued), "received": len(received),
                              "twice": len(twice), "in_flight": len(in_flight)}


def check_throttle(outcome: Outcome, world: data.World, settings: Settings,
                   app_hosts: list[hosts.Host]) -> None:
    """N wrong passwords, every other one on the other host, then the right one on each."""
    limit = Defaults.LOGIN_MAX_FAILURES
    # An account no simulated user signs in as (the probe is the last member), chosen by the
    # run: one the previous run locked may still be locked for a minute.
    spare = world.members[settings.users:-1] or world.members[-2:-1]
    email = spare[int(settings.run_id, 16) % len(spare)].email
    browsers = [Browser(h.port, Recorder(), host=h.address) for h in app_hosts]
    answered = []
    for attempt in range(limit):
        browser = browsers[attempt % 2]
        browser.sign_in(world.login_path, email, f"not-the-password-{attempt}")
        answered.append(browser.mine[-1].status)
    right = []
    for browser in browsers:
        browser.sign_in(world.login_path, email, settings.password)
        right.append(browser.mine[-1].status)
    for browser in browsers:
        browser.close()
    per_host = [(limit + 1) // 2, limit // 2]  # every other attempt on host1
    outcome.check(answered == [200] * limit and right == [429, 429],
                  f"sign-in throttle across hosts: {limit} wrong passwords ({per_host[0]} on "
                  f"host1, {per_host[1]} on host2) answered {sorted(set(answered))}; then the "
                  f"right password refused on both: {right} (429 expected; a throttle per host "
                  f"would have let it through after {max(per_host)} failures)")


def page_text(html: str) -> str:
    """What a reader sees, without the moment it was counted (it differs by a second)."""
    html = re.sub(r'<p[^>]*id="counted-at".*?</p>', "", html, flags=re.S)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def check_dashboards(outcome: Outcome, world: data.World, settings: Settings,
                     app_hosts: list[hosts.Host], balancer: hosts.Balancer) -> None:
    email, program_id = data.program_lead(settings.database_url)
    lead = Browser(balancer.port, Recorder())
    if not lead.sign_in(world.login_path, email, settings.password):
        raise RuntimeError(f"the programme lead {email} could not sign in")
    seen = {}
    for host in app_hosts:
        browser = Browser(host.port, Recorder(), host=host.address)
        browser.jar = lead.jar
        pages = []
        for path in (f"/programs/{program_id}/dashboard",
                     f"/programs/{program_id}/participation.csv"):
            answer = browser.get(path)
            if answer is None or answer[0] != 200:
                raise RuntimeError(f"{path} on {host.name} answered {answer and answer[0]}")
            pages.append(page_text(answer[1]) if path.endswith("dashboard") else answer[1])
        browser.close()
        seen[host.name] = pages
    lead.close()
    one, other = seen.values()
    digest = hashlib.sha256(one[0].encode()).hexdigest()[:12]
    rows = one[1].count("\n")
    outcome.check(one[0] == other[0], f"programme dashboard the same from both hosts "
                  f"({len(one[0])} characters of text, {len(re.findall(r'[0-9]+', one[0]))} "
                  f"numbers, sha256 {digest}...)")
    outcome.check(one[1] == other[1] and rows > 1,
                  f"participation CSV the same from both hosts ({rows} lines)")


def check_logs(outcome: Outcome, app_hosts) -> None:
    for host in app_hosts:
        log = host.log_file.read_text(errors="replace")
        outcome.check(log.count("Traceback") == 0,
                      f'{log.count("Traceback")} x "Traceback" in {host.name}\'s log')


SCENARIOS = {"two-hosts": two_hosts}
