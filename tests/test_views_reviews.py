"""The programme officer's pages (milestones.views.reviews): an extension, the review of the
latest version on the milestone's page, per plan item the clusters' states, and who may not."""

import datetime
import hashlib
import io
import zipfile

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.utils import timezone

from milestones.models import (
    Decision,
    Extension,
    Kind,
    Milestone,
    PlanItem,
    Review,
    Status,
    Submission,
    SubmissionFile,
)
from milestones.reminders.sending import send_due_reminders
from tests.helpers import MARCH_21, add_clusters, field_errors, texts
from tests.submission_rows import add_submission

NOON = datetime.time(12, 0)
APRIL_2 = datetime.date(2024, 4, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(MARCH_21, tick=False) as traveller:
        yield traveller


@pytest.fixture
def strategy(make_milestone, member, coordinator):
    return make_milestone(starts_at=NOON, lead=member, asks_submission=True)


@pytest.fixture
def submitted(strategy, coordinator):
    return add_submission(strategy, by=coordinator)


def lines(response, selector):
    """The text of each element, as it reads (no space where the markup has none)."""
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(element.get_text().split()) for element in soup.select(selector)]


def messages_of(response):
    return texts(response, "[role=status], [role=alert]")


def test_officer_grants_an_extension_and_the_cluster_sees_it(
    client, strategy, officer, member, mailoutbox
):
    client.force_login(officer)

    sent = client.post(
        f"/milestones/{strategy.pk}/extension/",
        {
            "extension-due_on": "2024-04-16",
            "extension-due_at": "12:00",
            "extension-reason": "Illness in the team",
        },
        follow=True,
    )
    client.force_login(member)
    page = client.get(f"/milestones/{strategy.pk}/")

    assert messages_of(sent) == ["SaxoCell now has until 16 April 2024, 12:00."]
    assert texts(page, ".extensions li") == [
        "Extended to 16 April 2024, 12:00 by Otto Officer: Illness in the team"
    ]
    assert texts(page, ".milestone-when strong") == ["16 April 2024, due 12:00"]
    # The lead and the coordinator hear of it once each, from the next reminder round.
    assert mailoutbox == []
    send_due_reminders(now=timezone.now())
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        (
            "Carla Coordinator <coordinator@saxocell.test>",
            "[SaxoCell] Cluster strategy: date changed, in 26 days",
        ),
        (
            "Max Member <member@saxocell.test>",
            "[SaxoCell] Cluster strategy: date changed, in 26 days",
        ),
    ]


def test_extension_form_says_what_is_wrong_beside_the_field(client, strategy, officer):
    client.force_login(officer)

    response = client.post(
        f"/milestones/{strategy.pk}/extension/",
        {"extension-due_on": "2024-04-01", "extension-due_at": "", "extension-reason": ""},
    )

    assert response.status_code == 200
    assert field_errors(response) == {
        "extension-reason": "This field is required.",
    }
    response = client.post(
        f"/milestones/{strategy.pk}/extension/",
        {"extension-due_on": "2024-04-01", "extension-due_at": "", "extension-reason": "Late"},
    )
    assert field_errors(response) == {
        "extension-due_on": "The new cut-off must be later than the current one, "
        "2 April 2024, 12:00."
    }
    assert Extension.objects.count() == 0


def test_officer_sees_the_latest_version_and_accepts_it(client, submitted, strategy, officer):
    client.force_login(officer)
    page = client.get(f"/milestones/{strategy.pk}/")

    sent = client.post(
        f"/milestones/{strategy.pk}/submissions/1/accept/",
        {"accept-note": "Thank you"},
        follow=True,
    )

    strategy.refresh_from_db()
    assert texts(page, ".latest-submission") == [
        "Latest version: 1, submitted 21 March 2024, 09:00 by Carla Coordinator, on time."
    ]
    assert texts(page, ".review-forms button") == ["Accept version 1", "Request a revision"]
    assert messages_of(sent) == ["Version 1 is accepted; the milestone is done."]
    assert lines(sent, ".reviews li") == [
        "21 March 2024, 09:00: Version 1 accepted by Otto Officer: Thank you"
    ]
    assert texts(sent, ".review-forms button") == []
    assert strategy.status == Status.DONE


def test_a_review_sent_twice_counts_once(client, submitted, strategy, officer, mailoutbox):
    client.force_login(officer)
    url = f"/milestones/{strategy.pk}/submissions/1/accept/"

    client.post(url, {"accept-note": ""}, follow=True)
    again = client.post(url, {"accept-note": ""}, follow=True)

    assert messages_of(again) == ["Version 1 has been reviewed already."]
    assert list(Review.objects.values_list("decision", flat=True)) == [Decision.ACCEPTED]
    assert sorted(message.to[0] for message in mailoutbox) == [
        "coordinator@saxocell.test",
        "member@saxocell.test",
    ]


