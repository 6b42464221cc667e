"""What the jury tests share: a jury meeting of the programme, the officer's preview and
save through the web UI, and the running order as the page shows it."""

import datetime
import zoneinfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.utils import timezone

from milestones import plan, services
from milestones.models import Kind, PlanItem, Responsibility, ResponsibilityRole
from milestones.reminders.sending import send_due_reminders

JULY_2 = datetime.date(2024, 7, 2)
TITLE = "Jury meeting with presentation of the cluster"
# A month before the meeting, 09:00 in Berlin: the reminder rounds tell of dates still ahead.
JUNE_3 = datetime.datetime(2024, 6, 3, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))


@pytest.fixture
def before_the_meeting():
    """The whole test on 3 June 2024, 09:00, time standing still."""
    with time_machine.travel(JUNE_3, tick=False):
        yield


def reminder_round():
    """One ``send_reminders`` round now, as the worker runs it; the emails it sent, by
    recipient."""
    already = len(mail.outbox)
    send_due_reminders(now=timezone.now())
    return sorted(mail.outbox[already:], key=lambda message: message.to)


def sent_to(messages):
    """(recipient, subject) of each email."""
    return [(message.to[0], message.subject) for message in messages]


@pytest.fixture
def jury(programme, cluster, other_cluster, coordinator, member, other_coordinator, officer):
    """The 2 July 2024 jury meeting; SaxoCell's milestone led by its coordinator with its
    member contributing, the other cluster's with nobody responsible (its coordinators are
    told)."""
    item = PlanItem(programme=programme, kind=Kind.JURY_MEETING, title=TITLE, starts_on=JULY_2)
    plan.save_plan_item(plan_item=item, by=officer)
    saxocell = item.milestones.get(cluster=cluster)
    services.add_responsibility(
        responsibility=Responsibility(
            milestone=saxocell, person=coordinator, role=ResponsibilityRole.LEAD
        )
    )
    services.add_responsibility(responsibility=Responsibility(milestone=saxocell, person=member))
    return item


def jury_url(item, tail=""):
    return f"/programmes/{item.programme.slug}/plan/{item.pk}/jury/{tail}"


LAYOUT = {
    "day": "2024-07-02",
    "starts_at": "10:30",
    "slot_minutes": "30",
    "breaks": "",
    "ends_by": "",
    "order": "name",
    "seed": "",
    "version": "0",
}


def hidden(response, name):
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.select_one(f"input[name={name}]").get("value", "")


def preview(client, item, **fields):
    return client.post(jury_url(item, "layout/"), {**LAYOUT, **fields, "preview": "1"})


def preview_and_save(client, item, **fields):
    """Preview the layout, then save what the preview showed (its seed and fingerprint)."""
    shown = preview(client, item, **fields)
    assert shown.status_code == 200
    data = {
        **LAYOUT,
        **fields,
        "seed": hidden(shown, "seed"),
        "previewed": hidden(shown, "previewed"),
        "save": "1",
    }
    return client.post(jury_url(item, "layout/"), data, follow=True)


def running_order(response):
    """The rows of the running order table: slot, time, cluster."""
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        tuple(" ".join(cell.get_text(" ").split()) for cell in row.select("td"))
        for row in soup.select("table.running-order tbody tr")
    ]
