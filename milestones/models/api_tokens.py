"""API tokens: the credential of another system that reads (or changes) the tracker."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from milestones.models.programmes import Cluster, Person, Programme


class ApiTokenScope(models.TextChoices):
    PERSON = "person", _("Everything I may see")
    CLUSTER = "cluster", _("A cluster")
    PROGRAMME = "programme", _("A programme")


class ApiToken(models.Model):
    """256 random bits sent as ``Authorization: Bearer``, of which only the hash is stored.

    The token acts for its person, never beyond what they may see and do now, and only inside
    its scope: one cluster, one programme (an officer's) or all the person's clusters.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("person")
    )
    scope = models.CharField(_("scope"), max_length=16, choices=ApiTokenScope.choices)
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cluster"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    can_write = models.BooleanField(_("may change things"), default=False)
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    # The key of the form that asked for it: the same form sent twice makes one token.
    form_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="person", cluster__isnull=True, programme__isnull=True)
                    | Q(scope="cluster", cluster__isnull=False, programme__isnull=True)
                    | Q(scope="programme", cluster__isnull=True, programme__isnull=False)
                ),
                name="api_token_scope_matches_target",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.person})"

    @property
    def scope_name(self):
        if self.scope == ApiTokenScope.CLUSTER:
            return self.cluster.name
        if self.scope == ApiTokenScope.PROGRAMME:
            return self.programme.name
        return ApiTokenScope.PERSON.label
