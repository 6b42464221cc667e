"""The jury meeting's presentation slots in a real browser (Debian's chromium through
Playwright, as tests/test_browser.py): the officer lays out the live demo's jury meeting
(drawn at random when the demo was loaded) again by name with a break, previews, saves and
swaps two clusters; SaxoCell's and Nordlicht's coordinators each see their own slot and not the
running order; in English and in German.

Time stands still at 21 March 2024, 09:00 in Berlin: the demo's second round puts its jury
meeting 12 weeks later, on 13 June 2024.
"""

import datetime
import io
import re
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from milestones import plan
from milestones.jury import layout, services
from milestones.models import Cluster, Kind, Milestone, Person, PlanItem
from milestones.reminders.sending import send_due_reminders
from tests.helpers import MARCH_21
from tests.test_browser import CHROMIUM, chromium, log_in

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)",
)

JURY = "Jury meeting of the 2nd round"
NAMES = {
    "saxocell": "SaxoCell",
    "nordlicht": "Nordlicht (fictional demo cluster)",
}

WORDS = {
    "en": {
        "slots": "Presentation slots",
        "change": "Change the layout",
        "minutes": "Minutes a presentation (with questions)",
        "breaks": "Breaks",
        "by_name": "By cluster name (A–Z)",
        "preview": "Preview the slots",
        "save": "Save this running order",
        "move": "Move",
    },
    "de": {
        "slots": "Präsentationsslots",
        "change": "Ablauf neu planen",
        "minutes": "Minuten je Präsentation (mit Fragen)",
        "breaks": "Pausen",
        "by_name": "Nach Name des Clusters (A–Z)",
        "preview": "Vorschau der Slots",
        "save": "Diesen Ablauf speichern",
        "move": "Verschieben",
    },
}

EXPECTED = {
    "en": {
        "summary": "6 presentations, 3 h 15 min with the breaks.",
        # Alpenquant presented first in the demo's draw and does so by name too.
        "saved": "Running order saved; 5 clusters get an email about their new slots.",
        "moved": "SaxoCell now presents 13 June 2024, 10:00–10:30; 2 clusters get an email.",
        "saxocell": "13 June 2024, 10:00–10:30",
        "nordlicht": "13 June 2024, 11:45–12:15",
    },
    "de": {
        "summary": "6 Präsentationen, 3 Std. 15 Min. mit den Pausen.",
        "saved": "Ablauf gespeichert; 5 Cluster erhalten eine E-Mail zu ihren neuen Slots.",
        "moved": "SaxoCell präsentiert jetzt am 13. Juni 2024, 10:00–10:30; 2 Cluster erhalten "
        "eine E-Mail.",
        "saxocell": "13. Juni 2024, 10:00–10:30",
        "nordlicht": "13. Juni 2024, 11:45–12:15",
    },
}

# By name: Alpenquant, Elbtal Bio, Hanse Photonics | break | Nordlicht, Rheinwerk, SaxoCell;
# then SaxoCell swaps with Alpenquant.
RUNNING_ORDER = [
    ["1", "10:00–10:30", "SaxoCell"],
    ["2", "10:30–11:00", "Elbtal Bio (fictional demo cluster)"],
    ["3", "11:00–11:30", "Hanse Photonics (fictional demo cluster)"],
    ["4", "11:45–12:15", "Nordlicht (fictional demo cluster)"],
    ["5", "12:15–12:45", "Rheinwerk (fictional demo cluster)"],
    ["6", "12:45–13:15", "Alpenquant (fictional demo cluster)"],
]


@pytest.fixture
def demo(transactional_db):
    with time_machine.travel(MARCH_21, tick=False):
        call_command("load_demo", stdout=io.StringIO())
        yield {
            slug: Milestone.objects.get(
                cluster__slug=slug, kind=Kind.JURY_MEETING, plan_item__title=JURY
            )
            for slug in NAMES
        }


def _rows(page):
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in page.locator("table.running-order tbody tr:not(.break)").all()
    ]


