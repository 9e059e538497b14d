"""Stakeholder voice: feedback rounds on a leader's plan from staff, students and families."""
