"""Permission-matrix cases for the meetings area (see tests/matrix.py for the vocabulary)."""

from __future__ import annotations

from tests.matrix import Case

CASES: list[Case] = [
]

# Statement budgets of this area's pages where they need more than the default (see
# tests/test_query_budgets.py), with the reason.
BUDGETS: dict[str, int] = {
}
