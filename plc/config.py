"""Configuration: defaults, then instance/config.py, then PLC_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path

SECRET_KEY_MIN_BYTES = 32


class Defaults:
    ENV_NAME = "development"  # "production" turns on Secure cookies and the secret-key check
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # None: SQLite file in the instance folder
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BOOTSTRAP_SERVE_LOCAL = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    # Outgoing mail: with no MAIL_SERVER, messages are written to instance/mail/ and the log.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_TIMEOUT = 10
    MAIL_DEFAULT_SENDER = "PLC <no-reply@plc.invalid>"
    MAIL_SEND_AFTER_REQUEST = True
    MAIL_DIR: str | None = None  # None: instance/mail
    MAIL_MAX_ATTEMPTS = 12
    BASE_URL: str | None = None  # where e-mailed links point (else the request's host)
    # Login throttling: failures counted in the database, so every worker sees them.
    LOGIN_MAX_FAILURES = 10  # per account
    LOGIN_MAX_FAILURES_PER_ADDRESS = 100
    # Proxies in front of the site that set X-Forwarded-For/-Proto/-Host (a TLS-terminating
    # nginx: 1). 0 trusts no such header: the sign-in throttle then sees the proxy's address.
    PROXY_COUNT = 0
    LOGIN_FAILURE_WINDOW_SECONDS = 60
    RESET_TOKEN_MINUTES = 30
    # Two-factor sign-in (TOTP): who must have it, a comma-separated list of "admins" (site
    # admins) and "leads" (program leads); "" for nobody. Everyone else may turn it on.
    REQUIRE_TOTP_FOR = "admins,leads"
    # Wrong codes at the second step, counted per person in the database (every worker).
    TOTP_MAX_FAILURES = 5
    TOTP_FAILURE_WINDOW_SECONDS = 15 * 60
    # A session's "last seen" is written at most this often (not on every request).
    SESSION_SEEN_INTERVAL_SECONDS = 5 * 60
    INVITATION_DAYS = 7
    # A closed programme year's personal content is deleted this many years after it closed
    # (flask plc purge-expired; plc/programs/retention.py).
    RETENTION_YEARS = 3
    # Districts' identity provider client secrets are stored encrypted (Fernet, plc/secretbox.py)
    # with this key: one or more Fernet keys, comma-separated, the first encrypts and all decrypt
    # (rotation). None: a key derived from SECRET_KEY (changing SECRET_KEY then loses them).
    SECRET_ENCRYPTION_KEY: str | None = None
    # Seconds PLC waits for a district's identity provider (discovery, keys, token exchange).
    OIDC_TIMEOUT_SECONDS = 10
    # argon2id at OWASP ASVS's minimum (time 2, memory 19 MiB, parallelism 1).
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19 * 1024
    ARGON2_PARALLELISM = 1
    ROSTER_MAX_ROWS = 1000  # one cohort's roster; an import runs in one request
    # A checked roster travels back in one form field when it is confirmed; Flask's default
    # (500 kB per field) is smaller than ROSTER_MAX_ROWS rows (plc.programs.roster.MAX_BYTES).
    MAX_FORM_MEMORY_SIZE = 3 * 1024 * 1024
    DEFAULT_TIME_ZONE = "America/New_York"
    # Dashboards' counts over a whole cohort or programme year are kept this long per worker
    # (plc/cache.py); the pages say when they were counted. 0: count on every request.
    FIGURES_CACHE_SECONDS = 120
    # Rendered pieces of pages (comments, updates, focus cards, dashboards' tables) each worker
    # keeps, keyed by what they show (plc/fragments.py). 0: render every piece every time.
    FRAGMENT_CACHE_ENTRIES = 8192
    # "My data" exports: kept this many days, in EXPORT_DIR (None: instance/exports), built
    # right after the request that asks (and by `flask plc run-exports`).
    EXPORT_DAYS = 7
    EXPORT_DIR: str | None = None
    EXPORT_AFTER_REQUEST = True
    # Stakeholder voice (plc/voice): an audience's results appear from this many responses
    # (raised freely, never below 5); an open link takes at most VOICE_THROTTLE_PER_HOUR
    # answers per client per hour (per worker, in memory) and a round VOICE_ROUND_CAP in all.
    VOICE_MIN_RESPONSES = 5
    VOICE_THROTTLE_PER_HOUR = 20
    VOICE_ROUND_CAP = 2000
    BENCH = False  # PLC_BENCH=1 adds the /_bench reference routes (plc/bench.py)


_BOOL_TRUE = {"1", "true", "yes", "on"}


def _coerce(value: str, current: object) -> object:
    """Environment values are strings; give them the type of the default they replace."""
    if isinstance(current, bool):
        return value.strip().lower() in _BOOL_TRUE
    if isinstance(current, int):
        return int(value)
    return value


def load(app, test_config: dict | None = None) -> None:
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for key, value in os.environ.items():
        if key.startswith("PLC_"):
            name = key[4:]
            app.config[name] = _coerce(value, app.config.get(name))
    if test_config:
        app.config.update(test_config)
    _derive(app)


def _derive(app) -> None:
    cfg = app.config
    instance = Path(app.instance_path)
    if not cfg.get("SQLALCHEMY_DATABASE_URI"):
        cfg["SQLALCHEMY_DATABASE_URI"] = cfg["DATABASE_URL"] or f"sqlite:///{instance / 'plc.db'}"
    uri = cfg["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):
        uri = "postgresql://" + uri[len("postgres://"):]
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://"):]
    cfg["SQLALCHEMY_DATABASE_URI"] = uri
    cfg.setdefault("MAIL_DIR", None)
    cfg["MAIL_DIR"] = cfg["MAIL_DIR"] or str(instance / "mail")
    if not cfg.get("SECRET_KEY") and (instance / "secret_key").exists():
        cfg["SECRET_KEY"] = (instance / "secret_key").read_text().strip()
    required_roles(cfg["REQUIRE_TOTP_FOR"])  # a misspelt role stops the start, never ignored
    check_encryption_keys(cfg.get("SECRET_ENCRYPTION_KEY"))
    production = cfg["ENV_NAME"] == "production"
    cfg["SESSION_COOKIE_SECURE"] = production
    cfg["REMEMBER_COOKIE_SECURE"] = production
    if production:
        check_secret_key(cfg.get("SECRET_KEY"))
    elif not cfg.get("SECRET_KEY"):
        # Development only: sessions do not survive a restart, which is acceptable there.
        cfg["SECRET_KEY"] = os.urandom(32).hex()


class ConfigError(RuntimeError):
    pass


TOTP_ROLES = ("admins", "leads")


def required_roles(setting: str) -> frozenset[str]:
    """PLC_REQUIRE_TOTP_FOR as a set; an unknown word is refused at start-up, not ignored."""
    roles = frozenset(word.strip().lower() for word in (setting or "").split(",")
                      if word.strip())
    unknown = roles - set(TOTP_ROLES)
    if unknown:
        raise ConfigError(f"PLC_REQUIRE_TOTP_FOR takes {', '.join(TOTP_ROLES)} or nothing; "
                          f"not {', '.join(sorted(unknown))}.")
    return roles


def check_secret_key(key: str | None) -> None:
    if not key or len(key.encode()) < SECRET_KEY_MIN_BYTES:
        raise ConfigError(
            f"PLC_SECRET_KEY must be set to at least {SECRET_KEY_MIN_BYTES} bytes in production "
            "(make run writes one to instance/secret_key)."
        )


def check_encryption_keys(setting: str | None) -> None:
    """PLC_SECRET_ENCRYPTION_KEY, if set, must be Fernet keys (a bad one stops the start)."""
    if not setting:
        return
    from cryptography.fernet import Fernet

    for key in setting.split(","):
        try:
            Fernet(key.strip())
        except ValueError as error:
            raise ConfigError(
                "PLC_SECRET_ENCRYPTION_KEY takes Fernet keys (32 url-safe base64-encoded bytes; "
                "python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'), comma-separated.") from error
