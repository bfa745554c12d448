"""A front ordered in a real browser, with the fixtures of ``tests/browser.py`` (Debian's
Chromium against the live server, DEBUG off, the full Content Security Policy): an editor
moves slots with the keyboard and by dragging, saves, and an anonymous reader, whose home page
was cached, sees the new order at once."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Front, FrontSlot

from .browser import (
    Problems,
    assert_no_admin_violations_of_its_own,
    axe_violations,
    log_in,
    open_page,
    screenshot,
)
from .factories import make_ready_article
from .test_workflow import user_in

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADLINES = ("Harbour reopens after the storm", "Ferry timetable changes", "Council sets budget")


def front_headlines(page):
    return page.locator("main .card__headline").all_inner_texts()


def expect_slots(rows, headlines):
    """The form's slot ``rows`` hold ``headlines`` in this order, numbered 1, 2, 3…"""
    for row, headline in enumerate(headlines):
        expect(rows.nth(row).locator(".field-article")).to_contain_text(headline)
        expect(rows.nth(row).get_by_label("Position")).to_have_value(str(row + 1))


def test_an_editor_orders_the_home_front_and_readers_see_it_at_once(browser, site):
    """The home front holds three slots. The editor moves the third up twice with its button
    (keyboard: focus and Enter), drags the (now) third above the second by its handle, and
    saves; the home page a reader had cached shows the new order at once. The form is
    docs/screenshots/front-ordering.png; axe finds nothing of the project's own on the list of
    fronts and the form, and nothing at all on the home page."""
    user_in("Editor", "editor")
    now = timezone.now()
    pinned = [
        make_ready_article(headline=headline, publish_at=now - timedelta(days=3, hours=n))
        for n, headline in enumerate(HEADLINES)
    ]
    make_ready_article(headline="Newest, not pinned", publish_at=now - timedelta(hours=1))
    Front.objects.create_missing()
    home = Front.objects.get(section=None)
    for position, article in enumerate(pinned, start=1):
        FrontSlot.objects.create(front=home, article=article, position=position)
    problems = Problems()

    reader = open_page(browser, 1280, problems)
    reader.goto(site + "/")
    assert front_headlines(reader)[:4] == [*HEADLINES, "Newest, not pinned"]

    page = open_page(browser, 1280, problems)
    log_in(page, site, "pw", then="/admin/articles/front/")
    expect(page.locator("#result_list")).to_contain_text("Home page")
    assert_no_admin_violations_of_its_own(page)
    page.get_by_role("link", name="Home page").click()
    expect(page.get_by_role("columnheader", name="Order")).to_be_visible()

    up = page.get_by_role("button", name=f"Move “{HEADLINES[2]}” up")
    up.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    status = page.get_by_role("status")
    expect(status).to_have_text(f"{HEADLINES[2]} moved to position 1.")
    expect(up).to_be_focused()
    rows = page.locator("#slots-group tbody tr.form-row:not(.empty-form)")
    expect_slots(rows, [HEADLINES[2], HEADLINES[0], HEADLINES[1]])
    rows.nth(2).locator(".front-slots__handle").drag_to(
        rows.nth(1), target_position={"x": 5, "y": 2}
    )
    expect(status).to_have_text(f"{HEADLINES[1]} moved to position 2.")
    order = [HEADLINES[2], HEADLINES[1], HEADLINES[0]]
    expect_slots(rows, order)
    screenshot(page, "front-ordering")
    assert_no_admin_violations_of_its_own(page)

    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    page.context.close()
    assert [slot.article.headline for slot in home.slots.all()] == order

    reader.goto(site + "/")
    assert front_headlines(reader)[:4] == [*order, "Newest, not pinned"]
    assert axe_violations(reader) == []
    reader.context.close()
    assert problems == []
