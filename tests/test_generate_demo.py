"""``generate_demo``: synthetic articles written in bulk (COPY on PostgreSQL, prepared inserts on
SQLite) that the site reads like any other, with planner statistics refreshed after."""

import io

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase
from taggit.models import Tag

from articles import planner
from articles.models import Article, SearchEntry
from articles.reader import search


def generate(*args):
    out = io.StringIO()
    call_command("generate_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


class GenerateDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = generate("--articles", "30", "--batch-size", "7")

    def test_every_article_is_complete(self):
        self.assertIn("Added 30 articles", self.output)
        articles = Article.objects.for_detail()
        self.assertEqual(len(articles), 30)
        for article in articles:
            with self.subTest(article.headline):
                self.assertTrue(article.byline_list)
                self.assertEqual(len(article.tags.all()), 5)
                self.assertEqual(len(article.related_links.all()), 3)
                lead = article.lead_caption
                picture = lead.picture
                self.assertTrue(picture.image and picture.alt_text and picture.credit)
                self.assertTrue(picture.renditions["files"])
                self.assertIn("<h2>", article.body)
                self.assertEqual(article.body.count("<p>"), 14)
        self.assertEqual(SearchEntry.objects.count(), 30)

    def test_the_site_reads_them(self):
        article = Article.objects.published().first()
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, article.headline)
        self.assertContains(response, "<picture")
        tag = Tag.objects.filter(articles_taggedarticle_items__content_object=article).first()
        for url in ("/", article.section.get_absolute_url(), f"/tags/{tag.slug}/"):
            with self.subTest(url):
                self.assertContains(self.client.get(url), 'class="card')
        found = search.find(article.headline, within=Article.objects.published())
        self.assertIn(article, found[0:20])

    def test_ids_continue_after_the_generated_ones(self):
        article = Article.objects.create(headline="Written by hand")
        self.assertGreater(article.pk, Article.objects.exclude(pk=article.pk).latest("pk").pk)

    def test_the_planner_has_statistics_of_the_reader_tables(self):
        tables = {model._meta.db_table for model in planner.READER_TABLES}
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
                analyzed = {row[0] for row in cursor.fetchall()}
            else:  # reltuples is -1 until a table is analyzed
                cursor.execute(
                    "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND reltuples >= 0",
                    [list(tables)],
                )
                analyzed = {row[0] for row in cursor.fetchall()}
        self.assertLessEqual({"articles_article", "articles_taggedarticle"}, analyzed)


class BadArgumentTests(TestCase):
    def test_counts_below_one_are_refused_and_nothing_is_written(self):
        for args in (("--articles", "0"), ("--articles", "5", "--batch-size", "0")):
            with self.subTest(args), self.assertRaisesMessage(CommandError, "at least 1"):
                generate(*args)
        self.assertFalse(Article.objects.exists())