def test_officer_asks_for_a_revision_with_a_new_due_date(
    client, submitted, strategy, officer, member
):
    client.force_login(officer)

    client.post(
        f"/milestones/{strategy.pk}/submissions/1/revision/",
        {
            "revision-note": "Add the budget",
            "revision-due_on": "2024-04-16",
            "revision-due_at": "12:00",
        },
    )
    client.force_login(member)
    page = client.get(f"/milestones/{strategy.pk}/")

    assert lines(page, ".reviews li") == [
        "21 March 2024, 09:00: Revision of version 1 requested by Otto Officer, due "
        "16 April 2024, 12:00: Add the budget"
    ]
    assert texts(page, ".facts .status") == ["In progress"]
    assert texts(page, ".milestone-when strong") == ["16 April 2024, due 12:00"]


def test_revision_form_says_what_is_missing(client, submitted, strategy, officer):
    client.force_login(officer)

    response = client.post(
        f"/milestones/{strategy.pk}/submissions/1/revision/",
        {"revision-note": "", "revision-due_on": "2024-03-01", "revision-due_at": ""},
    )

    assert response.status_code == 200
    assert field_errors(response) == {"revision-note": "This field is required."}
    assert (Review.objects.count(), Milestone.objects.get().status) == (0, Status.SUBMITTED)


def _urls(milestone, plan_item, programme):
    return [
        ("get", f"/milestones/{milestone.pk}/extension/"),
        ("post", f"/milestones/{milestone.pk}/extension/"),
        ("get", f"/milestones/{milestone.pk}/submissions/1/accept/"),
        ("post", f"/milestones/{milestone.pk}/submissions/1/accept/"),
        ("get", f"/milestones/{milestone.pk}/submissions/1/revision/"),
        ("post", f"/milestones/{milestone.pk}/submissions/1/revision/"),
        ("get", f"/programmes/{programme.slug}/plan/{plan_item.pk}/submissions/"),
        ("get", f"/programmes/{programme.slug}/plan/{plan_item.pk}/submissions.zip"),
    ]


@pytest.fixture
def item_with_submission(programme, cluster, coordinator, member):
    item = PlanItem.objects.create(
        programme=programme,
        kind=Kind.STRATEGY_SUBMISSION,
        title="Cluster strategy",
        starts_on=APRIL_2,
        starts_at=NOON,
        asks_submission=True,
    )
    milestone = Milestone.objects.create(
        cluster=cluster,
        plan_item=item,
        kind=item.kind,
        title=item.title,
        starts_on=APRIL_2,
        starts_at=NOON,
    )
    add_submission(milestone, by=coordinator)
    return item, milestone


@pytest.mark.parametrize(
    ("role", "milestone_code", "programme_code"),
    [("other_coordinator", 404, 404), ("member", 403, 404), ("coordinator", 403, 404)],
)
def test_only_officers_reach_the_programmes_steps(
    client, request, item_with_submission, programme, role, milestone_code, programme_code
):
    item, milestone = item_with_submission
    client.force_login(request.getfixturevalue(role))
    form = {
        "extension-due_on": "2024-05-01",
        "extension-reason": "Mine",
        "accept-note": "",
        "revision-note": "x",
        "revision-due_on": "2024-05-01",
    }

    codes = [
        getattr(client, method)(url, form if method == "post" else None).status_code
        for method, url in _urls(milestone, item, programme)
    ]
    page = client.get(f"/milestones/{milestone.pk}/")

    assert codes == [milestone_code] * 6 + [programme_code] * 2
    assert (Review.objects.count(), Extension.objects.count()) == (0, 0)
    if role != "other_coordinator":
        assert texts(page, ".review-forms button, .milestone-reviews [role=button]") == []


def _plan_with_clusters(programme, count):
    """A strategy plan item for ``count`` clusters; of every four, the first accepted, the
    second late with a revision requested, the third awaiting review, the fourth with
    nothing; every third with an extension."""
    item = PlanItem.objects.create(
        programme=programme,
        kind=Kind.STRATEGY_SUBMISSION,
        title="Cluster strategy",
        starts_on=APRIL_2,
        starts_at=NOON,
        asks_submission=True,
    )
    clusters = add_clusters(programme, count)
    milestones = Milestone.objects.bulk_create(
        Milestone(cluster=c, plan_item=item, kind=item.kind, title=item.title, starts_on=APRIL_2)
        for c in clusters
    )
    now = timezone.now()
    submissions = Submission.objects.bulk_create(
        Submission(milestone=m, number=1, submitted_by_name="C", is_late=i % 4 == 1)
        for i, m in enumerate(milestones)
        if i % 4 != 3
    )
    Review.objects.bulk_create(
        Review(
            submission=s,
            decision=Decision.ACCEPTED if i % 3 == 0 else Decision.REVISION,
            reviewed_by_name="O",
        )
        for i, s in enumerate(submissions)
        if i % 3 != 2
    )
    Extension.objects.bulk_create(
        Extension(
            milestone=m,
            previous_due_on=APRIL_2,
            due_on=APRIL_2,
            reason="r",
            granted_by_name="O",
            granted_at=now,
        )
        for i, m in enumerate(milestones)
        if i % 3 == 0
    )
    return item


