"""The read API (``articles/reader/api.py``) and its ninjs (``articles/reader/ninjs.py``): items
valid against
IPTC's ninjs 2.4 JSON Schema whatever the article holds, filters, pages and sync, answers to bad
input, HTTP (ETag, CORS, methods), no non-public article anywhere, and query budgets."""

import json
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import prefetch_related_objects
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from jsonschema import Draft202012Validator

from articles import caching
from articles.models import Article, Byline, Correction
from articles.reader.ninjs import article_to_ninjs

from .factories import (
    image_file,
    make_article,
    make_author,
    make_caption,
    make_related_link,
    make_section,
)
from .test_public_surfaces import PublicSurfaceTestCase
from .test_query_counts import QueryCountTestCase, enrich, make_listing

SITE = "https://news.example.org"
NINJS_SCHEMA = json.loads(
    (Path(__file__).parent / "schemas" / "ninjs-schema_2.4.json").read_text(encoding="utf-8")
)
NINJS = Draft202012Validator(NINJS_SCHEMA)
URI_KEYS = {"uri", "href", "schema"}
TIME_KEYS = {"firstcreated", "versioncreated"}


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


class ApiTestCase(TestCase):
    def get_json(self, url, status=200, **headers):
        response = self.client.get(url, headers=headers)
        self.assertEqual(response.status_code, status, url)
        return response.json()

    def assertValidNinjs(self, item):
        """Valid against the schema, and with the formats it names but jsonschema does not
        check without more packages: absolute http(s) URIs, RFC 3339 times in UTC."""
        NINJS.validate(item)

        def walk(value, key=None):
            if isinstance(value, dict):
                for name, inner in value.items():
                    walk(inner, name)
            elif isinstance(value, list):
                for inner in value:
                    walk(inner, key)
            elif key in URI_KEYS:
                address = urlsplit(value)
                self.assertIn(address.scheme, ("http", "https"), value)
                self.assertTrue(address.netloc, value)
            elif key in TIME_KEYS:
                self.assertTrue(value.endswith("Z"), value)
                datetime.fromisoformat(value)

        walk(item)


