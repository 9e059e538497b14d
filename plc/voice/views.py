"""Stakeholder voice: a leader's feedback rounds (open, invite, results, share, close, the
closing note, a step from the feedback), the respondents' pages (no account: the link is the
key), and a programme lead's counts.

Leader's handlers: load or 404 -> permissions.require(...) -> validate -> one service ->
flash and redirect. Respondents' handlers answer every refusal with a page in their language
(closed 410, used 410, throttled 429, full 409), never an error page.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from plc import i18n, permissions
from plc.assessments.queries import today_in
from plc.errors import DomainError
from plc.formtools import clean_text
from plc.plans.loading import visible_plan
from plc.plans.queries import author_cohort_ids
from plc.programs import queries as program_queries
from plc.unit_of_work import refusal_flashed, refusal_shown_on
from plc.voice import forms, qr, queries, services, throttle
from plc.voice.models import FeedbackRound
from plc.voice.words import LANGUAGE_NAMES, audience_name, long_date, pick_language, word

bp = Blueprint("voice", __name__)


def _limit() -> int:
    return queries.anonymity_threshold()


def _today(round_: FeedbackRound):
    return today_in(round_.plan.program.time_zone)


def _audience_name(audience) -> str:
    """An audience's name in the language of the page."""
    return audience_name(audience, i18n.page_language())


# --- the leader's pages -------------------------------------------------------------------


@bp.route("/plans/<int:plan_id>/voice", methods=["GET", "POST"])
@login_required
def plan_rounds(plan_id: int):
    plan, cohort_ids = visible_plan(plan_id)
    own = permissions.can_manage_round(current_user, plan)
    survey = queries.plan_survey(plan)
    form = forms.RoundForm()
    form.competency_ids.choices = [(c.id, f"{c.number}. {c.name}")
                                   for c in (survey.competencies if survey else ())]
    form.languages.choices = [(lang, LANGUAGE_NAMES[lang])
                              for lang in (survey.languages if survey else ("en",))]
    if request.method == "POST":
        permissions.require(own, 403)
        if form.validate_on_submit():
            values = services.RoundValues(
                competency_ids=form.competency_ids.data,
                audiences=[(kind, form.other_label.data or "") for kind in form.audiences.data],
                languages=form.languages.data, opens_on=form.opens_on.data,
                closes_on=form.closes_on.data)
            with refusal_shown_on(form):
                round_ = services.open_round(current_user, plan, survey, values,
                                             today_in(plan.program.time_zone))
                flash(_("Your feedback round is open: share its links."), "success")
                return redirect(url_for("voice.round_page", round_id=round_.id))
    elif not form.opens_on.data:
        form.opens_on.data = today_in(plan.program.time_zone)
        form.languages.data = list(survey.languages) if survey else ["en"]
    rounds = [r for r in queries.plan_rounds(plan.id)
              if permissions.can_view_round(current_user, r, plan, cohort_ids)]
    return render_template("voice/plan_rounds.html", title=_("Hear from your school community"),
                           plan=plan, own=own, rounds=rounds, form=form, survey=survey,
                           limit=_limit(),
                           today=today_in(plan.program.time_zone), program=plan.program)


def _visible_round(round_id: int) -> tuple[FeedbackRound, frozenset[int]]:
    round_ = queries.round_(round_id)
    permissions.require(round_ is not None)
    cohort_ids = author_cohort_ids(round_.plan)
    permissions.require(permissions.can_view_round(current_user, round_, round_.plan, cohort_ids))
    return round_, cohort_ids


def _managed_round(round_id: int) -> FeedbackRound:
    round_, _cohorts = _visible_round(round_id)
    permissions.require(permissions.can_manage_round(current_user, round_.plan), 403)
    return round_


@bp.get("/voice/rounds/<int:round_id>")
@login_required
def round_page(round_id: int):
    round_, _cohorts = _visible_round(round_id)
    own = permissions.can_manage_round(current_user, round_.plan)
    survey = queries.plan_survey(round_.plan)
    lang = i18n.page_language()
    counts, found = queries.round_results(round_, survey, _limit(), lang)
    context = {}
    if own:
        context = _owner_forms(round_)
        context["invitees"] = queries.invitee_counts([a.id for a in round_.audiences])
    return render_template(
        "voice/round.html", title=_("Feedback round"), round=round_, plan=round_.plan, own=own,
        counts=counts, results=found, limit=_limit(), survey=survey,
        closed=services.is_closed(round_, _today(round_)), audience_name=_audience_name,
        levels=[v for v, _w in survey.levels] if survey else [1, 2, 3, 4],
        level_words=(lambda v: survey.level_words(v, lang)) if survey else str,
        language_names=LANGUAGE_NAMES, program=round_.plan.program, **context)


