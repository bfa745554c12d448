"""What an article page costs a reader, measured in the browser (issue #8): under 50 kB for
everything but its pictures, a stylesheet under 15 kB, and no script to read it.

The article is a long one (``make_full_article``: fourteen paragraphs, two pictures, a byline of
three, related links, tags, read-next). The live server sends files uncompressed, so the sizes
are the bytes themselves, as the stylesheet is on disk; a compressing server sends less.
"""

import pytest
from playwright.sync_api import expect

from .browser import Problems, open_page
from .factories import make_full_article

# The browser tests' fixtures: a Chromium, and the live server's address.

PAGE_BUDGET = 50_000
CSS_BUDGET = 15_000

# As in tests/test_browser.py: committed rows, for the live server's thread to see.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def load_article(browser, site):
    """The article page in a desktop window, and every response it loaded by address: the page,
    its stylesheet, its pictures and the site's icon (which Chromium fetches after the page; it
    is asked for here if it has not been yet, so that it always counts)."""
    article = make_full_article()
    problems = Problems()
    page = open_page(browser, 1280, problems)
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(site + article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    if not any(response.url.endswith(icon) for response in responses):
        responses.append(page.request.get(site + icon))
    assert problems == []
    return page, {response.url: response for response in responses}


def test_article_page_weighs_under_50_kb_without_its_pictures(browser, site):
    """HTML, CSS, icon and any script: everything the page loads but its pictures."""
    page, responses = load_article(browser, site)
    weights = {
        url: len(response.body())
        for url, response in responses.items()
        if "/media/" not in url  # the article's pictures, the page's only images
    }
    page.context.close()
    assert any("/media/" in url for url in responses)
    assert sum(weights.values()) < PAGE_BUDGET, weights


def test_stylesheet_is_under_15_kb(browser, site):
    page, responses = load_article(browser, site)
    sheets = {
        url: len(response.body())
        for url, response in responses.items()
        if response.request.resource_type == "stylesheet"
    }
    page.context.close()
    assert len(sheets) == 1, sheets
    assert sum(sheets.values()) < CSS_BUDGET, sheets


def test_article_reads_with_javascript_off(browser, site):
    """Headline, standfirst, byline, pictures and every paragraph are there and visible with
    scripts disabled; the page asks for no script at all (JSON-LD is data, not a script)."""
    article = make_full_article()
    context = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=False)
    problems = Problems()
    page = problems.watch(context.new_page())
    requested = []
    page.on("request", lambda request: requested.append(request))
    page.goto(site + article.get_absolute_url())
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(article.headline)
    expect(main.get_by_text(article.dek)).to_be_visible()
    expect(main.get_by_role("link", name="Margarethe Vandersteenhoven")).to_be_visible()
    expect(main.get_by_alt_text("A container ship between the harbour walls")).to_be_visible()
    paragraphs = main.locator(".story__body p")
    expect(paragraphs).to_have_count(16)
    for paragraph in paragraphs.all():
        paragraph.scroll_into_view_if_needed()
        expect(paragraph).to_be_visible()
    assert page.locator("script:not([type='application/ld+json'])").count() == 0
    assert [r.url for r in requested if r.resource_type == "script"] == []
    context.close()
    assert problems == []
