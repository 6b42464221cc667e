"""Who a single sign-on may admit without an invitation: email domains a programme allows."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from milestones.models.programmes import Cluster, Programme


class SignInRole(models.TextChoices):
    OFFICER = "officer", _("Programme officer")
    COORDINATOR = "coordinator", _("Coordinator")
    MEMBER = "member", _("Member")


class SignInDomain(models.Model):
    """People whose verified email address at a provider ends in ``@domain`` get an account
    with this role on their first sign-in: officer of the programme, or coordinator or member
    of one of its clusters."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="sign_in_domains",
        verbose_name=_("programme"),
    )
    domain = models.CharField(
        _("email domain"),
        max_length=253,
        unique=True,
        validators=[
            RegexValidator(
                r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$",
                _("Enter a domain such as “tu-dresden.de”, in lower case, without “@”."),
            )
        ],
        help_text=_("The part after “@”, e.g. “tu-dresden.de”; its subdomains are not included."),
    )
    role = models.CharField(_("role"), max_length=16, choices=SignInRole.choices)
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sign_in_domains",
        verbose_name=_("cluster"),
        help_text=_("For coordinators and members; empty for programme officers."),
    )

    class Meta:
        ordering = ["domain"]
        verbose_name = _("sign-in domain")
        verbose_name_plural = _("sign-in domains")

    def __str__(self):
        return f"@{self.domain} ({self.get_role_display()})"

    def clean(self):
        if self.role == SignInRole.OFFICER and self.cluster_id:
            raise ValidationError({"cluster": _("Programme officers belong to no cluster.")})
        if self.role != SignInRole.OFFICER:
            if not self.cluster_id:
                raise ValidationError({"cluster": _("Choose the cluster for this role.")})
            if self.programme_id and self.cluster.programme_id != self.programme_id:
                raise ValidationError({"cluster": _("The cluster must belong to the programme.")})
