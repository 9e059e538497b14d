"""Competency action plans: one per member per programme, with focus areas, action steps,
progress updates and a revision kept for every save."""
