"""axe-core's WCAG 2.0/2.1 A and AA rules on every page and state of tests/accessibility.PAGES,
in an English and a German browser, at desktop and phone width (and in the dark colour scheme
that Pico follows from the system), in Debian's chromium.

axe-core comes with the PyPI package axe-playwright-python. Without chromium or that package
the tests are skipped, and under CI=true they fail instead.
"""

from pathlib import Path

import pytest
import time_machine
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

from tests.accessibility import (
    DESKTOP,
    LOCALES,
    PAGES,
    PHONE,
    TODAY,
    WCAG_AA_TAGS,
    demo_objects,
    require_browser,
)
from tests.test_browser import CHROMIUM, DEMO_PASSWORD, chromium
from tests.test_browser_submissions import PDF

# A form sent with every field emptied and the browser's own checks off, so that the server's
# refusal (the error summary and the messages beside the fields) is what is checked.
SEND_EMPTIED = """() => {
    const form = [...document.querySelectorAll("main form")].find(
        (form) => form.method === "post" && form.querySelector("input:not([type=hidden]), textarea, select"));
    form.noValidate = true;
    for (const field of form.querySelectorAll("input, textarea, select")) {
        if (field.type === "hidden" || field.type === "file") continue;
        if (field.type === "checkbox" || field.type === "radio") field.checked = false;
        else if (field.tagName === "SELECT") field.selectedIndex = -1;
        else field.value = "";
    }
    form.requestSubmit();
}"""

# A form whose CSRF token has gone, as after a long pause: Django's refusal page.
SEND_WITHOUT_TOKEN = """() => {
    const form = [...document.querySelectorAll("main form")].find((form) => form.method === "post");
    form.querySelector("[name=csrfmiddlewaretoken]").remove();
    form.requestSubmit();
}"""


@pytest.fixture
def axe():
    if not Path(CHROMIUM).exists():
        require_browser(f"Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        require_browser("axe-playwright-python (pip install -e '.[test]')")
    return Axe()


@pytest.fixture
def objects(transactional_db):
    with time_machine.travel(TODAY, tick=False):
        yield demo_objects()


def rendered_error_pages():
    """The 400 and 500 pages, which no request of a browser test can provoke, rendered by
    Django's own views in either language; a route serves them under the live server."""
    request = RequestFactory().get("/")
    pages = {}
    for language in LOCALES:
        with translation.override(language):
            pages[("/__400__", language)] = defaults.bad_request(request, None).content
            pages[("/__500__", language)] = defaults.server_error(request).content
    return pages


def log_in(page, base_url, email):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def put_in_state(page, base_url, path, state, rendered, language):
    if state == "rendered":
        page.route(
            f"{base_url}{path}",
            lambda route: route.fulfill(
                status=500, content_type="text/html", body=rendered[(path, language)]
            ),
        )
    page.goto(f"{base_url}{path}")
    if state in ("refused", "csrf"):
        with page.expect_navigation():
            page.evaluate(SEND_EMPTIED if state == "refused" else SEND_WITHOUT_TOKEN)
    elif state == "feed-issued":
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
    elif state in ("uploaded", "upload refused"):
        name, content = ("strategy.pdf", PDF) if state == "uploaded" else ("tool.exe", b"MZ\0\0")
        page.set_input_files(
            ".draft-upload input[type=file]",
            files=[{"name": name, "mimeType": "application/octet-stream", "buffer": content}],
        )
        page.locator(".draft-upload button[type=submit]").click()
        page.wait_for_selector(
            ".draft-files" if state == "uploaded" else ".draft-upload .field-error"
        )
    elif state == "opened":
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")


def violations(axe, page):
    results = axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{violation['id']}: {', '.join(str(node['target']) for node in violation['nodes'])}"
        for violation in results.response["violations"]
    ]


@pytest.mark.parametrize("entry", PAGES, ids=[entry.name for entry in PAGES])
def test_axe_page_has_no_wcag_aa_violation(live_server, axe, objects, entry):
    path = entry.path.format(**objects)
    rendered = rendered_error_pages() if entry.state == "rendered" else {}
    found = {}

    with time_machine.travel(TODAY, tick=False), chromium() as browser:
        for language, locale in LOCALES.items():
            context = browser.new_context(locale=locale, viewport=DESKTOP)
            page = context.new_page()
            page.set_default_timeout(15_000)
            if entry.user:
                log_in(page, live_server.url, entry.user)
            put_in_state(page, live_server.url, path, entry.state, rendered, language)
            found[(language, "desktop")] = violations(axe, page)
            page.set_viewport_size(PHONE)
            found[(language, "phone")] = violations(axe, page)
            page.emulate_media(color_scheme="dark")
            # Pico's colours change with a transition: axe reads them once it has ended.
            page.evaluate("Promise.all(document.getAnimations().map((a) => a.finished))")
            found[(language, "phone, dark")] = violations(axe, page)
            context.close()

    assert found == {key: [] for key in found}
