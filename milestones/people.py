"""A cluster's people: a coordinator changes someone's role or takes them out of the cluster.

Whoever leaves a cluster takes nothing of it along: their responsibilities for its milestones
go with their membership, so no feed, page or reminder of theirs shows the cluster again. A
cluster always keeps a coordinator, and an open milestone its lead.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from milestones import services
from milestones.models import (
    Cluster,
    FeedScope,
    FeedToken,
    Membership,
    Milestone,
    Responsibility,
    ResponsibilityRole,
    Role,
)


class CannotChange(Exception):
    """The change would leave the cluster without a coordinator or a milestone without its
    lead; the message says what to do first."""


def _locked(membership):
    """The membership as it is now, its cluster locked for the transaction: changes to one
    cluster's people take turns, so that two coordinators who step down at the same moment
    cannot both count the other as the one who stays."""
    list(Cluster.objects.select_for_update().filter(pk=membership.cluster_id).values_list("pk"))
    return Membership.objects.select_related("person").get(pk=membership.pk)


def _refuse_if_last_coordinator(membership):
    others = Membership.objects.filter(
        cluster_id=membership.cluster_id, role=Role.COORDINATOR
    ).exclude(pk=membership.pk)
    if membership.role == Role.COORDINATOR and not others.exists():
        raise CannotChange(
            _("%(name)s is the cluster's only coordinator: make someone else a coordinator first.")
            % {"name": membership.person}
        )


def change_role(*, membership, role):
    """Make the member a coordinator or a coordinator a member."""
    with transaction.atomic():
        membership = _locked(membership)
        if membership.role == role:
            return membership
        if role != Role.COORDINATOR:
            _refuse_if_last_coordinator(membership)
        services.change_membership(membership=membership, changes={"role": role})
    return membership


def remove_from_cluster(*, membership):
    """Take the person out of the cluster, with their responsibilities for its milestones."""
    with transaction.atomic():
        membership = _locked(membership)
        _refuse_if_last_coordinator(membership)
        led = list(
            Milestone.objects.open()
            .filter(
                cluster_id=membership.cluster_id,
                responsibilities__person_id=membership.person_id,
                responsibilities__role=ResponsibilityRole.LEAD,
            )
            .order_by("starts_on", "pk")
            .values_list("title", flat=True)
        )
        if led:
            raise CannotChange(
                _(
                    "%(name)s leads open milestones of the cluster: %(titles)s. Choose another "
                    "lead for them first."
                )
                % {
                    "name": membership.person,
                    "titles": ", ".join(_("“%(title)s”") % {"title": title} for title in led),
                }
            )
        services.remove_responsibilities(
            responsibilities=Responsibility.objects.filter(
                milestone__cluster_id=membership.cluster_id, person_id=membership.person_id
            )
        )
        # Their addresses of the cluster's feed end for good: added again one day, they
        # subscribe afresh instead of finding an old address working again.
        FeedToken.objects.filter(
            person_id=membership.person_id,
            scope=FeedScope.CLUSTER,
            cluster_id=membership.cluster_id,
            revoked_at__isnull=True,
        ).update(revoked_at=timezone.now())
        services.remove_membership(membership=membership)
    return membership
