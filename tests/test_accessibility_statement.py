"""The accessibility statement (BITV 2.0): open to everybody at /accessibility/, in English and
German, with the feedback address of the setting, the day of the last check and the conciliation
body; and linked from every page's footer."""

import datetime

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


def _page(response):
    return BeautifulSoup(response.content, "html.parser")


def _headings(page):
    return [" ".join(h.get_text().split()) for h in page.select("main h1, main h2")]


def test_statement_in_english_for_a_visitor_not_logged_in(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "barrieren@agency.example"
    settings.ACCESSIBILITY_CHECKED_ON = datetime.date(2026, 12, 5)

    response = client.get("/accessibility/", HTTP_ACCEPT_LANGUAGE="en")

    page = _page(response)
    assert response.status_code == 200
    assert page.html["lang"] == "en"
    assert _headings(page) == [
        "Accessibility statement",
        "How accessible the C4F Tracker is",
        "What is checked",
        "What is not accessible yet",
        "Report a barrier",
        "Enforcement procedure",
    ]
    assert " ".join(page.select("main p")[3].get_text().split()) == (
        "The application was last checked on 5 December 2026. The method is a self-assessment "
        "by the developers; no external audit has been made yet."
    )
    assert " ".join(page.select("main ul")[1].select("li")[4].get_text().split()) == (
        "The API's documentation for developers (/api/v1/docs/, Swagger UI, a component of its "
        "own) has text and buttons below the contrast WCAG asks for. The same content is in the "
        "OpenAPI document at /api/v1/schema/, which any OpenAPI viewer shows."
    )
    feedback = page.select_one("main a[href^='mailto:barrieren']")
    assert (feedback["href"], feedback.get_text()) == (
        "mailto:barrieren@agency.example",
        "barrieren@agency.example",
    )
    address = page.select_one("main address").get_text().strip()
    assert [line.strip() for line in address.splitlines()] == [
        "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz",
        "bei dem Beauftragten der Bundesregierung für die Belange von Menschen mit Behinderungen",
        "Mauerstraße 53",
        "10117 Berlin",
        "Phone: +49 30 18 527-2805",
        "Email: info@schlichtungsstelle-bgg.de",
        "Website: www.schlichtungsstelle-bgg.de",
    ]


def test_statement_in_german_names_its_status_and_links_english_marked(client):
    response = client.get("/accessibility/", HTTP_ACCEPT_LANGUAGE="de")

    page = _page(response)
    other = page.select_one("main a[hreflang]")
    assert page.html["lang"] == "de"
    assert _headings(page) == [
        "Erklärung zur Barrierefreiheit",
        "Stand der Vereinbarkeit mit den Anforderungen",
        "Was geprüft wird",
        "Nicht barrierefreie Inhalte",
        "Barrieren melden",
        "Schlichtungsverfahren",
    ]
    assert " ".join(page.select("main p")[2].get_text().split()) == (
        "Der C4F Tracker ist wegen der unten genannten Einschränkungen teilweise barrierefrei "
        "im Sinne der WCAG 2.1, Stufe AA."
    )
    assert (other["href"], other["lang"], other.get_text()) == (
        "?lang=en",
        "en",
        "This statement in English",
    )


def test_statement_lang_parameter_chooses_its_language(client):
    response = client.get("/accessibility/?lang=de", HTTP_ACCEPT_LANGUAGE="en")

    page = _page(response)
    assert (page.html["lang"], page.h1.get_text()) == ("de", "Erklärung zur Barrierefreiheit")


def test_statement_unknown_lang_parameter_keeps_the_page_language(client):
    response = client.get("/accessibility/?lang=fr", HTTP_ACCEPT_LANGUAGE="en")

    page = _page(response)
    assert (page.html["lang"], page.h1.get_text()) == ("en", "Accessibility statement")


@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/account/", "/no-such-page/"])
def test_footer_links_the_statement_on_every_page(client, member, path):
    client.force_login(member)

    response = client.get(path, HTTP_ACCEPT_LANGUAGE="de")

    link = _page(response).select_one("footer a")
    assert (link["href"], link.get_text()) == ("/accessibility/", "Barrierefreiheit")
