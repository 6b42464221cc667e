from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MilestonesConfig(AppConfig):
    name = "milestones"
    verbose_name = _("Milestones")

    def ready(self):
        from django.conf import settings

        from milestones.sso.providers import log_problems

        # A single sign-on provider with something missing is left out, and said so at start.
        log_problems(settings.SSO_PROBLEMS)
