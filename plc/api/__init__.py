"""Read-only JSON API: the participation figures of the dashboards, for scripts and reports."""
