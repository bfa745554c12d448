"""The harness of the browser tests: Playwright driving Debian's Chromium (``/usr/bin/chromium``,
installed by ``.ci/run``; never ``playwright install``) against pytest-django's live server,
which serves static files as WhiteNoise would, with DEBUG off and the full Content Security
Policy. Media is served from this module's URLconf, as a web server would in production.

The ``browser`` and ``site`` fixtures (offered to every test module by tests/conftest.py),
``Problems`` (what a watched page reports going wrong), and the helpers the browser tests share.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.db import connections
from django.urls import include, path, re_path
from django.views.static import serve
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
WIDTHS = (360, 1280)
ARTICLE_LIST = "/admin/articles/article/"


def serve_media(request, path):
    """Uploads, from the MEDIA_ROOT of the running test (each test has its own)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve_media),
    path("", include("newsroom.urls")),
]


@pytest.fixture
def browser(monkeypatch):
    """A Chromium for each test (about half a second to start).

    Playwright's sync API runs an event loop in this thread, so Django's ORM (used by the test
    beside it) must be told that it is safe here; for these tests only, since ``check
    --deploy`` refuses the variable (tests/test_settings.py). While the loop runs, the ORM
    also opens connections of its own (asgiref keeps them per task): they are closed before
    the loop stops, and the test database is flushed (and its serialized contents restored)
    after, on the connection that pytest-django set up; a browser kept for the whole module
    would make that flush recreate the migrations' rows under new ids."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Chromium's sandbox refuses to start as root (containers, CI).
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield browser
        browser.close()
        connections.close_all()


@pytest.fixture
def site(live_server, settings):
    """The live server's address, serving media too."""
    settings.ROOT_URLCONF = __name__
    return live_server.url


class Problems(list):
    """What went wrong on the pages watched, as the browser reports it."""

    def watch(self, page):
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.append(f"page error: {error}"))
        page.on("requestfailed", self.request_failed)
        page.on("response", self.response)
        return page

    def console(self, message):
        # Content Security Policy violations are reported here ("Refused to …").
        if message.type == "error":
            self.append(f"console: {message.text} ({message.location.get('url')})")

    def request_failed(self, request):
        # Leaving a page aborts what it still fetches (often the icon, fetched after "load"):
        # not the site's failure. A request the policy blocks fails as ERR_BLOCKED_BY_CSP.
        if request.failure != "net::ERR_ABORTED":
            self.append(f"failed: {request.url} {request.failure}")

    def response(self, response):
        if response.status >= 400:
            self.append(f"HTTP {response.status}: {response.url}")


def open_page(browser, width, problems):
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.set_default_timeout(10_000)
    return problems.watch(context.new_page())


def log_in(page, site, password, *, username="editor", then=""):
    """Log in to the admin as ``username``, then go to ``then`` (the admin's index by default)."""
    page.goto(site + "/admin/login/" + (f"?next={then}" if then else ""))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def run_action(page, action, *headlines):
    """In the article list, tick the rows of ``headlines``, choose ``action`` (its label) and
    press Go, as an editor does."""
    for headline in headlines:
        row = page.locator("#result_list tbody tr", has_text=headline)
        row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label=action)
    page.get_by_role("button", name="Go").click()


def screenshot(page, name):
    """docs/screenshots/``name``.png, taken on every run so that the docs' pictures stay
    current."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


def assert_fits(page, width):
    """No horizontal scrolling: nothing on the page is wider than the window."""
    page.wait_for_load_state("load")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide in a {width}px window"


def assert_styled(page):
    """The stylesheet arrived (a missing one would also be a 404) and has its rules."""
    sheets = page.evaluate("[...document.styleSheets].map(s => s.href || '')")
    assert any(href.endswith(".css") for href in sheets), sheets
    rules = page.evaluate("document.styleSheets[0].cssRules.length")
    assert rules > 10


# What axe-core still finds on the admin's article form and list comes from markup this project
# does not write: select2's combobox (the admin's autocomplete) and the rich-text editor's text
# box have no accessible name axe can follow, Django's tabular inlines have empty column
# headings, and Django's search bar is labelled by a magnifier picture only ("Search", its alt
# text), which axe's best practice does not count as a visible label.
THIRD_PARTY_ADMIN_RULES = {"aria-input-field-name", "empty-table-header", "label-title-only"}


def axe_violations(page):
    """What axe-core finds on ``page``: each rule broken, with the elements breaking it."""
    violations = Axe().run(page).response["violations"]
    return [(v["id"], [node["target"] for node in v["nodes"]]) for v in violations]


def assert_no_admin_violations_of_its_own(page, *, third_party=THIRD_PARTY_ADMIN_RULES):
    """axe-core on an admin page: no violation but of the ``third_party`` rules (those above
    unless told), and none of those critical."""
    violations = Axe().run(page).response["violations"]
    found = {v["id"]: [node["target"] for node in v["nodes"]] for v in violations}
    assert set(found) <= third_party, (page.url, found)
    assert not [v["id"] for v in violations if v["impact"] == "critical"], (page.url, found)
