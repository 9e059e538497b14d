"""A plan's content as a plain snapshot (what a PlanRevision keeps), and the differences
between two snapshots said in words ("Step 'Observe two classes': in progress -> done").

Pure functions: no database, so the rules of "what changed" are easy to test and to read.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

from plc.assessments.queries import Sheet
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

STATUS_LABELS = {NOT_STARTED: "not started", IN_PROGRESS: "in progress", DONE: "done",
                 DROPPED: "dropped"}
BARRIER_LABELS = {"skill": "skill", WILL: "will", STRUCTURAL: "structural / environmental"}
VISIBILITY_LABELS = {DRAFT: "draft (only the author)",
                     SHARED_WITH_COHORT: "shared with the cohort",
                     FACILITATORS_ONLY: "the cohort's facilitators only"}
# The focus area's own fields, in the order the page shows them, with their names in words.
FIELD_LABELS = {
    "competency": "competency",
    "change": "the change I want to make",
    "current": "current rating",
    "target": "target rating",
    "support_formal_learning": "support: formal learning",
    "support_practice": "support: opportunities for practice",
    "support_reflection": "support: opportunities for reflection",
    "support_other": "support: other",
    "evidence": "how I will know",
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
        found.append(f"Who can see it: {_visibility(before)} -> {_visibility(after)}")
    old = {fa["position"]: fa for fa in before.get("focus_areas", [])}
    new = {fa["position"]: fa for fa in after.get("focus_areas", [])}
    for position in sorted(old.keys() | new.keys()):
        name = f"Focus area {position}"
        if position not in old:
            found.append(f"{name} added: {_focus_name(new[position])}")
            found.extend(_focus_differences(name, _empty_focus(), new[position]))
        elif position not in new:
            found.append(f"{name} removed: {_focus_name(old[position])}")
        else:
            found.extend(_focus_differences(name, old[position], new[position]))
    return found


def _visibility(data: dict) -> str:
    return VISIBILITY_LABELS.get(data.get("visibility"), "not yet started")


def _focus_name(fa: dict) -> str:
    return fa.get("competency") or _quote(fa.get("change", "")) or "(untitled)"


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
            found.append(f"{name}, {label}: {_quote(before) or '(empty)'} -> "
                         f"{_quote(after) or '(empty)'}")
    found.extend(_barrier_differences(name, old.get("barriers", []), new.get("barriers", [])))
    found.extend(_step_differences(name, old.get("steps", []), new.get("steps", [])))
    return found


def _barrier_differences(name: str, old: list[dict], new: list[dict]) -> list[str]:
    before = Counter((b["kind"], b["text"]) for b in old)
    after = Counter((b["kind"], b["text"]) for b in new)
    return (
        [f"{name}: barrier added ({BARRIER_LABELS.get(k, k)}): {_quote(t)}"
         for k, t in (after - before).elements()]
        + [f"{name}: barrier removed ({BARRIER_LABELS.get(k, k)}): {_quote(t)}"
           for k, t in (before - after).elements()]
    )


def _step_differences(name: str, old: list[dict], new: list[dict]) -> list[str]:
    found = []
    old_by_id = {s["id"]: s for s in old if s.get("id") is not None}
    matched = set()
    for step in new:
        previous = old_by_id.get(step.get("id"))
        if previous is None:
            found.append(f"{name}: step added: {_quote(step['text'])}"
                         + (f", due {_day(step['due_on'])}" if step.get("due_on") else ""))
            continue
        matched.add(step["id"])
        found.extend(_one_step_differences(previous, step))
    for step in old:
        if step.get("id") not in matched:
            found.append(f"{name}: step removed: {_quote(step['text'])}")
    return found


def _one_step_differences(old: dict, new: dict) -> list[str]:
    found = []
    if old["text"] != new["text"]:
        found.append(f"Step {_quote(old['text'])} reworded: {_quote(new['text'])}")
    if old["status"] != new["status"]:
        found.append(f"Step {_quote(new['text'])}: {status_label(old['status'])} -> "
                     f"{status_label(new['status'])}")
    if old.get("due_on") != new.get("due_on"):
        found.append(f"Step {_quote(new['text'])}: due {_day(old.get('due_on'))} -> "
                     f"{_day(new.get('due_on'))}")
    return found


def _day(iso: str | None) -> str:
    return date.fromisoformat(iso).strftime("%b %-d, %Y") if iso else "(no date)"


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


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
        return (f"Step {_quote(change['text'])}: {status_label(change['before'])} -> "
                f"{status_label(change['after'])}")
    what = change.get("competency") or f"focus area {change.get('focus')}"
    return (f"Current rating on {what}: {change.get('before') or '(none)'} -> "
            f"{change.get('after') or '(none)'}")
