"""Dashboards: a facilitator's view of their cohort (progress, flags, nudges, growth) and a
program lead's view of participation by cohort and district, with exports."""
