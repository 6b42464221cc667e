"""What a token's feed shows right now, and whether it changed since it was last served.

A revalidating calendar is answered from one aggregate of the feed's milestones (their
fingerprint), compared by the database itself, without rendering anything.
"""

import functools
import hashlib

import icalendar
from django.conf import settings
from django.db.models import CharField, F, FilteredRelation, Func, Q, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import translation
from django.utils.translation import gettext as _

from milestones.ical import CANCELLED_KEPT_FOR
from milestones.models.feeds import FeedScope, FeedToken
from milestones.models.milestone import Milestone, ResponsibilityRole, Status
from milestones.models.programmes import Cluster
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
    with translation.override(token.person.message_language):
        return _("C4F Tracker: %(feed)s") % {"feed": token.feed_name}


@functools.cache
def renderer_version():
    """The code, catalogues and icalendar release that shape an event's text, and the site's
    URL its links use.

    A deployment that changes how events read thereby renders them all again.
    """
    state = f"{code_version()}|{icalendar.__version__}|{settings.SITE_URL}"
    return hashlib.blake2b(state.encode(), digest_size=16).hexdigest()


class Joined(Func):
    """Texts joined with "|", NULL as empty: ``||`` on SQLite and PostgreSQL alike.

    (Concat nests one call per part, which overflows SQLite's parser for this many parts.)
    """

    arg_joiner = " || '|' || "
    template = "%(expressions)s"
    output_field = CharField()


def _aggregate(function, field):
    return Coalesce(
        Cast(Func(F(field), function=function), CharField()),
        Value(""),
        output_field=CharField(),
    )


def fingerprint(milestones):
    """One row, one column: a string that changes whenever any event of the feed may change.

    Any saved milestone, cluster or person gets the newest updated_at; a milestone that
    joins or leaves the feed changes the count and the sum of keys. The aggregates are
    plain functions, so Django adds no GROUP BY and the database can compare the result
    by itself.
    """
    joined = Joined(
        _aggregate("COUNT", "pk"),
        _aggregate("SUM", "pk"),
        _aggregate("MAX", "updated_at"),
        _aggregate("SUM", "sequence"),
        _aggregate("MAX", "cluster__updated_at"),
        _aggregate("MIN", "cluster__programme__time_zone"),
        _aggregate("MAX", "cluster__programme__time_zone"),
        _aggregate("COUNT", "lead_responsibility__person_id"),
        _aggregate("SUM", "lead_responsibility__person_id"),
        _aggregate("MAX", "lead_responsibility__person__updated_at"),
    )
    return milestones.order_by().annotate(fingerprint=joined).values("fingerprint")[:1]


def token_state(token):
    # What the feed's bytes depend on beyond its milestones: its name and language.
    state = repr((renderer_version(), token.person.message_language, feed_name(token)))
    return hashlib.blake2b(state.encode(), digest_size=8).hexdigest() + "|"


def record_unchanged_fetch(*, token, now):
    """Record a fetch and say whether the feed is what it was when last rendered.

    One UPDATE: the database compares the feed's fingerprint itself, so a calendar polling an
    unchanged feed costs two queries (finding the token, this) and no render.
    """
    if not token.content_fingerprint or not token.content_hash:
        return False
    current = Concat(
        Value(token_state(token)),
        Subquery(fingerprint(feed_milestones(token=token, now=now))),
        output_field=TextField(),
    )
    updated = FeedToken.objects.filter(pk=token.pk, content_fingerprint=current).update(
        last_used_at=now
    )
    if updated:
        token.last_used_at = now
    return updated == 1
