"""The admin: every model, with filters, search and the people responsible inline.

Saving a plan item or a cluster goes through ``milestones.plan`` so that the plan reaches the
clusters here exactly as it does from the web UI; milestones, clusters, people, memberships and
responsibilities are saved and deleted through ``milestones.services``, which record each
change as the web UI's do.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from milestones import plan, services
from milestones.feeds.tokens import revoke_feed_token
from milestones.forms.admin import (
    MembershipFormSet,
    MilestoneAdminForm,
    PersonChangeForm,
    PersonCreationForm,
    PlanItemAdminForm,
    ResponsibilityFormSet,
    changes_of,
)
from milestones.models import (
    Cluster,
    FeedToken,
    Membership,
    Milestone,
    Person,
    PlanItem,
    Programme,
    ProgrammeOfficer,
    Reminder,
    ReminderSchedule,
    Responsibility,
    SignInDomain,
)
from milestones.reasons import reason_text


class ProgrammeOfficerInline(admin.TabularInline):
    model = ProgrammeOfficer
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "funder", "time_zone"]
    search_fields = ["name", "slug", "funder"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProgrammeOfficerInline]


class ByWhomInline(admin.TabularInline):
    """An inline whose formset records who made each change (the history's "by")."""

    def get_formset(self, request, obj=None, **kwargs):
        # A new class per request (inlineformset_factory): the person stays with it.
        formset = super().get_formset(request, obj, **kwargs)
        formset.by = request.user
        return formset


class MembershipInline(ByWhomInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "programme", "round", "phase", "state"]
    list_filter = ["programme", "round", "phase", "state"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    # Django 6 assumes https for addresses typed without a scheme; so do we, already.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request, obj, form, change):
        if change:
            services.change_cluster(cluster=obj, changes=changes_of(form))
        else:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A cluster that joins, or moves to another round, gets the plan's current items; after
        # its members are saved, so that its coordinators answer an open day-finding.
        if not change or "round" in form.changed_data or "programme" in form.changed_data:
            plan.sync_cluster_plan(cluster=form.instance, by=request.user)


@admin.register(Person)
class PersonAdmin(UserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    ordering = ["name", "email"]
    list_display = ["email", "name", "organisation", "language", "is_active", "last_login"]
    list_filter = ["is_active", "is_staff", "language", "reminder_mode", "memberships__cluster"]
    search_fields = ["email", "name", "organisation"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["name", "organisation", "language", "reminder_mode"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "name",
                    "organisation",
                    "language",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        )
    ]
    inlines = [MembershipInline]


class ResponsibilityInline(ByWhomInline):
    model = Responsibility
    formset = ResponsibilityFormSet
    extra = 1
    autocomplete_fields = ["person"]


class ReasonsInWordsHistoryAdmin(SimpleHistoryAdmin):
    """simple-history's history page, with the reasons the app wrote in the reader's words
    (milestones.reasons) instead of their stored form."""

    def render_history_view(self, request, template, context, **kwargs):
        for record in context["page_obj"].object_list:
            record.history_change_reason = reason_text(record.history_change_reason)
        return super().render_history_view(request, template, context, **kwargs)


@admin.register(Milestone)
class MilestoneAdmin(ReasonsInWordsHistoryAdmin):
    form = MilestoneAdminForm
    list_display = ["title", "cluster", "when_text", "kind", "status"]
    list_filter = ["cluster__programme", "cluster", "kind", "status", "is_tentative"]
    search_fields = ["title", "description", "location", "cluster__name"]
    date_hierarchy = "starts_on"
    list_select_related = ["cluster"]
    inlines = [ResponsibilityInline]
    readonly_fields = ["sequence", "date_version", "status_changed_at"]
    fieldsets = [
        (None, {"fields": ["cluster", "plan_item", "kind", "title", "status"]}),
        (
            _("Date"),
            {
                "fields": [
                    "starts_on",
                    "ends_on",
                    "starts_at",
                    "ends_at",
                    "is_tentative",
                    "change_reason",
                ],
                "description": _(
                    "A day: the first field only. A span: first and last day. A window whose "
                    "day is not fixed yet: first and last day and “day not fixed yet”. "
                    "Times are local to the programme; a deadline's time is its cut-off."
                ),
            },
        ),
        (_("Details"), {"fields": ["description", "location"]}),
        (_("Submission"), {"fields": list(Milestone.SUBMISSION_FIELDS)}),
        (_("Calendar"), {"fields": ["sequence", "date_version", "status_changed_at"]}),
    ]

    @admin.display(description=_("date"), ordering="starts_on")
    def when_text(self, obj):
        return obj.when_text

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason", "")
        if change:
            changes = changes_of(form)
            services.change_milestone(
                milestone=obj, changes=changes, by=request.user, reason=reason
            )
        else:
            services.add_milestone(milestone=obj, by=request.user, reason=reason)

    def has_delete_permission(self, request, obj=None):
        # Milestones are cancelled, not deleted: their history must outlive them.
        return False


@admin.register(PlanItem)
class PlanItemAdmin(ReasonsInWordsHistoryAdmin):
    form = PlanItemAdminForm
    list_display = ["title", "programme", "round", "when_text", "kind"]
    list_filter = ["programme", "round", "kind", "is_tentative"]
    search_fields = ["title", "description"]
    fields = [*PlanItemAdminForm.Meta.fields, "change_reason"]

    @admin.display(description=_("date"), ordering="starts_on")
    def when_text(self, obj):
        return obj.when_text

    def save_model(self, request, obj, form, change):
        plan.save_plan_item(
            plan_item=obj, by=request.user, reason=form.cleaned_data.get("change_reason", "")
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "cluster", "role"]
    list_filter = ["cluster__programme", "cluster", "role"]
    search_fields = ["person__email", "person__name", "cluster__name"]
    autocomplete_fields = ["person", "cluster"]

    def save_model(self, request, obj, form, change):
        by = request.user
        if change:
            services.change_membership(membership=obj, changes=changes_of(form), by=by)
        else:
            services.add_membership(membership=obj, by=by)

    def delete_model(self, request, obj):
        services.remove_membership(membership=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.remove_membership(membership=membership, by=request.user)


@admin.register(ProgrammeOfficer)
class ProgrammeOfficerAdmin(admin.ModelAdmin):
    list_display = ["person", "programme"]
    list_filter = ["programme"]
    search_fields = ["person__email", "person__name"]
    autocomplete_fields = ["person"]


@admin.register(SignInDomain)
class SignInDomainAdmin(admin.ModelAdmin):
    """Email domains whose people a sign-in provider may admit without an invitation."""

    list_display = ["domain", "programme", "role", "cluster"]
    list_filter = ["programme", "role"]
    search_fields = ["domain"]


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ["person", "milestone", "role"]
    list_filter = ["role", "milestone__cluster"]
    search_fields = ["person__email", "person__name", "milestone__title"]
    autocomplete_fields = ["person"]
    raw_id_fields = ["milestone"]

    def save_model(self, request, obj, form, change):
        by = request.user
        if change:
            services.change_responsibility(responsibility=obj, changes=changes_of(form), by=by)
        else:
            services.add_responsibility(responsibility=obj, by=by)

    def delete_model(self, request, obj):
        self.delete_queryset(request, Responsibility.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.remove_responsibilities(responsibilities=queryset, by=request.user)


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by their person (or `manage.py feed_url`); here they can be revoked."""

    list_display = [
        "person",
        "scope",
        "feed_target",
        "name",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope", "revoked_at"]
    search_fields = ["person__email", "person__name", "name"]
    list_select_related = ["person", "cluster", "programme"]
    readonly_fields = [
        "person",
        "scope",
        "cluster",
        "programme",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    fields = [*readonly_fields, "name"]
    actions = ["revoke"]

    @admin.display(description=_("feed"))
    def feed_target(self, obj):
        return obj.feed_name

    def has_add_permission(self, request):
        # A token's secret is shown once, to its person; the admin never sees one.
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at=None):
            revoke_feed_token(token=token)


# Reminder emails (issue 5): lead times per programme and kind, and the ledger of what went out.


@admin.register(ReminderSchedule)
class ReminderScheduleAdmin(admin.ModelAdmin):
    list_display = ["programme", "kind", "lead_days"]
    list_filter = ["programme", "kind"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The ledger, read-only: rows are written by the workers, and a changed row could resend."""

    list_display = [
        "milestone",
        "person",
        "kind",
        "lead_days",
        "date_version",
        "due_at",
        "state",
        "attempts",
        "sent_at",
    ]
    list_filter = ["state", "kind", "milestone__cluster"]
    list_select_related = ["milestone__cluster", "person"]
    search_fields = ["person__email", "person__name", "milestone__title"]
    date_hierarchy = "due_at"
    readonly_fields = [
        "milestone",
        "person",
        "kind",
        "lead_days",
        "date_version",
        "due_at",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
        "sent_at",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# API tokens: listed and revoked, in the API's own module.
from milestones.api import admin as api_admin  # noqa: E402, F401

# Submissions are never changed, webhook endpoints are their owners' and the webhooks' ledger
# the workers': their admins are read-only, in their own modules.
from milestones.api.webhooks import admin as webhooks_admin  # noqa: E402, F401
from milestones.submissions import admin as submissions_admin  # noqa: E402, F401
