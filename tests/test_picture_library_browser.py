"""The picture library in a real browser (the fixtures of tests/browser.py): an editor
uploads a picture, chooses its focal point by clicking on it (and nudges it with the arrow
keys), saves, finds it by its credit and sees where it is used. The picture is
docs/screenshots/picture-library.png."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from articles.management.commands.load_demo import picture as demo_picture
from articles.models import Picture

from .browser import (
    Problems,
    assert_no_admin_violations_of_its_own,
    log_in,
    open_page,
    screenshot,
)
from .factories import make_article, make_caption

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_editor_uploads_a_picture_and_clicks_its_focal_point(browser, site, tmp_path):
    get_user_model().objects.create_superuser("editor", password="correct horse battery")
    photo = tmp_path / "harbour.jpg"
    photo.write_bytes(demo_picture(3))  # bands of colour under a sun
    problems = Problems()
    page = open_page(browser, 1280, problems)
    log_in(page, site, "correct horse battery", then="/admin/articles/picture/add/")

    page.locator("#id_image").set_input_files(photo)
    page.locator("#id_caption").fill("Cranes over the container port at dawn.")
    page.locator("#id_credit").fill("Harbour Daily/Lee Park")
    page.locator("#id_alt_text").fill("Three cranes against a pale sky")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")

    picker = page.locator(".focal-picker")
    image = picker.locator("img")
    expect(image).to_have_js_property("complete", True)
    box = image.bounding_box()
    image.click(position={"x": box["width"] * 0.65, "y": box["height"] * 0.25})  # the sun
    expect(page.locator("#id_focal_x")).to_have_value("0.65")
    expect(page.locator("#id_focal_y")).to_have_value("0.25")
    expect(picker.locator(".focal-picker__marker")).to_be_visible()

    picker.focus()  # the keyboard's way: arrow keys move the point
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowUp")
    expect(page.locator("#id_focal_x")).to_have_value("0.70")
    expect(page.locator("#id_focal_y")).to_have_value("0.24")
    assert_no_admin_violations_of_its_own(page, third_party=set())
    screenshot(page, "picture-library")

    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    picture = Picture.objects.get()
    assert (picture.focal_x, picture.focal_y) == (0.7, 0.24)
    assert picture.renditions["focal"] == [0.7, 0.24]
    expect(page.locator(".field-crops img")).to_have_count(3)

    article = make_article(headline="Port reopens after the storm")
    make_caption(article, picture=picture)
    page.goto(site + "/admin/articles/picture/?q=lee+park")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    assert_no_admin_violations_of_its_own(page)
    page.locator("#result_list tbody tr th a").click()
    expect(page.locator(".field-used_in")).to_contain_text("Port reopens after the storm")
    page.context.close()
    assert problems == []
