"""What a webhook says: the milestone as the API shows it, and the event around it."""

import json

from django.conf import settings
from django.urls import reverse


def _iso(value):
    return value.isoformat() if value is not None else None


def milestone_data(milestone):
    """A milestone as the REST API shows it: its date in the form it has (the fields of the
    table in docs/guide.md), its status, and where it is. Reads the milestone's cluster and
    programme (select them with it when there are many)."""
    cluster = milestone.cluster
    return {
        "id": milestone.pk,
        "cluster": cluster.slug,
        "programme": cluster.programme.slug,
        "kind": milestone.kind,
        "title": milestone.title,
        "starts_on": _iso(milestone.starts_on),
        "ends_on": _iso(milestone.ends_on),
        "starts_at": _iso(milestone.starts_at),
        "ends_at": _iso(milestone.ends_at),
        "is_tentative": milestone.is_tentative,
        "time_zone": cluster.programme.time_zone,
        "status": milestone.status,
        "url": settings.SITE_URL + reverse("milestones:milestone", args=[milestone.pk]),
    }


def submission_data(submission):
    return {
        "version": submission.number,
        "submitted_at": _iso(submission.submitted_at),
        "is_late": submission.is_late,
    }


def review_data(review):
    return {
        "decision": review.decision,
        "reviewed_at": _iso(review.reviewed_at),
        "revision_due_on": _iso(review.revision_due_on),
        "revision_due_at": _iso(review.revision_due_at),
    }


def event_payload(*, event_type, milestone, timestamp, submission=None, review=None):
    """The body of a webhook, as text: {"type", "timestamp", "data": {"milestone", ...}}."""
    data = {"milestone": milestone_data(milestone)}
    if submission is not None:
        data["submission"] = submission_data(submission)
    if review is not None:
        data["review"] = review_data(review)
    body = {"type": event_type, "timestamp": _iso(timestamp), "data": data}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))
