"""Domain errors and the error pages (no traceback ever reaches a user)."""

from __future__ import annotations

from flask import flash, render_template
from werkzeug.exceptions import HTTPException

from plc.extensions import db

TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Page not found",
    405: "Method not allowed",
    429: "Too many attempts",
    500: "Something went wrong",
}


class DomainError(Exception):
    """A rule of the product refused a change; the message is shown to the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def register(app) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        return _render(code, error.description if code in (400, 429) else None), code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return _render(500, None), 500


def _render(code: int, detail: str | None):
    title = TITLES.get(code, "Error")
    return render_template("errors/error.html", code=code, title=title, detail=detail)


def show_on_form(form, error: DomainError) -> None:
    """Put a service's refusal next to the field it names, or at the top of the page."""
    if error.field and error.field in form:
        form[error.field].errors.append(error.message)
    else:
        flash(error.message, "error")
