"""A feed's body: each event rendered once per version of it and its text reused.

The feed's one query brings every milestone with the text rendered for it before (a LEFT
JOIN on RenderedEvent); only events whose version changed are rendered again, with the
icalendar package, and stored.
"""

import datetime
import hashlib

from django.db.models import F, FilteredRelation, Q, Subquery
from django.utils import translation

from milestones import ical
from milestones.feeds.revalidation import (
    feed_milestones,
    feed_name,
    fingerprint,
    renderer_version,
    token_state,
)
from milestones.models.feeds import FeedScope, FeedToken, RenderedEvent
from milestones.models.milestone import Milestone

# What an event's text depends on, besides the language and whether its title names the
# cluster: the milestone's own fields, its cluster's name, its programme's time zone and its
# lead's name. (Its extensions too: one is granted only with a new date, which moves
# updated_at.)
EVENT_FIELDS = (
    "pk",
    "kind",
    "title",
    "location",
    "starts_on",
    "ends_on",
    "starts_at",
    "ends_at",
    "is_tentative",
    "status",
    "sequence",
    "created_at",
    "updated_at",
    "cluster_id",
    "cluster__name",
    "cluster__programme__time_zone",
    "lead_name",
)


def event_version(row, *, language, with_cluster):
    """The version of one event's text: changes exactly when its text may change."""
    values = (renderer_version(), language, with_cluster, *(row[name] for name in EVENT_FIELDS))
    return hashlib.blake2b(repr(values).encode(), digest_size=16).hexdigest()


def _rendered_name(with_cluster):
    return f"rendered_{'with' if with_cluster else 'without'}_cluster"


def _with_rendered(milestones, *, language, with_cluster):
    """The milestones joined to the text rendered for them before, if any."""
    condition = Q(rendered_events__language=language, rendered_events__with_cluster=with_cluster)
    return milestones.annotate(
        **{_rendered_name(with_cluster): FilteredRelation("rendered_events", condition=condition)}
    )


def _feed_rows(*, token, now, variants):
    """The values of the feed's events with their texts rendered before (of each variant:
    with or without the cluster in the title) and the feed's fingerprint."""
    milestones = feed_milestones(token=token, now=now)
    for with_cluster in variants:
        milestones = _with_rendered(
            milestones, language=token.person.message_language, with_cluster=with_cluster
        )
    cached = [
        f"{_rendered_name(with_cluster)}__{part}"
        for with_cluster in variants
        for part in ("version", "body")
    ]
    return list(
        milestones.annotate(
            lead_name=F("lead_responsibility__person__name"),
            feed_fingerprint=Subquery(fingerprint(feed_milestones(token=token, now=now))),
        )
        .order_by("starts_on", "starts_at", "pk")
        .values(*EVENT_FIELDS, *cached, "feed_fingerprint")
    )


def _render_events(stale, *, language, with_cluster):
    """The events of the milestones whose text must be rendered anew, by milestone.

    ``stale``: the milestone's row, by its key. Only these are loaded as milestones: building
    a model instance for each unchanged event of a feed was most of the time of a warm one.
    """
    milestones = (
        Milestone.objects.select_related("cluster__programme")
        .prefetch_related("extensions")
        .in_bulk(list(stale))
    )
    rendered = {}
    with translation.override(language):
        for pk, milestone in milestones.items():
            row = stale[pk]
            event = ical.build_event(
                milestone, with_cluster=with_cluster, lead_name=row["lead_name"]
            )
            rendered[pk] = RenderedEvent(
                milestone_id=pk,
                language=language,
                with_cluster=with_cluster,
                version=event_version(row, language=language, with_cluster=with_cluster),
                body=event.to_ical().decode(),
            )
    return rendered


def _event_texts(rows, *, language, with_cluster):
    """Each event's text, reused when its version holds; and the RenderedEvents made anew."""
    relation = _rendered_name(with_cluster)
    stale = {
        row["pk"]: row
        for row in rows
        if row[f"{relation}__version"]
        != event_version(row, language=language, with_cluster=with_cluster)
    }
    fresh = _render_events(stale, language=language, with_cluster=with_cluster) if stale else {}
    texts = []
    for row in rows:
        if row["pk"] in fresh:
            texts.append(fresh[row["pk"]].body.encode())
        elif row["pk"] not in stale:
            texts.append(row[f"{relation}__body"].encode())
        # (A milestone deleted since the feed's query was made has no text.)
    return texts, list(fresh.values())


def build_feed(*, token, now):
    """The feed's body as bytes, its fingerprint, and the events rendered afresh.

    One query for the events with their cached text, and two for the milestones whose text
    must be rendered (cold, or changed since) and their extensions. The caller stores the
    fresh ones with ``store_rendered``.
    """
    # A personal feed names clusters only when it spans several: fetch both texts then.
    if token.scope == FeedScope.MINE:
        variants = [False, True]
    else:
        variants = [token.scope == FeedScope.PROGRAMME]
    rows = _feed_rows(token=token, now=now, variants=variants)
    with_cluster = variants[0]
    if token.scope == FeedScope.MINE:
        with_cluster = len({row["cluster_id"] for row in rows}) > 1
    language = token.person.message_language
    texts, fresh = _event_texts(rows, language=language, with_cluster=with_cluster)
    body = ical.join_calendar(ical.new_calendar(feed_name(token)), texts)
    feed_fingerprint = token_state(token) + rows[0]["feed_fingerprint"] if rows else ""
    return body, feed_fingerprint, fresh


def store_rendered(rendered):
    """Keep the texts just rendered, replacing those of older versions."""
    RenderedEvent.objects.bulk_create(
        rendered,
        update_conflicts=True,
        unique_fields=["milestone", "language", "with_cluster"],
        update_fields=["version", "body"],
    )


def render_feed(*, token, now):
    """The feed's body as bytes.

    Records the fetch, and when the body differs from the last one served, the moment it
    changed: that is the feed's Last-Modified.
    """
    body, feed_fingerprint, rendered = build_feed(token=token, now=now)
    content_hash = hashlib.sha256(body).hexdigest()
    changes = {"last_used_at": now, "content_fingerprint": feed_fingerprint}
    if content_hash != token.content_hash or token.content_changed_at is None:
        changed_at = now.replace(microsecond=0)
        previous = token.content_changed_at
        if previous is not None and changed_at <= previous:
            # HTTP dates have whole seconds: a change in the same second as the previous
            # one must still be later than it, or a client would be told "not modified".
            changed_at = previous + datetime.timedelta(seconds=1)
        changes.update(content_hash=content_hash, content_changed_at=changed_at)
    # No transaction around the two writes: a text stored is valid by its version on its
    # own, whether or not the token's record of this fetch follows.
    if rendered:
        store_rendered(rendered)
    FeedToken.objects.filter(pk=token.pk).update(**changes)
    for name, value in changes.items():
        setattr(token, name, value)
    return body
