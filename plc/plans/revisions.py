"""A plan's content as a plain snapshot (what a PlanRevision keeps), and the differences
between two snapshots said in words ("Step 'Observe two classes': in progress -> done").

Pure functions: no database, so the rules of "what changed" are easy to test and to read.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

from flask_babel import gettext as _

from plc.assessments.queries import Sheet
from plc.i18n import N_
from plc.plans.models import (
    DONE,
    DRAFT,
    DROPPED,
    FACILITATORS_ONLY,
    IN_PROGRESS,
    NOT_STARTED,
    SHARED_WITH_COHORT,
    STRUCTURAL,
    WILL,
)

# Words marked N_ (plc/i18n.py) and translated where a sentence is made of them.
STATUS_LABELS = {NOT_STARTED: N_("not started"), IN_PROGRESS: N_("in progress"),
                 DONE: N_("done"), DROPPED: N_("dropped")}
BARRIER_LABELS = {"skill": N_("skill"), WILL: N_("will"),
                  STRUCTURAL: N_("structural / environmental")}
VISIBILITY_LABELS = {DRAFT: N_("draft (only the author)"),
                     SHARED_WITH_COHORT: N_("shared with the cohort"),
                     FACILITATORS_ONLY: N_("the cohort's facilitators only")}
# The focus area's own fields, in the order the page shows them, with their names in words.
FIELD_LABELS = {
    "competency": N_("competency"),
    "change": N_("the change I want to make"),
    "current": N_("current rating"),
    "target": N_("target rating"),
    "support_formal_learning": N_("support: formal learning"),
    "support_practice": N_("support: opportunities for practice"),
    "support_reflection": N_("support: opportunities for reflection"),
    "support_other": N_("support: other"),
    "evidence": N_("how I will know"),
}
TEXT_FIELDS = ("change", "support_formal_learning", "support_practice", "support_reflection",
               "support_other", "evidence")


def level_label(sheet: Sheet, level_id: int | None) -> str:
    level = sheet.level(level_id)
    return f"{level.value} {level.label}" if level else ""


def competency_title(sheet: Sheet, competency_id: int | None) -> str:
    found = next((c for c in sheet.competencies if c.id == competency_id), None)
    return found.title if found else ""


def snapshot(visibility: str, focus_areas, sheet: Sheet) -> dict:
    """The plan's content in plain values (labels, not ids, so old revisions still read well
    after the rubric changes)."""
    return {
        "visibility": visibility,
        "focus_areas": [
            {
                "position": fa.position,
                "competency": competency_title(sheet, fa.competency_id),
                "current": level_label(sheet, fa.current_level_id),
                "target": level_label(sheet, fa.target_level_id),
                **{name: getattr(fa, name) or "" for name in TEXT_FIELDS},
                "barriers": [{"kind": b.kind, "text": b.text}
                             for b in sorted(fa.barriers, key=lambda b: b.position)],
                "steps": [{"id": s.id, "text": s.text, "status": s.status,
                           "due_on": s.due_on.isoformat() if s.due_on else None}
                          for s in sorted(fa.steps, key=lambda s: s.position)],
            }
            for fa in sorted(focus_areas, key=lambda fa: fa.position)
        ],
    }


def dumps(data: dict) -> str:
    return json.dumps(data, sort_keys=True)


def loads(text: str | None) -> dict:
    return json.loads(text) if text else {"visibility": DRAFT, "focus_areas": []}


# --- what changed ------------------------------------------------------------------------


def differences(before: dict, after: dict) -> list[str]:
    """Every difference from ``before`` to ``after``, one sentence each."""
    found = []
    if before.get("visibility") != after.get("visibility"):
        found.append(_("Who can see it: %(before)s -> %(after)s", before=_visibility(before),
                       after=_visibility(after)))
    old = {fa["position"]: fa for fa in before.get("focus_areas", [])}
    new = {fa["position"]: fa for fa in after.get("focus_areas", [])}
    for position in sorted(old.keys() | new.keys()):
        name = _("Focus area %(position)s", position=position)
        if position not in old:
            found.append(_("%(name)s added: %(focus)s", name=name,
                           focus=_focus_name(new[position])))
            found.extend(_focus_differences(name, _empty_focus(), new[position]))
        elif position not in new:
            found.append(_("%(name)s removed: %(focus)s", name=name,
                           focus=_focus_name(old[position])))
        else:
            found.extend(_focus_differences(name, old[position], new[position]))
    return found


def _visibility(data: dict) -> str:
    return _(VISIBILITY_LABELS.get(data.get("visibility"), N_("not yet started")))


def _focus_name(fa: dict) -> str:
    return fa.get("competency") or _quote(fa.get("change", "")) or _("(untitled)")


def _empty_focus() -> dict:
    return {name: "" for name in FIELD_LABELS} | {"barriers": [], "steps": []}


def _quote(text: str, limit: int = 80) -> str:
    if not text:
        return ""
    return f"'{text if len(text) <= limit else text[:limit - 1] + '…'}'"


def _focus_differences(name: str, old: dict, new: dict) -> list[str]:
    found = []
    for key, label in FIELD_LABELS.items():
        before, after = old.get(key) or "", new.get(key) or ""
        if before != after:
            found.append(_("%(name)s, %(field)s: %(before)s -> %(after)s", name=name,
                           field=_(label), before=_quote(before) or _("(empty)"),
                           after=_quote(after) or _("(empty)")))
    found.extend(_barrier_differences(name, old.get("barriers", []), new.get("barriers", [])))
    found.extend(_step_differences(name, old.get("steps", []), new.get("steps", [])))
    return found


def _barrier_differences(name: str, old: list[dict], new: list[dict]) -> list[str]:
    before = Counter((b["kind"], b["text"]) for b in old)
    after = Counter((b["kind"], b["text"]) for b in new)
    return (
        [_("%(name)s: barrier added (%(kind)s): %(text)s", name=name,
           kind=_(BARRIER_LABELS.get(k, k)), text=_quote(t))
         for k, t in (after - before).elements()]
        + [_("%(name)s: barrier removed (%(kind)s): %(text)s", name=name,
             kind=_(BARRIER_LABELS.get(k, k)), text=_quote(t))
           for k, t in (before - after).elements()]
    )


def _step_differences(name: str, old: list[dict], new: list[dict]) -> list[str]:
    found = []
    old_by_id = {s["id"]: s for s in old if s.get("id") is not None}
    matched = set()
    for step in new:
        previous = old_by_id.get(step.get("id"))
        if previous is None:
            found.append(
                _("%(name)s: step added: %(text)s, due %(day)s", name=name,
                  text=_quote(step["text"]), day=_day(step["due_on"])) if step.get("due_on")
                else _("%(name)s: step added: %(text)s", name=name, text=_quote(step["text"])))
            continue
        matched.add(step["id"])
        found.extend(_one_step_differences(previous, step))
    for step in old:
        if step.get("id") not in matched:
            found.append(_("%(name)s: step removed: %(text)s", name=name,
                           text=_quote(step["text"])))
    return found


def _one_step_differences(old: dict, new: dict) -> list[str]:
    found = []
    if old["text"] != new["text"]:
        found.append(_("Step %(old)s reworded: %(new)s", old=_quote(old["text"]),
                       new=_quote(new["text"])))
    if old["status"] != new["status"]:
        found.append(_("Step %(text)s: %(before)s -> %(after)s", text=_quote(new["text"]),
                       before=status_label(old["status"]), after=status_label(new["status"])))
    if old.get("due_on") != new.get("due_on"):
        found.append(_("Step %(text)s: due %(before)s -> %(after)s", text=_quote(new["text"]),
                       before=_day(old.get("due_on")), after=_day(new.get("due_on"))))
    return found


def _day(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%b %-d, %Y") if iso else _("(no date)")


def status_label(status: str) -> str:
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


# --- what a progress update changed -------------------------------------------------------


def step_change(focus_position: int, text: str, before: str, after: str) -> dict:
    return {"kind": "step", "focus": focus_position, "text": text, "before": before,
            "after": after}


def rating_change(focus_position: int, competency: str, before: str, after: str) -> dict:
    return {"kind": "rating", "focus": focus_position, "competency": competency,
            "before": before, "after": after}


def describe_update_changes(update) -> list[str]:
    """What a progress update changed on the plan, one sentence each (a template global)."""
    return [describe_update_change(change) for change in update.recorded_changes]


def describe_update_change(change: dict) -> str:
    if change.get("kind") == "step":
        return _("Step %(text)s: %(before)s -> %(after)s", text=_quote(change["text"]),
                 before=status_label(change["before"]), after=status_label(change["after"]))
    what = change.get("competency") or _("focus area %(position)s", position=change.get("focus"))
    return _("Current rating on %(what)s: %(before)s -> %(after)s", what=what,
             before=change.get("before") or _("(none)"), after=change.get("after") or _("(none)"))
