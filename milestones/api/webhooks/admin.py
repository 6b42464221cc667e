"""The admin's view of webhook endpoints and their deliveries, read-only: endpoints are
registered by their officers and coordinators on their pages, and the ledger is written by the
workers (a changed row could be sent again)."""

from django.contrib import admin

from milestones.models import WebhookDelivery, WebhookEndpoint
from milestones.submissions.admin import ReadOnlyAdmin


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["url", "programme", "cluster", "events", "is_active", "failing_since"]
    list_filter = ["is_active", "programme", "cluster"]
    list_select_related = ["programme", "cluster"]
    search_fields = ["url", "description"]
    # The secret stays on the endpoint's page, for its owners.
    exclude = ["secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "message_id",
        "endpoint",
        "event_type",
        "created_at",
        "state",
        "attempts",
        "last_status_code",
        "next_attempt_at",
    ]
    list_filter = ["state", "event_type"]
    list_select_related = ["endpoint"]
    search_fields = ["message_id", "endpoint__url"]
    date_hierarchy = "created_at"
