"""Load a programme or cohort for the signed-in user, or answer 404 when it is out of their
sight. Shared by every area whose pages hang off a programme or a cohort."""

from __future__ import annotations

from flask_login import current_user

from plc import permissions
from plc.programs import queries
from plc.programs.models import Cohort, Program


def visible_program(program_id: int) -> Program:
    program = queries.program(program_id)
    permissions.require(
        program is not None and permissions.can_view_program(current_user, program)
    )
    return program


def managed_program(program_id: int) -> Program:
    """404 when out of sight; 403 when seen but not the user's to manage."""
    program = visible_program(program_id)
    permissions.require(permissions.can_manage_program(current_user, program), 403)
    return program


def visible_cohort(cohort_id: int) -> Cohort:
    cohort = queries.cohort(cohort_id)
    permissions.require(cohort is not None and permissions.can_view_cohort(current_user, cohort))
    return cohort
