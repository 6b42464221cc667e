"""Day-finding: opening it on a window plan item, the clusters' answers, the proposal and its
confirmation.

Each cluster's answer date is a milestone of the cluster (kind "other", on the answer date,
its coordinators responsible): the reminders, feeds and dashboards treat it as any other
date, and it is done once the cluster has answered. Confirming gives each cluster's
milestone its day through ``plan.confirm_day``, as the coordinators' "Confirm the day" does.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from milestones import dates, people, plan, services
from milestones.dayfinding import solver
from milestones.dayfinding.days import holidays_of, visits_of, window_days
from milestones.models import (
    CLOSED_STATUSES,
    Availability,
    DayAnswer,
    DayFinding,
    DayFindingReply,
    Kind,
    Milestone,
    PanelDay,
    Status,
)
from milestones.reasons import system_reason


class StaleConfirmation(Exception):
    """Another officer confirmed the day-finding since this one looked at it."""

    def __init__(self, day_finding):
        super().__init__("day-finding confirmed meanwhile")
        self.day_finding = day_finding


def _answer_milestone_fields(day_finding):
    return {
        "kind": Kind.OTHER,
        "title": _("Answer the day-finding: %(title)s") % {"title": day_finding.plan_item.title},
        "starts_on": day_finding.answer_by,
    }


def _add_reply(day_finding, cluster, *, by, reason=None):
    """A cluster's reply row with its answer milestone, its coordinators responsible."""
    milestone = Milestone(cluster=cluster, **_answer_milestone_fields(day_finding))
    services.add_milestone(
        milestone=milestone, by=by, reason=reason or system_reason("dayfinding.opened")
    )
    coordinators = people.active_coordinators(cluster.pk)
    if coordinators:
        services.set_responsibilities(
            milestone=milestone, lead=coordinators[0], contributors=coordinators[1:], by=by
        )
    return DayFindingReply.objects.create(
        day_finding=day_finding, cluster=cluster, answer_milestone=milestone
    )


def validate_settings(*, plan_item, days, answer_by, today):
    """The errors of a day-finding's settings, by field."""
    errors = {}
    if not plan_item.finds_its_day:
        errors["days"] = _("Day-finding needs a plan item whose date is a window.")
        return errors
    offered = window_days(plan_item).offered
    if not days:
        errors["days"] = _("Choose at least one of the panel's days inside the window.")
    elif any(day not in offered for day in days):
        errors["days"] = _("Choose working days inside the window %(window)s.") % {
            "window": dates.window_text(plan_item.when)
        }
    if answer_by < today:
        errors["answer_by"] = _("The answer date cannot be in the past.")
    elif days and answer_by >= min(days):
        errors["answer_by"] = _(
            "The answer date must come before the first panel day, %(day)s."
        ) % {"day": dates.format_day(min(days))}
    return errors


def open_day_finding(*, plan_item, days, visits_per_day, answer_by, by, today=None):
    """Open (or change) the day-finding of a window plan item: its panel days, visits a day and
    answer date; each taking cluster gets its answer milestone. Answers for days kept stay.
    Raises ValidationError if unsound; nothing is changed then."""
    today = today or timezone.localdate()
    errors = validate_settings(plan_item=plan_item, days=days, answer_by=answer_by, today=today)
    if visits_per_day < 1:
        errors["visits_per_day"] = _("At least one visit a day.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        day_finding, created = DayFinding.objects.select_for_update().get_or_create(
            plan_item=plan_item,
            defaults={"visits_per_day": visits_per_day, "answer_by": answer_by, "opened_by": by},
        )
        if day_finding.confirmed_at is not None:
            raise ValidationError(_("This day-finding is confirmed already."))
        moved = not created and day_finding.answer_by != answer_by
        day_finding.visits_per_day, day_finding.answer_by = visits_per_day, answer_by
        # A proposal made before these settings is not confirmed over them.
        day_finding.version += 0 if created else 1
        day_finding.save()
        day_finding.days.exclude(day__in=days).delete()
        kept = set(day_finding.days.values_list("day", flat=True))
        PanelDay.objects.bulk_create(
            PanelDay(day_finding=day_finding, day=day) for day in sorted(set(days) - kept)
        )
        if moved:
            for reply in day_finding.replies.exclude(answer_milestone=None).select_related(
                "answer_milestone"
            ):
                services.change_milestone(
                    milestone=reply.answer_milestone,
                    changes={"starts_on": answer_by},
                    by=by,
                    reason=system_reason("dayfinding.answer_date_moved"),
                )
        add_missing_replies(day_finding=day_finding, by=by)
    return day_finding


