"""Sitemaps, the Google News sitemap and robots.txt, parsed as XML."""

from datetime import timedelta

from defusedxml import ElementTree
from django.contrib.sitemaps import Sitemap
from django.test import TestCase, override_settings
from django.utils import timezone

from articles.models import Article

from .factories import make_article, make_author, make_section, tomorrow
from .test_feeds import NON_PUBLIC

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


class SitemapTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(name="City", slug="city")
        cls.author = make_author(name="Ann Lee", slug="ann-lee")
        cls.article = make_article(
            headline="Rates & <rents>", section=cls.section, authors=[cls.author], tags=["Rivers"]
        )
        cls.old = make_article(publish_at=timezone.now() - timedelta(days=5), section=cls.section)
        cls.lonely_author = make_author(slug="no-public-work")
        for state, fields in NON_PUBLIC.items():
            make_article(
                slug=f"hidden-{state.replace(' ', '-')}",
                authors=[cls.lonely_author],
                tags=["Secret"],
                **fields,
            )

    def xml(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        self.assertTrue(response["Content-Type"].startswith("application/xml"))
        return ElementTree.fromstring(response.content)

    def locations(self, url):
        return [loc.text for loc in self.xml(url).iterfind(".//sm:loc", NS)]


class SitemapTests(SitemapTestCase):
    def test_index_names_a_sitemap_per_kind(self):
        self.assertEqual(
            self.locations("/sitemap.xml"),
            [
                f"http://testserver/sitemap-{kind}.xml"
                for kind in ("articles", "sections", "authors", "tags")
            ],
        )

    def test_each_sitemap_lists_public_pages_only(self):
        base = "http://testserver"
        self.assertEqual(
            sorted(self.locations("/sitemap-articles.xml")),
            sorted(base + a.get_absolute_url() for a in (self.article, self.old)),
        )
        self.assertEqual(self.locations("/sitemap-sections.xml"), [f"{base}/sections/city/"])
        self.assertEqual(self.locations("/sitemap-authors.xml"), [f"{base}/authors/ann-lee/"])
        self.assertEqual(self.locations("/sitemap-tags.xml"), [f"{base}/tags/rivers/"])

    def test_every_listed_address_answers_200(self):
        for sitemap in ("articles", "sections", "authors", "tags"):
            for location in self.locations(f"/sitemap-{sitemap}.xml"):
                with self.subTest(location):
                    path = location.removeprefix("http://testserver")
                    self.assertEqual(self.client.get(path).status_code, 200)

    def test_lastmod_is_the_update_time(self):
        root = self.xml("/sitemap-articles.xml")
        lastmods = {
            url.find("sm:loc", NS).text: url.find("sm:lastmod", NS).text
            for url in root.iterfind("sm:url", NS)
        }
        self.article.refresh_from_db()
        expected = self.article.updated_at.date().isoformat()
        self.assertEqual(lastmods[f"http://testserver{self.article.get_absolute_url()}"], expected)

    def test_large_archives_are_paginated(self):
        limit = Sitemap.limit
        try:
            Sitemap.limit = 1
            pages = self.locations("/sitemap.xml")
        finally:
            Sitemap.limit = limit
        self.assertIn("http://testserver/sitemap-articles.xml?p=2", pages)

    @override_settings(ARTICLES_SITE_URL="https://news.example.org")
    def test_addresses_come_from_the_configured_site(self):
        self.assertTrue(
            all(
                loc.startswith("https://news.example.org/")
                for loc in self.locations("/sitemap.xml") + self.locations("/sitemap-articles.xml")
            )
        )


class NewsSitemapTests(SitemapTestCase):
    def test_articles_of_the_last_48_hours_with_publication_and_language(self):
        root = self.xml("/news-sitemap.xml")
        [url] = root.findall("sm:url", NS)
        self.assertEqual(
            url.find("sm:loc", NS).text, f"http://testserver{self.article.get_absolute_url()}"
        )
        news = url.find("news:news", NS)
        self.assertEqual(news.find("news:publication/news:name", NS).text, "The Newsroom")
        self.assertEqual(news.find("news:publication/news:language", NS).text, "en")
        self.assertEqual(news.find("news:title", NS).text, "Rates & <rents>")
        published = news.find("news:publication_date", NS).text
        self.assertEqual(published, self.article.publish_at.replace(microsecond=0).isoformat())

    def test_at_most_1000_articles(self):
        Article.objects.bulk_create(
            Article(
                headline=f"Story {n}",
                slug=f"story-{n}",
                status=Article.Status.PUBLISHED,
                publish_at=timezone.now() - timedelta(minutes=n + 1),
                publish_date=timezone.localdate(),
            )
            for n in range(1001)
        )
        self.assertEqual(len(self.xml("/news-sitemap.xml").findall("sm:url", NS)), 1000)

    def test_scheduled_articles_are_left_out(self):
        make_article(headline="Tomorrow's news", publish_at=tomorrow())
        self.assertNotIn(b"Tomorrow", self.client.get("/news-sitemap.xml").content)


class RobotsTests(TestCase):
    def test_robots_txt_names_the_sitemaps(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertIn("Sitemap: http://testserver/sitemap.xml", lines)
        self.assertIn("Sitemap: http://testserver/news-sitemap.xml", lines)
        self.assertIn("Disallow: /admin/", lines)
