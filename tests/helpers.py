"""What the tests of the web UI share: the text of pages, their links and errors, clusters."""

import datetime
import zoneinfo

from bs4 import BeautifulSoup

from milestones.models import (
    Cluster,
)

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# A morning in March 2024, twelve days before the strategy is due on 2 April.
MARCH_21 = datetime.datetime(2024, 3, 21, 9, 0, tzinfo=BERLIN)


def texts(response, selector):
    """The whitespace-normalised text of every element the CSS selector finds."""
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(element.get_text(" ").split()) for element in soup.select(selector)]


def field_errors(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        element["id"].removeprefix("id_").removesuffix("_error"): element.get_text()
        for element in soup.select("small.field-error")
    }


def add_clusters(programme, count, *, first=1):
    """Clusters "Cluster 001", "Cluster 002", ... of the programme, ``count`` of them."""
    return Cluster.objects.bulk_create(
        Cluster(programme=programme, name=f"Cluster {number:03d}", slug=f"cluster-{number:03d}")
        for number in range(first, first + count)
    )


def cluster_names(first, last):
    return [f"Cluster {number:03d}" for number in range(first, last + 1)]


def links(response, selector):
    """Where the links of the elements the CSS selector finds lead."""
    soup = BeautifulSoup(response.content, "html.parser")
    return [link["href"] for element in soup.select(selector) for link in element.select("a")]
