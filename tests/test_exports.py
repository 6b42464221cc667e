"""The matrix as files (milestones/exports.py): CSV and XLSX, read back with csv and openpyxl."""

import csv
import datetime
import io

import openpyxl
import pytest
import time_machine

from milestones.models import Cluster, Kind, Language, Milestone, PlanItem, Status
from milestones.plan import save_plan_item
from tests.helpers import BERLIN, add_clusters

NOW = datetime.datetime(2024, 4, 3, 9, 0, tzinfo=BERLIN)

HEADER = [
    "Cluster",
    "Plan item",
    "Form of the date",
    "Start",
    "End",
    "Time / cut-off",
    "Status",
    "State",
    "Overdue",
    "Outside the plan's window",
]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def plan(programme, cluster, other_cluster, officer):
    """A strategy due 2 April 12:00 (SaxoCell's done, the other's overdue), a visit window
    (SaxoCell's day confirmed outside it), a jury meeting of round 2 only (none of them)."""
    Cluster.objects.filter(pk=cluster.pk).update(name="SaxoCell “Leipzig”")
    items = [
        PlanItem(
            kind=Kind.STRATEGY_SUBMISSION,
            title="Strategy",
            starts_on=datetime.date(2024, 4, 2),
            starts_at=datetime.time(12, 0),
        ),
        PlanItem(
            kind=Kind.ON_SITE_VISIT,
            title="Visit",
            starts_on=datetime.date(2024, 5, 1),
            ends_on=datetime.date(2024, 6, 30),
            is_tentative=True,
        ),
        PlanItem(
            kind=Kind.JURY_MEETING, title="Jury", starts_on=datetime.date(2024, 7, 2), round=2
        ),
    ]
    for item in items:
        item.programme = programme
        save_plan_item(plan_item=item, by=officer)
    Milestone.objects.filter(cluster=cluster, plan_item=items[0]).update(status=Status.DONE)
    Milestone.objects.filter(cluster=cluster, plan_item=items[1]).update(
        starts_on=datetime.date(2024, 7, 10), ends_on=None, is_tentative=False
    )
    return items


def test_csv_has_a_row_per_cluster_and_plan_item_with_iso_dates(client, officer, plan):
    client.force_login(officer)

    response = client.get("/programmes/c4f/matrix.csv")

    assert (response["Content-Type"], response["Content-Disposition"]) == (
        "text/csv; charset=utf-8",
        'attachment; filename="c4f-matrix.csv"',
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == [
        HEADER,
        [
            "Other Cluster",
            "Strategy",
            "deadline",
            "2024-04-02",
            "",
            "12:00",
            "Planned",
            "Overdue",
            "yes",
            "no",
        ],
        [
            "Other Cluster",
            "Visit",
            "window",
            "2024-05-01",
            "2024-06-30",
            "",
            "Planned",
            "Planned",
            "no",
            "no",
        ],
        ["Other Cluster", "Jury", "", "", "", "", "", "not in scope", "", ""],
        [
            "SaxoCell “Leipzig”",
            "Strategy",
            "deadline",
            "2024-04-02",
            "",
            "12:00",
            "Done",
            "Done",
            "no",
            "no",
        ],
        [
            "SaxoCell “Leipzig”",
            "Visit",
            "day",
            "2024-07-10",
            "",
            "",
            "Planned",
            "Planned",
            "no",
            "yes",
        ],
        ["SaxoCell “Leipzig”", "Jury", "", "", "", "", "", "not in scope", "", ""],
    ]


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


def test_xlsx_has_the_same_columns_with_dates_as_dates_and_a_frozen_header(client, officer, plan):
    client.force_login(officer)

    response = client.get("/programmes/c4f/matrix.xlsx")

    sheet, rows = xlsx_rows(response)
    assert (response["Content-Type"], response["Content-Disposition"]) == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        'attachment; filename="c4f-matrix.xlsx"',
    )
    assert (sheet.title, sheet.freeze_panes, sheet["A1"].font.b) == ("Matrix", "A2", True)
    april_2, may_1, june_30 = (
        datetime.datetime(2024, 4, 2),
        datetime.datetime(2024, 5, 1),
        datetime.datetime(2024, 6, 30),
    )
    assert rows == [
        HEADER,
        [
            "Other Cluster",
            "Strategy",
            "deadline",
            april_2,
            None,
            datetime.time(12, 0),
            "Planned",
            "Overdue",
            True,
            False,
        ],
        [
            "Other Cluster",
            "Visit",
            "window",
            may_1,
            june_30,
            None,
            "Planned",
            "Planned",
            False,
            False,
        ],
        ["Other Cluster", "Jury", None, None, None, None, None, "not in scope", None, None],
        [
            "SaxoCell “Leipzig”",
            "Strategy",
            "deadline",
            april_2,
            None,
            datetime.time(12, 0),
            "Done",
            "Done",
            False,
            False,
        ],
        [
            "SaxoCell “Leipzig”",
            "Visit",
            "day",
            datetime.datetime(2024, 7, 10),
            None,
            None,
            "Planned",
            "Planned",
            False,
            True,
        ],
        ["SaxoCell “Leipzig”", "Jury", None, None, None, None, None, "not in scope", None, None],
    ]
    assert (sheet["D2"].number_format, sheet["F2"].number_format) == ("yyyy-mm-dd", "hh:mm")


