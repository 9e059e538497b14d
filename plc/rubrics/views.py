"""Framework pages: the rubric for everyone signed in; list, upload and export for site admins.

Every handler: load or 404 -> permissions.require -> form -> service -> flash and redirect
(the request commits once, plc/unit_of_work.py).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from plc import permissions
from plc.assessments import forms as assessment_forms
from plc.programs import services as program_services
from plc.rubrics import editor, forms, preview, queries, schema, services
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
    return render_template("rubrics/manage.html", title=_("Frameworks"),
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
    return render_template("rubrics/upload.html", title=_("Import a framework"), form=form,
                           problems=problems, cancel_url=url_for("rubrics.manage"))


def _listed(problems: list[str], error) -> None:
    problems.append(error.message)


def _read_upload(storage) -> tuple[dict | None, list[str]]:
    raw = storage.read(forms.MAX_BYTES + 1)
    if len(raw) > forms.MAX_BYTES:
        return None, [_("The file is larger than %(size)s kB.", size=forms.MAX_BYTES // 1000)]
    try:
        data = schema.load(raw.decode("utf-8-sig"), storage.filename or "")
    except UnicodeDecodeError:
        return None, [_("The file is not UTF-8 text.")]
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


# --- the editor: site admins and program leads ---------------------------------------------


def _authoring():
    permissions.require(permissions.can_author_frameworks(current_user))
    return permissions.editable_program_ids(current_user)


def _draft(draft_id: int):
    found = queries.draft(draft_id)
    permissions.require(found is not None and permissions.can_edit_draft(current_user, found))
    return found


@bp.get("/frameworks/editor")
@login_required
def drafts():
    """The drafts the user edits, and the published frameworks they may start a version of."""
    program_ids = _authoring()
    offering = queries.offering_by_key()
    editable = [f for f in queries.all_frameworks()
                if permissions.can_edit_framework(current_user, offering.get(f.key, frozenset()))]
    return render_template("rubrics/drafts.html", title=_("Framework editor"),
                           drafts=queries.drafts(program_ids), frameworks=editable)


@bp.route("/frameworks/editor/new", methods=["GET", "POST"])
@login_required
def new_draft():
    program_ids = _authoring()
    programs = queries.editable_programs(program_ids)
    choices = [(p.id, p.name) for p in programs]
    if program_ids is None:
        choices.insert(0, (0, _("None: a site-wide framework")))
    form = forms.StartDraftForm(programs=choices, frameworks=[
        (f.id, f.label) for f in queries.all_frameworks()])
    problems: list[str] = []
    if form.validate_on_submit():
        program_id = form.program_id.data or None
        if program_id not in {value or None for value, _label in choices}:
            abort(404)
        data, base = None, None
        if form.start.data == "copy":
            base = queries.full_framework(form.copy_of.data)
            if base is None:
                abort(404)
            data = services.export_framework(base)
        elif form.start.data == "upload":
            if not form.file.data:
                problems = [_("Choose a YAML or JSON file.")]
            else:
                data, problems = _read_upload(form.file.data)
                problems = [] if data is not None else problems  # drafts may be invalid
        if not problems:
            draft = services.start_draft(current_user, program_id=program_id, data=data,
                                         base=base)
            flash(_("The draft is saved. Only its editors see it until it is published."),
                  "success")
            return redirect(url_for("rubrics.edit_draft", draft_id=draft.id))
    return render_template("rubrics/new_draft.html", title=_("New framework"), form=form,
                           problems=problems, cancel_url=url_for("rubrics.drafts"))


@bp.post("/frameworks/<int:framework_id>/new-version")
@login_required
def new_version(framework_id: int):
    """Editing a published framework: a new draft copying it (the published one is frozen)."""
    framework = queries.full_framework(framework_id)
    offering = queries.programs_offering(framework.key) if framework else frozenset()
    permissions.require(framework is not None
                        and permissions.can_edit_framework(current_user, offering))
    led = permissions.editable_program_ids(current_user)
    program_id = None if led is None else min(led & offering)
    draft = services.start_draft(current_user, program_id=program_id,
                                 data=services.export_framework(framework), base=framework)
    flash(_("A draft of %(label)s is open: publish it to make the change.",
            label=framework.label), "success")
    return redirect(url_for("rubrics.edit_draft", draft_id=draft.id))


@bp.route("/frameworks/editor/<int:draft_id>", methods=["GET", "POST"])
@login_required
def edit_draft(draft_id: int):
    """One form for the whole draft; each button saves it and does what it says."""
    draft = _draft(draft_id)
    form = forms.DraftForm()
    problems: list[str] = []
    status = 200
    if form.validate_on_submit() and "name" in request.form:  # a post without the form: no-op
        problems = editor.too_long(request.form)
        if problems:  # nothing saved
            return _editor_page(draft, form, problems,
                                problems_intro=_("Not saved: some fields are too long.")), 422
        action = request.form.get("action", "save")
        data = editor.apply(editor.read(request.form), action)
        services.save_draft(current_user, draft, data)
        if action == "publish":
            problems = [editor.in_words(p, draft.data) for p in services.draft_problems(draft)]
            if not problems:
                return _publish(draft)
            status = 422
        if action == "preview":
            return redirect(url_for("rubrics.preview_draft", draft_id=draft.id))
        if action != "publish":
            if action == "save":
                flash(_("The draft is saved."), "success")
            focus = editor.focus_after(action, data)
            return redirect(url_for("rubrics.edit_draft", draft_id=draft.id, focus=focus)
                            + (f"#{focus}" if focus else ""))
    return _editor_page(draft, form, problems, focus=request.args.get("focus")), status


def _editor_page(draft, form, problems: list[str], focus: str | None = None,
                 problems_intro: str | None = None) -> str:
    return render_template(
        "rubrics/editor.html", title=_("Edit: %(name)s", name=draft.name), form=form,
        draft=draft, data=editor.loaded(draft.data), problems=problems, focus=focus,
        problems_intro=problems_intro, min_levels=editor.MIN_LEVELS,
        max_levels=editor.MAX_LEVELS, survey_item=editor.survey_item,
        language_names=editor.LANGUAGE_NAMES, survey_languages=schema.SURVEY_LANGUAGES)


def _publish(draft):
    program_id = draft.program_id
    key = str(draft.data.get("key", ""))
    may_use_key = permissions.can_edit_framework(current_user, queries.programs_offering(key))
    # A version other programmes offer is replaced in place by site admins only (a typo fix
    # before anyone rates); a lead's change to it makes the next version.
    newest = queries.newest_version(key)
    may_replace = newest is None or permissions.can_edit_framework_everywhere(
        current_user, queries.programs_offering_version(newest.id))
    problems: list[str] = []
    with refusal_shown_on(problems, show=_listed):
        framework, outcome = services.publish_draft(current_user, draft, may_use_key=may_use_key,
                                                    may_replace=may_replace)
        if program_id is not None:
            program_services.offer_framework(current_user, program_id, framework)
        flash(services.describe(framework, outcome, published=True), "success")
        return redirect(url_for("rubrics.rubric", framework_id=framework.id))
    return _editor_page(draft, forms.DraftForm(), problems), 422


@bp.get("/frameworks/editor/<int:draft_id>/preview")
@login_required
def preview_draft(draft_id: int):
    """The draft as the rubric page shows it (the same template), as far as it is complete."""
    draft = _draft(draft_id)
    data = editor.loaded(draft.data)
    return render_template("rubrics/preview.html", title=_("Preview: %(name)s", name=draft.name),
                           draft=draft, rubric=preview.rubric(data), data=data,
                           survey_item=editor.survey_item,
                           language_names=editor.LANGUAGE_NAMES)


@bp.get("/frameworks/editor/<int:draft_id>/preview/worksheet")
@login_required
def preview_worksheet(draft_id: int):
    """The draft as a member's worksheet will show it (the worksheet's own template), its
    buttons disabled."""
    draft = _draft(draft_id)
    data = editor.loaded(draft.data)
    sheet = preview.sheet(data)
    return render_template(
        "assessments/worksheet.html", title=_("Worksheet preview: %(name)s", name=draft.name),
        form=assessment_forms.worksheet_form(sheet, data={"version": 0}), sheet=sheet,
        checkpoint=preview.PreviewCheckpoint(),
        program=preview.PreviewProgram(_("Preview of the draft %(name)s", name=draft.name)),
        assessment=None, previous={}, previous_name=None, readers=None,
        preview=url_for("rubrics.preview_worksheet", draft_id=draft.id))


@bp.post("/frameworks/editor/<int:draft_id>/delete")
@login_required
def delete_draft(draft_id: int):
    draft = _draft(draft_id)
    services.delete_draft(current_user, draft)
    flash(_("The draft is deleted."), "success")
    return redirect(url_for("rubrics.drafts"))
