"""What keeps list pages fast on a large archive: every list query is served by an index, a
deep page reads its ids from the index, and the list is not counted on every request."""

from unittest import mock

import pytest
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Byline, TaggedArticle
from articles.reader import pagination, search
from articles.reader.ninjs import changed_since_q

from .factories import make_article, make_author, make_section


def plan(queryset):
    """The database's plan for ``queryset``, as text (sequential scans off on PostgreSQL, which
    would otherwise read a test's few rows whole)."""
    return plan_sql(*queryset.query.sql_with_params())


def plan_sql(sql, params):
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # tiny test tables: force a choice
        cursor.execute(explain + sql, params)
        return " ".join(str(cell) for row in cursor.fetchall() for cell in row)


@pytest.mark.caches_off
class ListIndexTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(slug="world")
        for _ in range(30):
            make_article(section=cls.section, authors=[make_author()], tags=["common"])

    def test_each_list_reads_its_page_from_an_index(self):
        published = Article.objects.published()
        lists = {"home": published, "section": published.filter(section=self.section)}
        for name, queryset in lists.items():
            with self.subTest(name):
                text = plan(queryset.order_by("-publish_at", "-id").values("pk")[20:40])
                if connection.vendor == "sqlite":
                    self.assertRegex(text, r"USING (COVERING )?INDEX articles_(section_)?listing")
                else:  # the planner weighs a few test rows its own way: any index, no scan
                    self.assertRegex(text, r"Index (Only )?Scan using \w+ on articles_article")
                    self.assertNotIn("Seq Scan on articles_article", text)

    def test_tag_author_article_and_search_lookups_read_an_index(self):
        """Each page's query reads no table whole, and what it starts from has its index: the
        tagging's tag, the byline's author, the day and slug of an article, the full-text
        index. (Which index leads is the planner's choice; on PostgreSQL it depends on table
        statistics that a test's few rows cannot give, hence ``make bench-archive``.)"""
        article = Article.objects.published().first()
        tag, author = article.tags.get(), article.bylines.get().author
        published = Article.objects.published()
        found = search.find("headline", within=published)
        backend = found._backend()
        pages = {
            "tag": (
                plan(published.tagged(tag).values("pk")[:20]),
                plan(TaggedArticle.objects.filter(tag=tag).values("content_object")),
                r"articles_tagged_tag_idx|taggedarticle_tag_id",
            ),
            "author": (
                plan(published.by_author(author).values("pk")[:20]),
                plan(Byline.objects.filter(author=author).values("article")),
                r"articles_byline_author_idx|byline_author_id",
            ),
            "article": (
                plan(published.filter(publish_date=article.publish_date, slug=article.slug)),
                plan(
                    Article.objects.filter(
                        publish_date=article.publish_date, slug=article.slug
                    ).order_by()
                ),
                r"unique_slug_per_day|sqlite_autoindex_articles_article_1|articles_article_slug_",
            ),
            "since": (
                plan(published.filter(changed_since_q(timezone.now())).values("pk")[:20]),
                plan(Article.objects.filter(updated_at__gt=timezone.now()).order_by().values("pk")),
                r"articles_updated_at_idx",
            ),
            "search": (
                plan_sql(*backend.newest(found.phrases, found._allowed(backend.id_column))),
                plan_sql(*backend.newest(found.phrases, ("1 = 1", []))),
                r"VIRTUAL TABLE INDEX|Bitmap Index Scan on articles_searchentry_document_idx"
                r"|Index Scan Backward using articles_searchentry_pkey",
            ),
        }
        for name, (page, start, index) in pages.items():
            with self.subTest(name):
                self.assertRegex(start, index)
                self.assertNotIn("Seq Scan", page)
                self.assertNotRegex(page, r"SCAN articles_(article|taggedarticle|byline)\b")

    @override_settings(ARTICLES_PAGINATE_BY=2)
    def test_a_deep_page_costs_what_the_first_costs_and_counts_once(self):
        def queries(url):
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(url).status_code, 200)
            return [query["sql"] for query in captured]

        first = queries("/")
        self.assertTrue(any("COUNT(" in sql for sql in first))
        again, deep = queries("/"), queries("/?page=15")
        self.assertFalse(any("COUNT(" in sql for sql in again + deep), "the count is cached")
        self.assertEqual(len(deep), len(again))
        self.assertEqual(
            [a.headline for a in self.client.get("/?page=15").context["articles"]],
            [a.headline for a in Article.objects.published()[28:30]],
        )


@override_settings(ARTICLES_PAGINATE_BY=2)
class BoundedCountTests(TestCase):
    """A list is counted only as far as the page asked for needs: its first page does not pay
    for counting a whole archive, and every page is still reachable."""

    @classmethod
    def setUpTestData(cls):
        for _ in range(9):
            make_article(tags=["busy"])

    def test_past_the_counted_pages_the_list_says_there_are_more(self):
        with mock.patch.object(pagination, "COUNTED_PAGES", 2):
            first = self.client.get("/tags/busy/")
            self.assertContains(first, "Page 1 of 2+")
            self.assertContains(first, "4+ articles")
            count = next(q for q in self.counted("/") if "COUNT(" in q)
            self.assertIn("LIMIT 5", count)  # two pages of two, and one to tell there is more
            third = self.client.get("/tags/busy/?page=3")  # past what was counted first
            self.assertContains(third, "Page 3 of 4+")
            self.assertContains(third, "8+ articles")
            last = self.client.get("/tags/busy/?page=5")
            self.assertContains(last, "Page 5 of 5<")
            self.assertContains(last, "9 articles")
            self.assertNotContains(last, 'rel="next"')
            self.assertEqual(self.client.get("/tags/busy/?page=6").status_code, 404)

    def test_a_list_within_the_counted_pages_is_counted_exactly(self):
        response = self.client.get("/tags/busy/")
        self.assertContains(response, "Page 1 of 5<")
        self.assertContains(response, "9 articles")

    def counted(self, url):
        with CaptureQueriesContext(connection) as captured:
            self.client.get(url)
        return [query["sql"] for query in captured]
