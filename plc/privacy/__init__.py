"""Privacy: the reading record (who opened a member's worksheet or non-cohort plan), "my data"
(a member's own export, built in the background) and erasure on request (site admins)."""
