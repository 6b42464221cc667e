from django.core.management.base import BaseCommand, CommandError

from milestones.feeds.tokens import NoFeedAccess, feed_url, issue_feed_token, webcal_url
from milestones.models.feeds import FeedScope
from milestones.models.programmes import Cluster, Person, Programme


class Command(BaseCommand):
    help = (
        "Issue a new calendar feed token for a person and print the subscription URL: "
        "their own milestones, or with --cluster / --programme that cluster's or programme's."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's email address.")
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--cluster", metavar="SLUG", help="A cluster the person belongs to.")
        scope.add_argument(
            "--programme", metavar="SLUG", help="A programme the person is an officer of."
        )
        parser.add_argument("--name", default="", help="A name for the token (where it is used).")

    def handle(self, *args, email, cluster, programme, name, **options):
        person = self.active_person(email)
        try:
            _token, raw_token = issue_feed_token(
                person=person, name=name, **self.target(cluster=cluster, programme=programme)
            )
        except NoFeedAccess:
            raise self.refusal(email=email, cluster=cluster, programme=programme) from None
        url = feed_url(raw_token)
        self.stdout.write(url)
        self.stdout.write(webcal_url(url))

    def active_person(self, email):
        try:
            person = Person.objects.get(email__iexact=email)
        except Person.DoesNotExist:
            raise CommandError(f"No person with the email address {email}.") from None
        if not person.is_active:
            raise CommandError(f"{email} is deactivated.")
        return person

    def refusal(self, *, email, cluster, programme):
        if cluster:
            return CommandError(f"{email} is not a member of the cluster {cluster}.")
        return CommandError(f"{email} is not a programme officer of {programme}.")

    def target(self, *, cluster, programme):
        """The feed's scope and its cluster or programme, by the slugs given."""
        if cluster:
            try:
                return {"scope": FeedScope.CLUSTER, "cluster": Cluster.objects.get(slug=cluster)}
            except Cluster.DoesNotExist:
                raise CommandError(f"No cluster with the slug {cluster}.") from None
        if programme:
            try:
                return {
                    "scope": FeedScope.PROGRAMME,
                    "programme": Programme.objects.get(slug=programme),
                }
            except Programme.DoesNotExist:
                raise CommandError(f"No programme with the slug {programme}.") from None
        return {"scope": FeedScope.MINE}