def add_missing_replies(*, day_finding, by):
    """Give every taking cluster without one its reply row and answer milestone (a cluster
    that joined the programme since the day-finding opened)."""
    have = set(day_finding.replies.values_list("cluster_id", flat=True))
    for visit in visits_of(day_finding.plan_item):
        if visit.cluster_id not in have:
            _add_reply(day_finding, visit.cluster, by=by)


def add_joining_cluster(*, cluster, by=None, today=None):
    """Give a cluster that joined the programme (or another round) its reply and answer
    milestone in each open day-finding it takes part in, as those there at the opening have,
    so that it is reminded too. Not once the answer date has passed: it could not answer."""
    for day_finding in open_for(cluster):
        if answers_deadline_passed(day_finding, today=today):
            continue
        takes_part = visits_of(day_finding.plan_item).filter(cluster=cluster).exists()
        if takes_part and not day_finding.replies.filter(cluster=cluster).exists():
            _add_reply(
                day_finding,
                cluster,
                by=by,
                reason=system_reason("dayfinding.joined"),
            )


def open_for(cluster):
    """The day-findings a cluster answers now: open, of a plan item that applies to it."""
    return [
        day_finding
        for day_finding in DayFinding.objects.filter(
            plan_item__programme_id=cluster.programme_id, confirmed_at=None
        ).select_related("plan_item")
        if day_finding.plan_item.applies_to(cluster)
    ]


def answer_page_of(milestone):
    """The day-finding whose answer milestone this is, or None (no query for a milestone of
    the plan or of another kind: only answer milestones are of kind "other" off the plan)."""
    if milestone.kind != Kind.OTHER or milestone.plan_item_id is not None:
        return None
    reply = DayFindingReply.objects.filter(answer_milestone=milestone).first()
    return reply.day_finding_id if reply else None


def answers_deadline_passed(day_finding, *, today=None):
    today = today or timezone.localdate()
    return today > day_finding.answer_by


def save_answers(*, day_finding, cluster, answers, by, today=None):
    """Keep a cluster's answers, ``answers``: panel day pk to (availability, note); its answer
    milestone is done. Raises ValidationError after the answer date or once confirmed."""
    if day_finding.confirmed_at is not None:
        raise ValidationError(_("The days are confirmed: answers can no longer be changed."))
    if answers_deadline_passed(day_finding, today=today):
        raise ValidationError(
            _(
                "The answer date, %(day)s, has passed: answers can no longer be changed. "
                "Please write to the programme officer."
            )
            % {"day": dates.format_day(day_finding.answer_by)}
        )
    with transaction.atomic():
        reply = day_finding.replies.filter(cluster=cluster).select_for_update().first()
        if reply is None:
            reply = _add_reply(day_finding, cluster, by=by)
        panel_days = dict(day_finding.days.values_list("pk", "day"))
        days_off = holidays_of(cluster, panel_days.values())
        for panel_day_id, (availability, note) in answers.items():
            if panel_day_id not in panel_days:
                continue
            if panel_days[panel_day_id] in days_off:
                # Nobody hosts a visit on their own public holiday, whatever the form said.
                availability, note = Availability.CANNOT, ""
            DayAnswer.objects.update_or_create(
                reply=reply,
                panel_day_id=panel_day_id,
                defaults={"availability": availability, "note": note},
            )
        reply.answered_at, reply.answered_by = timezone.now(), by
        reply.save()
        milestone = reply.answer_milestone
        if milestone is not None and milestone.status not in CLOSED_STATUSES:
            services.set_status(
                milestone=milestone,
                status=Status.DONE,
                by=by,
                note=system_reason("dayfinding.answered"),
            )
    return reply


def answers_by_cluster(day_finding):
    """Cluster pk to {panel day pk: DayAnswer}, for every cluster that answered."""
    table = {}
    answers = DayAnswer.objects.filter(reply__day_finding=day_finding).select_related("reply")
    for answer in answers:
        table.setdefault(answer.reply.cluster_id, {})[answer.panel_day_id] = answer
    return table


