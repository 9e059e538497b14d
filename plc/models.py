"""Imports every model so that SQLAlchemy's registry (and Alembic) sees the whole schema."""

from plc.accounts.models import LoginFailure, PasswordReset, User, UserSession
from plc.mail.models import OutboxMessage
from plc.orgs.models import Organization
from plc.programs.models import Cohort, Invitation, Membership, Program, ProgramLead

__all__ = [
    "Cohort",
    "Invitation",
    "LoginFailure",
    "Membership",
    "OutboxMessage",
    "Organization",
    "PasswordReset",
    "Program",
    "ProgramLead",
    "User",
    "UserSession",
]
