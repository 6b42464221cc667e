"""Who may do what, worked out once per request from the person's roles.

Seeing is decided by the querysets (``visible_to``); this module only decides editing:
coordinators edit their own cluster, a person responsible reports the status of their
milestones, programme officers keep their programme's plan.
"""

from django.utils.functional import cached_property

from milestones.models import Membership, ProgrammeOfficer, Role


class Access:
    """A person's roles, read with two queries and then asked as often as a page likes."""

    def __init__(self, person):
        self.person = person

    @cached_property
    def _roles(self):
        if not self.person.is_authenticated:
            return {}
        return dict(Membership.objects.filter(person=self.person).values_list("cluster_id", "role"))

    @cached_property
    def officer_programme_ids(self):
        if not self.person.is_authenticated:
            return frozenset()
        return frozenset(
            ProgrammeOfficer.objects.filter(person=self.person).values_list(
                "programme_id", flat=True
            )
        )

    def coordinates(self, cluster):
        return self._roles.get(cluster.pk) == Role.COORDINATOR

    def is_member(self, cluster):
        return cluster.pk in self._roles

    def oversees(self, programme):
        return programme.pk in self.officer_programme_ids

    def can_edit_cluster(self, cluster):
        return self.coordinates(cluster)

    def can_update_status(self, milestone):
        """Coordinators of the cluster and the people responsible for the milestone.

        Uses the milestone's prefetched responsibilities when there are any.
        """
        if self._roles.get(milestone.cluster_id) == Role.COORDINATOR:
            return True
        return any(r.person_id == self.person.pk for r in milestone.responsibilities.all())

    def leads(self, milestone):
        lead = milestone.lead
        return lead is not None and lead.pk == self.person.pk


def access(request):
    """The Access of the request's person, made once per request."""
    if not hasattr(request, "_milestones_access"):
        request._milestones_access = Access(request.user)
    return request._milestones_access
