"""One unit of work per request, and each job's own transaction.

A request's view runs inside ``run``: what it wrote is committed once, after the view has
returned, and rolled back if anything raises, the commit included (the error page then says
that nothing was saved, and the messages the request flashed are withdrawn). A GET only reads:
its transaction is rolled back, never committed. So views never commit; they call services,
which flush, and return. Mail queued in the request goes out after the commit (the outbox
delivers it after the request, plc/mail/outbox.py), never for a request that failed.

A service's refusal (``DomainError``) is shown where the view says: ``refusal_shown_on(form)``
puts it on the form the view renders again, ``refusal_flashed()`` flashes it. Either rolls back
at once what the request wrote, so that what is shown next reads the database as it is. The
view keeps its success path inside the ``with`` block and its refused path after it::

    if form.validate_on_submit():
        with refusal_shown_on(form):
            cohort = services.create_cohort(current_user, program, ...)
            flash("The cohort is created.", "success")
            return redirect(url_for("programs.cohort", cohort_id=cohort.id))
    return render_template("programs/cohort_form.html", form=form, ...)

The write kept although the request is refused is asked for by name, where it happens:
``keep_writes=True`` (a failed sign-in or a wrong second-factor code, which the throttles
count). The writes a GET makes are few and named: a session's "last seen" stamp, at most every
few minutes (plc/accounts/sessions.py), and the reading record, who opened someone else's
worksheet or plan, once a day (plc/privacy/services.py). Both go through ``write_beside``: on a
GET, in a short transaction of its own; on a write request, with the request's own work.

Jobs (CLI commands, reminders, digests, the outbox) run outside requests and own their
transactions: each is a ``job_transaction()`` block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

from flask import (
    Flask,
    current_app,
    flash,
    g,
    has_request_context,
    message_flashed,
    request,
    session,
)
from werkzeug.exceptions import HTTPException

from plc.errors import DomainError, show_on_form
from plc.extensions import db

READ_ONLY_METHODS = ("GET", "HEAD", "OPTIONS")
# How many messages the session held before this request flashed its first one.
_FLASHES_BEFORE = "plc_flashes_before_request"


class UnitOfWorkFlask(Flask):
    """Flask, with every view run as its request's unit of work."""

    def dispatch_request(self):
        return run(super().dispatch_request)


def init_app(app: Flask) -> None:
    message_flashed.connect(_note_first_flash, app)


def is_read_only_request() -> bool:
    """GET pages only read (a tested rule): they commit nothing and need no write lock. The
    one exception is named by ``writes_on_get``."""
    if not (has_request_context() and request.method in READ_ONLY_METHODS):
        return False
    view = current_app.view_functions.get(request.endpoint)
    return not getattr(view, "writes_on_get", False)


def writes_on_get(view):
    """The GET that must write: a district's identity provider sends the browser back with a
    redirect (a GET; a cross-site POST would come without the SameSite=Lax session cookie), and
    that request links the account, opens the session or counts the failed sign-in. It writes
    only for a sign-in this browser started (plc/accounts/views.py:district_callback)."""
    view.writes_on_get = True
    return view


def run(view: Callable[[], object]) -> object:
    """Run the request's view as one unit of work: commit what it wrote once it has returned
    (or roll back a read-only request), roll everything back if anything raises."""
    try:
        response = view()
        if is_read_only_request():
            db.session.rollback()
        else:
            db.session.commit()
    except HTTPException:
        _end_refused(roll_back=not is_read_only_request())
        raise
    except BaseException:
        _end_refused()
        raise
    return response


def _end_refused(roll_back: bool = True) -> None:
    """A GET refused with a 404 or 403 wrote nothing and its transaction is sound: it ends when
    the request does, so that the error page still has the person it shows in the navigation
    (a rollback here would make it read them again)."""
    if roll_back:
        db.session.rollback()
    _withdraw_flashes()


def _note_first_flash(_app, **_message) -> None:
    g.setdefault(_FLASHES_BEFORE, len(session.get("_flashes", ())) - 1)


def _withdraw_flashes() -> None:
    """A failed request flashes nothing: no "saved" above an error page that says it was not."""
    before = g.pop(_FLASHES_BEFORE, None)
    if before is not None and "_flashes" in session:
        session["_flashes"] = session["_flashes"][:before]


def write_beside(statement) -> None:
    """The one way a GET writes: ``statement`` (an idempotent UPDATE or insert-or-ignore) is
    committed at once in a short transaction of its own, while the GET's own transaction is
    rolled back as always. In a write request it simply joins the request's unit of work (which
    holds the write lock already, and commits or rolls back with it)."""
    if is_read_only_request():
        with db.engine.begin() as connection:
            connection.execute(statement)
    else:
        db.session.execute(statement)


# --- refusals ------------------------------------------------------------------------------


@dataclass
class Refusal:
    """What the block's service refused, for a view that shows more than the message."""

    error: DomainError | None = None


@contextmanager
def refusal_shown_on(form, show: Callable = show_on_form,
                     keep_writes: bool = False) -> Iterator[Refusal]:
    """A ``DomainError`` raised in the block rolls the request's writes back and is shown on
    ``form`` by ``show(form, error)`` (by default next to the field it names, else at the top
    of the page; a view with its own way passes ``show`` and whatever it shows on); the view
    goes on after the block and renders the form again.

    ``keep_writes=True`` is the rare opt-in that commits what was written although the
    request is refused (a failed sign-in is counted, else guessing would never be throttled).
    """
    refusal = Refusal()
    try:
        yield refusal
    except DomainError as error:
        if keep_writes:
            db.session.commit()
        else:
            db.session.rollback()
        refusal.error = error
        show(form, error)


def refusal_flashed() -> AbstractContextManager[Refusal]:
    """A ``DomainError`` raised in the block rolls the request's writes back and is flashed;
    the view goes on after the block (usually back to the page the button was on)."""
    return refusal_shown_on(None, show=_flash_refusal)


def _flash_refusal(_form, error: DomainError) -> None:
    flash(error.message, "error")


# --- jobs ----------------------------------------------------------------------------------


@contextmanager
def job_transaction() -> Iterator[None]:
    """A job's own transaction (a CLI command, a cron job, the outbox): what the block writes
    is committed when it ends, and rolled back if it raises."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
