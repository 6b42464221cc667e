"""Calendar feed tokens and the events rendered for feeds."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from milestones.models.milestone import Milestone
from milestones.models.programmes import Cluster, Person, Programme


class FeedScope(models.TextChoices):
    MINE = "mine", _("My milestones")
    CLUSTER = "cluster", _("A cluster")
    PROGRAMME = "programme", _("A programme")


class FeedToken(models.Model):
    """The secret in a calendar feed's URL: 256 random bits, of which only the hash is stored.

    What a feed shows is worked out at every fetch from the person's current memberships,
    so a token outlives nothing its person has lost.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="feed_tokens", verbose_name=_("person")
    )
    scope = models.CharField(_("feed"), max_length=16, choices=FeedScope.choices)
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
    name = models.CharField(_("name"), max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    # What the feed last served and since when: Last-Modified must move whenever the body
    # does, also when a milestone drops out of the feed without being edited.
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    content_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # What the feed's milestones looked like when content_hash was computed (counts and
    # latest changes, see feeds.fingerprint): while it holds, a revalidation needs no render.
    content_fingerprint = models.TextField(blank=True, editable=False)
    # The key of the form that asked for it: the same form sent again (a reload of the page
    # that shows the new address, Back and Forward, a double click) creates no second one.
    form_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="mine", cluster__isnull=True, programme__isnull=True)
                    | Q(scope="cluster", cluster__isnull=False, programme__isnull=True)
                    | Q(scope="programme", cluster__isnull=True, programme__isnull=False)
                ),
                name="feed_token_scope_matches_target",
            )
        ]

    def __str__(self):
        return f"{self.person} ({self.feed_name})"

    @property
    def feed_name(self):
        if self.scope == FeedScope.CLUSTER:
            return self.cluster.name
        if self.scope == FeedScope.PROGRAMME:
            return self.programme.name
        return _("My milestones")

    @property
    def is_revoked(self):
        return self.revoked_at is not None


# Reminder emails (milestones.reminders): how long before a milestone, and what went out.

# Days before a milestone's (first) day that its people responsible are reminded, by kind;
# 0 is the morning of the day itself. Programme officers override these per programme.


class RenderedEvent(models.Model):
    """A milestone's VEVENT as last rendered for one language and feed variant, for reuse.

    ``version`` is a hash of everything the text depends on (see feeds.event_version), so a
    stale row is never served: it is rendered again and overwritten. No database constraint on
    the milestone: a render racing the milestone's deletion leaves an unreachable row rather
    than failing the feed.
    """

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="rendered_events", db_constraint=False
    )
    language = models.CharField(max_length=8)
    with_cluster = models.BooleanField()
    version = models.CharField(max_length=32)
    body = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "language", "with_cluster"], name="rendered_event_once"
            )
        ]

    def __str__(self):
        return f"{self.milestone_id} ({self.language}, {self.with_cluster})"
