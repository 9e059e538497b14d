"""Permission-matrix cases for the meetings area (see tests/matrix.py for the vocabulary)."""

from __future__ import annotations

from tests.matrix import Case

CASES: list[Case] = [
]
