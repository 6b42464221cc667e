import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from milestones.api.tokens import NoApiAccess, issue_api_token
from milestones.management.commands.feed_url import Command as FeedUrlCommand
from milestones.models import ApiTokenScope, FeedScope, Person

SCOPE_OF_FEED = {
    FeedScope.MINE: ApiTokenScope.PERSON,
    FeedScope.CLUSTER: ApiTokenScope.CLUSTER,
    FeedScope.PROGRAMME: ApiTokenScope.PROGRAMME,
}


class Command(BaseCommand):
    help = (
        "Issue a new API token for a person and print it: for everything they may see, or with "
        "--cluster / --programme for that cluster or programme only; --write to let it change "
        "what the person may change."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's email address.")
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--cluster", metavar="SLUG", help="A cluster the person belongs to.")
        scope.add_argument(
            "--programme", metavar="SLUG", help="A programme the person is an officer of."
        )
        parser.add_argument("--write", action="store_true", help="Read and write, not only read.")
        parser.add_argument("--name", default="issued by an operator", help="What it is for.")
        parser.add_argument(
            "--days", type=int, default=90, help="Days until it expires (0: never; default 90)."
        )

    def handle(self, *args, email, cluster, programme, write, name, days, **options):
        try:
            person = Person.objects.get(email__iexact=email)
        except Person.DoesNotExist:
            raise CommandError(f"No person with the email address {email}.") from None
        if not person.is_active:
            raise CommandError(f"{email} is deactivated.")
        # The same slugs and messages as feed_url's; its scopes, by their API names.
        target = FeedUrlCommand().target(cluster=cluster, programme=programme)
        scope = SCOPE_OF_FEED[target.pop("scope")]
        expires_at = timezone.now() + datetime.timedelta(days=days) if days > 0 else None
        try:
            _token, raw_token = issue_api_token(
                person=person,
                name=name,
                scope=scope,
                can_write=write,
                expires_at=expires_at,
                **target,
            )
        except NoApiAccess:
            if cluster:
                raise CommandError(f"{email} is not a member of the cluster {cluster}.") from None
            raise CommandError(f"{email} is not a programme officer of {programme}.") from None
        self.stdout.write(raw_token)
