"""Two app servers, one database, one Redis: what an editor does through one server (or an
operator's command, or a task worker, on a machine of its own), readers get from the other at
once, and a page one server cached is served by another."""

import io
import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from articles.caching import VERSION_KEY
from articles.models import Article, Front, FrontSlot, ImportRun
from tests.browser_forms import form_data, submit
from tests.factories import image_file, make_ready_article, make_section, yesterday

from .harness import Browser, wait_for

LIST = "/admin/articles/article/"
PAGES = ":1:articles:page:*"  # the page cache's keys in Redis, as Django's RedisCache makes them
IMPORT = "/admin/articles/importrun/import/"


def front_headlines(response):
    """The headlines of a home or section page's cards, in their order."""
    assert response.status_code == 200, response.status_code
    return re.findall(r'class="card__headline"><a href="[^"]+"[^>]*>([^<]+)</a>', response.text)


def table_rows(response, table_id):
    """The text of each cell of each row of the body of the table ``table_id``."""
    table = re.search(rf'<table id="{table_id}">.*?<tbody>(.*?)</tbody>', response.text, re.S)
    errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text, re.S)
    assert table, f"No table {table_id} (status {response.status_code}, errors {errors})"
    cells = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)
    return [
        [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells.findall(row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table[1], re.S)
    ]


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


def test_a_front_reordered_through_one_server_is_seen_at_once_through_the_other(
    editor, server_b, shared_cache
):
    """The home page and the City page each pin two stories above the newest; B caches both.
    The editor swaps the two in the real Fronts form through A (its arrow buttons renumber the
    positions, which is what the browser posts): B shows that page's new order at once, and
    the other page's own order."""
    city = make_section(name="City", slug="city")
    now = timezone.now()
    harbour, ferry, _ = (
        make_ready_article(headline=headline, section=city, publish_at=now - timedelta(hours=n))
        for n, headline in ((30, "Harbour reopens"), (20, "Ferry returns"), (1, "Newest story"))
    )
    Front.objects.create_missing()
    fronts = {
        "/": Front.objects.get(section=None),
        city.get_absolute_url(): Front.objects.get(section=city),
    }
    for front in fronts.values():
        FrontSlot.objects.create(front=front, article=harbour, position=1)
        FrontSlot.objects.create(front=front, article=ferry, position=2)
    before = ["Harbour reopens", "Ferry returns", "Newest story"]
    after = ["Ferry returns", "Harbour reopens", "Newest story"]
    reader = Browser(server_b)
    for url in fronts:
        assert front_headlines(reader.get(url)) == before, url
    assert len(shared_cache.keys(PAGES)) == 2, "B cached both pages"

    swapped = {str(harbour.pk): "2", str(ferry.pk): "1"}
    reordered = set()
    for url, front in fronts.items():
        change = f"/admin/articles/front/{front.pk}/change/"
        data = form_data(editor.get(change), "front_form")
        for name, article in list(data.items()):
            if name.endswith("-article") and article:  # the empty extra slot stays as it is
                data[name.replace("-article", "-position")] = swapped[article]
        response = editor.post(change, data)
        assert response.status_code == 302, response.text
        reordered.add(url)
        for page in fronts:
            expected = after if page in reordered else before
            assert front_headlines(reader.get(page)) == expected, (url, page)


def test_an_admin_import_started_on_one_server_is_finished_by_a_worker_and_seen_on_both(
    site, editor, server_a, server_b, shared_cache, environment
):
    """The editor uploads a zip (a ninjs item and its picture) on A's "Import articles" page,
    reads the dry run's table and confirms. The run waits on the database queue, as B's page
    of it says, until a worker (``db_worker``, a process of its own) takes it: then B's page
    says it finished, and the article, published as its item says since an editor may
    publish, is on both servers' pages at once, its picture's renditions in the shared media."""
    readers = [Browser(server_a), Browser(server_b)]
    make_ready_article(headline="Earlier story")
    for reader in readers:
        assert "Earlier story" in reader.get("/").text
    assert shared_cache.keys(PAGES), "the home page is cached"
    item = {
        "uri": "urn:newsroom-tests:multiserver:tram",
        "pubstatus": "usable",
        "firstcreated": yesterday().isoformat(),
        "headlines": [{"value": "Tram line opens to the harbour"}],
        "descriptions": [{"role": "summary", "value": "The first tram ran at dawn."}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": "<p>On time.</p>"}],
        "people": [{"name": "Lee Park", "rel": "author"}],
        "subjects": [{"name": "City", "rel": "section"}],
        "associations": [
            {
                "name": "featuremedia",
                "type": "picture",
                "descriptions": [
                    {"role": "caption", "value": "The first tram at the harbour stop."},
                    {"role": "alt", "value": "A green tram at a stop by the water"},
                ],
                "by": "Harbour Wire/Lee Park",
                "renditions": [{"name": "original", "href": "https://wire.example.net/tram.jpg"}],
            }
        ],
    }
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("tram.json", json.dumps(item))
        bundle.writestr("tram.jpg", image_file(size=(1600, 900)).read())

    data = form_data(editor.get(IMPORT), "import-upload") | {"keep": "files"}
    preview = editor.post(IMPORT, data, files={"files": ("wire.zip", archive.getvalue())})
    assert table_rows(preview, "import-preview") == [
        [
            "tram.json#item-1",
            "Tram line opens to the harbour",
            "Lee Park",
            "1 of 1",
            "—",
            "—",
            "created",
        ]
    ]
    assert not Article.objects.filter(headline__startswith="Tram line").exists()
    confirmed = editor.post(IMPORT, form_data(preview, "import-confirm"))
    assert confirmed.status_code == 302, confirmed.text
    run = ImportRun.objects.get(user__username="desk")
    assert confirmed.headers["Location"] == f"/admin/articles/importrun/{run.pk}/change/"

    desk_b = editor.through(server_b)
    run_page = confirmed.headers["Location"]
    waiting = desk_b.get(run_page).text
    assert "Waiting for a worker to start the import…" in waiting, "A must not run it at once"
    site.manage("worker", "db_worker", "--no-reload", "--no-startup-delay", "--interval=0.1")
    finished = wait_for(
        lambda: "Finished: 1 of 1" in (page := desk_b.get(run_page).text) and page,
        30,
        "the worker to finish the import",
    )
    assert "Finished: 1 of 1 files or items (1 created, 0 updated" in finished
    assert "tram.json#item-1" in finished
    article = Article.objects.published().get(headline="Tram line opens to the harbour")
    assert article.import_run == run
    media = Path(environment["MEDIA_ROOT"])
    for reader in readers:
        assert "Tram line opens to the harbour" in reader.get("/").text, reader.server.name
        page = reader.get(article.get_absolute_url()).text
        pictures = set(re.findall(r'/media/([^"\s,]+\.(?:jpg|webp|avif))', page))
        assert pictures, f"{reader.server.name} shows the picture"
        assert all((media / name).is_file() for name in pictures), pictures
