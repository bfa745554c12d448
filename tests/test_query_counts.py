"""Query budgets of the reader pages and the admin list: fixed, whatever the amount of content."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from articles.models import Article

from .factories import (
    image_file,
    make_article,
    make_author,
    make_caption,
    make_related_link,
    make_section,
)

# What a page costs when it renders: no page or fragment cache in front.
pytestmark = pytest.mark.caches_off


def enrich(article, count):
    """Give ``article`` ``count`` more authors, captions, related links and tags."""
    for number in range(count):
        author = make_author()
        article.bylines.create(author=author, order=10 + number)
        make_caption(article, order=10 + number)
        make_related_link(article, order=10 + number, target=make_article())
    article.tags.add(*(f"extra tag {article.pk}-{n}" for n in range(count)))


class QueryCountTestCase(TestCase):
    def count_queries(self, url):
        """Queries of a request to ``url`` once the section navigation is cached."""
        self.client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries)


class ArticlePageQueryTests(QueryCountTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(section=make_section(), authors=[make_author()], tags=["one"])
        make_caption(cls.article)
        make_related_link(cls.article)

    def test_article_page_query_budget(self):
        """Article with section, and its tags, captions and byline with authors as JSON (1),
        related links with their targets (2), articles to read next (3), the sections of the
        navigation (4). (This is the story's render: the fragment cache is off here;
        ``test_caching.FragmentCacheTests`` has the page once its story is cached.)"""
        url = self.article.get_absolute_url()
        self.client.get(url)
        with self.assertNumQueries(4):
            self.client.get(url)

    def test_article_page_with_a_cold_cache_stays_within_five_queries(self):
        with CaptureQueriesContext(connection) as queries:
            self.client.get(self.article.get_absolute_url())
        self.assertLessEqual(len(queries), 5)

    def test_article_page_queries_do_not_grow_with_content(self):
        """Guards against a query per author, caption, related link or tag."""
        url = self.article.get_absolute_url()
        before = self.count_queries(url)
        enrich(self.article, 10)
        self.assertEqual(self.count_queries(url), before)


def make_listing(cls):
    """A section and an author with three captioned, tagged articles, on ``cls``; the newest
    is ``cls.article``."""
    cls.section = make_section(slug="world")
    cls.author = make_author(slug="jane")
    for _ in range(3):
        cls.article = make_article(section=cls.section, authors=[cls.author], tags=["common"])
        make_caption(cls.article)


class ListPageQueryTests(QueryCountTestCase):
    @classmethod
    def setUpTestData(cls):
        make_listing(cls)

    def test_list_page_query_budgets(self):
        """Articles with sections (1), bylines (2), captions (3), tags (4), the sections of the
        navigation (5); the section, author or tag page adds the lookup of its subject (6); the
        home and section pages, their front's pinned articles
        (``test_fronts.FrontQueryCountTests``). The count of the list is cached."""
        for url, budget in (
            ("/", 6),
            ("/sections/world/", 7),
            ("/authors/jane/", 6),
            ("/tags/common/", 6),
        ):
            with self.subTest(url=url):
                self.client.get(url)
                with self.assertNumQueries(budget):
                    self.client.get(url)

    def test_list_page_queries_do_not_grow_with_page_size(self):
        """Guards against a query per article on the page, or per author/caption/tag of one."""
        urls = ("/", "/sections/world/", "/authors/jane/", "/tags/common/")
        with override_settings(ARTICLES_PAGINATE_BY=2):
            small = [self.count_queries(url) for url in urls]
        for _ in range(12):
            article = make_article(section=self.section, authors=[self.author], tags=["common"])
            enrich(article, 3)
        with override_settings(ARTICLES_PAGINATE_BY=15):
            self.assertEqual([self.count_queries(url) for url in urls], small)


class AdminChangelistQueryTests(QueryCountTestCase):
    def test_changelist_queries_do_not_grow_with_rows(self):
        """Guards against a query per row for the byline, section or lead thumbnail."""
        self.client.force_login(get_user_model().objects.create_superuser("ed", password="pw"))
        for _ in range(2):
            make_caption(make_article(section=make_section(), authors=[make_author()]))
        few = self.count_queries("/admin/articles/article/")
        for _ in range(15):
            article = make_article(section=make_section(), authors=[make_author(), make_author()])
            make_caption(article)
            article.tags.add("busy")
        self.assertEqual(self.count_queries("/admin/articles/article/"), few)


class EmbeddedRowsTests(TestCase):
    """The tags, captions and byline fetched inside the article's query (``with_embedded()``)
    are the objects a query of their own reads, field by field: every concrete field of each
    model is embedded, whatever fields it gains."""

    def test_embedded_objects_equal_the_rows_a_query_reads(self):
        author = make_author(
            name="Ann Lee",
            job_title="Reporter",
            bio="Covers the port.",
            website="https://a.example",
        )
        article = make_article(authors=[author], tags=["Harbour", "Café"])
        make_caption(article, image=image_file(), alt_text="Cranes", focal_x=0.25, order=1)
        make_caption(article, text="Second", order=2)
        embedded = Article.objects.with_embedded().get(pk=article.pk)

        def fields(obj):
            return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}

        with self.assertNumQueries(0):
            tags, captions = embedded.tag_list, embedded.caption_list
            bylines = embedded.byline_list
            authors = [fields(byline.author) for byline in bylines]
        by_tagging = article.tags.order_by("articles_taggedarticle_items")
        self.assertEqual([fields(tag) for tag in tags], [fields(tag) for tag in by_tagging])
        self.assertEqual([fields(c) for c in captions], [fields(c) for c in article.captions.all()])
        self.assertEqual(
            [fields(c.picture) for c in captions],
            [fields(c.picture) for c in article.captions.select_related("picture")],
        )
        self.assertEqual([fields(b) for b in bylines], [fields(b) for b in article.bylines.all()])
        self.assertEqual(authors, [fields(author)])
        self.assertTrue(captions[0].picture.renditions["files"], "JSON fields come as JSON")
