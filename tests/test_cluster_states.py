"""A cluster's federal state: its public holidays are its days off, for reminders and for
day-finding (Corpus Christi, Thursday 30 May 2024, is a holiday in North Rhine-Westphalia and
not in Saxony)."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.core.exceptions import ValidationError

from milestones.dayfinding import services
from milestones.models import Availability, DayAnswer, GermanState
from milestones.reminders.days import is_working_day
from tests.dayfinding_setup import ANSWERED_ON, APRIL_2, add_visit_item, answer, open_on
from tests.test_reminders import walk

CORPUS_CHRISTI = datetime.date(2024, 5, 30)
MAY_29, MAY_31 = datetime.date(2024, 5, 29), datetime.date(2024, 5, 31)


@pytest.fixture
def rhineland(other_cluster):
    other_cluster.state = GermanState.NORTH_RHINE_WESTPHALIA
    other_cluster.save()
    return other_cluster


def test_working_day_follows_the_state_given_and_the_setting_otherwise(settings):
    settings.REMINDER_HOLIDAY_STATE = "SN"

    results = [
        is_working_day(CORPUS_CHRISTI),
        is_working_day(CORPUS_CHRISTI, state="SN"),
        is_working_day(CORPUS_CHRISTI, state="NW"),
    ]

    assert results == [True, True, False]


def test_cluster_without_a_state_keeps_the_setting(settings, cluster):
    settings.REMINDER_HOLIDAY_STATE = "BE"

    assert (cluster.state, cluster.holiday_state) == ("", "BE")


def test_reminder_due_on_the_clusters_holiday_comes_the_working_day_before(
    settings, rhineland, make_milestone, member, other_coordinator
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_HOLIDAY_STATE = "SN"
    mail.outbox = []
    # Thursday 6 June 2024: its 7-day reminder falls on Corpus Christi.
    with time_machine.travel(datetime.datetime(2024, 5, 1, 6, 0, tzinfo=datetime.UTC)):
        make_milestone(lead=member, title="Report", starts_on=datetime.date(2024, 6, 6))
        make_milestone(
            cluster=rhineland,
            lead=other_coordinator,
            title="Report",
            starts_on=datetime.date(2024, 6, 6),
        )

    emails = [
        email
        for email in walk(datetime.date(2024, 5, 28), MAY_31)
        if "in 7" in email[2] or "in 8" in email[2]
    ]

    assert emails == [
        (
            "2024-05-29 08:00",
            "Olga Other <coordinator@other.test>",
            "[Other Cluster] Report: in 8 days",
        ),
        ("2024-05-30 08:00", "Max Member <member@saxocell.test>", "[SaxoCell] Report: in 7 days"),
    ]


def test_settings_offer_a_holiday_of_some_clusters_unticked_and_name_its_states(
    client, officer, cluster, rhineland
):
    with time_machine.travel(APRIL_2, tick=False):
        visit_item = add_visit_item(cluster.programme)
    client.force_login(officer)

    with time_machine.travel(APRIL_2, tick=False):
        response = client.get(f"/programmes/c4f/plan/{visit_item.pk}/day-finding/settings/")

    soup = BeautifulSoup(response.content, "html.parser")
    corpus_christi = soup.select_one("input[name=days][value='2024-05-30']")
    offered = soup.select("input[name=days]")
    ticked = soup.select("input[name=days][checked]")
    assert (len(offered), len(ticked), corpus_christi.has_attr("checked")) == (40, 39, False)
    assert soup.select_one("p.dayfinding-holidays").get_text(" ", strip=True) == (
        "Public holidays: Labor Day (1 May 2024; North Rhine-Westphalia, Saxony), "
        "Ascension Day (9 May 2024; North Rhine-Westphalia, Saxony), "
        "Pentecost Monday (20 May 2024; North Rhine-Westphalia, Saxony), "
        "Corpus Christi (30 May 2024; North Rhine-Westphalia)"
    )


@pytest.fixture
def day_finding(cluster, rhineland, coordinator, other_coordinator):
    with time_machine.travel(APRIL_2, tick=False):
        return open_on(add_visit_item(cluster.programme), days=(MAY_29, CORPUS_CHRISTI))


def test_answer_on_the_clusters_own_holiday_is_cannot_whatever_was_posted(
    client, day_finding, rhineland, other_coordinator
):
    panel_days = dict(day_finding.days.values_list("day", "pk"))
    client.force_login(other_coordinator)
    url = f"/clusters/other/day-finding/{day_finding.pk}/"
    data = {
        f"day_{panel_days[MAY_29]}": Availability.IF_NEED_BE,
        f"day_{panel_days[CORPUS_CHRISTI]}": Availability.CAN,
    }

    with time_machine.travel(ANSWERED_ON, tick=False):
        page = client.get(url)
        client.post(url, data)

    soup = BeautifulSoup(page.content, "html.parser")
    holiday_radios = soup.select(f"input[name=day_{panel_days[CORPUS_CHRISTI]}]")
    assert [radio.has_attr("disabled") for radio in holiday_radios] == [True, True, True]
    assert [text.get_text() for text in soup.select("small.dayfinding-holiday")] == [
        "A public holiday in your state: Corpus Christi."
    ]
    stored = dict(
        DayAnswer.objects.filter(reply__cluster=rhineland).values_list(
            "panel_day__day", "availability"
        )
    )
    assert stored == {MAY_29: Availability.IF_NEED_BE, CORPUS_CHRISTI: Availability.CANNOT}


def test_proposal_never_gives_a_cluster_its_holiday_answered_before_its_state_was_known(
    day_finding, cluster, other_cluster, coordinator, other_coordinator
):
    other_cluster.state = ""
    other_cluster.save()
    answer(day_finding, cluster, coordinator, {MAY_29: "can", CORPUS_CHRISTI: "cannot"})
    answer(day_finding, other_cluster, other_coordinator, {MAY_29: "cannot", CORPUS_CHRISTI: "can"})
    other_cluster.state = GermanState.NORTH_RHINE_WESTPHALIA
    other_cluster.save()

    proposal = services.propose(day_finding=day_finding)

    panel_days = dict(day_finding.days.values_list("pk", "day"))
    given = {cluster_id: panel_days[pk] for cluster_id, pk in proposal.days.items()}
    assert (given, proposal.left) == (
        {cluster.pk: MAY_29},
        {other_cluster.pk: "cannot-any-day"},
    )


def test_confirming_a_cluster_on_its_holiday_is_refused_and_changes_nothing(
    day_finding, rhineland, officer
):
    panel_days = dict(day_finding.days.values_list("day", "pk"))

    with pytest.raises(ValidationError) as refused:
        services.confirm(
            day_finding=day_finding,
            version=day_finding.version,
            assignment={rhineland.pk: panel_days[CORPUS_CHRISTI]},
            by=officer,
        )

    assert refused.value.messages == [
        "30 May 2024 is a public holiday in Other Cluster's state (Corpus Christi)."
    ]
    assert rhineland.milestones.get(kind="on-site-visit").is_tentative is True