def availability_by_cluster(day_finding):
    """Cluster pk to {panel day pk: availability}: the answers as the solver reads them."""
    table = {}
    rows = DayAnswer.objects.filter(reply__day_finding=day_finding).values_list(
        "reply__cluster_id", "panel_day_id", "availability"
    )
    for cluster_id, panel_day_id, availability in rows:
        table.setdefault(cluster_id, {})[panel_day_id] = availability
    return table


def propose(*, day_finding):
    """The solver's proposal for the clusters taking part now: cluster pk to panel day pk,
    and those left with why."""
    visits = list(visits_of(day_finding.plan_item))
    clusters = [visit.cluster_id for visit in visits]
    panel_days = dict(day_finding.days.values_list("pk", "day"))
    days = list(panel_days)
    answers = availability_by_cluster(day_finding)
    # A cluster is never given a public holiday of its state, whatever it answered before
    # its state was known.
    days_off_by_state = {}
    for visit in visits:
        state = visit.cluster.holiday_state
        if state not in days_off_by_state:
            days_off_by_state[state] = holidays_of(visit.cluster, panel_days.values())
        for pk, day in panel_days.items():
            if day in days_off_by_state[state] and visit.cluster_id in answers:
                answers[visit.cluster_id][pk] = Availability.CANNOT
    return solver.propose(
        clusters=clusters, days=days, capacity=day_finding.visits_per_day, answers=answers
    )


def confirm(*, day_finding, version, assignment, by):
    """Give each cluster in ``assignment`` (cluster pk to panel day pk) its day, through
    ``plan.confirm_day`` with "Day confirmed by day-finding." in its history.

    ``version`` is the one the officer saw: if another officer confirmed since, nothing is
    changed and StaleConfirmation is raised. Raises ValidationError if a day is over its
    capacity or not the panel's. Returns the milestones given a day.
    """
    with transaction.atomic():
        locked = DayFinding.objects.select_for_update().get(pk=day_finding.pk)
        if locked.confirmed_at is not None or locked.version != version:
            raise StaleConfirmation(locked)
        panel_days = dict(locked.days.values_list("pk", "day"))
        counts = {}
        for panel_day_id in assignment.values():
            if panel_day_id not in panel_days:
                raise ValidationError(_("Choose one of the panel's days."))
            counts[panel_day_id] = counts.get(panel_day_id, 0) + 1
        room = locked.visits_per_day
        full = sorted(panel_days[pk] for pk, count in counts.items() if count > room)
        if full:
            raise ValidationError(
                _("More visits than the day has room for (%(visits)s): %(days)s.")
                % {
                    "visits": locked.visits_per_day,
                    "days": ", ".join(dates.format_day(day) for day in full),
                }
            )
        visits = {visit.cluster_id: visit for visit in visits_of(locked.plan_item)}
        confirmed = []
        for cluster_id, panel_day_id in assignment.items():
            visit = visits.get(cluster_id)
            if visit is None:
                # The cluster left the programme's plan, or fixed its day itself, meanwhile.
                continue
            day = panel_days[panel_day_id]
            holiday = holidays_of(visit.cluster, [day]).get(day)
            if holiday:
                raise ValidationError(
                    _("%(day)s is a public holiday in %(cluster)s's state (%(holiday)s).")
                    % {
                        "day": dates.format_day(day),
                        "cluster": visit.cluster.name,
                        "holiday": holiday,
                    }
                )
            plan.confirm_day(
                milestone=visit,
                day=day,
                by=by,
                reason=system_reason("dayfinding.day_confirmed"),
            )
            confirmed.append(visit)
        for reply in locked.replies.select_related("answer_milestone"):
            milestone = reply.answer_milestone
            if milestone is not None and milestone.status not in CLOSED_STATUSES:
                services.set_status(
                    milestone=milestone,
                    status=Status.CANCELLED,
                    by=by,
                    note=system_reason("dayfinding.confirmed"),
                )
        locked.version += 1
        locked.confirmed_at, locked.confirmed_by = timezone.now(), by
        locked.save()
    return confirmed