def _owner_forms(round_: FeedbackRound, **given) -> dict:
    invite = given.get("invite_form") or forms.InviteForm(formdata=None)
    invite.audience_id.choices = [(a.id, _audience_name(a)) for a in round_.audiences]
    invite.language.choices = [(lang, LANGUAGE_NAMES[lang]) for lang in round_.languages]
    share = given.get("share_form") or forms.ShareForm(formdata=None,
                                                       visibility=round_.visibility)
    note = given.get("note_form") or forms.NoteForm(formdata=None, heard=round_.heard,
                                                    will_do=round_.will_do)
    step = given.get("step_form") or forms.StepForm(formdata=None)
    step.focus_area_id.choices = [(fa_id, change or _("Focus area"))
                                  for fa_id, _c, change in
                                  queries.plan_focus_areas(round_.plan_id)]
    return {"invite_form": invite, "share_form": share, "note_form": note, "step_form": step,
            "close_form": forms.PlainPostForm(formdata=None),
            "links": {a.id: url_for("voice.respond_open", token=a.token, _external=True)
                      for a in round_.audiences}}


@bp.post("/voice/rounds/<int:round_id>/invite")
@login_required
def invite(round_id: int):
    round_ = _managed_round(round_id)
    form = forms.InviteForm()
    form.audience_id.choices = [(a.id, _audience_name(a)) for a in round_.audiences]
    form.language.choices = [(lang, LANGUAGE_NAMES[lang]) for lang in round_.languages]
    if form.validate_on_submit():
        audience = next(a for a in round_.audiences if a.id == form.audience_id.data)
        with refusal_flashed():
            n = services.invite(current_user, round_, audience, form.addresses.data,
                                form.language.data, _today(round_))
            flash(ngettext("%(num)d invitation queued. The addresses are deleted when the round"
                           " closes.", "%(num)d invitations queued. The addresses are deleted"
                           " when the round closes.", n), "success")
    else:
        flash(_("Check the invitation form: %(errors)s", errors=_form_errors(form)), "error")
    return redirect(url_for("voice.round_page", round_id=round_id))


@bp.post("/voice/rounds/<int:round_id>/share")
@login_required
def share(round_id: int):
    round_ = _managed_round(round_id)
    form = forms.ShareForm()
    if form.validate_on_submit():
        with refusal_flashed():
            services.set_visibility(current_user, round_, form.visibility.data)
            flash(_("Who may see the summary is saved."), "success")
    else:
        flash(_("Choose who may see the summary."), "error")
    return redirect(url_for("voice.round_page", round_id=round_id))


@bp.post("/voice/rounds/<int:round_id>/close")
@login_required
def close(round_id: int):
    round_ = _managed_round(round_id)
    if forms.PlainPostForm().validate_on_submit():
        services.close_round(round_)
        flash(_("The round is closed; the invitees' addresses are deleted."), "success")
    return redirect(url_for("voice.round_page", round_id=round_id))


@bp.post("/voice/rounds/<int:round_id>/note")
@login_required
def note(round_id: int):
    round_ = _managed_round(round_id)
    form = forms.NoteForm()
    if form.validate_on_submit():
        with refusal_flashed():
            services.publish_note(current_user, round_, form.heard.data or "",
                                  form.will_do.data or "", _today(round_))
            flash(_("Your note is published at the round's links."), "success")
    else:
        flash(_("Check the note: %(errors)s", errors=_form_errors(form)), "error")
    return redirect(url_for("voice.round_page", round_id=round_id))


@bp.post("/voice/rounds/<int:round_id>/step")
@login_required
def add_step(round_id: int):
    round_ = _managed_round(round_id)
    form = forms.StepForm()
    form.focus_area_id.choices = [(fa_id, change) for fa_id, _c, change in
                                  queries.plan_focus_areas(round_.plan_id)]
    if form.validate_on_submit():
        with refusal_flashed():
            services.add_step(current_user, round_, form.focus_area_id.data, form.text.data,
                              form.due_on.data)
            flash(_("The step is added to your plan."), "success")
    else:
        flash(_("Check the step: %(errors)s", errors=_form_errors(form)), "error")
    return redirect(url_for("voice.round_page", round_id=round_id))


@bp.get("/voice/rounds/<int:round_id>/flyer/<int:audience_id>")
@login_required
def flyer(round_id: int, audience_id: int):
    round_ = _managed_round(round_id)
    audience = next((a for a in round_.audiences if a.id == audience_id), None)
    permissions.require(audience is not None)
    lang = pick_language(request.args.get("lang"), round_.languages, None)
    i18n.use_language(lang)  # the flyer speaks its audience's language, not its printer's
    link = url_for("voice.respond_open", token=audience.token, lang=lang, _external=True)
    return render_template("voice/flyer.html", title=word("title", lang), lang=lang,
                           round=round_, audience=audience, link=link,
                           qr_svg=qr.svg(link, word("flyer_qr", lang)),
                           name=round_.plan.user.name, word=word, long_date=long_date,
                           audience_name=audience_name(audience, lang))


