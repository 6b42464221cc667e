"""What every page shares: log-in first, another cluster's pages not found, labelled forms."""

import pytest
from bs4 import BeautifulSoup

from milestones.models import (
    Milestone,
    Status,
)

LOGGED_IN_PAGES = [
    "/",
    "/clusters/saxocell/",
    "/clusters/saxocell/milestones/new/",
    "/clusters/saxocell/people/new/",
    "/milestones/1/",
    "/milestones/1/edit/",
    "/milestones/1/status/",
    "/programmes/c4f/",
    "/programmes/c4f/matrix.csv",
    "/programmes/c4f/plan/new/",
    "/programmes/c4f/plan/1/edit/",
    "/account/",
    "/accounts/password_change/",
]


@pytest.mark.parametrize("path", LOGGED_IN_PAGES)
def test_page_anonymous_is_sent_to_log_in(client, cluster, path):
    response = client.get(path)

    assert (response.status_code, response["Location"]) == (
        302,
        f"/accounts/login/?next={path}",
    )


@pytest.mark.parametrize(
    "name", ["cluster_page", "milestone", "milestone_edit", "status", "new", "invite"]
)
def test_other_cluster_pages_are_not_found(
    client, other_coordinator, coordinator, make_milestone, name
):
    milestone = make_milestone(lead=coordinator)
    client.force_login(other_coordinator)
    path = {
        "cluster_page": "/clusters/saxocell/",
        "milestone": f"/milestones/{milestone.pk}/",
        "milestone_edit": f"/milestones/{milestone.pk}/edit/",
        "status": f"/milestones/{milestone.pk}/status/",
        "new": "/clusters/saxocell/milestones/new/",
        "invite": "/clusters/saxocell/people/new/",
    }[name]

    assert client.get(path).status_code == 404
    if name not in ("cluster_page", "milestone"):
        assert client.post(path, {"status": Status.DONE}).status_code == 404
    assert Milestone.objects.get().status == Status.PLANNED


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("coordinator", "/clusters/saxocell/milestones/new/"),
        ("coordinator", "/milestones/{pk}/edit/"),
        ("coordinator", "/milestones/{pk}/"),
        ("coordinator", "/clusters/saxocell/"),
        ("coordinator", "/clusters/saxocell/people/new/"),
        ("coordinator", "/milestones/{pk}/status/"),
        ("coordinator", "/account/"),
        ("coordinator", "/accounts/password_change/"),
        ("officer", "/programmes/c4f/plan/new/"),
        ("officer", "/programmes/c4f/"),
        (None, "/accounts/login/"),
        (None, "/accounts/password_reset/"),
    ],
)
def test_form_every_input_has_a_label(client, coordinator, officer, make_milestone, who, path):
    milestone = make_milestone(lead=coordinator)
    if who is not None:
        client.force_login({"coordinator": coordinator, "officer": officer}[who])

    response = client.get(path.format(pk=milestone.pk))

    soup = BeautifulSoup(response.content, "html.parser")
    labelled = {label.get("for") for label in soup.select("label[for]")}
    inputs = [
        element
        for element in soup.select("input, select, textarea")
        if element.get("type") not in ("hidden", "submit")
    ]
    unlabelled = [
        element.get("name")
        for element in inputs
        if element.get("id") not in labelled and element.find_parent("label") is None
    ]
    assert (response.status_code, unlabelled, len(inputs) > 0) == (200, [], True)
