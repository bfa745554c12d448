"""The page cache: anonymous readers are served from it with no query, and no change, schedule
or takedown ever leaves a stale or non-public page in it, in this process or another."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import caching
from articles.caching import content_version
from articles.models import Article

from .factories import (
    make_article,
    make_author,
    make_caption,
    make_ready_article,
    make_related_link,
    make_section,
)
from .test_import_command import TEXT_CHECKS

pytestmark = pytest.mark.page_cache


class PageCacheTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(name="City", slug="city")
        cls.author = make_author(name="Ann Lee", slug="ann-lee")
        cls.article = make_article(
            headline="Bridge reopens", section=cls.section, authors=[cls.author], tags=["Roads"]
        )
        cls.url = cls.article.get_absolute_url()

    def queries(self, url, **headers):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url, headers=headers)
        return response, len(queries)

    def change(self, function, *args, **kwargs):
        """Run a change and let it commit, as a request or import would."""
        with self.captureOnCommitCallbacks(execute=True):
            return function(*args, **kwargs)


class HitTests(PageCacheTestCase):
    def test_a_second_anonymous_request_is_served_without_a_query(self):
        for url in (self.url, "/", "/sections/city/", "/tags/roads/", "/feeds/rss/"):
            with self.subTest(url):
                first, _ = self.queries(url)
                second, count = self.queries(url)
                self.assertEqual(count, 0)
                self.assertEqual(second.content, first.content)
                self.assertEqual(second["Content-Type"], first["Content-Type"])

    def test_cache_control_lets_a_cdn_absorb_a_spike(self):
        for response in (self.client.get(self.url), self.client.get(self.url)):
            self.assertEqual(
                response["Cache-Control"],
                "public, max-age=0, s-maxage=60, stale-while-revalidate=30",
            )

    def test_a_hit_answers_a_conditional_request_with_304(self):
        etag = self.client.get(self.url)["ETag"]
        response, count = self.queries(self.url, if_none_match=etag)
        self.assertEqual((response.status_code, count), (304, 0))

    def test_query_parameters_do_not_widen_what_is_public(self):
        draft = make_article(status=Article.Status.DRAFT, section=self.section)
        for url in ("/?status=draft", "/?preview=1", "/sections/city/?include_drafts=1"):
            with self.subTest(url):
                self.assertNotContains(self.client.get(url), draft.headline)
                self.assertNotContains(self.client.get(url), draft.headline)


class InvalidationTests(PageCacheTestCase):
    def assert_shows(self, url, text):
        self.assertContains(self.client.get(url), text)

    def test_every_kind_of_change_reaches_the_pages(self):
        pages = [self.url, "/", "/feeds/atom/"]
        for url in pages:
            self.client.get(url)

        def rename_author():
            self.author.name = "Ann Lee-Park"
            self.author.save()

        def rename_section():
            self.section.name = "Metro"
            self.section.save()

        def edit_article():
            self.article.headline = "Bridge reopens to traffic"
            self.article.save()

        changes = [
            (edit_article, self.url, "Bridge reopens to traffic"),
            (rename_author, self.url, "Ann Lee-Park"),
            (rename_section, "/", "Metro"),
            (lambda: self.article.tags.add("Traffic"), "/feeds/atom/", "Traffic"),
            (lambda: make_caption(self.article, text="Cars queue at dawn."), self.url, "queue"),
            (lambda: make_related_link(self.article, title="Earlier closure"), self.url, "Earlier"),
            (lambda: self.article.corrections.create(text="It opened at six."), self.url, "six"),
        ]
        for change, url, text in changes:
            with self.subTest(text):
                self.change(change)
                self.assert_shows(url, text)

    def test_a_takedown_disappears_at_once_from_every_cached_page(self):
        pages = [
            "/",
            "/sections/city/",
            "/authors/ann-lee/",
            "/feeds/rss/",
            "/sitemap-articles.xml",
        ]
        pages.append("/news-sitemap.xml")
        for url in [self.url, *pages]:
            self.client.get(url)
        self.change(self.article.withdraw)
        self.assertEqual(self.client.get(self.url).status_code, 410)
        for url in pages:  # the author's page is gone with their only article
            with self.subTest(url):
                response = self.client.get(url)
                self.assertIn(response.status_code, (200, 404))
                self.assertNotIn(self.url, response.content.decode())

    def test_a_cached_404_ends_when_the_article_is_published(self):
        draft = make_ready_article(status=Article.Status.DRAFT, publish_at=timezone.now())
        url = draft.get_absolute_url()
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.change(draft.publish)
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_a_change_that_rolls_back_leaves_the_cache_alone(self):
        self.client.get(self.url)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            self.article.headline = "Never committed"
            self.article.save()
        self.assertTrue(callbacks)
        response, count = self.queries(self.url)
        self.assertEqual(count, 0)
        self.assertNotContains(response, "Never committed")

    @override_settings(ARTICLES_PUBLISH_CHECKS=TEXT_CHECKS)
    def test_bulk_imports_make_the_pages_stale_too(self):
        from articles.importers.loader import ImportItem, load_articles
        from articles.importers.parser import parse_article

        self.client.get("/")
        parsed = parse_article(b"Harbour fog delays ferries\nBy Bo Chen\n\nThe fog came in.\n")
        self.change(
            load_articles,
            [ImportItem(parsed, "fog.txt", "0" * 64)],
            status=Article.Status.PUBLISHED,
        )
        self.assert_shows("/", "Harbour fog delays ferries")


class CoalescedChangeTests(TestCase):
    """During a bulk import, changes reach readers at most every interval, and all of them
    when it ends."""

    def test_changes_within_the_interval_wait_for_the_next_or_for_the_end(self):
        versions = [content_version()]
        with caching.coalesced_changes(3600):
            caching.content_changed()
            versions.append(content_version())
            caching.content_changed()
            caching.content_changed()
            versions.append(content_version())
        versions.append(content_version())
        self.assertNotEqual(versions[0], versions[1])  # the first change shows at once
        self.assertEqual(versions[1], versions[2])  # the next ones wait
        self.assertNotEqual(versions[2], versions[3])  # and show when the import ends

    def test_after_the_interval_a_change_shows_at_once(self):
        with caching.coalesced_changes(0):
            before = content_version()
            caching.content_changed()
            middle = content_version()
            caching.content_changed()
            self.assertNotEqual(before, middle)
            self.assertNotEqual(middle, content_version())

    def test_nothing_pending_changes_nothing_on_leaving(self):
        with caching.coalesced_changes(3600):
            caching.content_changed()
            version = content_version()
        self.assertEqual(content_version(), version)


class OtherProcessTests(PageCacheTestCase):
    def test_a_change_in_another_process_reaches_this_one(self):
        """Two app processes share the content version (here through files, as on one machine
        without CACHE_URL); this process's own page cache then misses."""
        self.enterContext(
            override_settings(
                CACHES=settings.CACHES
                | {
                    "shared": {
                        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                        "LOCATION": str(settings.MEDIA_ROOT / "cache"),
                    }
                }
            )
        )
        self.client.get(self.url)
        _, count = self.queries(self.url)
        self.assertEqual(count, 0)
        environment = os.environ | {
            "CACHE_DIR": str(settings.MEDIA_ROOT / "cache"),
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        }
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); "
                "from articles.caching import content_changed; content_changed()",
            ],
            check=True,
            env=environment,
            cwd=settings.BASE_DIR,
        )
        _, count = self.queries(self.url)
        self.assertGreater(count, 0)


