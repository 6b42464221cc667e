"""What a screen reader needs from the markup (WCAG 1.3.1, 1.4.1): the programme timeline's marks
also as a table (what, when, state), the matrix with row and column headers, and the header's
account link named without a hover title."""

import pytest
from bs4 import BeautifulSoup

from tests.helpers import texts
from tests.test_views_programme_timeline import frozen, plan  # noqa: F401 (fixtures)


def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_programme_timeline_table_gives_what_when_and_state_of_every_mark(client, officer, plan):  # noqa: F811
    client.force_login(officer)

    response = client.get("/programmes/c4f/timeline/")

    page = _soup(response)
    assert texts(response, ".timeline-table summary") == ["The timeline as a table"]
    assert [th.get("scope") for th in page.select(".timeline-table thead th")] == ["col"] * 4
    assert texts(response, ".timeline-table thead th") == ["Cluster", "What", "When", "State"]
    assert [
        [" ".join(cell.get_text().split()) for cell in row.select("th, td")]
        for row in page.select(".timeline-table tbody tr")
    ] == [
        ["Other Cluster", "1. Strategy", "2 April 2024, due 12:00", "Due soon"],
        ["Other Cluster", "2. Visit", "May–June 2024 (day not fixed)", "Planned"],
        ["SaxoCell", "1. Strategy", "2 April 2024, due 12:00", "Done"],
        ["SaxoCell", "2. Visit", "12 June 2024", "Planned"],
    ]
    assert [th.get("scope") for th in page.select(".timeline-table tbody th")] == ["row"] * 4
    assert len(page.select(".ptl-mark")) == 4


def test_matrix_has_column_and_row_headers(client, officer, plan):  # noqa: F811
    client.force_login(officer)

    response = client.get("/programmes/c4f/")

    page = _soup(response)
    assert [th.get("scope") for th in page.select(".matrix thead th")] == ["col"] * 3
    assert [
        (th.get("scope"), th.get_text(strip=True)) for th in page.select(".matrix tbody th")
    ] == [("row", "Other Cluster"), ("row", "SaxoCell")]


@pytest.mark.parametrize("language", ["en", "de"])
def test_account_link_names_itself_in_words_not_a_hover_title(client, member, language):
    client.force_login(member)

    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)

    link = _soup(response).select_one("header a[href='/account/']")
    assert (link.get("title"), " ".join(link.get_text().split())) == (
        None,
        {"en": "Max: Your account", "de": "Max: Ihr Konto"}[language],
    )
