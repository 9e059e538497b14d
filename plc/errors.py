"""Domain errors, and the one answer to every error: the site's page, or the API's JSON under
/api/ (no traceback ever reaches a user)."""

from __future__ import annotations

from flask import flash, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from plc.extensions import db

TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Closed"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}
# Everything under it is the JSON API (plc/api): even a path or method no route knows answers
# there in the API's JSON, because the blueprint's own handlers never see routing errors.
JSON_PREFIX = "/api/"


class DomainError(Exception):
    """A rule of the product refused a change; the message is shown to the user."""

    def __init__(self, message: str, field: str | None = None):
        # A text marked at import (lazy_gettext) becomes a str here: it is flashed into the
        # session and written into JSON, which take strings.
        message = str(message)
        super().__init__(message)
        self.message = message
        self.field = field


class YearClosed(DomainError):
    """A write to the content of a closed programme year (plc/programs/closing.py). Shown on
    the form like any refusal; one that surfaces outside a refusal block (at the request's
    commit) answers 409 with the same message, not a 500."""


def register(app) -> None:
    app.register_error_handler(HTTPException, _answer)

    @app.errorhandler(YearClosed)
    def year_closed(error: YearClosed):
        db.session.rollback()
        if request.path.startswith(JSON_PREFIX):
            return jsonify(error=error.message), 409
        return _render(409, error.message), 409

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return _answer(InternalServerError())


def _answer(error: HTTPException):
    """The JSON API's documented body under ``JSON_PREFIX``, the site's page elsewhere; with
    the exception's own headers (``Allow`` on a 405, the token challenge on the API's 401)."""
    code = error.code or 500
    headers = [(name, value) for name, value in error.get_headers()
               if name.lower() != "content-type"]
    if request.path.startswith(JSON_PREFIX):
        return jsonify(error=_json_message(error)), code, headers
    return _render(code, error.description if code in (400, 429) else None), code, headers


def _json_message(error: HTTPException) -> str:
    # The raiser's own words where it wrote some (the API's token hint); else the status's
    # name, not werkzeug's default text, which speaks of pages and spelling.
    written = error.description != type(error).description
    return error.description if written else error.name


def _render(code: int, detail: str | None):
    title = TITLES.get(code) or _("Error")
    return render_template("errors/error.html", code=code, title=title, detail=detail)


def show_on_form(form, error: DomainError) -> None:
    """Put a service's refusal next to the field it names, or at the top of the page."""
    if error.field and error.field in form:
        form[error.field].errors.append(error.message)
    else:
        flash(error.message, "error")
