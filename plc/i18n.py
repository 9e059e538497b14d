"""Texts and languages (docs/architecture.md, "Texts and languages").

A text a person reads is marked where it is written: ``gettext`` (``_``) when it is made
during a request or a job, ``lazy_gettext`` (``_l``) for WTForms labels, descriptions and
messages in a form's class body. A text kept in a module-level constant that other code
compares or writes into files (an error message a test matches, a label an export writes) is
marked with ``N_`` and translated where it is used: ``_(GENERIC_LOGIN_ERROR)``.
"""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802  (the marker pybabel extracts: -k N_, babel.cfg)
    """Marks an English source text for the catalog; gettext translates it at use."""
    return text
