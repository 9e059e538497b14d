"""Peer feedback: comments on plans and their updates, one level of replies, and the cohort
feed of shared plans, updates and comments."""