def _counts(response):
    soup = BeautifulSoup(response.content, "html.parser")
    names = [dt.get_text() for dt in soup.select(".submission-counts dt")]
    numbers = [int(dd.get_text()) for dd in soup.select(".submission-counts dd")]
    return dict(zip(names, numbers, strict=True))


def test_plan_item_page_counts_the_clusters_states(client, officer, programme):
    item = _plan_with_clusters(programme, 14)
    client.force_login(officer)

    response = client.get(f"/programmes/{programme.slug}/plan/{item.pk}/submissions/")

    assert _counts(response) == {
        "Clusters": 14,
        "Submitted": 11,
        "On time (latest version)": 7,
        "Late (latest version)": 4,
        "With an extension": 5,
        "Accepted": 4,
        "Revision requested": 4,
        "Awaiting review": 3,
        "Outstanding": 3,
    }
    assert [row[:3] for row in _rows(response)][:4] == [
        ["Cluster 001", "Accepted", "Version 1, on time"],
        ["Cluster 002", "Revision requested", "Version 1, late"],
        ["Cluster 003", "Submitted, awaiting review", "Version 1, on time"],
        ["Cluster 004", "Nothing submitted yet", "–"],
    ]


def _rows(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        [" ".join(cell.get_text(" ").split()) for cell in tr.select("th, td")]
        for tr in soup.select(".cluster-states tbody tr")
    ]


@pytest.mark.parametrize("count", [14, 1000])
def test_plan_item_page_asks_as_many_queries_for_14_as_for_1000_clusters(
    client, officer, programme, count, django_assert_num_queries
):
    item = _plan_with_clusters(programme, count)
    client.force_login(officer)
    url = f"/programmes/{programme.slug}/plan/{item.pk}/submissions/"

    # session, person, programme, plan item, the clusters' milestones with their states
    with django_assert_num_queries(5):
        response = client.get(url)

    assert _counts(response)["Clusters"] == count
    assert len(_rows(response)) == count


def test_programme_page_links_each_plan_item_that_asks_for_a_submission(
    client, officer, programme, item_with_submission
):
    item, _milestone = item_with_submission
    PlanItem.objects.create(
        programme=programme, kind=Kind.JURY_MEETING, title="Jury", starts_on=APRIL_2
    )
    client.force_login(officer)

    response = client.get(f"/programmes/{programme.slug}/")

    soup = BeautifulSoup(response.content, "html.parser")
    assert [a["href"] for a in soup.select(".matrix thead a") if a.get_text() == "Submissions"] == [
        f"/programmes/{programme.slug}/plan/{item.pk}/submissions/"
    ]


def test_officer_downloads_every_clusters_latest_version_as_one_zip(
    client, officer, programme, item_with_submission, other_cluster, other_coordinator
):
    item, milestone = item_with_submission
    newer = add_submission(
        milestone,
        by=officer,
        number=2,
        files={"strategy.pdf": b"%PDF-1.7 version 2", "budget.xlsx": b"PK\x03\x04 budget"},
    )
    rival = Milestone.objects.create(
        cluster=other_cluster, plan_item=item, kind=item.kind, title=item.title, starts_on=APRIL_2
    )
    theirs = add_submission(rival, by=other_coordinator, files={"Strategie.pdf": b"%PDF other"})
    client.force_login(officer)

    response = client.get(f"/programmes/{programme.slug}/plan/{item.pk}/submissions.zip")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))

    assert (response["Content-Type"], response["Content-Disposition"]) == (
        "application/zip",
        'attachment; filename="Cluster strategy 2024-04-02.zip"',
    )
    assert archive.namelist() == [
        "Other Cluster/Strategie.pdf",
        "SaxoCell/budget.xlsx",
        "SaxoCell/strategy.pdf",
    ]
    assert {
        name: hashlib.sha256(archive.read(name)).hexdigest() for name in archive.namelist()
    } == {
        f"{f.milestone.cluster.name}/{f.name}": f.sha256
        for f in SubmissionFile.objects.filter(submission__in=[newer, theirs])
    }
