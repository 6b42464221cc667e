"""The account page's section of API tokens, which the account view knows nothing of."""

from django import template

from milestones.api.account import ApiTokenForm, tokens_of

register = template.Library()


@register.simple_tag(takes_context=True)
def api_token_section(context):
    """The person's tokens and the form for a new one."""
    person = context["request"].user
    return {"tokens": tokens_of(person), "form": ApiTokenForm(person=person)}
