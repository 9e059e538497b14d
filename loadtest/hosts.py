"""Two app hosts behind HAProxy on one machine, for the two-host scenario (loadtest/twohosts.py).

Each host is, when the kernel lets us (root: ``ip netns``), a network namespace of its own:
its own loopback, its own address on a bridge, reaching the rest (PostgreSQL, the SMTP sink)
only over that bridge, as a second machine would over a LAN. Processes in it share nothing
with the other host but the files on disk, which PLC never uses between hosts (each host's
mail folder and exports are its own). Without root the two hosts are two ports on 127.0.0.1
(``ports``): the same processes, the same load balancer, a weaker isolation; the report says
which ran.

PostgreSQL often listens on 127.0.0.1 only, which a namespace cannot reach: HAProxy relays the
database too (a TCP ``listen`` on the bridge's address), as a database proxy would on a LAN.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess  # nosec B404 (ip, haproxy and gunicorn with fixed arguments)
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.run import ROOT, gunicorn_command, normalize_url, server_env, stop

HAPROXY = "haproxy"
APP_PORT = 8000  # in a namespace every host has the whole port range to itself
START_SECONDS = 60  # a host (gunicorn and its workers) must answer /healthz this soon


def haproxy_path() -> str | None:
    """HAProxy: on PATH, or where Debian's package puts it (/usr/sbin is not on every PATH)."""
    return shutil.which(HAPROXY) or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if os.access(p, os.X_OK)),
        None)


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True,  # noqa: S603, S607
                   text=True, timeout=20)  # nosec B603 B607


def namespaces_permitted() -> str | None:
    """None when network namespaces can be made here, else why not."""
    if os.geteuid() != 0:
        return "not root"
    if shutil.which("ip") is None:
        return "no `ip` command (iproute2)"
    probe = f"plcprobe{secrets.token_hex(3)}"
    try:
        _ip("netns", "add", probe)
    except (subprocess.CalledProcessError, OSError) as exc:
        return f"`ip netns add` refused: {getattr(exc, 'stderr', '') or exc}".strip()
    with contextlib.suppress(subprocess.CalledProcessError):
        _ip("netns", "del", probe)
    return None


def free_port(address: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return sock.getsockname()[1]


def _unused_subnet() -> int:
    """A 10.231.N.0/24 no interface of this machine uses (another run's, say)."""
    taken = subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True,  # noqa: S603, S607
                           text=True, check=False).stdout  # nosec B603 B607
    for n in secrets.SystemRandom().sample(range(1, 255), 254):
        if f" 10.231.{n}." not in taken:
            return n
    raise RuntimeError("no free 10.231.N.0/24 subnet")


