"""The domain: programmes, their clusters, the people in them and the clusters' milestones.

One module per part (``programmes``, ``milestone``, ``feeds``, ``reminders``); every model
is imported from here.
"""

from milestones.models.feeds import (
    FeedScope,
    FeedToken,
    RenderedEvent,
)
from milestones.models.milestone import (
    DEADLINE_KINDS,
    DatedModel,
    Kind,
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

__all__ = [
    "DEADLINE_KINDS",
    "DEFAULT_LEAD_DAYS",
    "MAX_LEAD_DAYS",
    "Cluster",
    "ClusterQuerySet",
    "DatedModel",
    "FeedScope",
    "FeedToken",
    "Kind",
    "Language",
    "Membership",
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
    "ResponsibilityRole",
    "Role",
    "Status",
    "parse_lead_days",
    "seen_by",
]
