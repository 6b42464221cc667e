"""One history per milestone and one of each cluster's members, in words, oldest first.

A milestone's history joins what django-simple-history keeps of its date and status
(``milestones.plan``) with the changes of the people responsible (``ResponsibilityChange``);
each entry says when, what changed from what to what, who changed it and why (a reason the
app gave in the reader's language, ``milestones.reasons``).
"""

import itertools
from dataclasses import dataclass

from django.utils.translation import gettext as _

from milestones import dates, plan
from milestones.models import ResponsibilityRole, Role
from milestones.reasons import reason_text


@dataclass(frozen=True)
class Entry:
    at: object
    by: object
    what: str
    why: str
    # "date", "status" or "people": what the entry is about.
    topic: str

    @property
    def at_text(self):
        return dates.format_moment(self.at)


def _date_words(change):
    after = dates.describe(change.after)
    if change.before is None:
        return _("date set: %(after)s") % {"after": after}
    if change.confirms_day:
        return _("day confirmed: %(after)s (window %(window)s)") % {
            "after": after,
            "window": dates.window_text(change.before),
        }
    return _("date: %(before)s → %(after)s") % {
        "before": dates.describe(change.before),
        "after": after,
    }


def _names(changes):
    return ", ".join(change.person_name for change in changes)


def _people_words(changes):
    """The words for the changes of one save: the lead from whom to whom, contributors
    added and taken off."""
    parts = []
    old_lead = [c for c in changes if c.role_before == ResponsibilityRole.LEAD]
    new_lead = [c for c in changes if c.role_after == ResponsibilityRole.LEAD]
    if old_lead or new_lead:
        parts.append(
            _("lead: %(before)s → %(after)s")
            % {
                "before": _names(old_lead) or _("nobody"),
                "after": _names(new_lead) or _("nobody"),
            }
        )
    contributor = ResponsibilityRole.CONTRIBUTOR
    added = [c for c in changes if c.role_after == contributor != c.role_before]
    # A contributor made lead is named as the new lead, not as a contributor taken off.
    removed = [c for c in changes if c.role_before == contributor and not c.role_after]
    if added:
        parts.append(_("contributors added: %(names)s") % {"names": _names(added)})
    if removed:
        parts.append(_("contributors taken off: %(names)s") % {"names": _names(removed)})
    return "; ".join(parts)


def _grouped(changes):
    """The changes made together (one save: the same moment, person and reason)."""
    return itertools.groupby(
        changes, key=lambda change: (change.changed_at, change.changed_by_id, change.reason)
    )


def milestone_history(milestone, records=None):
    """Every change of the milestone's date, status and people responsible, oldest first.

    ``records``: the milestone's simple-history records, when they were read already.
    """
    if records is None:
        records = plan.history(milestone)
    entries = [
        Entry(change.at, change.by, _date_words(change), change.reason, "date")
        for change in plan.date_changes(milestone, records)
    ]
    entries += [
        Entry(
            change.at,
            change.by,
            _("status: %(before)s → %(after)s") % {"before": change.before, "after": change.after},
            change.note,
            "status",
        )
        for change in plan.status_changes(records)
    ]
    changes = milestone.responsibility_changes.select_related("changed_by").order_by(
        "changed_at", "pk"
    )
    for (at, _by_id, reason), group in _grouped(changes):
        group = list(group)
        entries.append(
            Entry(at, group[0].changed_by, _people_words(group), reason_text(reason), "people")
        )
    return sorted(entries, key=lambda entry: entry.at)


def _membership_words(change):
    names = {"name": change.person_name}
    if not change.role_before:
        return _("%(name)s added (%(role)s)") % {**names, "role": Role(change.role_after).label}
    if not change.role_after:
        return _("%(name)s removed (was: %(role)s)") % {
            **names,
            "role": Role(change.role_before).label,
        }
    return _("%(name)s: %(before)s → %(after)s") % {
        **names,
        "before": Role(change.role_before).label,
        "after": Role(change.role_after).label,
    }


def membership_history(cluster):
    """Who joined the cluster, left it or changed role, by whom and why, oldest first."""
    changes = cluster.membership_changes.select_related("changed_by").order_by("changed_at", "pk")
    return [
        Entry(
            change.changed_at,
            change.changed_by,
            _membership_words(change),
            reason_text(change.reason),
            "",
        )
        for change in changes
    ]