@dataclass
class Network:
    """Where the hosts live: ``namespaces`` (one network namespace per host on a bridge) or
    ``ports`` (two ports on 127.0.0.1). ``gateway`` is the address the hosts reach the rest
    of the machine at (PostgreSQL through the relay, the SMTP sink)."""

    mode: str
    gateway: str
    addresses: list[str]  # one per host
    namespaces: list[str] = field(default_factory=list)
    why_not_namespaces: str = ""
    _links: list[str] = field(default_factory=list)

    @classmethod
    def create(cls, hosts: int, run_id: str, wanted: str = "auto") -> Network:
        why = namespaces_permitted() if wanted != "ports" else "--network ports asked for"
        if why is not None:
            if wanted == "namespaces":
                raise RuntimeError(f"network namespaces are not available: {why}")
            return cls("ports", "127.0.0.1", ["127.0.0.1"] * hosts, why_not_namespaces=why)
        subnet = _unused_subnet()
        network = cls("namespaces", f"10.231.{subnet}.1",
                      [f"10.231.{subnet}.{i + 2}" for i in range(hosts)])
        try:
            network._build(run_id)
        except BaseException:
            network.remove()
            raise
        return network

    def _build(self, run_id: str) -> None:
        bridge = f"plc{run_id}b"  # interface names: at most 15 characters
        _ip("link", "add", bridge, "type", "bridge")
        self._links.append(bridge)
        _ip("addr", "add", f"{self.gateway}/24", "dev", bridge)
        _ip("link", "set", bridge, "up")
        for i, address in enumerate(self.addresses, start=1):
            namespace, outside, inside = f"plc-{run_id}-host{i}", f"plc{run_id}{i}h", "eth0"
            _ip("netns", "add", namespace)
            self.namespaces.append(namespace)
            _ip("link", "add", outside, "type", "veth", "peer", "name", f"plc{run_id}{i}n")
            self._links.append(outside)
            _ip("link", "set", f"plc{run_id}{i}n", "netns", namespace)
            _ip("-n", namespace, "link", "set", f"plc{run_id}{i}n", "name", inside)
            _ip("link", "set", outside, "master", bridge)
            _ip("link", "set", outside, "up")
            _ip("-n", namespace, "addr", "add", f"{address}/24", "dev", inside)
            _ip("-n", namespace, "link", "set", inside, "up")
            _ip("-n", namespace, "link", "set", "lo", "up")
            _ip("-n", namespace, "route", "add", "default", "via", self.gateway)

    def command_prefix(self, host: int) -> list[str]:
        """What runs a command on host ``host`` (0-based)."""
        return ["ip", "netns", "exec", self.namespaces[host]] if self.namespaces else []

    def remove(self) -> None:
        for namespace in self.namespaces:  # its end of each veth pair goes with it
            subprocess.run(["ip", "netns", "del", namespace],  # noqa: S603, S607
                           capture_output=True, check=False)  # nosec B603 B607
        for link in self._links:
            subprocess.run(["ip", "link", "del", link],  # noqa: S603, S607
                           capture_output=True, check=False)  # nosec B603 B607
        self.namespaces, self._links = [], []

    def describe(self) -> str:
        if self.mode == "namespaces":
            return (f"two hosts as network namespaces ({', '.join(self.namespaces)}) on a "
                    f"bridge, at {' and '.join(self.addresses)}; the load balancer, "
                    f"PostgreSQL's relay and the SMTP sink at {self.gateway}")
        return (f"two hosts as two ports on 127.0.0.1 (network namespaces not available: "
                f"{self.why_not_namespaces})")


# --- the app hosts -------------------------------------------------------------------------


class Host:
    """gunicorn on one host, its process group its own: killing the host kills them all."""

    def __init__(self, name: str, network: Network, index: int, database_url: str,
                 workers: int, env: dict, log_file: Path, threads: int = 1):
        self.name, self.network, self.index = name, network, index
        self.address = network.addresses[index]
        self.port = APP_PORT if network.mode == "namespaces" else free_port()
        self.database_url, self.workers, self.env = database_url, workers, env
        self.threads = threads
        self.log_file = log_file
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.launch()
        self.wait_until_ready()

    def launch(self) -> None:
        with self.log_file.open("a") as log:
            log.write(f"--- start {self.starts + 1} at {time.time():.3f}\n")
            log.flush()
            self.proc = subprocess.Popen(  # noqa: S603  # nosec B603 (fixed arguments)
                [*self.network.command_prefix(self.index),
                 *gunicorn_command(self.workers, f"{self.address}:{self.port}", self.threads)],
                cwd=ROOT, env=server_env(self.database_url, self.env), stderr=log,
                start_new_session=True)
        self.starts += 1

    def wait_until_ready(self) -> None:
        wait_for_health(self.address, self.port, self.proc, f"{self.name} (gunicorn)")

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once: the machine lost its power. Returns
        when nothing listens any more (the workers, which share the socket, are gone too)."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=20)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection((self.address, self.port), timeout=1).close()
            except OSError:
                return
            time.sleep(0.02)

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc, kill=lambda: os.killpg(self.proc.pid, signal.SIGKILL))


