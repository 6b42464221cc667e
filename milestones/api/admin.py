"""API tokens in the admin: listed and revoked, never made or read there."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from milestones.admin import FeedTokenAdmin
from milestones.api.tokens import revoke_api_token
from milestones.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(FeedTokenAdmin):
    """As feed tokens: issued by their person (or `manage.py api_token`), revoked here."""

    list_display = [
        "person",
        "scope",
        "feed_target",
        "can_write",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope", "can_write", "revoked_at"]
    readonly_fields = [
        "person",
        "scope",
        "cluster",
        "programme",
        "can_write",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    fields = [*readonly_fields, "name"]

    @admin.display(description=_("scope"))
    def feed_target(self, obj):
        return obj.scope_name

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at=None):
            revoke_api_token(token=token)
