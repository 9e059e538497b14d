"""Real OpenID Connect providers for the tests: tests/oidc/provider/provider.js (the certified
`oidc-provider` package on Node.js), one process per district, each on a port of its own.

`make dev-setup` installs the package (npm ci in tests/oidc/provider, when Node.js is there);
nothing is downloaded when the tests run. Without Node.js or the installed package the tests
that need a provider skip, except in CI (CI=true), where that is a failure, as a missing
browser is.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from joserfc.jwk import RSAKey

from tests.conftest import REQUIRE_ALL

HERE = Path(__file__).parent / "provider"
SCRIPT = HERE / "provider.js"
CLIENT_SECRET = "client-secret-of-the-test-provider"


def node_or_skip() -> str:
    """The node executable, with the provider package installed; else skip (fail in CI)."""
    node = shutil.which("node")
    installed = (HERE / "node_modules" / "oidc-provider" / "package.json").exists()
    if node and installed:
        return node
    why = ("Node.js is not installed" if not node else
           "the test provider is not installed (make dev-setup runs npm ci in tests/oidc/provider)")
    if REQUIRE_ALL:
        pytest.fail(f"{why}: the OpenID Connect tests must run in CI")
    pytest.skip(f"{why}: OpenID Connect tests skipped")


@dataclass
class Account:
    login: str
    sub: str
    email: str
    email_verified: bool = True
    name: str = ""


@dataclass
class RunningProvider:
    name: str
    issuer: str
    client_id: str
    key: RSAKey
    process: subprocess.Popen
    accounts: list[Account] = field(default_factory=list)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_provider(name: str, port: int, redirect_uris: list[str], accounts: list[Account],
                   workdir: Path) -> RunningProvider:
    node = node_or_skip()
    issuer = f"http://127.0.0.1:{port}"
    # The provider's signing key is made here, so that tests can also sign a token with the
    # provider's own key (a token whose signature is right but whose claims are wrong).
    key = RSAKey.generate_key(2048, parameters={"kid": f"{name}-key", "use": "sig",
                                                "alg": "RS256"}, private=True)
    client_id = f"plc-{name}"
    config = {
        "port": port, "issuer": issuer,
        "jwks": {"keys": [key.as_dict(private=True)]},
        "clients": [{"client_id": client_id, "client_secret": CLIENT_SECRET,
                     "redirect_uris": redirect_uris}],
        "accounts": [a.__dict__ for a in accounts],
    }
    path = workdir / f"provider-{name}.json"
    path.write_text(json.dumps(config))
    log = open(workdir / f"provider-{name}.log", "w")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen([node, str(SCRIPT), str(path)], cwd=HERE, stdout=log,
                               stderr=subprocess.STDOUT)
    provider = RunningProvider(name, issuer, client_id, key, process, accounts)
    deadline = time.monotonic() + 60  # a busy machine starts workers slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the provider {name} exited: "
                                 f"{(workdir / f'provider-{name}.log').read_text()}")
        try:
            discovery = f"{issuer}/.well-known/openid-configuration"  # our own http URL
            with urllib.request.urlopen(discovery, timeout=1) as response:  # noqa: S310
                if response.status == 200:
                    return provider
        except OSError:
            time.sleep(0.1)
    provider.stop()
    raise AssertionError(f"the provider {name} did not start")
