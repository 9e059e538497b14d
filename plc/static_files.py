"""Static files (ours and Bootstrap-Flask's) kept by browsers for a year.

Every URL ``url_for`` builds for a static file carries a digest of the file's content
(``?v=...``), so a changed file is a new URL and a year-long ``Cache-Control`` is safe: a page
load asks the server for its stylesheets and scripts once, not again on every page (without it
each page revalidated six files). A request without the digest, or with an old one, is answered
as before: revalidated on each use.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from flask import Flask, current_app, request

ONE_YEAR = 365 * 24 * 3600


def register(app: Flask) -> None:
    @app.url_defaults
    def add_digest(endpoint: str, values: dict) -> None:
        folder = _folder(endpoint)
        if folder and "filename" in values and "v" not in values:
            digest = file_digest(folder, values["filename"])
            if digest:
                values["v"] = digest

    @app.after_request
    def cache_for_a_year(response):
        folder = _folder(request.endpoint)
        if (folder and response.status_code in (200, 304) and request.args.get("v")
                and request.args["v"] == file_digest(folder, request.view_args["filename"])):
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.public = True
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        return response


def _folder(endpoint: str | None) -> str | None:
    if endpoint == "static":
        return current_app.static_folder
    if endpoint and endpoint.endswith(".static"):
        blueprint = current_app.blueprints.get(endpoint.rsplit(".", 1)[0])
        return blueprint.static_folder if blueprint else None
    return None


def file_digest(folder: str, filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, read again when the file changes."""
    path = os.path.join(folder, filename)
    try:
        changed = os.stat(path).st_mtime_ns
    except OSError:
        return None
    return _digest(path, changed)


@lru_cache(maxsize=256)
def _digest(path: str, _changed: int) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:12]