@override_settings(ARTICLES_SITE_URL=SITE)
class NinjsTests(ApiTestCase):
    """Articles with every kind of content, each valid ninjs."""

    @classmethod
    def setUpTestData(cls):
        cls.world = make_section(name="World", slug="world")
        cls.jane = make_author(name="Jane Doe", slug="jane-doe", job_title="Correspondent")
        cls.ana = make_author(name="Ana Núñez", slug="ana-nunez")
        cls.pat = make_author(name="Pat Lens", slug="pat-lens")
        cls.rich = make_article(
            headline="Ünïcode ☃ headline — “quoted” 日本語",
            dek="A standfirst with ümlauts & <angle brackets>.",
            body="<p>First <em>paragraph</em>.</p><h2>Next</h2><p>Second, with 🌊.</p>",
            section=cls.world,
            tags=["Harbour", "Café", "Кофе"],
            embargo_until=hours_ago(1),
        )
        for order, (author, role) in enumerate(
            [
                (cls.jane, Byline.Role.AUTHOR),
                (cls.ana, Byline.Role.AUTHOR),
                (cls.pat, Byline.Role.PHOTOGRAPHER),
                (cls.ana, Byline.Role.ADDITIONAL_REPORTING),
            ]
        ):
            Byline.objects.create(article=cls.rich, author=author, role=role, order=order)
        cls.lead = make_caption(
            cls.rich,
            image=image_file(size=(320, 200)),
            text="The ferry leaves port.",
            credit="Harbour News/Ann Lee",
            alt_text="A white ferry at the quay",
        )
        make_caption(cls.rich, image=image_file(), text="", credit="", alt_text="", order=1)
        make_caption(cls.rich, text="Awaiting its picture.", credit="Agency", order=2)
        cls.other = make_article(headline="Other public story")
        cls.draft = make_article(headline="Draft target", status=Article.Status.DRAFT)
        make_related_link(cls.rich, title="Outside story", url="https://example.com/story")
        make_related_link(cls.rich, title="", url="", target=cls.other, order=1)
        make_related_link(cls.rich, title="", url="", target=cls.draft, order=2)
        make_related_link(cls.rich, title="Imported teaser", url="", order=3)
        Correction.objects.create(
            article=cls.rich,
            kind=Correction.Kind.CORRECTION,
            text="An earlier version misspelt a name.",
        )
        cls.plain = make_article(headline="Plain", dek="", body="")
        cls.agency = make_article(
            headline="Agency copy", authors=[cls.jane], byline_override="Staff and agencies"
        )

    def test_every_article_is_valid_ninjs_wherever_it_is_served(self):
        for article in (self.rich, self.plain, self.agency, self.other):
            with self.subTest(article.headline):
                self.assertValidNinjs(self.get_json(f"/api/articles/{article.pk}/"))
        for url in (
            "/api/articles/",
            "/api/articles/?since=2000-01-01T00:00:00Z&page_size=100",
            "/api/sections/world/",
            "/api/authors/ana-nunez/",
            "/api/tags/café/",
        ):
            with self.subTest(url):
                items = self.get_json(url)["items"]
                self.assertTrue(items)
                for item in items:
                    self.assertValidNinjs(item)

    def test_the_item_holds_the_whole_article(self):
        item = self.get_json(f"/api/articles/{self.rich.pk}/")
        self.assertEqual(item["uri"], f"{SITE}/#article-{self.rich.pk}")
        self.assertEqual(item["headlines"], [{"role": "main", "value": self.rich.headline}])
        self.assertEqual(
            item["descriptions"],
            [
                {"role": "summary", "contenttype": "text/plain", "value": self.rich.dek},
                {
                    "role": "correction",
                    "contenttype": "text/plain",
                    "value": "An earlier version misspelt a name.",
                },
            ],
        )
        [body] = item["bodies"]
        self.assertEqual(body["contenttype"], "text/html")
        self.assertEqual(body["value"], self.rich.body)
        self.assertEqual(body["wordcount"], self.rich.word_count())
        self.assertEqual(
            item["renditions"],
            [
                {
                    "name": "web",
                    "href": SITE + self.rich.get_absolute_url(),
                    "contenttype": "text/html",
                }
            ],
        )
        self.assertEqual(item["altids"], [{"role": "id", "value": str(self.rich.pk)}])
        self.assertEqual(item["slugline"], self.rich.slug)
        self.assertEqual((item["type"], item["pubstatus"]), ("text", "usable"))
        self.rich.refresh_from_db()
        self.assertEqual(item["version"], str(self.rich.edit_version))
        published = datetime.fromisoformat(item["firstcreated"])
        self.assertEqual(published, self.rich.publish_at)
        # The correction added last made the newest version.
        self.assertEqual(datetime.fromisoformat(item["versioncreated"]), self.rich.updated_at)
        self.assertGreaterEqual(self.rich.updated_at, self.rich.revised_at)

    def test_byline_in_order_with_roles(self):
        item = self.get_json(f"/api/articles/{self.rich.pk}/")
        self.assertEqual(
            item["by"],
            "Jane Doe and Ana Núñez; photographs by Pat Lens; additional reporting by Ana Núñez",
        )
        self.assertEqual(
            [(person["name"], person["rel"]) for person in item["people"]],
            [
                ("Jane Doe", "author"),
                ("Ana Núñez", "author"),
                ("Pat Lens", "photographer"),
                ("Ana Núñez", "additional-reporting"),
            ],
        )
        self.assertEqual(
            item["people"][0],
            {
                "name": "Jane Doe",
                "rel": "author",
                "uri": f"{SITE}/authors/jane-doe/",
                "literal": "jane-doe",
            },
        )
        agency = self.get_json(f"/api/articles/{self.agency.pk}/")
        self.assertEqual(agency["by"], "Staff and agencies")
        self.assertEqual([person["name"] for person in agency["people"]], ["Jane Doe"])

    def test_section_and_tags_are_subjects(self):
        item = self.get_json(f"/api/articles/{self.rich.pk}/")
        self.assertEqual(
            item["subjects"],
            [
                {
                    "name": "World",
                    "rel": "section",
                    "uri": f"{SITE}/sections/world/",
                    "literal": "world",
                },
                {
                    "name": "Harbour",
                    "rel": "tag",
                    "uri": f"{SITE}/tags/harbour/",
                    "literal": "harbour",
                },
                {"name": "Café", "rel": "tag", "uri": f"{SITE}/tags/caf%C3%A9/", "literal": "café"},
                {
                    "name": "Кофе",
                    "rel": "tag",
                    "uri": f"{SITE}/tags/%D0%BA%D0%BE%D1%84%D0%B5/",
                    "literal": "кофе",
                },
            ],
        )

    def test_pictures_with_captions_credits_alt_text_and_renditions(self):
        associations = self.get_json(f"/api/articles/{self.rich.pk}/")["associations"]
        pictures = [found for found in associations if found["type"] == "picture"]
        self.assertEqual(
            [picture["name"] for picture in pictures], ["lead-image", "image-2", "image-3"]
        )
        lead, bare, awaiting = pictures
        self.assertEqual(lead["uri"], f"{SITE}/#picture-{self.lead.pk}")
        self.assertEqual(lead["by"], "Harbour News/Ann Lee")
        self.assertEqual(
            lead["descriptions"],
            [
                {"role": "caption", "contenttype": "text/plain", "value": "The ferry leaves port."},
                {
                    "role": "alt-text",
                    "contenttype": "text/plain",
                    "value": "A white ferry at the quay",
                },
            ],
        )
        self.assertEqual(len(lead["renditions"]), len(self.lead.picture.renditions["files"]))
        crop = next(r for r in lead["renditions"] if r["name"] == "16x9-320-jpeg")
        wide = self.lead.rendition("16x9", width=320)
        self.assertEqual(
            crop,
            {
                "name": "16x9-320-jpeg",
                "href": SITE + wide.url,
                "contenttype": "image/jpeg",
                "width": 320,
                "height": 180,
                "sizeinbytes": wide.bytes,
                "aspectratio": "16:9",
            },
        )
        whole = next(r for r in lead["renditions"] if r["name"] == "original-320-webp")
        self.assertEqual(whole["poi"], {"x": 160, "y": 100})
        self.assertNotIn("by", bare)
        self.assertNotIn("descriptions", bare)
        self.assertTrue(bare["renditions"])
        self.assertNotIn("renditions", awaiting)
        self.assertEqual(awaiting["by"], "Agency")

    def test_related_stories_lead_only_where_a_reader_may_go(self):
        associations = self.get_json(f"/api/articles/{self.rich.pk}/")["associations"]
        related = [found for found in associations if found["type"] == "text"]
        self.assertEqual(
            related,
            [
                {
                    "name": "related-1",
                    "uri": f"{SITE}/#related-link-{self.rich.related_links.get(url__gt='').pk}",
                    "type": "text",
                    "headlines": [{"value": "Outside story"}],
                    "renditions": [{"name": "web", "href": "https://example.com/story"}],
                },
                {
                    "name": "related-2",
                    "uri": f"{SITE}/#article-{self.other.pk}",
                    "type": "text",
                    "headlines": [{"value": "Other public story"}],
                    "renditions": [{"name": "web", "href": SITE + self.other.get_absolute_url()}],
                },
            ],
        )

    def test_an_article_without_standfirst_section_byline_or_pictures(self):
        item = self.get_json(f"/api/articles/{self.plain.pk}/")
        for absent in ("descriptions", "by", "people", "subjects", "associations"):
            self.assertNotIn(absent, item)
        self.assertEqual(item["bodies"][0]["value"], "")

    @override_settings(
        LANGUAGE_CODE="pt-br", ARTICLES_COPYRIGHT_NOTICE="© {year} {site_name} – CC BY 4.0"
    )
    def test_language_and_copyright_notice_come_from_settings(self):
        item = self.get_json(f"/api/articles/{self.plain.pk}/")
        self.assertEqual(item["language"], "pt-BR")
        year = self.plain.local_publish_at.year
        self.assertEqual(item["copyrightnotice"], f"© {year} The Newsroom – CC BY 4.0")

    @override_settings(ALLOWED_HOSTS=["testserver", "intruder.example"])
    def test_addresses_come_from_the_configured_site_not_the_host_header(self):
        response = self.client.get(
            f"/api/articles/{self.rich.pk}/", headers={"host": "intruder.example"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(b"intruder.example", response.content)
        self.assertEqual(response.json()["uri"], f"{SITE}/#article-{self.rich.pk}")

    def test_an_export_of_articles_that_are_not_public_says_so(self):
        """The API never serves them; an export may: withheld, or canceled once withdrawn."""
        for fields, expected in (
            ({"status": Article.Status.DRAFT, "publish_at": None}, "withheld"),
            ({"status": Article.Status.WITHDRAWN}, "canceled"),
        ):
            article = Article.objects.for_detail().get(pk=make_article(**fields).pk)
            item = article_to_ninjs(article, base_url=SITE)
            self.assertValidNinjs(item)
            self.assertEqual(item["pubstatus"], expected)

    def test_the_serializer_is_a_pure_function_of_fetched_rows(self):
        """What an export command needs: ``for_detail()`` and the corrections, then no query."""
        article = Article.objects.for_detail().get(pk=self.rich.pk)
        prefetch_related_objects([article], "corrections")
        with self.assertNumQueries(0):
            item = article_to_ninjs(article, base_url=SITE)
        self.assertEqual(item, self.get_json(f"/api/articles/{self.rich.pk}/"))


class ListTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section(slug="world")
        cls.sport = make_section(slug="sport")
        cls.jane = make_author(slug="jane")
        cls.oldest = make_article(publish_at=hours_ago(30), section=cls.world, tags=["Ferry"])
        cls.middle = make_article(publish_at=hours_ago(20), section=cls.sport, authors=[cls.jane])
        cls.newest = make_article(
            publish_at=hours_ago(10), section=cls.world, authors=[cls.jane], tags=["Ferry"]
        )

    def ids(self, url):
        return [int(item["altids"][0]["value"]) for item in self.get_json(url)["items"]]

    def test_newest_first(self):
        articles = [self.newest, self.middle, self.oldest]
        self.assertEqual(self.ids("/api/articles/"), [a.pk for a in articles])

    def test_filters_by_section_author_and_tag_alone_and_together(self):
        for query, expected in (
            ("section=world", [self.newest, self.oldest]),
            ("author=jane", [self.newest, self.middle]),
            ("tag=ferry", [self.newest, self.oldest]),
            ("section=world&author=jane", [self.newest]),
            ("section=sport&tag=ferry", []),
        ):
            with self.subTest(query):
                self.assertEqual(self.ids(f"/api/articles/?{query}"), [a.pk for a in expected])

    def test_author_section_and_tag_views_name_their_subject(self):
        author = self.get_json("/api/authors/jane/")
        self.assertEqual(author["author"]["slug"], "jane")
        self.assertEqual(author["author"]["job_title"], "")
        self.assertIsNone(author["author"]["photo"])
        self.assertEqual(len(author["items"]), 2)
        section = self.get_json("/api/sections/world/")
        self.assertEqual(section["section"]["name"], self.world.name)
        self.assertEqual(self.get_json("/api/tags/ferry/")["tag"]["name"], "Ferry")

    def test_pages_link_to_each_other_keeping_the_filters(self):
        first = self.get_json("/api/articles/?page_size=2&author=jane&section=world")
        self.assertEqual(first["next"], None)
        first = self.get_json("/api/articles/?page_size=2")
        self.assertEqual((first["count"], first["count_is_exact"]), (3, True))
        self.assertIsNone(first["previous"])
        self.assertEqual(first["next"], "http://testserver/api/articles/?page=2&page_size=2")
        second = self.get_json(urlsplit(first["next"])._replace(scheme="", netloc="").geturl())
        self.assertEqual([item["slugline"] for item in second["items"]], [self.oldest.slug])
        self.assertEqual(second["previous"], "http://testserver/api/articles/?page=1&page_size=2")
        self.assertIsNone(second["next"])

    def test_since_returns_what_changed_after_it_for_incremental_sync(self):
        """Saved, corrected, or made public by the end of an embargo after the time: each
        counts; what did none of these since, does not."""
        since = "/api/articles/?" + urlencode({"since": timezone.now().isoformat()})
        self.assertEqual(self.ids(since), [])
        self.middle.dek = "Edited."
        self.middle.save()
        Correction.objects.create(article=self.oldest, text="A date was wrong.")
        embargoed = make_article(
            publish_at=hours_ago(40), embargo_until=timezone.now() + timedelta(hours=1)
        )
        Article.objects.filter(pk=embargoed.pk).update(updated_at=hours_ago(40))
        caching.content_changed()  # as the commit of these changes would
        self.assertEqual(self.ids(since), [self.middle.pk, self.oldest.pk])
        Article.objects.filter(pk=embargoed.pk).update(embargo_until=timezone.now())
        caching.content_changed()
        self.assertEqual(self.ids(since), [self.middle.pk, self.oldest.pk, embargoed.pk])
        later = timezone.now() + timedelta(seconds=1)
        self.assertEqual(self.ids("/api/articles/?" + urlencode({"since": later.isoformat()})), [])

    def test_renaming_an_author_section_or_tag_changes_their_articles(self):
        article = make_article(section=make_section(), authors=[make_author()], tags=["Ports"])
        Article.objects.filter(pk=article.pk).update(updated_at=hours_ago(5))
        renames = {
            "author": lambda: article.bylines.get().author,
            "section": lambda: article.section,
            "tag": lambda: article.tags.get(),
        }
        for kind, subject in renames.items():
            with self.subTest(kind):
                since = timezone.now()
                renamed = subject()
                renamed.name = f"Renamed {kind}"
                renamed.save()
                caching.content_changed()
                url = "/api/articles/?" + urlencode({"since": since.isoformat()})
                self.assertEqual(self.ids(url), [article.pk])

    def test_a_correction_removed_is_a_new_version(self):
        correction = Correction.objects.create(article=self.oldest, text="A date was wrong.")
        before = self.get_json(f"/api/articles/{self.oldest.pk}/")
        since = timezone.now()
        correction.delete()
        caching.content_changed()
        after = self.get_json(f"/api/articles/{self.oldest.pk}/")
        self.assertNotEqual(after["version"], before["version"])
        self.assertGreater(after["versioncreated"], before["versioncreated"])
        self.assertNotIn("A date was wrong.", json.dumps(after))
        since_url = "/api/articles/?" + urlencode({"since": since.isoformat()})
        self.assertEqual(self.ids(since_url), [self.oldest.pk])

    def test_since_takes_rfc_3339_times_and_local_ones(self):
        for value in (
            "2000-01-01T00:00:00Z",
            "2000-01-01t00:00:00z",
            "2000-01-01T00:00:00.123456789+05:30",
            "2016-12-31T23:59:60Z",
            "2000-01-01T00:00:00",
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-01:00",
        ):
            with self.subTest(value):
                items = self.get_json("/api/articles/?" + urlencode({"since": value}))["items"]
                self.assertEqual(len(items), 0 if value.startswith("9999") else 3)


class BadInputTests(ApiTestCase):
    """Every bad parameter or address gets a problem document (RFC 9457), never an error page
    or a 500, on SQLite and PostgreSQL."""

    @classmethod
    def setUpTestData(cls):
        make_article(section=make_section(slug="world"), authors=[make_author(slug="jane")])

    def assertProblem(self, url, status):
        response = self.client.get(url)
        self.assertEqual(response.status_code, status, url)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        problem = response.json()
        self.assertEqual(problem["status"], status)
        self.assertTrue(problem["detail"])

    def test_unreadable_parameters_answer_400(self):
        lists = ("/api/articles/", "/api/sections/world/", "/api/authors/jane/")
        for url in lists:
            for query in (
                *(f"page={page}" for page in ("abc", "-1", "0", "00", "1.5", "", "%00", "½")),
                *(f"page_size={size}" for size in ("0", "101", "-5", "ten", "9" * 40)),
                *(f"since={since}" for since in ("garbage", "%00", "2026-13-01", "", "1e10")),
            ):
                with self.subTest(url=url, query=query):
                    self.assertProblem(f"{url}?{query}", 400)

    def test_what_does_not_exist_answers_404(self):
        for url in (
            "/api/articles/?page=2",
            "/api/articles/?page=999999",
            "/api/articles/?page=" + "9" * 40,
            "/api/articles/?section=nowhere",
            "/api/articles/?author=nobody",
            "/api/articles/?tag=nothing",
            "/api/articles/?section=%00",
            "/api/articles/?author=a%00b",
            "/api/articles/?tag=%00",
            "/api/articles/?tag=" + "x" * 2000,
            "/api/articles/0/",
            "/api/articles/999999/",
            "/api/articles/99999999999999999999999999/",
            "/api/articles/abc/",
            "/api/articles/%00/",
            "/api/sections/nowhere/",
            "/api/sections/%00/",
            "/api/authors/nobody/",
            "/api/tags/nothing/",
            "/api/tags/%00/",
            "/api/tags/a%0Ab/",
            "/api/nothing/",
            "/api/",
        ):
            with self.subTest(url):
                self.assertProblem(url, 404)

    def test_an_address_without_its_slash_is_redirected_to_it(self):
        response = self.client.get("/api/articles")
        self.assertRedirects(response, "/api/articles/", status_code=301)


class HttpTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(headline="Bridge reopens")
        cls.url = f"/api/articles/{cls.article.pk}/"

    def test_an_etag_answers_a_conditional_request_with_304(self):
        for url in (self.url, "/api/articles/", "/api/openapi.json"):
            with self.subTest(url):
                first = self.client.get(url)
                self.assertTrue(first["ETag"])
                again = self.client.get(url, headers={"if-none-match": first["ETag"]})
                self.assertEqual(again.status_code, 304)
                self.assertEqual(again.content, b"")
                self.assertEqual(again["ETag"], first["ETag"])
                self.assertEqual(again["Access-Control-Allow-Origin"], "*")

    def test_a_change_makes_a_new_etag(self):
        first = self.client.get(self.url)
        self.article.headline = "Bridge reopens at last"
        self.article.save()
        changed = self.client.get(self.url, headers={"if-none-match": first["ETag"]})
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed["ETag"], first["ETag"])

    def test_any_origin_may_read_but_send_no_credentials(self):
        for method in ("get", "head"):
            response = getattr(self.client, method)(self.url, headers={"origin": "https://x.test"})
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response["Access-Control-Allow-Origin"], "*")
            self.assertEqual(response["Access-Control-Expose-Headers"], "ETag")
            self.assertFalse(response.has_header("Access-Control-Allow-Credentials"))

    def test_a_preflight_is_answered(self):
        response = self.client.options(
            self.url,
            headers={
                "origin": "https://x.test",
                "access-control-request-method": "GET",
                "access-control-request-headers": "if-none-match",
            },
        )
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertEqual(response["Access-Control-Allow-Methods"], "GET, HEAD, OPTIONS")
        self.assertEqual(response["Access-Control-Allow-Headers"], "If-None-Match")
        self.assertFalse(response.has_header("Access-Control-Allow-Credentials"))

    def test_other_methods_are_refused_with_405_even_without_a_csrf_token(self):
        self.client = self.client_class(enforce_csrf_checks=True)
        for method in ("post", "put", "patch", "delete"):
            with self.subTest(method):
                response = getattr(self.client, method)(self.url)
                self.assertEqual(response.status_code, 405)
                self.assertEqual(response["Allow"], "GET, HEAD, OPTIONS")
                self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertEqual(Article.objects.get(pk=self.article.pk).headline, "Bridge reopens")

    @override_settings(ARTICLES_API_MAX_PAGE_SIZE=30, ARTICLES_PAGINATE_BY=7)
    def test_the_openapi_description_gives_this_sites_page_sizes(self):
        for _ in range(2):  # the file's document is kept, and never changed by a request
            document = self.get_json("/api/openapi.json")
            schema = document["components"]["parameters"]["page_size"]["schema"]
            self.assertEqual((schema["maximum"], schema["default"]), (30, 7))
        self.get_json("/api/articles/?page_size=30")
        self.get_json("/api/articles/?page_size=31", status=400)

    def test_the_openapi_description_names_this_site_as_its_server(self):
        with override_settings(ARTICLES_SITE_URL=SITE):
            document = self.get_json("/api/openapi.json")
        self.assertEqual(document["openapi"], "3.1.0")
        self.assertEqual(document["servers"], [{"url": f"{SITE}/api/"}])
        self.assertEqual(
            set(document["paths"]),
            {
                "/articles/",
                "/articles/{id}/",
                "/authors/{slug}/",
                "/sections/{slug}/",
                "/tags/{slug}/",
            },
        )


