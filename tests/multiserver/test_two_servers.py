"""Two app servers, one database, one Redis: what an editor does through one server (or an
operator's command on a machine of its own), readers get from the other at once, and a page one
server cached is served by another."""

import json
import re
from pathlib import Path

from articles.caching import VERSION_KEY
from tests.browser_forms import form_data, submit
from tests.factories import image_file, make_ready_article, yesterday

from .harness import Browser

LIST = "/admin/articles/article/"
PAGES = ":1:articles:page:*"  # the page cache's keys in Redis, as Django's RedisCache makes them


def test_an_edit_through_one_server_is_seen_at_once_through_the_other(
    editor, server_b, shared_cache, environment
):
    """The edit adds a lead picture too, uploaded as a browser uploads it: its renditions,
    made by A, are in the one media storage where B's page points."""
    article = make_ready_article(headline="Harbour reopens")
    reader = Browser(server_b)
    for path in (article.get_absolute_url(), "/"):
        assert "Harbour reopens" in reader.get(path).text
    assert len(shared_cache.keys(PAGES)) == 2, "B cached both pages"
    change = f"{LIST}{article.pk}/change/"
    data = form_data(editor.get(change), "article_form") | {
        "headline": "Harbour reopens at last",
        "captions-TOTAL_FORMS": "1",
        "captions-0-order": "0",
        "captions-0-text": "The first ship through the gates.",
        "captions-0-credit": "Harbour Daily/Lee Park",
        "captions-0-alt_text": "A grain ship passing the harbour gates",
    }
    picture = image_file(size=(1600, 900)).read()
    response = editor.post(change, data, files={"captions-0-image": ("ship.jpg", picture)})
    assert response.status_code == 302, response.text
    for path in (article.get_absolute_url(), "/"):
        assert "Harbour reopens at last" in reader.get(path).text, path
    page = reader.get(article.get_absolute_url()).text
    media = Path(environment["MEDIA_ROOT"])
    pictures = set(re.findall(r'/media/([^"\s,]+\.(?:jpg|webp|avif))', page))
    assert pictures, "B's page shows the picture"
    assert all((media / name).is_file() for name in pictures), pictures


def test_a_takedown_through_one_server_is_gone_at_once_through_the_other(
    editor, server_b, shared_cache
):
    article = make_ready_article(headline="Contested story")
    reader = Browser(server_b)
    assert reader.get(article.get_absolute_url()).status_code == 200
    assert "Contested story" in reader.get("/").text
    assert len(shared_cache.keys(PAGES)) == 2, "B cached both pages"
    data = form_data(editor.get(f"{LIST}?owner=all"), "changelist-form")
    data |= {"action": "withdraw", "_selected_action": [article.pk], "index": "0"}
    assert editor.post(f"{LIST}?owner=all", data).status_code == 302
    assert reader.get(article.get_absolute_url()).status_code == 410
    assert reader.get(f"/api/articles/{article.pk}/").status_code == 410
    assert "Contested story" not in reader.get("/").text


def test_a_page_cached_by_one_server_is_served_by_another_without_a_query(
    site, editor, server_a, shared_cache
):
    """Server C shares the Redis but reaches no database: a page it serves comes from the cache
    that A filled, and only Redis can tell it that the content changed since."""
    article = make_ready_article(headline="Cached once")
    url = article.get_absolute_url()
    reader = Browser(server_a)
    page = reader.get(url)
    assert page.status_code == 200
    assert shared_cache.exists(f":1:{VERSION_KEY}")
    assert len(shared_cache.keys(PAGES)) == 1

    cut_off = site.server("C", DATABASE_URL="postgres://nobody@127.0.0.1:9/none")
    reader_c = reader.through(cut_off)
    assert reader_c.get(url).content == page.content
    assert reader_c.get("/").status_code == 500, "C cannot render a page: it has no database"

    submit(editor, f"{LIST}{article.pk}/change/", "article_form", headline="Cached twice")
    assert reader_c.get(url).status_code == 500, "C saw the content version move in Redis"
    assert "Cached twice" in reader.get(url).text


def test_an_import_run_on_a_machine_of_its_own_is_seen_at_once_through_both_servers(
    site, server_a, server_b, tmp_path
):
    """``import_articles`` in a process of its own, sharing only the settings, the database
    and Redis with the servers, as on an operator's machine."""
    make_ready_article(headline="Earlier story")
    readers = [Browser(server_a), Browser(server_b)]
    for reader in readers:
        assert "Earlier story" in reader.get("/").text
    wire = tmp_path / "ferry.json"
    wire.write_text(
        json.dumps(
            {
                "uri": "urn:newsroom-tests:multiserver:ferry",
                "pubstatus": "usable",
                "firstcreated": yesterday().isoformat(),
                "headlines": [{"value": "Ferry returns after repairs"}],
                "descriptions": [{"role": "summary", "value": "The crossing runs again."}],
                "bodies": [
                    {"role": "main", "contenttype": "text/html", "value": "<p>On time.</p>"}
                ],
                "people": [{"name": "Lee Park", "rel": "author"}],
                "subjects": [{"name": "City", "rel": "section"}],
            }
        )
    )
    importer = site.manage("importer", "import_articles", "--format", "ninjs", str(wire))
    assert importer.finish() == 0, importer.output()
    for reader in readers:
        assert "Ferry returns after repairs" in reader.get("/").text, reader.server.name
