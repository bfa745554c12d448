"""Feeds through a real feed parser: RSS 2.0, Atom and JSON Feed, site-wide and per section,
author and tag."""

import json
from datetime import datetime

import feedparser
import pytest
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from articles.models import Article

from .factories import (
    add_photographer,
    image_file,
    make_article,
    make_author,
    make_caption,
    make_section,
    tomorrow,
    yesterday,
)

NON_PUBLIC = {
    "draft": {"status": Article.Status.DRAFT},
    "in review": {"status": Article.Status.IN_REVIEW},
    "scheduled": {"publish_at": tomorrow()},
    "embargoed": {"embargo_until": tomorrow()},
    "unpublished": {"status": Article.Status.UNPUBLISHED},
    "withdrawn": {"status": Article.Status.WITHDRAWN},
}


class FeedTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(name="City", slug="city")
        cls.ann = make_author(name="Ann Lee", slug="ann-lee")
        cls.bo = make_author(name="Bo Chen", slug="bo-chen")
        cls.article = make_article(
            headline="Tom & Jerry <script>alert(1)</script>",
            dek="Cats <b>and</b> mice.",
            body="<p>The <em>full</em> story.</p>",
            section=cls.section,
            authors=[cls.bo, cls.ann],
            tags=["Rivers", "Floods"],
        )
        cls.hidden = {
            state: make_article(headline=f"Hidden {state}", section=cls.section, **fields)
            for state, fields in NON_PUBLIC.items()
        }
        for article in cls.hidden.values():
            article.tags.add("Rivers")

    def fetch(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response

    def parse(self, url):
        feed = feedparser.parse(self.fetch(url).content)
        self.assertFalse(feed.bozo, f"{url}: {feed.get('bozo_exception')}")
        return feed


class RssTests(FeedTestCase):
    def test_items_carry_every_field(self):
        feed = self.parse("/feeds/rss/")
        self.assertEqual(feed.version, "rss20")
        self.assertEqual(feed.feed.title, "The Newsroom")
        self.assertEqual(feed.feed.link, "http://testserver/")
        [entry] = feed.entries
        self.assertEqual(entry.title, "Tom & Jerry <script>alert(1)</script>")
        self.assertEqual(entry.link, f"http://testserver{self.article.get_absolute_url()}")
        self.assertEqual(entry.id, f"http://testserver/#article-{self.article.pk}")
        self.assertEqual(entry.summary, "Cats &lt;b&gt;and&lt;/b&gt; mice.")  # HTML, escaped
        self.assertEqual(entry.content[0].value, "<p>The <em>full</em> story.</p>")
        self.assertEqual(entry.published_parsed[:3], self.article.publish_at.utctimetuple()[:3])
        self.assertEqual(sorted(tag.term for tag in entry.tags), ["Floods", "Rivers"])

    def test_every_author_in_byline_order_as_dc_creator(self):
        raw = self.fetch("/feeds/rss/").content.decode()
        self.assertLess(
            raw.index("<dc:creator>Bo Chen</dc:creator>"),
            raw.index("<dc:creator>Ann Lee</dc:creator>"),
        )

    def test_markup_in_text_fields_is_escaped_in_the_xml(self):
        raw = self.fetch("/feeds/rss/").content.decode()
        self.assertNotIn("<script>", raw)
        self.assertIn("&lt;script&gt;", raw)

    def test_pages_advertise_the_feeds(self):
        home = self.fetch("/").content.decode()
        for format, mime in (
            ("rss", "application/rss+xml"),
            ("atom", "application/atom+xml"),
            ("json", "application/feed+json"),
        ):
            self.assertIn(f'<link rel="alternate" type="{mime}"', home)
            self.assertIn(f'href="/feeds/{format}/"', home)
        section = self.fetch("/sections/city/").content.decode()
        self.assertIn('href="/sections/city/feeds/rss/"', section)


class AtomTests(FeedTestCase):
    def test_entries_have_authors_content_and_updated(self):
        feed = self.parse("/feeds/atom/")
        self.assertEqual(feed.version, "atom10")
        [entry] = feed.entries
        self.assertEqual([a.name for a in entry.authors], ["Bo Chen", "Ann Lee"])
        self.assertEqual(entry.authors[0].href, "http://testserver/authors/bo-chen/")
        self.assertEqual(entry.content[0].value, "<p>The <em>full</em> story.</p>")
        self.assertEqual(entry.summary, "Cats &lt;b&gt;and&lt;/b&gt; mice.")
        self.assertTrue(entry.updated_parsed)
        self.assertTrue(entry.published_parsed)

    def test_a_correction_moves_the_updated_time(self):
        correction = self.article.corrections.create(text="The river is the Ouse.")
        [entry] = self.parse("/feeds/atom/").entries
        self.assertEqual(entry.updated_parsed[:5], correction.published_at.utctimetuple()[:5])


class JsonFeedTests(FeedTestCase):
    def test_json_feed_1_1(self):
        response = self.fetch("/feeds/json/")
        self.assertEqual(response["Content-Type"], "application/feed+json; charset=utf-8")
        feed = json.loads(response.content)
        self.assertEqual(feed["version"], "https://jsonfeed.org/version/1.1")
        self.assertEqual(feed["home_page_url"], "http://testserver/")
        self.assertEqual(feed["feed_url"], "http://testserver/feeds/json/")
        [item] = feed["items"]
        self.assertEqual(item["title"], self.article.headline)
        self.assertEqual(item["summary"], "Cats <b>and</b> mice.")
        self.assertEqual(item["content_html"], "<p>The <em>full</em> story.</p>")
        self.assertEqual(
            item["authors"],
            [
                {"name": "Bo Chen", "url": "http://testserver/authors/bo-chen/"},
                {"name": "Ann Lee", "url": "http://testserver/authors/ann-lee/"},
            ],
        )
        self.assertEqual(sorted(item["tags"]), ["Floods", "Rivers"])
        published = datetime.fromisoformat(item["date_published"])
        self.assertEqual(published, self.article.publish_at)


class ScopedFeedTests(FeedTestCase):
    def test_section_author_and_tag_feeds_hold_only_their_articles(self):
        other = make_article(headline="Elsewhere", section=make_section(), tags=["Other"])
        for url in ("/sections/city/", "/authors/ann-lee/", "/tags/rivers/"):
            for format in ("rss", "atom"):
                with self.subTest(url=url, format=format):
                    titles = [e.title for e in self.parse(f"{url}feeds/{format}/").entries]
                    self.assertEqual(titles, [self.article.headline])
            items = json.loads(self.fetch(f"{url}feeds/json/").content)["items"]
            self.assertEqual([item["title"] for item in items], [self.article.headline])
        self.assertIn(other.headline, str(self.parse("/feeds/rss/").entries))

    def test_unknown_objects_and_authors_or_tags_without_public_articles_answer_404(self):
        make_article(
            status=Article.Status.DRAFT,
            tags=["Secret plans"],
            authors=[make_author(slug="wire-reporter")],
        )
        for url in (
            "/sections/nowhere/feeds/rss/",
            "/authors/nobody/feeds/atom/",
            "/tags/nothing/feeds/json/",
            "/tags/secret-plans/feeds/rss/",
            "/authors/wire-reporter/feeds/rss/",
            "/authors/wire-reporter/feeds/json/",
        ):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_no_feed_holds_a_non_public_article(self):
        urls = [
            f"{scope}feeds/{format}/"
            for scope in ("/", "/sections/city/", "/tags/rivers/")
            for format in ("rss", "atom", "json")
        ]
        for url in urls:
            content = self.fetch(url).content.decode()
            for state in NON_PUBLIC:
                with self.subTest(url=url, state=state):
                    self.assertNotIn(f"Hidden {state}", content)


class BylineRoleTests(FeedTestCase):
    """Only the byline's authors are the items' creators; a photographer or an additional
    reporter is named as a contributor, in every format."""

    def setUp(self):
        add_photographer(self.article)

    def test_rss_names_the_photographer_as_a_contributor(self):
        raw = self.fetch("/feeds/rss/").content.decode()
        self.assertNotIn("<dc:creator>Cy Lens</dc:creator>", raw)
        self.assertIn("<dc:contributor>Cy Lens (photographer)</dc:contributor>", raw)
        [entry] = self.parse("/feeds/rss/").entries
        self.assertEqual([a.name for a in entry.authors], ["Bo Chen", "Ann Lee"])

    def test_atom_has_a_contributor_element(self):
        [entry] = self.parse("/feeds/atom/").entries
        self.assertEqual([a.name for a in entry.authors], ["Bo Chen", "Ann Lee"])
        self.assertEqual([c.name for c in entry.contributors], ["Cy Lens"])

    def test_json_feed_authors_and_the_contributors_extension(self):
        [item] = json.loads(self.fetch("/feeds/json/").content)["items"]
        self.assertEqual([a["name"] for a in item["authors"]], ["Bo Chen", "Ann Lee"])
        self.assertEqual(
            item["_newsroom"]["contributors"],
            [
                {
                    "name": "Cy Lens",
                    "url": "http://testserver/authors/cy-lens/",
                    "role": "Photographer",
                }
            ],
        )


class FeedImageTests(FeedTestCase):
    def test_the_lead_image_is_an_enclosure_with_caption_and_credit(self):
        make_caption(
            self.article,
            image=image_file(size=(1600, 900)),
            text="The river at dawn.",
            credit="City Desk/Ann Lee",
            alt_text="A river",
        )
        feed = self.parse("/feeds/rss/")
        [enclosure] = feed.entries[0].enclosures
        self.assertEqual(enclosure.type, "image/jpeg")
        self.assertTrue(enclosure.href.startswith("http://testserver/media/"))
        self.assertGreater(int(enclosure.length), 0)
        [media] = feed.entries[0].media_content
        self.assertEqual((media["width"], media["height"]), ("1200", "675"))
        self.assertEqual(feed.entries[0].media_credit[0]["content"], "City Desk/Ann Lee")
        raw = self.fetch("/feeds/rss/").content.decode()
        self.assertIn('<media:description type="plain">The river at dawn.</media:description>', raw)
        atom = self.parse("/feeds/atom/")
        self.assertEqual(atom.entries[0].enclosures[0].type, "image/jpeg")
        item = json.loads(self.fetch("/feeds/json/").content)["items"][0]
        self.assertEqual(item["image"], enclosure.href)


class FeedConfigurationTests(FeedTestCase):
    @override_settings(ARTICLES_SITE_URL="https://news.example.org")
    def test_addresses_come_from_the_configured_site(self):
        feed = self.parse("/feeds/atom/")
        self.assertEqual(feed.feed.link, "https://news.example.org/")
        self.assertTrue(feed.entries[0].link.startswith("https://news.example.org/20"))

    def test_conditional_get_answers_304_until_the_feed_changes(self):
        response = self.fetch("/feeds/rss/")
        again = self.client.get("/feeds/rss/", headers={"if-none-match": response["ETag"]})
        self.assertEqual(again.status_code, 304)
        self.article.withdraw()
        after = self.client.get("/feeds/rss/", headers={"if-none-match": response["ETag"]})
        self.assertEqual(after.status_code, 200)
        self.assertNotIn(b"Tom &amp; Jerry", after.content)

    def test_no_date_validator_that_a_takedown_could_fool(self):
        """The newest date moves backwards when the newest article is taken down."""
        for url in ("/feeds/rss/", "/feeds/atom/", "/sitemap.xml", "/sitemap-articles.xml"):
            with self.subTest(url):
                self.assertFalse(self.fetch(url).has_header("Last-Modified"))

    @pytest.mark.caches_off
    def test_queries_do_not_grow_with_items_authors_or_tags(self):
        def count():
            with CaptureQueriesContext(connection) as queries:
                self.fetch("/feeds/rss/")
            return len(queries)

        before = count()
        for number in range(5):
            article = make_article(authors=[make_author(), make_author()], tags=[f"t{number}"])
            make_caption(article)
        self.assertEqual(count(), before)
        self.assertLessEqual(before, 5)


class FeedDateTests(FeedTestCase):
    def test_newest_first(self):
        older = make_article(headline="Older", publish_at=yesterday().replace(year=2020))
        titles = [e.title for e in self.parse("/feeds/rss/").entries]
        self.assertEqual(titles[-1], older.headline)