@pytest.mark.page_cache
class PageCacheTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(headline="Bridge reopens")

    def test_the_page_cache_serves_the_api_with_its_headers_and_304s(self):
        url = "/api/articles/"
        first = self.client.get(url)
        with CaptureQueriesContext(connection) as queries:
            second = self.client.get(url)
            not_modified = self.client.get(url, headers={"if-none-match": first["ETag"]})
        self.assertEqual(len(queries), 0)
        self.assertEqual(second.content, first.content)
        self.assertEqual(second["Access-Control-Allow-Origin"], "*")
        self.assertEqual(not_modified.status_code, 304)
        self.assertEqual(not_modified["Access-Control-Allow-Origin"], "*")

    def test_a_takedown_leaves_the_cached_api_at_once(self):
        url = f"/api/articles/{self.article.pk}/"
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.get_json("/api/articles/")["count"], 1)
        with self.captureOnCommitCallbacks(execute=True):
            self.article.withdraw()
        self.assertEqual(self.client.get(url).status_code, 410)
        self.assertEqual(self.get_json("/api/articles/")["items"], [])


class LeakTests(PublicSurfaceTestCase, ApiTestCase):
    """No response of the API shows an article that is not public (the states of
    ``test_public_surfaces``), by list, filter, id, author, section, tag or date; nor for staff."""

    WIDENING = ("", "status=draft", "preview=1", "include_drafts=1", "all=1", "page_size=100")

    def addresses(self):
        lists = [
            "/api/articles/",
            "/api/articles/?section=world",
            "/api/articles/?author=jane",
            "/api/articles/?tag=shared",
            "/api/articles/?section=world&author=jane&tag=shared",
            "/api/articles/?since=2000-01-01T00:00:00Z",
            "/api/sections/world/",
            "/api/authors/jane/",
            "/api/tags/shared/",
            "/api/tags/shared/?since=2000-01-01T00:00:00Z",
        ]
        for url in lists:
            for extra in self.WIDENING:
                yield url + ("&" if "?" in url else "?") + extra if extra else url

    def assertNoHiddenArticle(self, body):
        for state, article in self.hidden.items():
            with self.subTest(state=state):
                self.assertNotIn(article.headline, body)
                self.assertNotIn(article.slug, body)
                self.assertNotIn(f'#article-{article.pk}"', body)

    def test_no_hidden_article_in_any_list_with_any_parameter(self):
        for url in self.addresses():
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                listed = response.json()
                self.assertEqual(listed["count"], 1)
                self.assertEqual(
                    [item["headlines"][0]["value"] for item in listed["items"]], ["Visible story"]
                )
                self.assertNoHiddenArticle(response.content.decode())

    def test_no_hidden_article_by_id_or_by_its_own_tag(self):
        editor = get_user_model().objects.create_superuser("editor", password="pw")
        for client_is_staff in (False, True):
            if client_is_staff:
                self.client.force_login(editor)
            for state, article in self.hidden.items():
                tag = f"only-{state.replace(' ', '-')}"
                for url in (
                    f"/api/articles/{article.pk}/",
                    f"/api/tags/{tag}/",
                    f"/api/articles/?tag={tag}",
                ):
                    with self.subTest(url=url, staff=client_is_staff):
                        response = self.client.get(url)
                        gone = state == "withdrawn" and url.endswith(f"/{article.pk}/")
                        self.assertEqual(response.status_code, 410 if gone else 404)
                        self.assertNoHiddenArticle(response.content.decode())

    def test_staff_see_only_public_articles_too(self):
        self.client.force_login(get_user_model().objects.create_superuser("ed", password="pw"))
        self.assertNoHiddenArticle(self.client.get("/api/articles/?page_size=100").content.decode())


