"""The status form (forms/editing.py StatusForm): what it offers and what saving it keeps."""

from bs4 import BeautifulSoup

from milestones.models import Milestone, Status


def offered(response):
    soup = BeautifulSoup(response.content, "html.parser")
    select = soup.select_one("select[name=status]")
    chosen = select.select_one("option[selected]")
    return [option["value"] for option in select.select("option")], chosen["value"]


def test_a_planned_milestone_is_not_offered_submitted(client, coordinator, make_milestone):
    milestone = make_milestone(lead=coordinator)
    client.force_login(coordinator)

    response = client.get(f"/milestones/{milestone.pk}/status/")

    assert offered(response) == (["planned", "in-progress", "done", "cancelled"], "planned")


def test_a_note_on_a_submitted_milestone_keeps_it_submitted(client, coordinator, make_milestone):
    milestone = make_milestone(lead=coordinator)
    Milestone.objects.filter(pk=milestone.pk).update(status=Status.SUBMITTED)
    client.force_login(coordinator)

    response = client.get(f"/milestones/{milestone.pk}/status/")
    client.post(
        f"/milestones/{milestone.pk}/status/",
        {"status": "submitted", "note": "The annex follows by post."},
    )

    milestone.refresh_from_db()
    assert offered(response)[1] == "submitted"
    assert milestone.status == Status.SUBMITTED
