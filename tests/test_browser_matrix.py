"""The programme matrix in a real browser (Debian's chromium, as tests/test_browser.py), as the
officer at desktop and phone width: a sort, a filter, the cluster column staying in place
while the plan items scroll, both exports downloaded and read back, the timeline on paper."""

import csv
import datetime
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from milestones.models import Kind, Milestone, PlanItem, ProgrammeOfficer, Status
from milestones.plan import save_plan_item, sync_cluster_plan
from tests.conftest import PASSWORD, make_person
from tests.helpers import add_clusters
from tests.test_browser import CHROMIUM, chromium

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)",
)

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PLAN_ITEMS = 8
CLUSTERS = 12


@pytest.fixture
def matrix(transactional_db, programme):
    """Twelve clusters against eight plan items, a month apart from last month on: wider
    than a desktop's screen. Cluster 003's and 007's first item is overdue, 005's done."""
    officer = make_person("officer@c4f.test", "Otto Officer")
    ProgrammeOfficer.objects.create(person=officer, programme=programme)
    today = timezone.localdate()
    clusters = add_clusters(programme, CLUSTERS)
    for number in range(PLAN_ITEMS):
        save_plan_item(
            plan_item=PlanItem(
                programme=programme,
                kind=Kind.PROGRESS_REPORT,
                title=f"Report {number + 1}",
                starts_on=today + datetime.timedelta(days=30 * number - 20),
            ),
            by=officer,
        )
    for cluster in clusters:
        sync_cluster_plan(cluster=cluster)
    first = Milestone.objects.filter(plan_item__title="Report 1")
    first.filter(cluster__name="Cluster 005").update(status=Status.DONE)
    first.exclude(cluster__name__in=["Cluster 003", "Cluster 007"]).exclude(
        status=Status.DONE
    ).update(starts_on=today + datetime.timedelta(days=40))
    return officer


def log_in(page, base_url):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill("officer@c4f.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/")


def first_column(page):
    return page.locator(".matrix tbody th").all_inner_texts()


def sticky_positions(page):
    """Where the cluster column's first cell and the last plan item's header are, before and
    after the matrix is scrolled to its right end."""
    cluster_cell = page.locator(".matrix tbody th").first
    last_header = page.locator(".matrix thead th").last
    before = (cluster_cell.bounding_box()["x"], last_header.bounding_box()["x"])
    page.locator(".matrix-scroll").evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    page.wait_for_function("() => document.querySelector('.matrix-scroll').scrollLeft > 0")
    after = (cluster_cell.bounding_box()["x"], last_header.bounding_box()["x"])
    return before, after


def download(page, name):
    with page.expect_download() as info:
        page.get_by_role("button", name=name).click()
    return info.value.path().read_bytes()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_browser_officer_sorts_filters_scrolls_and_downloads_the_matrix(
    live_server, matrix, viewport
):
    with chromium() as browser:
        page = browser.new_page(viewport=viewport, locale="en-GB", accept_downloads=True)
        log_in(page, live_server.url)
        page.goto(f"{live_server.url}/programmes/c4f/")
        page.get_by_role("link", name="Report 1", exact=True).click()
        page.wait_for_url(re.compile(r"sort=item-"))
        sorted_first = first_column(page)[:3]
        sorted_states = page.locator(
            ".matrix tbody tr td:nth-child(2) .cell-state"
        ).all_inner_texts()
        aria_sort = page.locator(".matrix thead th[aria-sort]").inner_text()
        page.get_by_label("State of a cell").select_option(label="Overdue")
        page.get_by_role("button", name="Find").click()
        page.wait_for_url(re.compile(r"state=overdue"))
        filtered = first_column(page)
        page.goto(f"{live_server.url}/programmes/c4f/")
        hint = page.locator(".scroll-hint").is_visible()
        (cluster_before, last_before), (cluster_after, last_after) = sticky_positions(page)
        page_width = page.evaluate("document.documentElement.scrollWidth")
        csv_bytes = download(page, "Download as CSV")
        xlsx_bytes = download(page, "Download as XLSX")

    assert sorted_first == ["Cluster 003", "Cluster 007", "Cluster 001"]
    assert sorted_states[:2] + sorted_states[-1:] == ["Overdue", "Overdue", "Done"]
    assert aria_sort.startswith("Report 1")
    assert filtered == ["Cluster 003", "Cluster 007"]
    assert (hint, cluster_after, page_width) == (True, cluster_before, viewport["width"])
    assert last_after < last_before
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes)).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert (len(rows), len(cells)) == (1 + CLUSTERS * PLAN_ITEMS, 1 + CLUSTERS * PLAN_ITEMS)
    in_40_days = timezone.localdate() + datetime.timedelta(days=40)
    assert rows[1] == [
        "Cluster 001",
        "Report 1",
        "deadline",
        in_40_days.isoformat(),
        "",
        "",
        "Planned",
        "Planned",
        "no",
        "no",
    ]
    assert cells[0] == rows[0]
    assert cells[1][:4] == [
        "Cluster 001",
        "Report 1",
        "deadline",
        datetime.datetime.combine(in_40_days, datetime.time()),
    ]
    assert [row[0] for row in cells[1:]] == [row[0] for row in rows[1:]]


def test_browser_programme_timeline_prints_on_one_landscape_page(live_server, matrix):
    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP, locale="en-GB")
        log_in(page, live_server.url)
        page.goto(f"{live_server.url}/programmes/c4f/")
        page.get_by_role("button", name="Programme timeline").click()
        page.wait_for_url(re.compile(r"/timeline/$"))
        rows = page.locator(".ptl-clusters > li").count()
        page.emulate_media(media="print")
        menu_shown = page.locator("header nav").is_visible()
        form_shown = page.locator("main form").is_visible()
        pdf = page.pdf(prefer_css_page_size=True)

    pages = re.findall(rb"/Type\s*/Page[^s]", pdf)
    width, height = (
        float(n) for n in re.search(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups()
    )
    assert (rows, menu_shown, form_shown) == (CLUSTERS, False, False)
    assert (len(pages), width > height) == (1, True)


PRINTED = """() => [...document.querySelectorAll(
    "header nav, footer, main form, main button, main [role=button], nav.pages"
)].filter((element) => element.getClientRects().length > 0).length"""


def test_browser_matrix_and_milestone_page_print_without_menu_buttons_or_forms(live_server, matrix):
    milestone = Milestone.objects.filter(cluster__name="Cluster 001").first()

    with chromium() as browser:
        page = browser.new_page(viewport=DESKTOP, locale="en-GB")
        log_in(page, live_server.url)
        shown = {}
        for path in ["/programmes/c4f/", f"/milestones/{milestone.pk}/"]:
            page.goto(f"{live_server.url}{path}")
            page.emulate_media(media="screen")
            on_screen = page.evaluate(PRINTED)
            page.emulate_media(media="print")
            shown[path] = (on_screen > 0, page.evaluate(PRINTED))
        matrix_overflow = page.goto(f"{live_server.url}/programmes/c4f/") and page.evaluate(
            "getComputedStyle(document.querySelector('.matrix-scroll')).overflowX"
        )

    assert shown == dict.fromkeys(shown, (True, 0))
    assert matrix_overflow == "visible"
