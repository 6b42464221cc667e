"""The domain: programmes, their clusters, the people in them and the clusters' milestones.

One module per part (``programmes``, ``milestone``, ``history``, ``feeds``, ``reminders``);
every model is imported from here.
"""

from milestones.models.api_tokens import ApiToken, ApiTokenScope
from milestones.models.feeds import (
    FeedScope,
    FeedToken,
    RenderedEvent,
)
from milestones.models.history import MembershipChange, ResponsibilityChange
from milestones.models.milestone import (
    CLOSED_STATUSES,
    DEADLINE_KINDS,
    DEFAULT_FILE_TYPES,
    DEFAULT_MAX_FILE_MB,
    DatedModel,
    Kind,
    LateSubmissions,
    Milestone,
    MilestoneQuerySet,
    PlanItem,
    Responsibility,
    ResponsibilityRole,
    Status,
)
from milestones.models.programmes import (
    Cluster,
    ClusterQuerySet,
    Language,
    Membership,
    Person,
    PersonManager,
    Phase,
    Programme,
    ProgrammeOfficer,
    ReminderMode,
    Role,
    seen_by,
)
from milestones.models.reminders import (
    DEFAULT_LEAD_DAYS,
    MAX_LEAD_DAYS,
    Reminder,
    ReminderKind,
    ReminderQuerySet,
    ReminderSchedule,
    ReminderState,
    parse_lead_days,
)
from milestones.models.submissions import (
    Decision,
    Draft,
    Extension,
    Review,
    Submission,
    SubmissionFile,
)

__all__ = [
    "CLOSED_STATUSES",
    "DEADLINE_KINDS",
    "DEFAULT_FILE_TYPES",
    "DEFAULT_LEAD_DAYS",
    "DEFAULT_MAX_FILE_MB",
    "MAX_LEAD_DAYS",
    "ApiToken",
    "ApiTokenScope",
    "Cluster",
    "ClusterQuerySet",
    "DatedModel",
    "Decision",
    "Draft",
    "Extension",
    "FeedScope",
    "FeedToken",
    "Kind",
    "Language",
    "LateSubmissions",
    "Membership",
    "MembershipChange",
    "Milestone",
    "MilestoneQuerySet",
    "Person",
    "PersonManager",
    "Phase",
    "PlanItem",
    "Programme",
    "ProgrammeOfficer",
    "Reminder",
    "ReminderKind",
    "ReminderMode",
    "ReminderQuerySet",
    "ReminderSchedule",
    "ReminderState",
    "RenderedEvent",
    "Responsibility",
    "ResponsibilityChange",
    "ResponsibilityRole",
    "Review",
    "Role",
    "Status",
    "Submission",
    "SubmissionFile",
    "parse_lead_days",
    "seen_by",
]
