"""The API's reads: what each object shows, who sees it (another cluster's is 404), and the
submitted files through the API."""

import datetime

import pytest
import time_machine

from milestones import services
from milestones.models import ApiTokenScope, Cluster, Kind, PlanItem, Programme
from tests.api_helpers import get, token_of
from tests.submission_rows import STRATEGY_PDF, add_submission

NOW = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_api_milestone_shows_date_status_people_and_history(
    client, frozen, coordinator, member, make_milestone
):
    milestone = make_milestone(
        lead=member, contributors=[coordinator], starts_at=datetime.time(12, 0)
    )
    frozen.shift(datetime.timedelta(minutes=1))
    services.set_status(milestone=milestone, status="in-progress", by=member, note="drafting")
    raw_token = token_of(member)

    response = get(client, f"/api/v1/milestones/{milestone.pk}/", raw_token)

    assert response.status_code == 200
    assert response.json() == {
        "id": milestone.pk,
        "cluster": "saxocell",
        "plan_item": None,
        "kind": "strategy-submission",
        "title": "Cluster strategy",
        "description": "",
        "location": "",
        "date": {
            "form": "deadline",
            "text": "2 April 2024, due 12:00",
            "starts_on": "2024-04-02",
            "ends_on": None,
            "starts_at": "12:00",
            "ends_at": None,
            "is_tentative": False,
            "time_zone": "Europe/Berlin",
        },
        "status": "in-progress",
        "people": [
            {"id": member.pk, "name": "Max Member", "role": "lead"},
            {"id": coordinator.pk, "name": "Carla Coordinator", "role": "contributor"},
        ],
        "created_at": "2024-03-01T10:00:00+01:00",
        "updated_at": "2024-03-01T10:01:00+01:00",
        "page_url": f"http://testserver/milestones/{milestone.pk}/",
        "history": [
            {
                "at": "2024-03-01T10:00:00+01:00",
                "by": None,
                "topic": "date",
                "what": "date set: 2 April 2024, due 12:00",
                "why": "",
            },
            {
                "at": "2024-03-01T10:00:00+01:00",
                "by": None,
                "topic": "people",
                "what": "lead: nobody → Max Member; contributors added: Carla Coordinator",
                "why": "",
            },
            {
                "at": "2024-03-01T10:01:00+01:00",
                "by": "Max Member",
                "topic": "status",
                "what": "status: Planned → In progress",
                "why": "drafting",
            },
        ],
    }


@pytest.mark.parametrize(
    ("fields", "form", "text"),
    [
        ({"kind": Kind.OTHER}, "day", "2 April 2024"),
        (
            {
                "kind": Kind.JURY_MEETING,
                "starts_at": datetime.time(10),
                "ends_at": datetime.time(12),
            },
            "day-with-time",
            "2 April 2024, 10:00–12:00",
        ),
        ({"starts_at": datetime.time(12)}, "deadline", "2 April 2024, due 12:00"),
        (
            {"kind": Kind.ON_SITE_VISIT, "ends_on": datetime.date(2024, 4, 4)},
            "span",
            "2–4 April 2024",
        ),
        (
            {
                "kind": Kind.ON_SITE_VISIT,
                "starts_on": datetime.date(2024, 5, 1),
                "ends_on": datetime.date(2024, 6, 30),
                "is_tentative": True,
            },
            "window",
            "May–June 2024 (day not fixed)",
        ),
    ],
)
def test_api_milestone_date_form_as_the_readme_names_it(
    client, member, make_milestone, fields, form, text
):
    milestone = make_milestone(**fields)

    date = get(client, f"/api/v1/milestones/{milestone.pk}/", token_of(member)).json()["date"]

    assert (date["form"], date["text"]) == (form, text)


def test_api_milestone_text_in_the_persons_language(client, member, make_milestone):
    milestone = make_milestone(starts_at=datetime.time(12))
    services.change_person(person=member, changes={"language": "de"})

    date = get(client, f"/api/v1/milestones/{milestone.pk}/", token_of(member)).json()["date"]

    assert date["text"] == "2. April 2024, fällig 12:00"


def test_api_other_clusters_objects_are_404(
    client, member, other_cluster, other_coordinator, make_milestone
):
    theirs = make_milestone(cluster=other_cluster, title="Their strategy")
    submission = add_submission(theirs, by=other_coordinator)
    raw_token = token_of(member)

    paths = [
        f"/api/v1/milestones/{theirs.pk}/",
        "/api/v1/clusters/other/",
        "/api/v1/clusters/other/people/",
        f"/api/v1/submissions/{submission.pk}/",
        f"/api/v1/submissions/{submission.pk}/files/{submission.files.get().pk}/",
    ]

    assert [get(client, path, raw_token).status_code for path in paths] == [404] * 5
    assert get(client, "/api/v1/milestones/", raw_token).json()["results"] == []


