"""Programme officers: the matrix's pages and filter by name, and the plan (tests/test_matrix.py
has the cells' states, sorting and filtering by state; tests/test_exports.py the files)."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup

from milestones.models import (
    Cluster,
    Kind,
    Language,
    Milestone,
    Person,
    PlanItem,
    Programme,
    Status,
)
from milestones.plan import save_plan_item
from tests.conftest import PASSWORD
from tests.helpers import add_clusters, cluster_names, field_errors, links, texts

# session, person, programme, plan items, the number of clusters, a page of them, their
# milestones, the figures of each column
PROGRAMME_QUERIES = 8


def test_programme_page_only_for_its_officers(client, officer, coordinator, programme):
    client.force_login(coordinator)

    assert client.get("/programmes/c4f/").status_code == 404
    client.force_login(officer)
    assert client.get("/programmes/c4f/").status_code == 200


@pytest.fixture
def plan(programme, cluster, other_cluster, officer):
    items = [
        save_plan_item(
            plan_item=PlanItem(
                programme=programme,
                kind=Kind.STRATEGY_SUBMISSION,
                title="Strategy",
                starts_on=datetime.date(2024, 4, 2),
            ),
            by=officer,
        ),
        save_plan_item(
            plan_item=PlanItem(
                programme=programme,
                kind=Kind.ON_SITE_VISIT,
                title="Visit",
                starts_on=datetime.date(2024, 5, 1),
                ends_on=datetime.date(2024, 6, 30),
                is_tentative=True,
            ),
            by=officer,
        ),
    ]
    Milestone.objects.filter(cluster=cluster, plan_item=items[0]).update(status=Status.DONE)
    return items


def test_programme_matrix_cells_are_status_and_date(client, officer, plan):
    client.force_login(officer)

    response = client.get("/programmes/c4f/")

    assert texts(response, ".matrix tbody tr") == [
        "Other Cluster Overdue 2 April 2024 Overdue May–June 2024 (day not fixed)",
        "SaxoCell Done 2 April 2024 Overdue May–June 2024 (day not fixed)",
    ]


def test_programme_page_same_queries_for_one_cluster_and_many(
    client, officer, programme, cluster, django_assert_num_queries
):
    save_plan_item(
        plan_item=PlanItem(
            programme=programme, kind=Kind.OTHER, title="A", starts_on=datetime.date(2024, 1, 1)
        ),
        by=officer,
    )
    client.force_login(officer)
    with django_assert_num_queries(PROGRAMME_QUERIES):
        client.get("/programmes/c4f/")

    from milestones.models import Cluster

    for number in range(5):
        Cluster.objects.create(programme=programme, name=f"C{number}", slug=f"c{number}")
    save_plan_item(
        plan_item=PlanItem(
            programme=programme, kind=Kind.OTHER, title="B", starts_on=datetime.date(2024, 2, 1)
        ),
        by=officer,
    )

    with django_assert_num_queries(PROGRAMME_QUERIES):
        client.get("/programmes/c4f/")


def test_officer_adds_plan_item_for_every_cluster(client, officer, cluster, other_cluster):
    client.force_login(officer)

    response = client.post(
        "/programmes/c4f/plan/new/",
        {
            "kind": Kind.JURY_MEETING,
            "title": "Jury meeting",
            "date_form": "day",
            "starts_on": "2024-07-02",
            "round": "",
            "reason": "kick-off slides",
        },
    )

    assert response["Location"] == "/programmes/c4f/"
    assert sorted((m.cluster.slug, m.title, m.when_text) for m in Milestone.objects.all()) == [
        ("other", "Jury meeting", "2 July 2024"),
        ("saxocell", "Jury meeting", "2 July 2024"),
    ]


def test_officer_moves_plan_item_and_clusters_follow(client, officer, plan, cluster):
    client.force_login(officer)
    data = {
        "kind": Kind.STRATEGY_SUBMISSION,
        "title": "Strategy",
        "date_form": "day-with-time",
        "starts_on": "2024-04-02",
        "starts_at": "12:00",
        "round": "",
        "reason": "cut-off added",
    }

    # New dates: first the preview (tests/test_plan_change.py), then the save.
    preview = client.post(f"/programmes/c4f/plan/{plan[0].pk}/edit/", data)
    confirmed = BeautifulSoup(preview.content, "html.parser").select_one("[name=confirmed]")
    client.post(
        f"/programmes/c4f/plan/{plan[0].pk}/edit/", {**data, "confirmed": confirmed["value"]}
    )

    assert [m.when_text for m in plan[0].milestones.order_by("cluster__name")] == [
        "2 April 2024, due 12:00",
        "2 April 2024, due 12:00",
    ]


def test_programme_page_lists_clusters_while_the_plan_is_empty(
    client, officer, cluster, other_cluster
):
    client.force_login(officer)

    response = client.get("/programmes/c4f/")

    assert (
        texts(response, ".actions a"),
        texts(response, ".actions + p"),
        texts(response, ".matrix thead th"),
        texts(response, ".matrix tbody th"),
        links(response, ".matrix tbody"),
        texts(response, "nav.pages"),
    ) == (
        [
            "New plan item",
            "Programme timeline",
            "Download as CSV",
            "Download as XLSX",
            "Reminder lead times",
            "Webhooks",
            "Sign-in domains",
        ],
        ["The plan has no items yet."],
        ["Cluster"],
        ["Other Cluster", "SaxoCell"],
        ["/clusters/other/", "/clusters/saxocell/"],
        [],
    )


def test_programme_page_without_clusters_says_so(client, officer, programme):
    client.force_login(officer)

    response = client.get("/programmes/c4f/")

    assert (texts(response, "main > p:not(.actions)"), texts(response, ".matrix")) == (
        ["The plan has no items yet.", "The programme has no clusters yet."],
        [],
    )


def test_programme_page_shows_fifty_clusters_by_name_and_the_next_ones_on_page_two(
    client, officer, programme
):
    add_clusters(programme, 120)
    client.force_login(officer)

    first = client.get("/programmes/c4f/")
    second = client.get("/programmes/c4f/?page=2")

    assert (texts(first, ".matrix tbody th"), texts(first, "nav.pages")) == (
        cluster_names(1, 50),
        ["Page 1 of 3 Next page →"],
    )
    assert (
        texts(second, ".matrix tbody th"),
        texts(second, "nav.pages"),
        links(second, "nav.pages"),
    ) == (
        cluster_names(51, 100),
        ["← Previous page Page 2 of 3 Next page →"],
        ["/programmes/c4f/", "/programmes/c4f/?page=3"],
    )


LAST_PAGE = ("Page 3 of 3", "Cluster 101")


FIRST_PAGE = ("Page 1 of 3", "Cluster 001")


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ("3", LAST_PAGE),
        ("4", LAST_PAGE),
        ("99999999999999999999", LAST_PAGE),
        ("0", FIRST_PAGE),
        ("-2", FIRST_PAGE),
        ("two", FIRST_PAGE),
        ("", FIRST_PAGE),
    ],
)
def test_programme_page_number_out_of_range_or_not_a_number_shows_the_nearest_page(
    client, officer, programme, page, shown
):
    add_clusters(programme, 120)
    client.force_login(officer)

    response = client.get("/programmes/c4f/", {"page": page})

    page_of, first_cluster = shown
    assert (
        response.status_code,
        texts(response, "nav.pages li")[1],
        texts(response, ".matrix tbody th")[0],
    ) == (200, page_of, first_cluster)


def test_programme_page_links_keep_the_filter_and_other_parameters(client, officer, programme):
    add_clusters(programme, 120)
    client.force_login(officer)

    first = client.get("/programmes/c4f/?q=cluster+0&view=all")
    second = client.get("/programmes/c4f/?q=cluster+0&view=all&page=2")

    # "cluster 0" is in the names of Cluster 001 to Cluster 099.
    assert (texts(first, ".filter-result"), links(first, "nav.pages")) == (
        ["99 clusters match “cluster 0”. Show all clusters"],
        ["/programmes/c4f/?q=cluster+0&view=all&page=2"],
    )
    assert (
        texts(second, ".matrix tbody th"),
        texts(second, "nav.pages"),
        links(second, "nav.pages"),
    ) == (
        cluster_names(51, 99),
        ["← Previous page Page 2 of 2"],
        ["/programmes/c4f/?q=cluster+0&view=all"],
    )


def test_programme_page_finds_clusters_by_part_of_their_name_ignoring_case(
    client, officer, programme, cluster, other_cluster
):
    Cluster.objects.create(programme=programme, name="Saxony Hub", slug="saxony")
    client.force_login(officer)

    response = client.get("/programmes/c4f/?q=SAXO")

    soup = BeautifulSoup(response.content, "html.parser")
    assert (
        soup.select_one("input[name=q]")["value"],
        texts(response, ".filter-result"),
        links(response, ".filter-result"),
        texts(response, ".matrix tbody th"),
        texts(response, "nav.pages"),
    ) == (
        "SAXO",
        ["2 clusters match “SAXO”. Show all clusters"],
        ["/programmes/c4f/"],
        ["SaxoCell", "Saxony Hub"],
        [],
    )


def test_programme_page_filter_matching_no_cluster_says_so(client, officer, cluster, plan):
    client.force_login(officer)

    response = client.get("/programmes/c4f/?q=Nowhere")

    assert (texts(response, ".filter-result"), texts(response, ".matrix")) == (
        ["No cluster matches “Nowhere”. Show all clusters"],
        [],
    )


def test_programme_page_filter_longer_than_any_name_is_refused_with_the_reason(
    client, officer, cluster, other_cluster
):
    client.force_login(officer)

    response = client.get("/programmes/c4f/", {"q": "x" * 201})

    assert (field_errors(response), texts(response, ".matrix tbody th")) == (
        {"q": "Ensure this value has at most 200 characters (it has 201)."},
        ["Other Cluster", "SaxoCell"],
    )


def test_programme_page_filtered_and_paged_still_only_for_its_officers(
    client, officer, coordinator, programme
):
    elsewhere = Programme.objects.create(name="Elsewhere", slug="elsewhere")
    stranger = Person.objects.create_user("officer@elsewhere.test", PASSWORD, name="Else")
    elsewhere.officers.create(person=stranger)
    add_clusters(programme, 60)
    statuses = []

    for person in [coordinator, stranger, officer]:
        client.force_login(person)
        statuses.append(client.get("/programmes/c4f/?q=Cluster&page=2").status_code)

    assert statuses == [404, 404, 200]


def test_programme_page_in_german(client, officer, programme):
    add_clusters(programme, 60)
    officer.language = Language.GERMAN
    officer.save()
    client.force_login(officer)

    found = client.get("/programmes/c4f/?q=cluster")
    none = client.get("/programmes/c4f/?q=nichts")

    assert (
        texts(found, ".actions + p"),
        texts(found, ".cluster-filter label, .cluster-filter button"),
        texts(found, ".filter-result"),
        texts(found, ".matrix thead th"),
        texts(found, "nav.pages"),
        texts(none, ".filter-result"),
    ) == (
        ["Der Plan hat noch keine Einträge."],
        ["Name des Clusters", "Zustand einer Zelle", "in der Spalte", "Suchen"],
        ["60 Cluster passen zu „cluster“. Alle Cluster zeigen"],
        ["Cluster"],
        ["Seite 1 von 2 Nächste Seite →"],
        ["Kein Cluster passt zu „nichts“. Alle Cluster zeigen"],
    )


def test_programme_page_reads_only_the_milestones_of_the_clusters_shown(
    client, officer, programme, django_assert_num_queries
):
    save_plan_item(
        plan_item=PlanItem(
            programme=programme, kind=Kind.OTHER, title="A", starts_on=datetime.date(2024, 1, 1)
        ),
        by=officer,
    )
    add_clusters(programme, 3)
    client.force_login(officer)
    with django_assert_num_queries(PROGRAMME_QUERIES):
        few = client.get("/programmes/c4f/")
    add_clusters(programme, 117, first=4)
    save_plan_item(
        plan_item=PlanItem(
            programme=programme, kind=Kind.OTHER, title="B", starts_on=datetime.date(2024, 2, 1)
        ),
        by=officer,
    )

    with django_assert_num_queries(PROGRAMME_QUERIES) as queries:
        many = client.get("/programmes/c4f/?page=2")

    (cells_query,) = [
        query["sql"] for query in queries.captured_queries if '"cluster_id" IN (' in query["sql"]
    ]
    read = re.search(r'"cluster_id" IN \(([^)]*)\)', cells_query).group(1)
    shown = Cluster.objects.filter(name__in=cluster_names(51, 100)).values_list("pk", flat=True)
    assert (len(texts(few, ".matrix tbody tr")), len(texts(many, ".matrix tbody tr"))) == (3, 50)
    assert {int(pk) for pk in read.split(",")} == set(shown)


def test_coordinator_cannot_edit_plan(client, coordinator, plan):
    client.force_login(coordinator)

    assert client.get(f"/programmes/c4f/plan/{plan[0].pk}/edit/").status_code == 404
