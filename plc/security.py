"""Security headers on every response."""

from __future__ import annotations

from flask import request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def register(app) -> None:
    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if app.config["ENV_NAME"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if _is_private(response):
            headers["Cache-Control"] = "no-store"
        return response


def _is_private(response) -> bool:
    # Static files may be cached; anything rendered for a signed-in person may not. Auth pages
    # with one-time tokens in the URL are kept out of caches too.
    if request.endpoint in ("static", "bootstrap.static"):
        return False
    return current_user.is_authenticated or response.mimetype == "text/html"
