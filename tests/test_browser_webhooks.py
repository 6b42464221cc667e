"""A coordinator registers a webhook endpoint in a real browser (Debian's chromium, as
tests/test_browser.py), at desktop and phone width: from the cluster's page to the endpoint's
page with its secret, and a milestone's new date among its deliveries."""

import datetime

import pytest

from milestones import plan
from milestones.models import Kind, Milestone, WebhookEndpoint
from tests.test_browser import chromium, demo, log_in  # noqa: F401 (a fixture)

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("width", WIDTHS)
def test_coordinator_registers_an_endpoint_and_sees_its_deliveries(
    live_server,
    demo,  # noqa: F811 (the fixture imported above)
    width,
):
    base = live_server.url
    milestone = Milestone.objects.get(
        cluster__slug="saxocell", kind=Kind.JURY_MEETING, starts_on__year=2024
    )

    with chromium() as browser:
        page = browser.new_page(viewport=WIDTHS[width], locale="en-GB")
        log_in(page, base, "coordinator@saxocell.example")
        page.goto(f"{base}/clusters/saxocell/")
        page.get_by_role("button", name="Webhooks").click()
        page.get_by_label("Address (https://…)").fill("https://93.184.216.34/hooks")
        page.get_by_label("Description").fill("Project tools")
        page.get_by_label("Date changed").check()
        page.get_by_role("button", name="Register endpoint").click()
        message = page.locator("[role=status]").inner_text()
        secret = page.get_by_label("Signing secret").input_value()
        endpoint_url = page.url
        empty = page.locator("#deliveries tbody").inner_text()

    endpoint = WebhookEndpoint.objects.get()
    plan.change_milestone_date(
        milestone=milestone, by=None, reason="", starts_on=datetime.date(2024, 7, 3)
    )

    with chromium() as browser:
        page = browser.new_page(viewport=WIDTHS[width], locale="en-GB")
        log_in(page, base, "coordinator@saxocell.example")
        page.goto(endpoint_url)
        row = page.locator("#deliveries tbody tr th").inner_text().split("\n")[0]
        scroll_width = page.evaluate("document.documentElement.scrollWidth")

    assert message == "The webhook endpoint is registered."
    assert (secret, endpoint.events) == (endpoint.secret, "milestone.date_changed")
    assert endpoint_url == f"{base}/webhooks/{endpoint.pk}/"
    assert empty == "Nothing delivered yet."
    assert row == "Date changed"
    assert scroll_width <= WIDTHS[width]["width"]
