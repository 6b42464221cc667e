"""The API's docs in a real browser (Debian's chromium through Playwright): Swagger UI from the
app's own files, under the app's Content-Security-Policy, lists every operation."""

from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, chromium

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)",
)


def test_browser_api_docs_list_every_operation_without_refusals(live_server, transactional_db):
    refused = []
    outside = []
    with chromium() as browser:
        page = browser.new_page(locale="en-GB")
        page.on(
            "console",
            lambda message: (
                refused.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.on(
            "request",
            lambda request: (
                outside.append(request.url)
                if not request.url.startswith(live_server.url)
                and not request.url.startswith("data:")
                else None
            ),
        )
        page.goto(f"{live_server.url}/api/v1/docs/")
        page.locator(".opblock").first.wait_for()
        operations = page.locator(".opblock").count()
        title = page.locator(".info .title").inner_text()

    assert operations == 15
    assert title.startswith("C4F Tracker API")
    assert refused == []
    assert outside == []
