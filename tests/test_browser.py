"""The site in a real browser (the harness, its fixtures and helpers: tests/browser.py).

A console error, a page error (a script the policy blocked shows as both), a failed request or
a response of 400 or more fails the test, as does a page wider than the window.
"""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article

from .browser import (
    ARTICLE_LIST,
    SCREENSHOTS,
    WIDTHS,
    Problems,
    assert_fits,
    assert_no_admin_violations_of_its_own,
    assert_styled,
    axe_violations,
    log_in,
    open_page,
    run_action,
    screenshot,
)
from .factories import (
    image_file,
    make_article,
    make_author,
    make_caption,
    make_full_article,
    make_ready_article,
    make_section,
    tomorrow,
    write_picture,
)
from .test_workflow import user_in

pytestmark = [
    # Committed, for the live server's thread to see. Serialized rollback, as in
    # tests/test_faults.py: the migrations' rows (content types, groups) are restored, and a
    # flush that recreates them under new ids would break that module's own restore.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("width", WIDTHS)
def test_reader_goes_from_home_to_article_author_tag_and_search(browser, site, width):
    """Home → an article → its author → one of its tags → the search box, each page loaded
    with no error and no horizontal scrolling, at a phone's and a desktop's width."""
    section = make_section(name="Harbour and Shipping", slug="harbour")
    author = make_author(name="Margarethe Vandersteenhoven", slug="margarethe")
    other = make_author(name="John Roe", slug="john-roe")
    article = make_article(
        headline="Container terminal reopens after the longest storm closure in a generation",
        slug="terminal-reopens",
        section=section,
        authors=[author, other],
        tags=["Harbour", "Transport"],
        body="<p>Cranes turned again on Monday.</p><p>A very-long-unbreakable-word-"
        "supercalifragilisticexpialidocious-in-the-body-text.</p>",
    )
    make_caption(
        article,
        image=image_file(size=(1600, 900)),
        text="The first ship through the gates.",
        alt_text="A container ship between the harbour walls",
    )
    make_article(headline="Ferry timetable changes", section=section, tags=["Transport"])
    problems = Problems()
    page = open_page(browser, width, problems)

    page.goto(site + "/")
    assert_styled(page)
    assert_fits(page, width)

    page.get_by_role("link", name=article.headline).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(article.headline)
    expect(page.locator("figure img")).to_have_js_property("complete", True)
    assert page.locator("figure img").evaluate("img => img.naturalWidth") > 0
    assert_fits(page, width)

    page.locator("main").get_by_role("link", name=author.name).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(author.name)
    assert_fits(page, width)

    # Tags are shown on the article: back to it from the author's list of articles.
    page.locator("main").get_by_role("link", name=article.headline).first.click()
    page.locator("main").get_by_role("link", name="Transport").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Transport")
    expect(page.get_by_role("link", name="Ferry timetable changes")).to_be_visible()
    assert_fits(page, width)

    search = page.get_by_role("searchbox", name="Search articles")
    search.fill("terminal")
    search.press("Enter")
    page.wait_for_url("**/search/?q=terminal")
    expect(page.locator("main").get_by_role("link", name=article.headline)).to_be_visible()
    assert_fits(page, width)

    page.context.close()
    assert problems == []


def test_editor_publishes_an_article_from_the_admin(browser, site, tmp_path):
    """An editor logs in, writes an article with two authors, a lead image, a related link
    and tags, publishes it, and a reader finds it on the home page with all of those."""
    get_user_model().objects.create_superuser("editor", password="correct horse battery")
    make_section(name="Harbour and Shipping", slug="harbour")
    make_author(name="Jane Doe", slug="jane-doe")
    make_author(name="John Roe", slug="john-roe")
    photo = write_picture(tmp_path / "ships.jpg")

    problems = Problems()
    page = open_page(browser, 1280, problems)
    log_in(page, site, "correct horse battery")
    expect(page.locator("#site-name")).to_be_visible()

    page.goto(site + "/admin/articles/article/add/")
    page.locator("#id_headline").press_sequentially("Harbour reopens to shipping")
    expect(page.locator("#id_slug")).to_have_value("harbour-reopens-to-shipping")  # prepopulated
    page.locator("#id_dek").fill("Ships return after the storm.")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.type("Cranes turned again on Monday morning.")
    page.locator("#id_section").select_option(label="Harbour and Shipping")
    page.locator("#id_tags").fill("Harbour, Transport")

    page.get_by_role("button", name="Add another Byline author").click()
    for row, name in enumerate(("Jane Doe", "John Roe")):
        page.locator(f"#bylines-{row} .select2-selection").click()
        page.locator(".select2-container--open .select2-search__field").fill(name.split()[1])
        page.locator(".select2-results__option", has_text=name).click()
        page.locator(f"#id_bylines-{row}-order").fill(str(row))

    page.get_by_role("button", name="Add another Caption").click()
    page.locator("#id_captions-0-image").set_input_files(photo)
    page.locator("#id_captions-0-text").fill("Ships in the harbour.")
    page.locator("#id_captions-0-credit").fill("Agency/Photographer")
    page.locator("#id_captions-0-alt_text").fill("Three ships at anchor")

    page.get_by_role("button", name="Add another Related link").click()
    page.locator("#id_related_links-0-title").fill("Earlier closure")
    page.locator("#id_related_links-0-url").fill("https://example.com/closure")

    page.locator("#id_status").select_option(Article.Status.PUBLISHED)
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    page.context.close()

    article = Article.objects.get(slug="harbour-reopens-to-shipping")
    assert article.is_published()
    assert [b.author.name for b in article.bylines.order_by("order")] == ["Jane Doe", "John Roe"]

    reader = open_page(browser, 1280, problems)
    reader.goto(site + "/")
    reader.get_by_role("link", name="Harbour reopens to shipping").first.click()
    main = reader.locator("main")
    expect(main.get_by_role("link", name="Jane Doe")).to_be_visible()
    expect(main.get_by_role("link", name="John Roe")).to_be_visible()
    expect(main.locator("figcaption")).to_contain_text("Ships in the harbour.")
    expect(main.locator("figcaption")).to_contain_text("Agency/Photographer")
    expect(main.get_by_alt_text("Three ships at anchor")).to_be_visible()
    expect(main.get_by_role("link", name="Earlier closure")).to_have_attribute(
        "href", "https://example.com/closure"
    )
    expect(main.get_by_role("link", name="Harbour", exact=True)).to_be_visible()
    expect(main.get_by_role("link", name="Transport", exact=True)).to_be_visible()
    expect(main).to_contain_text("Cranes turned again on Monday morning.")
    reader.context.close()
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_public_pages_have_no_accessibility_violations(browser, site, scheme):
    """axe-core (bundled with axe-playwright-python, nothing fetched) on the home page, an
    article, an author, a search and a page that does not exist, in the light and the dark
    colour scheme: no violation of any rule."""
    author = make_author(name="Ann Lee", slug="ann-lee")
    article = make_article(
        headline="Harbour reopens", authors=[author], tags=["Harbour"], section=make_section()
    )
    make_caption(article, image=image_file(size=(1200, 800)), alt_text="Ships at the quay")
    urls = ["/", article.get_absolute_url(), "/authors/ann-lee/", "/search/?q=harbour", "/nope/"]
    page = open_page(browser, 1280, Problems())
    page.emulate_media(color_scheme=scheme)
    found = {}
    for url in urls:
        page.goto(site + url)
        found[url] = axe_violations(page)
    page.context.close()
    assert found == {url: [] for url in urls}


def test_admin_article_form_has_no_accessibility_violations_of_its_own(browser, site):
    """axe-core on the admin's change form of an article with a byline of three, captions,
    related links and corrections: every input has a name (the date and time halves of a
    date-time field, and the columns of tabular inlines, too), the breadcrumbs' links are
    underlined; only the third-party rules above remain, and none is critical."""
    get_user_model().objects.create_superuser("editor", password="correct horse battery")
    article = make_full_article()
    page = open_page(browser, 1280, Problems())
    log_in(
        page, site, "correct horse battery", then=f"/admin/articles/article/{article.pk}/change/"
    )
    expect(page.locator(".ProseMirror[contenteditable=true]")).to_be_visible()
    assert_no_admin_violations_of_its_own(page)
    page.context.close()


def test_a_refused_save_keeps_what_the_editor_typed_and_saves_once_merged(browser, site):
    """Two editors open one article. The colleague changes the headline and saves; the editor,
    who changed the standfirst, presses Save and is refused: the page keeps the standfirst
    typed and takes the colleague's headline into the form, since the editor had not changed
    it. Saving again keeps both changes, with nothing retyped. The refusal is
    docs/screenshots/admin-edit-conflict.png."""
    user_in("Editor", "editor")
    user_in("Editor", "colleague")
    article = make_ready_article(
        headline="Harbour reopens", dek="Ships return.", section=make_section(name="Harbour")
    )
    url = f"{ARTICLE_LIST}{article.pk}/change/"
    problems = Problems()
    page = open_page(browser, 1280, problems)
    log_in(page, site, "pw", then=url)
    expect(page.locator("#id_headline")).to_have_value("Harbour reopens")

    colleague = open_page(browser, 1280, problems)
    log_in(colleague, site, "pw", username="colleague", then=url)
    colleague.locator("#id_headline").fill("Harbour reopens after the storm")
    colleague.locator("input[name=_save]").click()
    expect(colleague.locator(".messagelist .success")).to_contain_text("was changed successfully")
    colleague.context.close()

    page.locator("#id_dek").fill("Ships return after three days at anchor.")
    page.locator("input[name=_save]").click()
    refusal = page.locator(".errorlist.nonfield")
    expect(refusal).to_contain_text("Someone saved this article after you opened it")
    expect(refusal).to_contain_text("taken into the form, since you had not changed them: Headline")
    expect(page.locator("#id_dek")).to_have_value("Ships return after three days at anchor.")
    expect(page.locator("#id_headline")).to_have_value("Harbour reopens after the storm")
    screenshot(page, "admin-edit-conflict")
    article.refresh_from_db()
    assert (article.headline, article.dek) == ("Harbour reopens after the storm", "Ships return.")

    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("was changed successfully")
    page.context.close()
    article.refresh_from_db()
    assert (article.headline, article.dek) == (
        "Harbour reopens after the storm",
        "Ships return after three days at anchor.",
    )
    assert problems == []


def test_an_editor_withdraws_an_article_and_reinstates_it_after_a_confirmation(browser, site):
    """An editor withdraws an article from the list, then chooses "Reinstate": a page names
    the legal state, since when and by whom (docs/screenshots/admin-reinstate.png, with no
    accessibility violation at all), and only "Yes, reinstate" brings the article back, with
    its picture, for an anonymous reader."""
    user_in("Editor", "editor")
    article = make_ready_article(headline="Councillor questioned over harbour contract")
    make_caption(article, image=image_file(size=(1200, 800)), alt_text="The harbour offices")
    problems = Problems()
    page = open_page(browser, 1280, problems)
    log_in(page, site, "pw", then=ARTICLE_LIST)
    run_action(page, "Withdraw selected articles (legal)", article.headline)
    expect(page.locator(".messagelist .success")).to_contain_text("Withdrew 1 article(s).")
    row = page.locator("#result_list tbody tr", has_text=article.headline)
    expect(row.locator(".field-state")).to_have_text("Withdrawn (legal)")

    run_action(page, "Reinstate selected withdrawn articles…", article.headline)
    expect(page.get_by_role("heading", level=1)).to_have_text("Reinstate withdrawn articles?")
    expect(page.locator("#content")).to_contain_text("withdrawn for legal reasons")
    listed = page.locator(".reinstate-list li", has_text=article.headline)
    expect(listed).to_contain_text("Withdrawn (legal) since")
    expect(listed).to_contain_text("by editor")
    screenshot(page, "admin-reinstate")
    assert_no_admin_violations_of_its_own(page, third_party=set())  # all of it ours, or Django's
    article.refresh_from_db()
    assert article.status == Article.Status.WITHDRAWN, "not before confirming"

    page.get_by_role("button", name="Yes, reinstate 1 article").click()
    expect(page.locator(".messagelist .success")).to_contain_text("Reinstated 1 article(s).")
    expect(row.locator(".field-state")).to_have_text("Live")
    page.context.close()
    article.refresh_from_db()
    assert article.is_published()

    reader = open_page(browser, 1280, problems)
    response = reader.goto(site + article.get_absolute_url())
    assert response.status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text(article.headline)
    picture = reader.get_by_alt_text("The harbour offices")
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("img => img.naturalWidth") > 0
    reader.context.close()
    assert problems == []


def test_the_article_list_shows_each_state_and_has_no_accessibility_violations(browser, site):
    """The article list's State column: live, scheduled and embargoed with the time they go
    live, in review, draft and withdrawn, with the state filter beside it; no accessibility
    violation of the project's own. The picture is docs/screenshots/admin-article-list.png."""
    user_in("Editor", "editor")
    harbour = make_section(name="Harbour and Shipping", slug="harbour")
    council = make_section(name="Council", slug="council")
    jane = make_author(name="Jane Doe", slug="jane-doe")
    john = make_author(name="John Roe", slug="john-roe")
    now = timezone.now()
    states = {
        "Withdrawn (legal)": make_article(
            headline="Councillor questioned over harbour contract",
            status=Article.Status.WITHDRAWN,
            section=council,
            authors=[jane],
            publish_at=now - timedelta(days=3),
        ),
        "Draft": make_article(
            headline="Budget talks: what the council has to decide",
            status=Article.Status.DRAFT,
            publish_at=None,
            section=council,
            authors=[john],
        ),
        "In review": make_article(
            headline="Ferry timetable changes for the winter",
            status=Article.Status.IN_REVIEW,
            publish_at=None,
            section=harbour,
            authors=[jane],
        ),
        "Live": make_article(
            headline="Container terminal reopens after the longest storm closure in a generation",
            section=harbour,
            authors=[jane, john],
            publish_at=now - timedelta(hours=2),
        ),
        "Scheduled for": make_article(
            headline="New pilot boats enter service",
            section=harbour,
            authors=[john],
            publish_at=tomorrow(),
        ),
        "Embargoed until": make_article(
            headline="Port traffic figures for the year",
            section=harbour,
            authors=[jane],
            publish_at=now - timedelta(hours=1),
            embargo_until=now + timedelta(hours=5),
        ),
    }
    make_caption(
        states["Live"], image=image_file(size=(1200, 800)), alt_text="Cranes at the terminal"
    )
    problems = Problems()
    page = open_page(browser, 1280, problems)
    log_in(page, site, "pw", then=ARTICLE_LIST)
    for label, article in states.items():
        row = page.locator("#result_list tbody tr", has_text=article.headline)
        expect(row.locator(".field-state")).to_contain_text(label)
    for label in ("Scheduled for", "Embargoed until"):
        state = page.locator("#result_list .field-state", has_text=label)
        expect(state.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-"))
    filters = page.locator("#changelist-filter")
    for label in ("Live", "Scheduled", "Embargoed", "Withdrawn (legal)"):
        expect(filters.get_by_role("link", name=label, exact=True)).to_be_visible()
    page.wait_for_load_state("networkidle")
    screenshot(page, "admin-article-list")
    assert_no_admin_violations_of_its_own(page)

    filters.get_by_role("link", name="Embargoed", exact=True).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list tbody")).to_contain_text(states["Embargoed until"].headline)
    page.context.close()
    assert problems == []


def test_screenshots_of_the_demo_site(browser, site):
    """The README's pictures, taken from the demo content on every run so they stay current:
    the home page, an article on a desktop and on a phone, and the admin's article form."""
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    password = re.search(r"password '([^']+)'", out.getvalue())[1]  # the demo editor's
    article = Article.objects.published().exclude(captions=None).order_by("-publish_at")[0]
    problems = Problems()
    for name, width, url in (
        ("home", 1280, "/"),
        ("article", 1280, article.get_absolute_url()),
        ("article-phone", 390, article.get_absolute_url()),
    ):
        page = open_page(browser, width, problems)
        page.goto(site + url)
        page.wait_for_load_state("networkidle")
        screenshot(page, name)
        page.context.close()
    page = open_page(browser, 1280, problems)
    log_in(page, site, password, then=f"/admin/articles/article/{article.pk}/change/")
    expect(page.locator(".ProseMirror[contenteditable=true]")).to_contain_text(article.body[3:30])
    screenshot(page, "admin-change-form")
    page.context.close()
    assert problems == []
    for name in ("home", "article", "article-phone", "admin-change-form"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000
