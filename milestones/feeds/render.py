"""A feed's body: each event rendered once per version of it and its text reused.

The feed's one query brings every milestone with the text rendered for it before (a LEFT
JOIN on RenderedEvent); only events whose version changed are rendered again, with the
icalendar package, and stored.
"""

import datetime
import hashlib
import json

from django.db import connection
from django.db.models import FilteredRelation, Q, Subquery
from django.utils import translation

from milestones import ical
from milestones.feeds.revalidation import (
    feed_milestones,
    feed_name,
    fingerprint,
    renderer_version,
    token_state,
)
from milestones.models import Cluster, FeedScope, FeedToken, Milestone, Programme, RenderedEvent

# What a VEVENT's text depends on, besides the language and whether titles name the cluster.
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
    "lead_responsibility__person__name",
)
# The milestone's own columns among them.
MILESTONE_COLUMNS = [name for name in EVENT_FIELDS if "__" not in name]


def event_version(values, *, language, with_cluster):
    """The version of one event's text: changes exactly when its text may change."""
    key = repr((renderer_version(), language, with_cluster, values))
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


# One statement for any number of events, its rows passed as one JSON parameter: bulk_create
# would take several statements on SQLite (999 parameters at most), and executemany one
# transaction per row there.
STORE_RENDERED = {
    "sqlite": (
        "INSERT INTO {table} (milestone_id, language, with_cluster, version, body) "
        "SELECT json_extract(value, '$.m'), json_extract(value, '$.l'), "
        "json_extract(value, '$.w'), json_extract(value, '$.v'), json_extract(value, '$.b') "
        # WHERE true: SQLite's parser needs it before ON CONFLICT in an INSERT ... SELECT.
        "FROM json_each(%s) WHERE true "
    ),
    "postgresql": (
        "INSERT INTO {table} (milestone_id, language, with_cluster, version, body) "
        "SELECT m, l, w, v, b FROM jsonb_to_recordset(%s::jsonb) "
        "AS rendered(m bigint, l text, w boolean, v text, b text) "
    ),
}
UPSERT = (
    "ON CONFLICT (milestone_id, language, with_cluster) "
    "DO UPDATE SET version = excluded.version, body = excluded.body"
)


def store_rendered(rendered):
    table = connection.ops.quote_name(RenderedEvent._meta.db_table)
    rows = json.dumps(
        [
            {"m": milestone_id, "l": language, "w": with_cluster, "v": version, "b": body}
            for milestone_id, language, with_cluster, version, body in rendered
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute(STORE_RENDERED[connection.vendor].format(table=table) + UPSERT, [rows])


class FeedEvent:
    """A feed row as ``ical.build_event`` reads a milestone, made without the ORM.

    The model's own properties give its date; building a model instance for each row was a
    tenth of the time of a cold feed.
    """

    __slots__ = (*MILESTONE_COLUMNS, "cluster")
    when = Milestone.when
    is_deadline = Milestone.is_deadline

    def __init__(self, row, cluster):
        for name in MILESTONE_COLUMNS:
            setattr(self, name, row[name])
        self.cluster = cluster


def _feed_event(row, clusters):
    """The event of a feed row; its cluster (and programme) made once per feed."""
    cluster = clusters.get(row["cluster_id"])
    if cluster is None:
        programme = Programme(time_zone=row["cluster__programme__time_zone"])
        cluster = Cluster(pk=row["cluster_id"], name=row["cluster__name"], programme=programme)
        clusters[cluster.pk] = cluster
    return FeedEvent(row, cluster)


def build_feed(*, token, now):
    """The feed's body as bytes, its fingerprint, and the events rendered afresh.

    One query for the events with their cached text. The fresh ones (cold, or changed
    since) are for the caller to store with ``store_rendered``.
    """
    language = token.person.language
    # A personal feed names clusters only when it spans several: fetch both texts then.
    variants = (
        [False, True] if token.scope == FeedScope.MINE else [token.scope == FeedScope.PROGRAMME]
    )
    milestones = feed_milestones(token=token, now=now)
    columns = {}
    for with_cluster in variants:
        relation = f"rendered_{int(with_cluster)}"
        milestones = milestones.annotate(
            **{
                relation: FilteredRelation(
                    "rendered_events",
                    condition=Q(
                        rendered_events__language=language,
                        rendered_events__with_cluster=with_cluster,
                    ),
                )
            }
        )
        columns[with_cluster] = (f"{relation}__version", f"{relation}__body")
    cached = [name for pair in columns.values() for name in pair]
    rows = list(
        milestones.annotate(
            feed_fingerprint=Subquery(fingerprint(feed_milestones(token=token, now=now)))
        )
        .order_by("starts_on", "starts_at", "pk")
        .values(*EVENT_FIELDS, *cached, "feed_fingerprint")
    )
    if token.scope == FeedScope.MINE:
        with_cluster = len({row["cluster_id"] for row in rows}) > 1
    else:
        with_cluster = variants[0]
    version_column, body_column = columns[with_cluster]
    texts = []
    missing = []
    clusters = {}
    with translation.override(language):
        for row in rows:
            values = tuple(row[name] for name in EVENT_FIELDS)
            version = event_version(values, language=language, with_cluster=with_cluster)
            text = row[body_column]
            if row[version_column] != version:
                text = ical.build_event_text(
                    _feed_event(row, clusters),
                    with_cluster=with_cluster,
                    lead_name=row["lead_responsibility__person__name"],
                ).decode()
                missing.append((row["pk"], language, with_cluster, version, text))
            texts.append(text)
    body = ical.join_calendar(
        name=feed_name(token), language=language, events="".join(texts).encode()
    )
    feed_fingerprint = token_state(token) + rows[0]["feed_fingerprint"] if rows else ""
    return body, feed_fingerprint, missing


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
    # Two statements in autocommit, not one transaction: its BEGIN and COMMIT would count
    # as two more statements per feed than the four it may take.
    if rendered:
        store_rendered(rendered)
    FeedToken.objects.filter(pk=token.pk).update(**changes)
    for name, value in changes.items():
        setattr(token, name, value)
    return body
