"""My data: the page that asks for an export of everything of mine, shows its progress, and
offers the download; the download itself (its owner only). The site admin's erasure pages are
in plc/admin/views.py (they call plc.privacy.services.erase_person).

Every handler: load or 404 -> permissions.require(...) -> validate the form -> one service ->
flash and redirect (the request commits once, plc/unit_of_work.py).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from plc import permissions
from plc.privacy import exports, forms, queries, services
from plc.unit_of_work import refusal_flashed

bp = Blueprint("privacy", __name__)


@bp.route("/account/my-data", methods=["GET", "POST"])
@login_required
def my_data():
    permissions.require(permissions.can_export_own_data(current_user))
    form = forms.ExportForm()
    if form.validate_on_submit():
        with refusal_flashed():
            export = services.request_export(current_user)
            flash(_("Your export is being prepared. This page shows its progress."), "success")
            return exports.build_after_response(redirect(url_for("privacy.my_data")),
                                                export.id)
        return redirect(url_for("privacy.my_data"))
    latest = queries.latest_export(current_user.id)
    return render_template(
        "privacy/my_data.html", title=_("My data"), form=form, export=latest,
        downloadable=permissions.can_download_export(current_user, latest),
        parts=exports.PARTS,
    )


@bp.get("/account/my-data/exports/<int:export_id>/download")
@login_required
def download(export_id: int):
    export = queries.export(export_id)
    permissions.require(permissions.can_download_export(current_user, export))
    path = exports.export_path(export.file_name)
    permissions.require(path.is_file())
    day = export.finished_at.date().isoformat()
    return send_file(path, mimetype="application/zip", as_attachment=True,
                     download_name=f"plc-my-data-{day}.zip", max_age=0)
