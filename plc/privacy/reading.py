"""The reading record as the worksheet and plan pages use it: one call per page that shows
someone's worksheet or plan (plc/assessments/views.py, plc/plans/views.py)."""

from __future__ import annotations

from plc import permissions
from plc.privacy import queries, services
from plc.privacy.queries import Reader


def opened(user, object_type: str, object_id: int, author_id: int, author_cohort_ids,
           plan_visibility: str | None = None, list_readers: bool = True
           ) -> list[Reader] | None:
    """``user`` is shown this worksheet or plan (they may see it: the caller checked). Record
    the opening if it is one to record (permissions.reading_is_recorded), and return "who has
    seen this" when ``user`` may read it (its author) and the page shows it, else None."""
    if permissions.reading_is_recorded(user, author_id, plan_visibility):
        services.record_reading(user, object_type, [object_id])
    if list_readers and permissions.can_view_reading_record(user, author_id):
        return queries.readers(object_type, object_id, author_cohort_ids)
    return None
