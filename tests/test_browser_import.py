"""An admin import in a real browser (see tests/browser.py for the fixtures): upload, the
dry run's table, confirm; the import waits on the database queue until a worker (run here, in
this process) takes it, and the ImportRun's page follows it by itself (its script, allowed by
the Content Security Policy) to each file's result."""

import pytest
from playwright.sync_api import expect

from articles.models import Article

from .browser import (
    SCREENSHOTS,
    Problems,
    assert_no_admin_violations_of_its_own,
    log_in,
    open_page,
    screenshot,
)
from .test_import_admin import HARBOUR, MARKET
from .test_tasks import DATABASE_QUEUE, run_worker
from .test_workflow import user_in

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_editor_previews_an_import_then_follows_its_progress(
    browser,
    site,
    settings,
    tmp_path,
):
    """The preview table (docs/screenshots/admin-import-preview.png) and the progress page
    (docs/screenshots/admin-import-progress.png), with no accessibility violation of the
    project's own on either."""
    settings.TASKS = DATABASE_QUEUE
    user_in("Editor", "editor")
    files = {
        "harbour.txt": HARBOUR,
        "market.txt": MARKET,
        "ferry.txt": "Ferry returns to Pier 4\n\nBy Lina Ortiz\n\nThe ferry is back.\n",
        "notes.txt": "   \n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    problems = Problems()
    page = open_page(browser, 1280, problems)
    log_in(page, site, "pw", then="/admin/articles/importrun/")
    page.get_by_role("link", name="Import articles").click()
    page.get_by_label("Files:", exact=True).set_input_files([tmp_path / name for name in files])
    page.get_by_label("As the files say (text files: published)").check()
    page.get_by_role("button", name="Upload and check").click()

    table = page.locator("#import-preview")
    expect(table.locator("tbody tr")).to_have_count(4)
    harbour = table.locator("tr", has_text="harbour.txt")
    expect(harbour.locator("td")).to_have_text(
        [
            "Harbour bridge approved",
            "Jane Doe",
            "0 of 0",
            "kept as a draft: publishing needs a section, a standfirst",
            "—",
            "created",
        ]
    )
    expect(table.locator("tr", has_text="notes.txt").locator("td").last).to_have_text("failed")
    expect(page.locator("#import-summary")).to_contain_text("3 created, 1 failed")
    screenshot(page, "admin-import-preview")
    assert_no_admin_violations_of_its_own(page, third_party=set())
    assert not Article.objects.exists(), "nothing written before confirming"

    page.get_by_role("button", name="Confirm: import 4 files").click()
    status = page.get_by_role("status")
    expect(status).to_have_text("Waiting for a worker to start the import…")

    run_worker()

    # The page asks for the progress by itself, and reloads with each file's result.
    expect(status).to_contain_text("Finished: 4 of 4 files (3 created", timeout=15_000)
    expect(page.locator(".messagelist")).to_have_count(0)  # reloaded, not a new visit
    expect(page.locator("#import-progress progress")).to_have_attribute("value", "4")
    expect(page.locator("#files-group")).to_contain_text("notes.txt")
    page.screenshot(path=SCREENSHOTS / "admin-import-progress.png", full_page=True)
    assert_no_admin_violations_of_its_own(page)
    assert Article.objects.in_state(Article.State.DRAFT).count() == 3  # as warned
    assert problems == []
    page.context.close()
