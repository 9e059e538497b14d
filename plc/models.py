"""Imports every model so that SQLAlchemy's registry (and Alembic) sees the whole schema."""

from plc.accounts.models import (
    LoginFailure,
    PasswordReset,
    RecoveryCode,
    SecondFactorFailure,
    TotpFactor,
    User,
    UserSession,
)
from plc.api.models import ApiToken
from plc.assessments.models import Checkpoint, PlannedChange, Rating, SelfAssessment
from plc.audit.models import AuditEvent
from plc.dashboards import rollups  # noqa: F401  (the roll-ups follow every flush)
from plc.dashboards.models import ActivityRollup, Nudge
from plc.feedback.models import Comment
from plc.mail.models import OutboxMessage
from plc.meetings.models import (
    AgendaItem,
    AgendaPresenter,
    Attendance,
    CalendarToken,
    FollowUp,
    Meeting,
    MeetingReminder,
    MeetingSeries,
)
from plc.notifications.models import DigestRun, Notification
from plc.orgs.models import Organization
from plc.plans.models import (
    ActionPlan,
    ActionStep,
    Barrier,
    FocusArea,
    PlanRevision,
    ProgressUpdate,
)
from plc.privacy.models import DataExport, ReadingRecord
from plc.programs import closing  # noqa: F401  (a closed year's content is read-only)
from plc.programs.models import Cohort, Invitation, Membership, Program, ProgramLead
from plc.rubrics.models import Category, Competency, Descriptor, Framework, Level
from plc.stamps import SiteStamp
from plc.voice.models import (
    FeedbackRound,
    RoundAudience,
    RoundInvitee,
    VoiceAnswer,
    VoiceComment,
    VoiceResponse,
)

__all__ = [
    "FeedbackRound",
    "RoundAudience",
    "RoundInvitee",
    "VoiceAnswer",
    "VoiceComment",
    "VoiceResponse",
    "ActionPlan",
    "ActivityRollup",
    "ActionStep",
    "ApiToken",
    "AgendaItem",
    "AgendaPresenter",
    "AuditEvent",
    "Attendance",
    "Barrier",
    "Comment",
    "DigestRun",
    "FocusArea",
    "FollowUp",
    "MeetingReminder",
    "Nudge",
    "Notification",
    "PlanRevision",
    "ProgressUpdate",
    "CalendarToken",
    "Category",
    "Checkpoint",
    "Competency",
    "Descriptor",
    "Framework",
    "Level",
    "PlannedChange",
    "Rating",
    "SelfAssessment",
    "Cohort",
    "DataExport",
    "ReadingRecord",
    "Invitation",
    "LoginFailure",
    "Meeting",
    "MeetingSeries",
    "Membership",
    "OutboxMessage",
    "Organization",
    "PasswordReset",
    "Program",
    "ProgramLead",
    "RecoveryCode",
    "SecondFactorFailure",
    "SiteStamp",
    "TotpFactor",
    "User",
    "UserSession",
]
