"""Review in a real browser (the fixtures and checks of tests/browser.py): a writer asks
a named reviewer, who leaves a note and sends the article back; two people on one article
each see that the other has it open, and the notice goes when one leaves."""

import pytest
from playwright.sync_api import expect

from articles.models import Article, Presence

from .browser import (
    ARTICLE_LIST,
    Problems,
    assert_no_admin_violations_of_its_own,
    log_in,
    open_page,
    screenshot,
)
from .factories import make_ready_article
from .test_workflow import user_in

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def desk(db):
    """A writer's draft, and Jane Doe, an editor who reviews."""
    writer = user_in("Writer", "writer")
    jane = user_in("Editor", "jane")
    jane.first_name, jane.last_name = "Jane", "Doe"
    jane.save()
    article = make_ready_article(
        headline="Harbour reopens after the storm",
        status=Article.Status.DRAFT,
        publish_at=None,
        created_by=writer,
    )
    return writer, jane, article


def test_a_note_goes_to_the_reviewer_and_comes_back_with_the_article(browser, site, desk):
    """The writer submits to Jane with a note; Jane finds it waiting for her, answers with a
    note and sends it back; the writer finds it returned with her note. The form with both
    notes is docs/screenshots/review-note.png. axe finds no violation of the project's own on
    the form or on the dashboard."""
    writer, jane, article = desk
    url = f"{ARTICLE_LIST}{article.pk}/change/"
    problems = Problems()
    page = open_page(browser, 1280, problems)
    log_in(page, site, "pw", username="writer", then=url)
    page.get_by_label("Add a note").fill("Figures checked with the port authority.")
    page.locator("#id_status").select_option(Article.Status.IN_REVIEW)
    page.locator("#id_reviewer").select_option(label="Jane Doe")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    note = page.locator(".review-note").first
    expect(note).to_contain_text("Figures checked with the port authority.")
    expect(note.locator("strong")).to_have_text("writer")

    reviewer = open_page(browser, 1280, problems)
    log_in(reviewer, site, "pw", username="jane")
    waiting = reviewer.locator("table", has=reviewer.locator("caption", has_text="Waiting for me"))
    waiting.get_by_role("link", name="Harbour reopens after the storm").click()
    expect(reviewer.locator("#presence")).to_contain_text("writer has this article open since")
    expect(reviewer.locator(".review-note")).to_contain_text("Figures checked")
    reviewer.get_by_label("Add a note").fill("Who says the inner basin is deep enough? Name them.")
    reviewer.locator("#id_status").select_option(Article.Status.DRAFT)
    reviewer.locator("input[name=_continue]").click()
    expect(reviewer.locator(".messagelist .success")).to_contain_text("was changed successfully")
    expect(reviewer.locator(".review-note")).to_have_count(2)
    expect(reviewer.locator(".review-note").nth(1).locator("strong")).to_have_text("Jane Doe")
    reviewer.locator("#review_notes-group").scroll_into_view_if_needed()
    screenshot(reviewer, "review-note")
    assert_no_admin_violations_of_its_own(reviewer)
    reviewer.context.close()

    page.goto(site + "/admin/")
    returned = page.locator("table", has=page.locator("caption", has_text="Returned to me"))
    expect(returned).to_contain_text("Harbour reopens after the storm")
    expect(returned).to_contain_text("Sent back by Jane Doe")
    expect(returned.locator("q")).to_have_text(
        "Who says the inner basin is deep enough? Name them."
    )
    assert_no_admin_violations_of_its_own(page)
    page.context.close()
    article.refresh_from_db()
    assert (article.status, article.reviewer) == (Article.Status.DRAFT, jane)
    assert problems == []


def test_two_people_on_one_article_each_see_the_other(browser, site, desk, settings):
    """The writer opens the article, then Jane: she sees him at once, he sees her at his
    form's next round (docs/screenshots/review-presence.png); when she leaves, her page says
    so (a beacon) and his notice goes."""
    settings.ARTICLES_PRESENCE_INTERVAL = 1
    writer, jane, article = desk
    url = f"{ARTICLE_LIST}{article.pk}/change/"
    problems = Problems()
    page = open_page(browser, 1280, problems)
    log_in(page, site, "pw", username="writer", then=url)
    expect(page.locator("#presence")).to_be_hidden()

    colleague = open_page(browser, 1280, problems)
    log_in(colleague, site, "pw", username="jane", then=url)
    expect(colleague.locator("#presence")).to_be_visible()
    expect(colleague.locator("#presence")).to_contain_text("writer has this article open since")
    expect(page.locator("#presence")).to_contain_text("Jane Doe has this article open since")
    assert_no_admin_violations_of_its_own(page)
    screenshot(page, "review-presence")

    colleague.goto(site + "/admin/")
    expect(page.locator("#presence")).to_be_hidden()
    assert not Presence.objects.filter(user=jane).exists()
    colleague.context.close()
    page.context.close()
    assert problems == []
