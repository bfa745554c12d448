"""The "Search and social" fieldset in a real browser (the fixtures and rules of
``tests/test_browser.py``): the length hints and the search result preview follow what the
editor types, under the full Content Security Policy; the form has no accessibility violation
of its own; docs/screenshots/seo-preview.png is taken here."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from articles import conf, images
from articles.models import Article

from .browser import (
    SCREENSHOTS,
    Problems,
    assert_no_admin_violations_of_its_own,
    log_in,
    open_page,
)
from .factories import make_ready_article, write_picture

# As in tests/test_browser.py: committed, for the live server's thread to see.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_search_preview_follows_what_the_editor_types(browser, site, tmp_path):
    """An editor opens an article, types a search title, a description and a new slug: the
    hints count each character and the preview shows the result as it would be listed; an
    emptied title falls back to the headline, and one too long is marked. The article saves
    with a social image, whose 16:9 crop the form then shows; axe finds nothing of ours."""
    get_user_model().objects.create_superuser("editor", password="correct horse battery")
    article = make_ready_article(
        headline="Harbour reopens after the storm",
        slug="harbour-reopens",
        dek="Ships return after eleven days of closure.",
    )
    site_name = conf.get("ARTICLES_SITE_NAME")
    problems = Problems()
    page = open_page(browser, 1280, problems)
    log_in(
        page, site, "correct horse battery", then=f"/admin/articles/article/{article.pk}/change/"
    )

    preview = page.locator("[data-search-preview]")
    title_hint = page.locator("#id_seo_title_length")
    expect(preview.locator("[data-preview=title]")).to_have_text(
        f"Harbour reopens after the storm — {site_name}"
    )
    expect(title_hint).to_have_text("Empty: the headline is used (31 of about 60 characters)")

    search_title = page.locator("#id_seo_title")
    search_title.press_sequentially("Harbour open again: what changes")
    expect(preview.locator("[data-preview=title]")).to_have_text(
        f"Harbour open again: what changes — {site_name}"
    )
    expect(title_hint).to_have_text("32 of about 60 characters")
    expect(page.locator("#id_social_title_length")).to_have_text(
        "Empty: the search title is used (32 of about 70 characters)"
    )

    description = page.locator("#id_seo_description")
    description.press_sequentially("Eleven days of closure, and what they cost the port.")
    expect(preview.locator("[data-preview=description]")).to_have_text(
        "Eleven days of closure, and what they cost the port."
    )
    expect(page.locator("#id_seo_description_length")).to_have_text("52 of about 155 characters")

    page.locator("#id_slug").fill("harbour-open-again")
    expect(preview.locator("[data-preview=slug]")).to_have_text("harbour-open-again")
    address = preview.locator(".search-preview__address")
    expect(address).to_contain_text(page.evaluate("location.host"))
    page.locator("fieldset", has_text="Search and social").screenshot(
        path=SCREENSHOTS / "seo-preview.png"
    )

    search_title.fill("")
    expect(preview.locator("[data-preview=title]")).to_have_text(
        f"Harbour reopens after the storm — {site_name}"
    )
    search_title.press_sequentially("A" * 61)
    expect(title_hint).to_have_text("61 of about 60 characters: it may be cut short")
    expect(title_hint).to_have_class("length-hint length-hint--over")
    search_title.fill("Harbour open again: what changes")

    page.get_by_label("Social image", exact=True).set_input_files(
        write_picture(tmp_path / "card.jpg", size=(1600, 1000))
    )
    page.get_by_label("Social image alt text").fill("Cranes over the quay at dawn")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    expect(page.get_by_alt_text("The 16:9 crop of the social image")).to_be_visible()
    assert_no_admin_violations_of_its_own(page)
    page.context.close()
    assert problems == []

    article.refresh_from_db()
    assert (article.seo_title, article.slug) == (
        "Harbour open again: what changes",
        "harbour-open-again",
    )
    assert article.seo_description == "Eleven days of closure, and what they cost the port."
    assert images.find(article.social_image_renditions, ratio="16x9").width == 1600
    assert (
        Article.objects.get(pk=article.pk).social_picture.alt_text == "Cranes over the quay at dawn"
    )