class ScheduleTests(PageCacheTestCase):
    def test_a_cached_page_expires_when_a_scheduled_article_goes_live(self):
        moment = timezone.now().replace(microsecond=0) + timedelta(hours=2)
        scheduled = make_article(headline="Two pm news", publish_at=moment)
        before = moment - timedelta(seconds=1)
        with mock.patch("django.utils.timezone.now", return_value=before):
            self.assertNotContains(self.client.get("/"), scheduled.headline)
            _, count = self.queries("/")
            self.assertEqual(count, 0, "cached until then")
        with mock.patch("django.utils.timezone.now", return_value=moment):
            self.assertContains(self.client.get("/"), scheduled.headline)

    def test_an_embargo_ends_a_cached_page_too(self):
        moment = timezone.now().replace(microsecond=0) + timedelta(hours=3)
        embargoed = make_article(headline="Under embargo", embargo_until=moment)
        with mock.patch("django.utils.timezone.now", return_value=moment - timedelta(seconds=1)):
            self.assertNotContains(self.client.get("/"), embargoed.headline)
        with mock.patch("django.utils.timezone.now", return_value=moment):
            self.assertContains(self.client.get("/"), embargoed.headline)


class NeverCachedTests(PageCacheTestCase):
    def test_editors_are_never_served_from_the_cache_nor_stored(self):
        draft = make_ready_article(status=Article.Status.DRAFT, publish_at=timezone.now())
        url = draft.get_absolute_url()
        self.assertEqual(self.client.get(url).status_code, 404)  # cached for readers
        editor = get_user_model().objects.create_superuser("editor", password="pw")
        self.client.force_login(editor)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("private", response["Cache-Control"])
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_share_links_are_never_cached(self):
        draft = make_article(status=Article.Status.DRAFT)
        link = draft.share_link()
        first = self.client.get(link)
        self.assertEqual(first.status_code, 200)
        self.assertIn("no-cache", first["Cache-Control"])
        _, count = self.queries(link)
        self.assertGreater(count, 0)
        self.change(draft.revoke_share_links)
        self.assertEqual(self.client.get(link).status_code, 404)


