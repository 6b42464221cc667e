"""The web UI's forms, and the plain functions that carry out what they were given.

One module per part: ``dates`` (date fields), ``editing`` (milestones, status, the plan),
``accounts`` (log-in, invitations, the account page, subscriptions), ``filters`` (narrowing a
list).
"""

from milestones.forms.accounts import (
    AccountForm,
    FeedTokenForm,
    InvitationAwarePasswordResetForm,
    InvitationForm,
    LoginForm,
    ReminderPreferencesForm,
    invite_person,
    login_name,
)
from milestones.forms.dates import (
    FIELDS_OF_DATE_FORM,
    DateFieldsMixin,
    DateForm,
    MonthField,
    MonthInput,
    add_model_errors,
    date_form_of,
    dates_fields,
)
from milestones.forms.editing import (
    MilestoneForm,
    PlanItemForm,
    ReminderScheduleForm,
    StatusForm,
    save_milestone,
    set_people_responsible,
    update_status,
)
from milestones.forms.filters import ClusterFilterForm

__all__ = [
    "FIELDS_OF_DATE_FORM",
    "AccountForm",
    "ClusterFilterForm",
    "DateFieldsMixin",
    "DateForm",
    "FeedTokenForm",
    "InvitationAwarePasswordResetForm",
    "InvitationForm",
    "LoginForm",
    "MilestoneForm",
    "MonthField",
    "MonthInput",
    "PlanItemForm",
    "ReminderPreferencesForm",
    "ReminderScheduleForm",
    "StatusForm",
    "add_model_errors",
    "date_form_of",
    "dates_fields",
    "invite_person",
    "login_name",
    "save_milestone",
    "set_people_responsible",
    "update_status",
]
