import datetime

from django.utils import timezone

from milestones.api.tokens import API_SCOPES, NoApiAccess, issue_api_token
from milestones.management.commands.feed_url import Command as FeedUrlCommand


class Command(FeedUrlCommand):
    """feed_url's person, scope and refusals, for an API token."""

    help = (
        "Issue a new API token for a person and print it: for everything they may see, or with "
        "--cluster / --programme for that cluster or programme only; --write to let it change "
        "what the person may change."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--write", action="store_true", help="Read and write, not only read.")
        parser.add_argument(
            "--days", type=int, default=90, help="Days until it expires (0: never; default 90)."
        )

    def handle(self, *args, email, cluster, programme, name, write, days, **options):
        person = self.active_person(email)
        target = self.target(cluster=cluster, programme=programme)
        try:
            _token, raw_token = issue_api_token(
                person=person,
                name=name or "api_token",
                scope=API_SCOPES[target.pop("scope")],
                can_write=write,
                expires_at=timezone.now() + datetime.timedelta(days=days) if days > 0 else None,
                **target,
            )
        except NoApiAccess:
            raise self.refusal(email=email, cluster=cluster, programme=programme) from None
        self.stdout.write(raw_token)
