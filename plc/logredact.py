"""Secrets never reach a log: the links that carry a token in their path (password reset,
invitation, private calendar feed) are logged with the token replaced, and so are the
authorization code and state a district's identity provider sends back in the query string.

Used by a logging filter on werkzeug's request log (``make run``) and by the gunicorn logger
class below (``gunicorn --logger-class plc.logredact.GunicornLogger``, see the README).
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_TOKEN_IN_PATH = re.compile(
    r"(/password-reset/|/invitation/|/calendar/)([A-Za-z0-9_\-]{8,})"
)


# The OpenID Connect callback's query: ?code=...&state=... (and any other parameter's value).
_CALLBACK_QUERY = re.compile(r"(/login/district/callback\?)([^\s\"]*)")
_QUERY_VALUE = re.compile(r"=([^&]*)")


def redact(text: str) -> str:
    text = _TOKEN_IN_PATH.sub(lambda m: m.group(1) + REDACTED, text)
    return _CALLBACK_QUERY.sub(
        lambda m: m.group(1) + _QUERY_VALUE.sub("=" + REDACTED, m.group(2)), text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (with its arguments applied) without the tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install() -> None:
    """Filter werkzeug's request log (idempotent: many apps are made in one test run)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())


try:  # gunicorn is a dependency, but the module must import without it
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = object


class GunicornLogger(_GunicornLogger):
    """gunicorn's access log with the request line's tokens redacted."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):  # request line, path, query, referer
            if key in atoms and isinstance(atoms[key], str):
                atoms[key] = redact(atoms[key])
        for key in list(atoms):
            if key.startswith("{") and isinstance(atoms[key], str):  # headers, environ
                atoms[key] = redact(atoms[key])
        return atoms
