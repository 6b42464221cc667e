"""What a token's feed shows right now, and whether it changed since it was last served.

A revalidating calendar is answered from one aggregate of the feed's milestones (their
fingerprint), compared by the database itself, without rendering anything.
"""

import functools
import hashlib

from django.conf import settings
from django.db import connection
from django.db.models import CharField, F, FilteredRelation, Func, Q, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import translation
from django.utils.translation import gettext as _

from milestones.ical import CANCELLED_KEPT_FOR
from milestones.models import Cluster, FeedScope, FeedToken, Milestone, ResponsibilityRole, Status
from milestones.versions import code_version


def feed_milestones(*, token, now):
    """The milestones the token's feed shows now (its person's access already checked).

    No DISTINCT: each milestone is reached once, so the rows can carry their rendered text.
    """
    person = token.person
    milestones = Milestone.objects.all()
    if token.scope == FeedScope.MINE:
        milestones = milestones.filter(
            responsibilities__person=person,
            cluster__in=Cluster.objects.visible_to(person).values("pk"),
        )
    elif token.scope == FeedScope.CLUSTER:
        milestones = milestones.filter(cluster_id=token.cluster_id)
    else:
        milestones = milestones.filter(cluster__programme_id=token.programme_id)
    # Cancelled milestones stay a while, so subscribed calendars learn of the cancellation.
    return milestones.filter(
        ~Q(status=Status.CANCELLED) | Q(status_changed_at__gte=now - CANCELLED_KEPT_FOR)
    ).annotate(
        lead_responsibility=FilteredRelation(
            "responsibilities", condition=Q(responsibilities__role=ResponsibilityRole.LEAD)
        )
    )


def feed_name(token):
    """The calendar's name, in its person's language (not the calendar client's)."""
    with translation.override(token.person.language):
        return _("C4F Tracker: %(feed)s") % {"feed": token.feed_name}


@functools.cache
def renderer_version():
    """The code and catalogues that shape an event's text, and the site's URL its links use.

    A deployment that changes how events read thereby renders them all again.
    """
    state = f"{code_version()}|{settings.SITE_URL}"
    return hashlib.blake2b(state.encode(), digest_size=16).hexdigest()


class Joined(Func):
    """Texts joined with "|", NULL as empty: ``||`` on SQLite and PostgreSQL alike.

    (Concat nests one call per part, which overflows SQLite's parser for this many parts.)
    """

    arg_joiner = " || '|' || "
    template = "%(expressions)s"
    output_field = CharField()


def fingerprint(milestones):
    """One row, one column: a string that changes whenever any event of the feed may change.

    Any saved milestone, cluster or person gets the newest updated_at; a milestone that
    joins or leaves the feed changes the count and the sum of keys. The aggregates are
    plain functions, so Django adds no GROUP BY and the database can compare the result
    by itself.
    """

    def aggregate(function, field):
        return Coalesce(
            Cast(Func(F(field), function=function), CharField()),
            Value(""),
            output_field=CharField(),
        )

    joined = Joined(
        aggregate("COUNT", "pk"),
        aggregate("SUM", "pk"),
        aggregate("MAX", "updated_at"),
        aggregate("SUM", "sequence"),
        aggregate("MAX", "cluster__updated_at"),
        aggregate("MIN", "cluster__programme__time_zone"),
        aggregate("MAX", "cluster__programme__time_zone"),
        aggregate("COUNT", "lead_responsibility__person_id"),
        aggregate("SUM", "lead_responsibility__person_id"),
        aggregate("MAX", "lead_responsibility__person__updated_at"),
    )
    return milestones.order_by().annotate(fingerprint=joined).values("fingerprint")[:1]


def token_state(token):
    # What the feed's bytes depend on beyond its milestones: its name and language.
    state = repr((renderer_version(), token.person.language, feed_name(token)))
    return hashlib.blake2b(state.encode(), digest_size=8).hexdigest() + "|"


# The fingerprint query of each token, compiled once per process: what a token's feed shows
# is fixed for its life (its person, scope, cluster or programme) but for the moment before
# which cancelled milestones have gone, put in at each fetch. Building and compiling the
# query with the ORM was two thirds of the time of a 304.
_compiled_fingerprints = {}
COMPILED_FINGERPRINTS_KEPT = 10_000


def _fingerprint_sql(token, now):
    """The SQL and parameters of the token's fingerprint query at ``now``."""
    key = (connection.alias, token.pk, token.token_hash, token.scope, token.person_id)
    key += (token.cluster_id, token.programme_id)
    cutoff = connection.ops.adapt_datetimefield_value(now - CANCELLED_KEPT_FOR)
    compiled = _compiled_fingerprints.get(key)
    if compiled is not None:
        sql, params, position = compiled
        return sql, [*params[:position], cutoff, *params[position + 1 :]]
    sql, params = fingerprint(feed_milestones(token=token, now=now)).query.sql_with_params()
    positions = [index for index, value in enumerate(params) if value == cutoff]
    if len(positions) == 1:
        if len(_compiled_fingerprints) >= COMPILED_FINGERPRINTS_KEPT:
            _compiled_fingerprints.clear()
        _compiled_fingerprints[key] = (sql, tuple(params), positions[0])
    return sql, list(params)


def record_unchanged_fetch(*, token, now):
    """Record a fetch and say whether the feed is what it was when last rendered.

    One UPDATE: the database compares the feed's fingerprint itself, so a calendar polling an
    unchanged feed costs two queries (finding the token, this) and no render.
    """
    if not token.content_fingerprint or not token.content_hash:
        return False
    fingerprint_sql, fingerprint_params = _fingerprint_sql(token, now)
    quote = connection.ops.quote_name
    # Names quoted, the subquery compiled by the ORM, every value a parameter.
    statement = "UPDATE {table} SET {used} = %s WHERE {id} = %s AND {fingerprint} = %s || ({sql})"
    statement = statement.format(
        table=quote(FeedToken._meta.db_table),
        used=quote("last_used_at"),
        id=quote("id"),
        fingerprint=quote("content_fingerprint"),
        sql=fingerprint_sql,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            statement,
            [
                connection.ops.adapt_datetimefield_value(now),
                token.pk,
                token_state(token),
                *fingerprint_params,
            ],
        )
        unchanged = cursor.rowcount == 1
    if unchanged:
        token.last_used_at = now
    return unchanged