def test_api_officer_sees_every_cluster_of_their_programme_only(
    client, officer, cluster, other_cluster
):
    elsewhere = Programme.objects.create(name="Elsewhere", slug="elsewhere")
    Cluster.objects.create(programme=elsewhere, name="Rival", slug="rival")
    raw_token = token_of(officer)

    response = get(client, "/api/v1/clusters/", raw_token)

    assert [c["slug"] for c in response.json()["results"]] == ["saxocell", "other"]
    assert get(client, "/api/v1/clusters/rival/", raw_token).status_code == 404
    assert get(client, "/api/v1/programmes/elsewhere/", raw_token).status_code == 404


def test_api_cluster_token_of_an_officer_sees_that_cluster_only(
    client, officer, cluster, other_cluster, make_milestone
):
    theirs = make_milestone(cluster=other_cluster)
    raw_token = token_of(officer, scope=ApiTokenScope.CLUSTER, cluster=cluster)

    clusters = get(client, "/api/v1/clusters/", raw_token).json()["results"]

    assert [c["slug"] for c in clusters] == ["saxocell"]
    assert get(client, f"/api/v1/milestones/{theirs.pk}/", raw_token).status_code == 404


def test_api_programmes_and_plan_items_of_a_member(client, member, programme):
    PlanItem.objects.create(
        programme=programme,
        kind=Kind.PROGRESS_REPORT,
        title="Progress report",
        starts_on=datetime.date(2023, 9, 1),
        ends_on=datetime.date(2023, 9, 30),
        is_tentative=True,
    )
    raw_token = token_of(member)

    programmes = get(client, "/api/v1/programmes/", raw_token).json()["results"]
    plan_items = get(client, "/api/v1/plan-items/", raw_token).json()["results"]

    assert programmes == [
        {"slug": "c4f", "name": "Clusters4Future", "funder": "BMBF", "time_zone": "Europe/Berlin"}
    ]
    assert [(item["title"], item["date"]["form"], item["date"]["text"]) for item in plan_items] == [
        ("Progress report", "window", "September 2023 (day not fixed)")
    ]


def test_api_cluster_people_with_their_roles(client, member, coordinator):
    people = get(client, "/api/v1/clusters/saxocell/people/", token_of(member)).json()["results"]

    assert [(p["name"], p["email"], p["role"]) for p in people] == [
        ("Max Member", "member@saxocell.test", "member"),
        ("Carla Coordinator", "coordinator@saxocell.test", "coordinator"),
    ]


def test_api_submission_metadata_and_file(client, frozen, officer, member, make_milestone):
    milestone = make_milestone(lead=member)
    submission = add_submission(milestone, by=member)
    row = submission.files.get()
    raw_token = token_of(officer)

    listed = get(client, "/api/v1/submissions/", raw_token).json()["results"]
    download = get(client, listed[0]["files"][0]["download_url"], raw_token)
    again = get(
        client,
        listed[0]["files"][0]["download_url"],
        raw_token,
        HTTP_IF_NONE_MATCH=download["ETag"],
    )

    assert listed == [
        {
            "id": submission.pk,
            "milestone": milestone.pk,
            "cluster": "saxocell",
            "number": 1,
            "note": "",
            "submitted_by": "Max Member",
            "submitted_at": "2024-03-01T10:00:00+01:00",
            "cut_off": "2024-04-02T02:00:00+02:00",
            "is_late": False,
            "files": [
                {
                    "id": row.pk,
                    "name": "strategy.pdf",
                    "size": len(STRATEGY_PDF),
                    "sha256": row.sha256,
                    "content_type": "application/pdf",
                    "download_url": (
                        f"http://testserver/api/v1/submissions/{submission.pk}/files/{row.pk}/"
                    ),
                }
            ],
            "review": None,
        }
    ]
    assert b"".join(download.streaming_content) == STRATEGY_PDF
    assert download["Content-Disposition"] == 'attachment; filename="strategy.pdf"'
    assert download["ETag"] == f'"{row.sha256}"'
    assert download["Cache-Control"] == "private, no-store"
    assert again.status_code == 304


def test_api_unknown_paths_are_json_404(client, member):
    raw_token = token_of(member)

    responses = [
        get(client, path, raw_token)
        for path in (
            "/api/v1/submissions/1/files/abc/",
            "/api/v1/milestones/abc/",
            "/api/v1/nothing/",
            "/api/v1/milestones/99999999999999999999/",
        )
    ]

    assert [(r.status_code, r.json()) for r in responses] == [
        (404, {"detail": "Not found."}),
        (404, {"detail": "Not found."}),
        (404, {"detail": "Not found."}),
        (404, {"detail": "No Milestone matches the given query."}),
    ]


def test_api_root_lists_the_addresses(client, db):
    response = client.get("/api/v1/")

    assert response.json() == {
        "programmes": "http://testserver/api/v1/programmes/",
        "plan_items": "http://testserver/api/v1/plan-items/",
        "clusters": "http://testserver/api/v1/clusters/",
        "milestones": "http://testserver/api/v1/milestones/",
        "submissions": "http://testserver/api/v1/submissions/",
        "schema": "http://testserver/api/v1/schema/",
        "docs": "http://testserver/api/v1/docs/",
    }
