"""The accessibility statement (Erklärung zur Barrierefreiheit) that BITV 2.0 asks for."""

from django.conf import settings
from django.utils import translation
from django.views.generic import TemplateView

from milestones.dates import format_day


class StatementView(TemplateView):
    """The statement, open to everybody, in the page's language or the one of `?lang=`: the
    link to the statement in the other language sets it, whoever asks."""

    template_name = "accessibility/statement.html"

    def get(self, request, *args, **kwargs):
        language = request.GET.get("lang")
        if language not in dict(settings.LANGUAGES):
            language = translation.get_language()
        with translation.override(language):
            # Rendered inside the override: a TemplateResponse renders only when returned.
            return super().get(request, *args, **kwargs).render()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            contact_email=settings.ACCESSIBILITY_CONTACT_EMAIL,
            checked_on=format_day(settings.ACCESSIBILITY_CHECKED_ON),
            **kwargs,
        )
