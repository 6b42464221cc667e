"""The admin's view of drafts, submissions and their files: read-only. A submission is never
changed or deleted once made, and a draft is the cluster's to change, on its pages."""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from milestones.models import Draft, Submission, SubmissionFile


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SubmissionFileInline(admin.TabularInline):
    model = SubmissionFile
    fields = ["name", "file_size", "sha256", "content_type", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("size"))
    def file_size(self, obj):
        return filesizeformat(obj.size)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["milestone", "number", "submitted_by_name", "submitted_at", "is_late"]
    list_filter = ["is_late", "milestone__cluster__programme", "milestone__cluster"]
    list_select_related = ["milestone__cluster"]
    search_fields = ["milestone__title", "milestone__cluster__name", "submitted_by_name"]
    date_hierarchy = "submitted_at"
    fields = [
        "milestone",
        "number",
        "note",
        "submitted_by_name",
        "submitted_at",
        "cut_off",
        "is_late",
    ]
    readonly_fields = fields
    inlines = [SubmissionFileInline]


@admin.register(SubmissionFile)
class SubmissionFileAdmin(ReadOnlyAdmin):
    list_display = ["name", "milestone", "submission", "size", "sha256", "uploaded_at"]
    list_select_related = ["milestone__cluster", "submission"]
    # An empty submission: the file is in a draft.
    list_filter = [("submission", admin.EmptyFieldListFilter), "milestone__cluster"]
    search_fields = ["name", "sha256", "milestone__title"]
    fields = [
        "milestone",
        "submission",
        "name",
        "size",
        "sha256",
        "content_type",
        "uploaded_by",
        "uploaded_at",
    ]
    readonly_fields = fields


@admin.register(Draft)
class DraftAdmin(ReadOnlyAdmin):
    list_display = ["milestone", "updated_at"]
    list_select_related = ["milestone__cluster"]
    fields = ["milestone", "note", "updated_at"]
    readonly_fields = fields