@pytest.mark.parametrize("language", ["en", "de"])
def test_browser_officer_lays_out_the_slots_and_each_coordinator_sees_their_own(
    live_server, demo, language
):
    Person.objects.filter(email__endswith=".example").update(language=language)
    words = WORDS[language]
    seen = {}
    with time_machine.travel(MARCH_21, tick=False):
        # The demo's own reminders and slots are told first.
        send_due_reminders(now=timezone.now())
    mail.outbox.clear()

    with time_machine.travel(MARCH_21, tick=False), chromium() as browser:
        page = browser.new_page(locale="en-GB")
        page.set_default_timeout(10_000)
        log_in(page, live_server.url, "officer@c4f.example")
        page.goto(f"{live_server.url}/programmes/clusters4future/")
        column = page.locator(".matrix thead th", has_text=JURY)
        column.get_by_role("link", name=words["slots"]).click()
        page.get_by_role("button", name=words["change"]).click()
        page.get_by_label(words["minutes"]).fill("30")
        page.get_by_label(words["breaks"]).fill("3: 15")
        page.get_by_label(words["by_name"]).check()
        page.get_by_role("button", name=words["preview"]).click()
        seen["summary"] = page.locator(".preview-summary").inner_text()
        page.get_by_role("button", name=words["save"]).click()
        seen["saved"] = page.get_by_role("status").inner_text()
        page.locator("select[name=milestone]").select_option(label="SaxoCell")
        page.locator("select[name=to_number]").select_option(value="1")
        page.get_by_role("button", name=words["move"]).click()
        seen["moved"] = page.get_by_role("status").inner_text()
        running_order = _rows(page)
        officer_url = page.url
        page.close()

        for slug, email in (
            ("saxocell", "coordinator@saxocell.example"),
            ("nordlicht", "coordinator@othercluster.example"),
        ):
            context = browser.new_context(locale="en-GB")
            page = context.new_page()
            log_in(page, live_server.url, email)
            page.goto(f"{live_server.url}/milestones/{demo[slug].pk}/")
            seen[slug] = page.locator(".milestone-when strong").inner_text()
            seen[f"{slug} sees others"] = any(
                name in page.content() for other, name in NAMES.items() if other != slug
            )
            seen[f"{slug} running order"] = page.goto(officer_url).status
            context.close()
    right_away = len(mail.outbox)
    with time_machine.travel(MARCH_21, tick=False):
        send_due_reminders(now=timezone.now())

    assert seen == {
        **EXPECTED[language],
        "saxocell sees others": False,
        "saxocell running order": 404,
        "nordlicht sees others": False,
        "nordlicht running order": 404,
    }
    assert running_order == RUNNING_ORDER
    # Nothing at the clicks; the next reminder round emails each person of the six clusters
    # whose slot moved (five by the save, Alpenquant by the swap; SaxoCell's member too) once,
    # in their language, with the slot they have now.
    assert right_away == 0
    date = {"en": "Date: {} June 2024", "de": "Datum: {}. Juni 2024"}[language].format(13)
    assert sorted(
        (message.to[0], line.removeprefix(date))
        for message in mail.outbox
        for line in message.body.splitlines()
        if line.startswith(date)
    ) == [
        ("Anna Alp <office@alpenquant.example>", ", 12:45–13:15 (Europe/Berlin)"),
        ("Carla Coordinator <coordinator@saxocell.example>", ", 10:00–10:30 (Europe/Berlin)"),
        ("Emil Elb <office@elbtal.example>", ", 10:30–11:00 (Europe/Berlin)"),
        ("Hans Hanse <office@hanse.example>", ", 11:00–11:30 (Europe/Berlin)"),
        ("Max Member <member@saxocell.example>", ", 10:00–10:30 (Europe/Berlin)"),
        ("Otto Other <coordinator@othercluster.example>", ", 11:45–12:15 (Europe/Berlin)"),
        ("Rita Rhein <office@rheinwerk.example>", ", 12:15–12:45 (Europe/Berlin)"),
    ]


def test_browser_running_order_of_fourteen_clusters_prints_on_one_page(live_server, demo):
    item = PlanItem.objects.select_related("programme").get(title=JURY)
    for number in range(8):
        cluster = Cluster.objects.create(
            programme=item.programme, name=f"Extra Cluster {number}", slug=f"extra-{number}"
        )
        plan.sync_cluster_plan(cluster=cluster)
    services.save_running_order(
        plan_item=item,
        layout=layout.Layout(
            day=item.starts_on,
            starts_at=datetime.time(9, 0),
            slot_minutes=30,
            breaks=((4, 15), (7, 60), (11, 15)),
        ),
        order="name",
        seed=None,
        milestone_pks=[milestone.pk for milestone in services.presenting(item)],
        expected_version=item.jury_schedule.version,
        by=Person.objects.get(email="officer@c4f.example"),
    )

    with time_machine.travel(MARCH_21, tick=False), chromium() as browser:
        page = browser.new_page(locale="en-GB")
        log_in(page, live_server.url, "officer@c4f.example")
        page.goto(f"{live_server.url}/programmes/clusters4future/plan/{item.pk}/jury/")
        rows = page.locator("table.running-order tbody tr:not(.break)").count()
        pdf = page.pdf(format="A4")
        page.close()

    assert rows == 14
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