@bp.get("/programs/<int:program_id>/voice")
@login_required
def program_counts(program_id: int):
    program = program_queries.program(program_id)
    permissions.require(program is not None)
    permissions.require(permissions.can_view_voice_counts(current_user, program))
    rounds, per_kind = queries.program_counts(program.id)
    return render_template("voice/program_counts.html", title=_("Stakeholder voice: counts"),
                           program=program, rounds=rounds, per_kind=per_kind, word=word)


# --- the respondents' pages ---------------------------------------------------------------


@bp.route("/v/<token>", methods=["GET", "POST"])
def respond_open(token: str):
    audience = queries.audience_by_token(token)
    return _respond(audience, token, invitee=None)


@bp.get("/v/thanks")
def thanks():
    """Where a response lands (after the redirect): it names no round and no link."""
    lang = pick_language(request.args.get("lang"), ["en", "es"], request.accept_languages)
    return _message(lang, "thanks_title", word("thanks", lang), 200)


@bp.route("/v/i/<token>", methods=["GET", "POST"])
def respond_invited(token: str):
    invitee = services.invitee_for(token)
    audience = queries.audience(invitee.audience_id) if invitee else None
    if audience is None:
        lang = pick_language(request.args.get("lang"), ["en", "es"], request.accept_languages)
        return _message(lang, "used_title", word("used", lang), 410)
    return _respond(audience, token, invitee=invitee)


def _message(lang: str, title_key: str, text: str, status: int, round_=None, name=""):
    i18n.use_language(lang)
    return render_template("voice/message.html", lang=lang, title=word(title_key, lang),
                           text=text, word=word, round=round_, name=name,
                           switch=None), status


def _form_errors(form) -> str:
    return "; ".join(e for errors in form.errors.values() for e in errors)


def _respond(audience, token: str, invitee):
    if audience is None:
        lang = pick_language(request.args.get("lang"), ["en", "es"], request.accept_languages)
        return _message(lang, "closed_title", word("used", lang), 404)
    round_ = audience.round
    lang = pick_language(request.args.get("lang"), round_.languages, request.accept_languages)
    i18n.use_language(lang)  # the link's language, its switcher, the browser's
    name = round_.plan.user.name
    today = _today(round_)
    if services.is_closed(round_, today):
        if round_.heard or round_.will_do:
            return render_template("voice/note.html", lang=lang, title=word("note_title", lang),
                                   round=round_, name=name, word=word,
                                   switch=_switch(round_, lang))
        return _message(lang, "closed_title",
                        word("closed", lang, date=long_date(round_.closes_on, lang)), 410)
    if today < round_.opens_on:
        return _message(lang, "not_open_title",
                        word("not_open", lang, date=long_date(round_.opens_on, lang)), 403)
    survey = queries.plan_survey(round_.plan)
    competencies = [c for c in survey.competencies if c.id in round_.competency_ids]
    form = forms.AnswerForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            error = word("bad_form", lang)
        elif invitee is None and not throttle.allowed(
                throttle.client_key(current_app.secret_key, request.remote_addr, round_.id),
                current_app.config["VOICE_THROTTLE_PER_HOUR"]):
            return _message(lang, "busy_title", word("busy", lang), 429)
        else:
            answers, comments = _posted_answers(competencies)
            refusals: list[DomainError] = []
            # A refusal (a closed year's among them) rolls the request back and is shown.
            with refusal_shown_on(form, show=lambda _form, refused: refusals.append(refused)):
                services.respond(audience, survey, lang, answers, comments, today,
                                 current_app.config["VOICE_ROUND_CAP"], invitee)
                return redirect(url_for("voice.thanks", lang=lang))
            error = refusals[0].message
            if error == word("full", lang):
                return _message(lang, "full_title", error, 409)
    title = f"{word('title', lang)} · {audience_name(audience, lang)}"
    return render_template("voice/respond.html", lang=lang, title=title,
                           round=round_, audience=audience,
                           audience_name=audience_name(audience, lang), name=name,
                           competencies=competencies, survey=survey, form=form, error=error,
                           word=word, limit=_limit(), switch=_switch(round_, lang),
                           posted=request.form if request.method == "POST" else {}), (
                               400 if error else 200)


def _switch(round_: FeedbackRound, lang: str) -> list[tuple[str, str, str]]:
    """(language, its name, the page's address in it) for the other languages."""
    return [(code, LANGUAGE_NAMES[code], url_for(request.endpoint, token=request.view_args[
        "token"], lang=code)) for code in round_.languages if code != lang]


def _posted_answers(competencies) -> tuple[dict, dict]:
    answers, comments = {}, {}
    for competency in competencies:
        for i in range(len(competency.statements)):
            raw = request.form.get(f"a-{competency.id}-{i}", "")
            if raw.isdigit() and len(raw) < 3:
                answers[(competency.id, i)] = int(raw)
        text = request.form.get(f"open-{competency.id}", "")
        if text:
            comments[competency.id] = clean_text(text)
    return answers, comments
