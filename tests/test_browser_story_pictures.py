"""A picture of the library and an embed card placed mid-story in the admin's body editor, then
seen by a reader (Playwright driving Debian's Chromium, as tests/test_browser.py)."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from articles.models import Article, Picture

from .browser import (
    Problems,
    assert_fits,
    assert_no_admin_violations_of_its_own,
    axe_violations,  # noqa: F401 (the fixtures)
    log_in,
    open_page,
    screenshot,
)
from .factories import image_file, make_article, make_author, make_section

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "correct horse battery"


@pytest.mark.parametrize("width", (1280,))
def test_an_editor_places_a_picture_and_an_embed_card_mid_story(browser, site, width):
    """The editor puts the cursor after the first paragraph, opens "Picture from the library",
    searches it by credit, picks the picture, gives it a caption of its own and inserts it;
    then an embed card of a video after the second paragraph. Saved, the reader's page shows
    the picture between the paragraphs, with its renditions loaded lazily, its alt text and
    credit, and the card as a plain link; axe finds nothing on either page."""
    get_user_model().objects.create_superuser("editor", password=PASSWORD)
    Picture.objects.create(
        image=image_file("other.jpg", size=(800, 600)),
        caption="The old lighthouse.",
        credit="City Desk/Jo Doe",
        alt_text="A white lighthouse",
    )
    cranes = Picture.objects.create(
        image=image_file("cranes.jpg", size=(1600, 900)),
        caption="Cranes over the container terminal.",
        credit="Harbour Press/Ana Lens",
        alt_text="Two cranes against a grey sky",
    )
    article = make_article(
        headline="Harbour reopens to shipping",
        section=make_section(name="Harbour", slug="harbour"),
        authors=[make_author(name="Jane Doe", slug="jane-doe")],
        body="<p>Cranes turned again on Monday morning.</p>"
        "<p>The first ship through carried grain.</p><p>The basin was dredged overnight.</p>",
    )
    problems = Problems()
    page = open_page(browser, width, problems)
    log_in(page, site, PASSWORD, then=f"/admin/articles/article/{article.pk}/change/")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    expect(editor).to_be_visible()

    editor.get_by_text("Cranes turned again on Monday morning.").click()
    page.keyboard.press("End")
    page.get_by_role("button", name="Picture from the library").click()
    dialog = page.get_by_role("dialog", name="Picture from the library")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Search by caption or credit").fill("ana lens")
    choice = dialog.get_by_label("Cranes over the container terminal. — Harbour Press/Ana Lens")
    expect(choice).to_be_visible()
    expect(dialog.get_by_label("The old lighthouse. — City Desk/Jo Doe")).to_have_count(0)
    choice.check()
    dialog.get_by_label("Caption here").fill("The cranes at dawn on Monday.")
    screenshot(page, "picture-in-story-dialog")
    assert_no_admin_violations_of_its_own(page)  # the dialog's own markup, open
    dialog.get_by_role("button", name="Insert").click()
    placed = editor.locator("figure.story-picture")
    expect(placed).to_contain_text("The cranes at dawn on Monday. — Harbour Press/Ana Lens")
    expect(placed.locator("img")).to_have_attribute("alt", "Two cranes against a grey sky")

    editor.get_by_text("The first ship through carried grain.").click()
    page.keyboard.press("End")
    page.get_by_role("button", name="Embed card: a video or a post").click()
    card = page.locator("dialog[open]", has_text="Embed card")
    card.get_by_label("Address of the video or post").fill("https://www.youtube.com/watch?v=abc")
    card.get_by_role("button", name="Insert").click()
    expect(editor.locator("p.embed")).to_contain_text("YouTube")
    editor.scroll_into_view_if_needed()
    screenshot(page, "picture-in-story-editor")
    assert_no_admin_violations_of_its_own(page)

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert article.body == (
        "<p>Cranes turned again on Monday morning.</p>"
        f'<figure data-picture="{cranes.pk}"><figcaption>The cranes at dawn on Monday.'
        "</figcaption></figure><p>The first ship through carried grain.</p>"
        '<p class="embed"><a href="https://www.youtube.com/watch?v=abc" '
        'rel="noopener noreferrer"><strong>YouTube</strong> '
        "https://www.youtube.com/watch?v=abc</a></p><p>The basin was dredged overnight.</p>"
    )

    page.goto(site + article.get_absolute_url())
    figure = page.locator(".story__body figure.figure--in-body")
    image = figure.locator("img")
    expect(image).to_have_attribute("loading", "lazy")
    expect(image).to_have_attribute("alt", "Two cranes against a grey sky")
    assert "480w" in image.get_attribute("srcset")
    figure.scroll_into_view_if_needed()
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0
    expect(figure.locator("figcaption")).to_contain_text("The cranes at dawn on Monday.")
    expect(figure.locator("figcaption")).to_contain_text("Harbour Press/Ana Lens")
    order = page.locator(".story__body > *").evaluate_all("nodes => nodes.map(n => n.tagName)")
    assert order == ["P", "FIGURE", "P", "P", "P"], order
    expect(page.locator(".story__body p.embed a")).to_have_attribute(
        "href", "https://www.youtube.com/watch?v=abc"
    )
    assert page.locator(".story__body iframe, .story__body script").count() == 0
    assert_fits(page, width)
    page.evaluate(
        "window.scrollTo(0, document.querySelector('.story__body').getBoundingClientRect().top"
        " + window.scrollY - 24)"
    )
    screenshot(page, "picture-in-story")
    assert axe_violations(page) == []
    page.context.close()
    assert problems == []
    assert Article.objects.get(pk=article.pk).is_published()
