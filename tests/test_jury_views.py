"""The officer lays out the jury meeting's slots: preview, save, each cluster's milestone and
email, moves, and what is refused."""

# ruff: noqa: F811 (the fixture `jury`, imported from tests.jury_helpers, is the tests' argument)

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from milestones import plan
from milestones.models import JurySchedule, Milestone
from tests.helpers import links, texts
from tests.jury_helpers import (
    before_the_meeting,  # noqa: F401 (a fixture)
    jury,  # noqa: F401 (a fixture)
    jury_url,
    preview,
    preview_and_save,
    reminder_round,
    running_order,
    sent_to,
)

# The meeting is a month ahead: the reminder rounds tell people of its slots.
pytestmark = pytest.mark.usefixtures("before_the_meeting")


def slots_of(item):
    return {
        m.cluster.name: m.when_text
        for m in Milestone.objects.filter(plan_item=item).select_related("cluster")
    }


def test_layout_preview_shows_the_slots_and_saves_nothing(client, officer, jury):
    client.force_login(officer)

    response = preview(client, jury, breaks="1: 15")

    assert texts(response, ".preview-summary") == ["2 presentations, 1 h 15 min with the breaks."]
    assert [tuple(t.split(" ", 2)) for t in texts(response, "table.running-order tbody tr")] == [
        ("1", "10:30–11:00", "Other Cluster"),
        ("Break,", "15", "minutes"),
        ("2", "11:15–11:45", "SaxoCell"),
    ]
    assert JurySchedule.objects.count() == 0
    assert slots_of(jury) == {"Other Cluster": "2 July 2024", "SaxoCell": "2 July 2024"}


def test_layout_saved_gives_each_milestone_its_slot_with_history(client, officer, jury):
    client.force_login(officer)

    response = preview_and_save(client, jury)

    assert texts(response, "[role=status]") == [
        "Running order saved; 2 clusters get an email about their new slots."
    ]
    assert running_order(response) == [
        ("1", "10:30–11:00", "Other Cluster"),
        ("2", "11:00–11:30", "SaxoCell"),
    ]
    assert slots_of(jury) == {
        "Other Cluster": "2 July 2024, 10:30–11:00",
        "SaxoCell": "2 July 2024, 11:00–11:30",
    }
    saxocell = Milestone.objects.get(plan_item=jury, cluster__slug="saxocell")
    assert (saxocell.sequence, saxocell.date_version) == (1, 1)
    change = plan.date_changes(saxocell)[-1]
    assert (change.by, change.reason) == (officer, "Presentation slot 2 of the jury meeting.")


def test_layout_saved_and_a_reminder_round_email_each_person_concerned_once(
    client, officer, jury, settings
):
    settings.SITE_URL = "https://tracker.test"
    client.force_login(officer)
    preview_and_save(client, jury)

    right_away = list(mail.outbox)
    first_round = reminder_round()
    second_round = reminder_round()

    saxocell = Milestone.objects.get(plan_item=jury, cluster__slug="saxocell")
    title = "Jury meeting with presentation of the cluster"
    # SaxoCell's people responsible are told; the other cluster's milestone has nobody
    # responsible, so its coordinator is.
    assert right_away == []
    assert sent_to(first_round) == [
        (
            "Carla Coordinator <coordinator@saxocell.test>",
            f"[SaxoCell] {title}: date changed, in 29 days",
        ),
        ("Max Member <member@saxocell.test>", f"[SaxoCell] {title}: date changed, in 29 days"),
        (
            "Olga Other <coordinator@other.test>",
            f"[Other Cluster] {title}: date changed, in 29 days",
        ),
    ]
    assert second_round == []
    to_member = first_round[1]
    assert to_member.body.split("\n\n")[1].splitlines() == [
        f"{title} (SaxoCell): date changed, in 29 days",
        "The date of this milestone has changed. Reminders now count from the new date.",
        "Date changed: 2 July 2024 → 2 July 2024, 11:00–11:30",
        "Changed by: Otto Officer",
        "Why: Presentation slot 2 of the jury meeting.",
        "Date: 2 July 2024, 11:00–11:30 (Europe/Berlin)",
        "Status: Planned",
        "Lead: Carla Coordinator",
        "Next: once it has taken place, mark it done on its page:",
        f"https://tracker.test/milestones/{saxocell.pk}/",
    ]
    assert [name for name, _content, _type in to_member.attachments] == [
        f"milestone-{saxocell.pk}.ics"
    ]


def test_layout_saved_again_emails_only_the_clusters_whose_slot_changed(client, officer, jury):
    client.force_login(officer)
    preview_and_save(client, jury)
    reminder_round()

    response = preview_and_save(client, jury, version="1", starts_at="10:30", breaks="1: 30")
    emails = reminder_round()

    assert texts(response, "[role=status]") == [
        "Running order saved; 1 cluster gets an email about its new slot."
    ]
    assert [m.to for m in emails] == [
        ["Carla Coordinator <coordinator@saxocell.test>"],
        ["Max Member <member@saxocell.test>"],
    ]
    assert emails[0].body.splitlines()[4:8] == [
        "Date changed: 2 July 2024, 11:00–11:30 → 2 July 2024, 11:30–12:00",
        "Changed by: Otto Officer",
        "Why: Presentation slot 2 of the jury meeting.",
        "Date: 2 July 2024, 11:30–12:00 (Europe/Berlin)",
    ]


