"""Coordinators edit their cluster: milestones, people responsible, invitations; a person
responsible updates the status of what they are responsible for."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, UpdateView

from milestones import people
from milestones.forms.accounts import InvitationForm
from milestones.forms.editing import ConfirmDayForm, MilestoneForm, StatusForm
from milestones.models import Membership, Milestone, Role
from milestones.views.common import PersonMixin, with_people
from milestones.views.pages import visible_cluster


class ClusterEditMixin(PersonMixin):
    """Pages only a cluster's coordinators reach. Whoever sees the cluster is told why not and
    whom to ask (Django's 403 page shows the refusal's words); for anybody else the cluster
    does not exist."""

    def forbid_unless_coordinator(self, cluster):
        if self.access.can_edit_cluster(cluster):
            return
        if (
            self.access.is_member(cluster)
            or cluster.programme_id in self.access.officer_programme_ids
        ):
            raise PermissionDenied(people.who_may_edit(cluster))
        raise Http404


class ClusterFormMixin(ClusterEditMixin):
    """A form about the cluster in the URL (``slug``), for its coordinators only."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.cluster = visible_cluster(request, kwargs["slug"])
        self.forbid_unless_coordinator(self.cluster)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cluster": self.cluster}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cluster=self.cluster, **kwargs)


class MilestoneSaveMixin:
    """Saving a milestone form: the date history names the person, then the milestone page."""

    def form_valid(self, form):
        milestone = form.save(by=self.request.user)
        if milestone is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Milestone saved."))
        return redirect("milestones:milestone", pk=milestone.pk)


class MilestoneCreateView(MilestoneSaveMixin, ClusterFormMixin, FormView):
    template_name = "milestones/milestone_form.html"
    form_class = MilestoneForm


class MilestoneEditView(MilestoneSaveMixin, ClusterEditMixin, UpdateView):
    template_name = "milestones/milestone_form.html"
    form_class = MilestoneForm
    context_object_name = "milestone"

    def get_queryset(self):
        return with_people(Milestone.objects.visible_to(self.request.user)).select_related(
            "plan_item"
        )

    def get_object(self, queryset=None):
        milestone = super().get_object(queryset)
        self.forbid_unless_coordinator(milestone.cluster)
        return milestone

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cluster": self.object.cluster}

    def get_context_data(self, **kwargs):
        return super().get_context_data(cluster=self.object.cluster, **kwargs)


class ConfirmDayView(ClusterEditMixin, FormView):
    """A window milestone's day, chosen inside the window: for those who edit its date."""

    template_name = "milestones/confirm_day.html"
    form_class = ConfirmDayForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.milestone = get_object_or_404(
            Milestone.objects.visible_to(request.user).select_related(
                "cluster__programme", "plan_item"
            ),
            pk=kwargs["pk"],
        )
        self.forbid_unless_coordinator(self.milestone.cluster)
        if not self.milestone.is_tentative:
            messages.info(request, _("The day of this milestone is fixed already."))
            return redirect("milestones:milestone", pk=self.milestone.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "milestone": self.milestone}

    def get_context_data(self, **kwargs):
        return super().get_context_data(milestone=self.milestone, **kwargs)

    def form_valid(self, form):
        milestone = form.save(by=self.request.user)
        if milestone is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Day confirmed: %(day)s.") % {"day": milestone.when_text})
        return redirect("milestones:milestone", pk=milestone.pk)


class StatusUpdateView(PersonMixin, UpdateView):
    """The people responsible (and the coordinators) report where a milestone stands."""

    template_name = "milestones/status_form.html"
    form_class = StatusForm
    context_object_name = "milestone"

    def get_queryset(self):
        return with_people(Milestone.objects.visible_to(self.request.user))

    def get_object(self, queryset=None):
        milestone = super().get_object(queryset)
        if not self.access.can_update_status(milestone):
            raise Http404
        return milestone

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("instance")
        kwargs["initial"] = {"status": self.object.status}
        kwargs["current"] = self.object.status
        return kwargs

    def form_valid(self, form):
        milestone = form.save(milestone=self.object, by=self.request.user)
        messages.success(
            self.request,
            _("Status set to “%(status)s”.") % {"status": milestone.get_status_display()},
        )
        return redirect("milestones:milestone", pk=milestone.pk)


class InvitationCreateView(ClusterFormMixin, FormView):
    template_name = "milestones/invitation_form.html"
    form_class = InvitationForm

    def form_valid(self, form):
        person = form.save(by=self.request.user)
        messages.success(
            self.request,
            _("%(name)s was added and has been sent an email.") % {"name": person},
        )
        return redirect("milestones:cluster", slug=self.cluster.slug)


class MembershipChangeView(ClusterEditMixin, View):
    """A coordinator makes a person of the cluster a coordinator or a member (``role``), or
    takes them out of it (``remove``, asked to confirm first); then the cluster's page again,
    saying what happened."""

    action = None
    template_name = "milestones/membership_remove.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.method == "GET" and self.action != "remove":
            return self.http_method_not_allowed(request, *args, **kwargs)
        self.cluster = visible_cluster(request, kwargs["slug"])
        self.forbid_unless_coordinator(self.cluster)
        self.membership = get_object_or_404(
            Membership.objects.select_related("person"),
            cluster=self.cluster,
            person_id=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return render(
            request,
            self.template_name,
            {
                "cluster": self.cluster,
                "membership": self.membership,
                "is_self": self.membership.person_id == request.user.pk,
            },
        )

    def post(self, request, *args, **kwargs):
        cluster, membership = self.cluster, self.membership
        names = {"name": membership.person, "cluster": cluster.name}
        role = request.POST.get("role")
        if self.action != "remove" and role not in Role.values:
            messages.error(request, _("Choose a role."))
            return redirect("milestones:cluster", slug=cluster.slug)
        try:
            if self.action == "remove":
                people.remove_from_cluster(membership=membership, by=request.user)
                done = _("%(name)s is no longer in %(cluster)s.")
            else:
                people.change_role(membership=membership, role=role, by=request.user)
                if role == Role.COORDINATOR:
                    done = _("%(name)s is now a coordinator of %(cluster)s.")
                else:
                    done = _("%(name)s is now a member of %(cluster)s.")
        except people.CannotChange as refusal:
            messages.error(request, str(refusal))
            return redirect("milestones:cluster", slug=cluster.slug)
        messages.success(request, done % names)
        if self.action == "remove" and membership.person_id == request.user.pk:
            # Who left the cluster sees its page no more.
            return redirect("milestones:dashboard")
        return redirect("milestones:cluster", slug=cluster.slug)


class InvitationChangeView(ClusterEditMixin, View):
    """A coordinator sends a pending invitation again (``resend``: a new link, the old one
    dead) or takes it back (``withdraw``: the person leaves the cluster)."""

    action = None

    def post(self, request, *args, **kwargs):
        cluster = visible_cluster(request, kwargs["slug"])
        self.forbid_unless_coordinator(cluster)
        membership = get_object_or_404(
            Membership.objects.select_related("person"), cluster=cluster, person_id=kwargs["pk"]
        )
        names = {"name": membership.person, "email": membership.person.email}
        try:
            if self.action == "resend":
                people.resend_invitation(membership=membership, by=request.user)
                done = _(
                    "A new invitation went to %(email)s; the link sent before no longer works."
                )
            else:
                people.withdraw_invitation(membership=membership, by=request.user)
                done = _(
                    "The invitation of %(name)s is withdrawn; they are no longer in the cluster."
                )
        except people.CannotChange as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, done % names)
        return redirect("milestones:cluster", slug=cluster.slug)