def test_exports_list_every_cluster_not_a_page_or_a_filter(client, officer, programme):
    save_plan_item(
        plan_item=PlanItem(
            programme=programme, kind=Kind.OTHER, title="A", starts_on=datetime.date(2024, 9, 1)
        ),
        by=officer,
    )
    add_clusters(programme, 60)
    client.force_login(officer)

    csv_response = client.get("/programmes/c4f/matrix.csv?page=2&q=Cluster+06&state=done")
    xlsx_response = client.get("/programmes/c4f/matrix.xlsx?page=2&q=Cluster+06&state=done")

    csv_rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    _sheet, rows = xlsx_rows(xlsx_response)
    names = [f"Cluster {number:03d}" for number in range(1, 61)]
    assert [row[0] for row in csv_rows[1:]] == names
    assert [row[0] for row in rows[1:]] == names


def test_exports_in_german(client, officer, plan):
    officer.language = Language.GERMAN
    officer.save()
    client.force_login(officer)

    csv_response = client.get("/programmes/c4f/matrix.csv")
    xlsx_response = client.get("/programmes/c4f/matrix.xlsx")

    csv_rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    sheet, rows = xlsx_rows(xlsx_response)
    assert csv_rows[:2] == [
        [
            "Cluster",
            "Planeintrag",
            "Form des Datums",
            "Beginn",
            "Ende",
            "Uhrzeit / Abgabezeit",
            "Status",
            "Zustand",
            "Überfällig",
            "Außerhalb des Zeitfensters des Plans",
        ],
        [
            "Other Cluster",
            "Strategy",
            "Frist",
            "2024-04-02",
            "",
            "12:00",
            "Geplant",
            "Überfällig",
            "ja",
            "nein",
        ],
    ]
    assert (sheet.title, rows[0] == csv_rows[0]) == ("Matrix", True)


def test_exports_only_for_the_programmes_officers(client, coordinator, plan):
    client.force_login(coordinator)

    assert [
        client.get(f"/programmes/c4f/matrix.{ending}").status_code for ending in ("csv", "xlsx")
    ] == [404, 404]


def test_exports_same_queries_for_two_clusters_and_many(
    client, officer, programme, plan, django_assert_num_queries
):
    client.force_login(officer)
    # session, person, programme, plan items, clusters, their milestones
    with django_assert_num_queries(6):
        client.get("/programmes/c4f/matrix.xlsx")
    add_clusters(programme, 100)

    with django_assert_num_queries(6):
        client.get("/programmes/c4f/matrix.csv")
