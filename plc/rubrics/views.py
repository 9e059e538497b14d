"""Framework pages: the rubric for everyone signed in; list, upload and export for site admins.

Every handler: load or 404 -> permissions.require -> form -> service -> flash and redirect
(the request commits once, plc/unit_of_work.py).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from plc import permissions
from plc.rubrics import forms, queries, schema, services
from plc.unit_of_work import refusal_shown_on

bp = Blueprint("rubrics", __name__)


@bp.get("/frameworks/<int:framework_id>")
@login_required
def rubric(framework_id: int):
    found = queries.rubric(framework_id)
    permissions.require(found is not None
                        and permissions.can_view_framework(current_user, found.framework))
    return render_template("rubrics/rubric.html", title=found.framework.label, rubric=found)


# --- site admins --------------------------------------------------------------------------


@bp.get("/admin/frameworks")
@login_required
def manage():
    permissions.require(permissions.can_manage_frameworks(current_user))
    return render_template("rubrics/manage.html", title="Frameworks",
                           frameworks=queries.all_frameworks())


@bp.route("/admin/frameworks/upload", methods=["GET", "POST"])
@login_required
def upload():
    """Invalid files are refused with every problem listed; nothing is saved."""
    permissions.require(permissions.can_manage_frameworks(current_user))
    form = forms.FrameworkUploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        data, problems = _read_upload(form.file.data)
        if not problems:
            with refusal_shown_on(problems, show=_listed):
                framework, outcome = services.upload_framework(current_user, data)
                flash(services.describe(framework, outcome), "success")
                return redirect(url_for("rubrics.manage"))
    return render_template("rubrics/upload.html", title="Import a framework", form=form,
                           problems=problems, cancel_url=url_for("rubrics.manage"))


def _listed(problems: list[str], error) -> None:
    problems.append(error.message)


def _read_upload(storage) -> tuple[dict | None, list[str]]:
    raw = storage.read(forms.MAX_BYTES + 1)
    if len(raw) > forms.MAX_BYTES:
        return None, [f"The file is larger than {forms.MAX_BYTES // 1000} kB."]
    try:
        data = schema.load(raw.decode("utf-8-sig"), storage.filename or "")
    except UnicodeDecodeError:
        return None, ["The file is not UTF-8 text."]
    except schema.FrameworkFileError as exc:
        return None, [str(exc)]
    return data, schema.validate(data)


@bp.get("/admin/frameworks/<int:framework_id>/export.<fmt>")
@login_required
def export(framework_id: int, fmt: str):
    permissions.require(permissions.can_manage_frameworks(current_user))
    framework = queries.full_framework(framework_id)
    if framework is None or fmt not in schema.FORMATS:
        abort(404)
    text = services.dump(services.export_framework(framework), fmt)
    mimetype = "application/json" if fmt == "json" else "application/yaml"
    filename = services.export_filename(framework, fmt)
    return current_app.response_class(
        text, mimetype=f"{mimetype}; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