def test_layout_saved_emails_each_person_in_their_language(client, officer, jury, member):
    member.language = "de"
    member.save()
    client.force_login(officer)
    preview_and_save(client, jury)

    emails = {message.to[0]: message for message in reminder_round()}

    assert emails["Max Member <member@saxocell.test>"].subject == (
        "[SaxoCell] Jury meeting with presentation of the cluster: Termin geändert, in 29 Tagen"
    )
    assert emails["Carla Coordinator <coordinator@saxocell.test>"].subject == (
        "[SaxoCell] Jury meeting with presentation of the cluster: date changed, in 29 days"
    )


def test_layout_drawn_at_random_shows_its_seed_and_draws_the_same_again(client, officer, jury):
    client.force_login(officer)

    first = preview(client, jury, order="random", seed="4711")
    again = preview(client, jury, order="random", seed="4711")
    response = preview_and_save(client, jury, order="random", seed="4711")

    assert texts(first, ".preview-summary") == [
        "2 presentations, 1 h 00 min with the breaks. Drawn with the seed 4711."
    ]
    assert texts(first, "table.running-order") == texts(again, "table.running-order")
    assert texts(response, ".running-order-how")[0].startswith("Drawn at random · seed 4711 ·")
    assert JurySchedule.objects.get().seed == 4711


def test_layout_drawn_without_a_seed_gets_one_that_is_kept(client, officer, jury):
    client.force_login(officer)

    response = preview(client, jury, order="random")

    seed = texts(response, ".preview-summary")[0].removesuffix(".").rsplit(" ", 1)[1]
    assert seed.isdigit()
    assert 'name="seed" value="' + seed + '"' in response.content.decode()


def test_layout_by_hand_follows_the_places_given(client, officer, jury):
    client.force_login(officer)
    saxocell, other = (
        Milestone.objects.get(plan_item=jury, cluster__slug=slug) for slug in ("saxocell", "other")
    )

    preview_and_save(
        client, jury, order="hand", **{f"place_{saxocell.pk}": "1", f"place_{other.pk}": "2"}
    )

    assert slots_of(jury) == {
        "SaxoCell": "2 July 2024, 10:30–11:00",
        "Other Cluster": "2 July 2024, 11:00–11:30",
    }


def test_layout_that_does_not_fit_is_refused_with_the_time_it_needs(client, officer, jury):
    client.force_login(officer)

    response = preview(client, jury, starts_at="23:00", slot_minutes="45")

    assert texts(response, ".form-errors p") == [
        "The 2 presentations and their breaks need 1 h 30 min: from 23:00 they would end at "
        "00:30 on the next day. Start earlier, shorten the slots or the breaks."
    ]
    assert JurySchedule.objects.count() == 0


def test_layout_refuses_a_break_after_the_last_presentation(client, officer, jury):
    client.force_login(officer)

    response = preview(client, jury, breaks="2: 15")

    assert texts(response, "#id_breaks_error") == [
        "A break after presentation 2 never comes: there are 2 presentations."
    ]


def test_layout_without_clusters_is_refused(client, officer, programme):
    item = plan.save_plan_item(
        plan_item=plan.PlanItem(
            programme=programme,
            kind="jury-meeting",
            title="Jury",
            starts_on=datetime.date(2024, 7, 2),
        )
    )
    client.force_login(officer)

    response = preview(client, item)

    assert texts(response, ".form-errors p") == [
        "No cluster presents at this meeting: the plan item applies to no cluster, or every "
        "cluster's milestone for it is cancelled."
    ]


def test_layout_on_another_day_moves_the_plan_items_day_too(client, officer, jury):
    client.force_login(officer)

    preview_and_save(client, jury, day="2024-07-03")

    jury.refresh_from_db()
    assert jury.when_text == "3 July 2024"
    assert slots_of(jury) == {
        "Other Cluster": "3 July 2024, 10:30–11:00",
        "SaxoCell": "3 July 2024, 11:00–11:30",
    }


def test_programme_page_links_the_jury_meetings_slots(client, officer, jury):
    client.force_login(officer)

    response = client.get(f"/programmes/{jury.programme.slug}/")

    assert links(response, ".matrix thead th small:has(a[href$='/jury/'])") == [
        f"/programmes/{jury.programme.slug}/plan/{jury.pk}/jury/"
    ]


def test_layout_page_after_saving_starts_from_the_saved_layout(client, officer, jury):
    client.force_login(officer)
    preview_and_save(client, jury, starts_at="09:15", breaks="1: 20", order="random", seed="77")
    saxocell = Milestone.objects.get(plan_item=jury, cluster__slug="saxocell")

    response = client.get(jury_url(jury, "layout/"))

    soup = BeautifulSoup(response.content, "html.parser")
    assert {
        name: soup.select_one(f"[name={name}]").get("value")
        for name in ("day", "starts_at", "slot_minutes", "seed", "version")
    } == {
        "day": "2024-07-02",
        "starts_at": "09:15",
        "slot_minutes": "30",
        "seed": "77",
        "version": "1",
    }
    assert soup.select_one("[name=breaks]").get_text() == "\n1: 20"
    assert soup.select_one("[name=order][checked]")["value"] == "random"
    place = soup.select_one(f"[name=place_{saxocell.pk}]")["value"]
    assert place == str(JurySchedule.objects.get().slots.get(milestone=saxocell).number)


def test_layout_page_starts_from_the_plans_times_for_the_meeting(client, officer, jury):
    jury.starts_at, jury.ends_at = datetime.time(9, 30), datetime.time(16, 0)
    plan.save_plan_item(plan_item=jury, by=officer)
    client.force_login(officer)

    response = client.get(jury_url(jury, "layout/"))

    soup = BeautifulSoup(response.content, "html.parser")
    assert [
        soup.select_one(f"[name={name}]").get("value") for name in ("starts_at", "ends_by")
    ] == [
        "09:30",
        "16:00",
    ]
