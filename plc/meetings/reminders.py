"""Preparation reminders: N days before a meeting, members are asked to post a progress
update on their plan; each person once per meeting."""

from __future__ import annotations


def send_reminders() -> int:
    """Queue the reminders that are due; returns how many were sent."""
    raise NotImplementedError  # the meetings area implements this