@override_settings(ARTICLES_PAGE_CACHE=None)
class FragmentCacheTests(PageCacheTestCase):
    """Without the page cache (editors, or PAGE_CACHE=0), pages still render their stories and
    cards once per content version, and the section navigation."""

    def test_rendered_pages_read_stories_and_cards_from_the_fragment_cache(self):
        """The article's light lookup; a front's pinned articles, then its list (and the
        section first)."""
        for url, queries in ((self.url, 1), ("/", 2), ("/sections/city/", 3)):
            with self.subTest(url):
                self.client.get(url)
                _, count = self.queries(url)
                self.assertEqual(count, queries)

    def test_a_cached_story_needs_only_a_light_lookup_of_its_article(self):
        """Whether the article is public, its headline and section: not its body, nor the
        tags, captions and byline the story shows."""
        self.client.get(self.url)
        with CaptureQueriesContext(connection) as queries:
            self.assertContains(self.client.get(self.url), "Bridge reopens")
        (lookup,) = queries.captured_queries
        self.assertIn('"status"', lookup["sql"])
        for column in ('"body"', "embedded_tags", "embedded_bylines"):
            self.assertNotIn(column, lookup["sql"])

    def test_the_cached_navigation_marks_the_current_page(self):
        """The section navigation is cached per kind of page and section, not per address."""
        other = make_article(headline="Harbour news", section=make_section(name="Port"))
        expected = {
            "/": '<a href="/" aria-current="page">Latest</a>',
            "/?page=1": '<a href="/" aria-current="page">Latest</a>',
            "/sections/city/": '<a href="/sections/city/" aria-current="page">City</a>',
            self.url: '<a href="/sections/city/" aria-current="true">City</a>',
            other.get_absolute_url(): f'<a href="{other.section.get_absolute_url()}" '
            'aria-current="true">Port</a>',
            "/search/?q=bridge": None,
        }
        for _ in range(2):  # rendered, then from the fragment cache
            for url, current in expected.items():
                with self.subTest(url):
                    html = self.client.get(url).content.decode()
                    nav = re.search(r'<nav class="sections".*?</nav>', html, re.DOTALL)[0]
                    marked = re.findall(r"<a [^>]*aria-current[^>]*>[^<]*</a>", nav)
                    self.assertEqual(marked, [current] if current else [])

    def test_a_change_renders_them_again(self):
        self.client.get(self.url), self.client.get("/")

        def edit_article():
            self.article.headline = "Bridge reopens at last"
            self.article.save()

        self.change(edit_article)
        self.assertContains(self.client.get(self.url), "Bridge reopens at last")
        self.assertContains(self.client.get("/"), "Bridge reopens at last")