@pytest.mark.caches_off
class QueryCountTests(QueryCountTestCase, ApiTestCase):
    """Counted once the list's count is cached, as it is between changes."""

    @classmethod
    def setUpTestData(cls):
        make_listing(cls)

    def test_list_query_budgets(self):
        """Articles with their sections (1), bylines with authors (2), captions (3), tags (4),
        related links with their targets (5); the count is cached. A filter or view adds the
        lookup of its subject (6), which for an author or tag also asks whether a public
        article names it."""
        for url, budget in (
            ("/api/articles/", 5),
            ("/api/articles/?since=2000-01-01T00:00:00Z", 5),
            ("/api/articles/?section=world", 6),
            ("/api/articles/?author=jane", 6),
            ("/api/articles/?tag=common", 6),
            ("/api/sections/world/", 6),
            ("/api/authors/jane/", 6),
            ("/api/tags/common/", 6),
        ):
            with self.subTest(url):
                self.assertEqual(self.count_queries(url), budget)

    def test_corrections_cost_one_query_for_the_whole_page(self):
        before = self.count_queries("/api/articles/")
        for article in Article.objects.all():
            Correction.objects.create(article=article, text="Fixed.")
        caching.content_changed()
        self.assertEqual(self.count_queries("/api/articles/"), before + 1)

    def test_article_query_budget(self):
        """The article with its section, and its tags, captions and byline as JSON (1), related
        links with their targets (2); corrections, when it has any (3)."""
        url = f"/api/articles/{self.article.pk}/"
        with self.assertNumQueries(2):
            self.get_json(url)
        Correction.objects.create(article=self.article, text="Fixed.")
        with self.assertNumQueries(3):
            self.get_json(url)

    def test_queries_do_not_grow_with_page_size_or_content(self):
        """Guards against a query per article, or per author, caption, link or tag of one."""
        urls = ("/api/articles/", "/api/sections/world/", "/api/authors/jane/", "/api/tags/common/")
        small = [self.count_queries(f"{url}?page_size=2") for url in urls]
        detail = self.count_queries(f"/api/articles/{self.article.pk}/")
        for _ in range(12):
            article = make_article(section=self.section, authors=[self.author], tags=["common"])
            enrich(article, 3)
        enrich(self.article, 10)
        caching.content_changed()
        self.assertEqual([self.count_queries(f"{url}?page_size=15") for url in urls], small)
        self.assertEqual(self.count_queries(f"/api/articles/{self.article.pk}/"), detail)