def wait_for_health(address: str, port: int, proc: subprocess.Popen, what: str) -> None:
    import http.client

    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited while starting ({proc.returncode})")
        conn = http.client.HTTPConnection(address, port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
        finally:
            conn.close()
    raise RuntimeError(f"{what} did not answer /healthz in {START_SECONDS} s")


# --- the load balancer ---------------------------------------------------------------------

HEALTH_CHECK_MS = 500  # HAProxy checks each host this often; 2 failures mark it down


def haproxy_config(listen_port: int, hosts: list[Host], db_relay: tuple[str, int, str, int]
                   | None) -> str:
    """HTTP on 127.0.0.1:listen_port to the hosts in turn; each answer says who served it
    (X-Served-By). A connection refused (a dead host, before the health check noticed) is
    tried again on the other host: nothing was sent, so nothing can be done twice. A request
    already sent to a host that dies is not resent (it may have been a write): the client
    gets a 502 and does not know whether it was stored, as after any lost connection."""
    # A dead host refuses the check's connection at once; a busy one answers it late (its
    # workers take requests in turn): "timeout check" is long, so that a busy host is
    # not taken for a dead one (both marked down: every request would get a 503).
    servers = "\n".join(
        f"    server {h.name} {h.address}:{h.port} check inter {HEALTH_CHECK_MS}ms "
        "fall 2 rise 2" for h in hosts)
    text = f"""global
    maxconn 4096
    log stderr format raw local0 info  # one line per request, in the run's haproxy.log

defaults
    mode http
    timeout connect 2s
    timeout client 150s
    timeout server 150s
    timeout check 10s
    log global
    option httplog
    retries 3
    option redispatch 1

frontend plc
    bind 127.0.0.1:{listen_port}
    option forwardfor
    default_backend app

backend app
    balance roundrobin
    option httpchk GET /healthz
    http-check expect status 200
    http-response set-header X-Served-By %[srv_name]
{servers}
"""
    if db_relay is not None:
        bind_host, bind_port, db_host, db_port = db_relay
        text += f"""
listen postgresql
    mode tcp
    bind {bind_host}:{bind_port}
    timeout client 1h
    timeout server 1h
    server db {db_host}:{db_port}
"""
    return text


class Balancer:
    """HAProxy in the foreground, with the configuration above."""

    def __init__(self, work_dir: Path, run_id: str):
        self.config_file = work_dir / f"{run_id}-haproxy.cfg"
        self.log_file = work_dir / f"{run_id}-haproxy.log"
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, config: str) -> None:
        binary = haproxy_path()
        if binary is None:
            raise RuntimeError("HAProxy is not installed (Debian: apt-get install haproxy; "
                               "`make tools` installs it)")
        self.config_file.write_text(config)
        check = subprocess.run([binary, "-c", "-f", str(self.config_file)],  # noqa: S603
                               capture_output=True, text=True, check=False)  # nosec B603
        if check.returncode != 0:
            raise RuntimeError(f"HAProxy refused its configuration:\n{check.stdout}"
                               f"{check.stderr}")
        with self.log_file.open("w") as log:
            self.proc = subprocess.Popen(  # noqa: S603  # nosec B603 (fixed arguments)
                [binary, "-db", "-f", str(self.config_file)], stdout=log, stderr=log,
                start_new_session=True)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:  # listening (its hosts may not be up yet)
            if self.proc.poll() is not None:
                raise RuntimeError(f"HAProxy exited ({self.proc.returncode}); see "
                                   f"{self.log_file}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"HAProxy did not listen in {START_SECONDS} s")

    def wait_until_serving(self, names: set[str]) -> None:
        """Until each of these hosts answered through HAProxy (its health checks passed)."""
        import http.client

        seen: set[str] = set()
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and not names <= seen:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                conn.request("GET", "/healthz")
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    seen.add(response.getheader("X-Served-By") or "")
                else:
                    time.sleep(0.1)
            except OSError:
                time.sleep(0.1)
            finally:
                conn.close()
        if not names <= seen:
            raise RuntimeError(f"HAProxy did not serve from {sorted(names - seen)} in "
                               f"{START_SECONDS} s")

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)


def database_url_for_hosts(database_url: str, network: Network) -> tuple[str, tuple | None]:
    """The URL the hosts connect with, and the relay HAProxy must run (namespaces only)."""
    if network.mode != "namespaces":
        return database_url, None
    url = make_url(normalize_url(database_url))
    relay_port = free_port(network.gateway)
    relay = (network.gateway, relay_port, url.host or "127.0.0.1", url.port or 5432)
    return url.set(host=network.gateway, port=relay_port).render_as_string(
        hide_password=False), relay
