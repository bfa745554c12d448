"""What keeps the admin's article list fast on a large archive (articles/editorial/changelist.py):
a query budget that does not grow, full-text search over every status, a bounded count, filters that
list only what matches what the editor typed, and list queries served by an index."""

from unittest import mock

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.admin import ArticleAdmin
from articles.editorial.changelist import TypedListFilter
from articles.models import Article
from articles.reader import pagination

from .factories import make_article, make_author, make_caption, make_section, tomorrow
from .test_query_counts import enrich
from .test_scale import plan

LIST = "/admin/articles/article/"


class AdminListTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser("editor", password="pw")

    def setUp(self):
        self.client.force_login(self.editor)

    def queries(self, url, **params):
        """The SQL of a request for the list, asserted to succeed."""
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url, params)
        self.assertEqual(response.status_code, 200)
        return [query["sql"] for query in captured]

    def listed(self, **params):
        """The headlines the list shows for ``params``."""
        response = self.client.get(LIST, params)
        self.assertEqual(response.status_code, 200)
        return {article.headline for article in response.context["cl"].result_list}


@mock.patch.object(ArticleAdmin, "list_per_page", 2)
class ChangelistQueryBudgetTests(AdminListTestCase):
    """Lists of several pages, as on any archive."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.section = make_section()
        cls.author = make_author(name="Jane Doe", slug="jane-doe")
        for _ in range(3):
            article = make_article(section=cls.section, authors=[cls.author], tags=["port"])
            make_caption(article)

    def test_changelist_query_budget(self):
        """Session and user (2), the view's savepoint and its release (4), the section
        filter's sections (5), the bounded count (6), the list's ids in order (7: a short list
        is read whole), the page's articles with their sections (8), bylines with authors (9),
        captions (10), the archive's first and last dates for the date drill-down (12), the
        action bar's sections (13) and reviewers (14)."""
        self.client.get(LIST)
        with self.assertNumQueries(14):
            self.client.get(LIST)

    def test_changelist_queries_do_not_grow_with_rows_bylines_or_captions(self):
        """Guards against a query per row for its byline, section, lead thumbnail or state,
        with a search and each filter too."""
        urls = [
            LIST,
            f"{LIST}?q=headline",
            f"{LIST}?state=live",
            f"{LIST}?author=jane-doe",
            f"{LIST}?tag=port",
            f"{LIST}?section__id__exact={self.section.pk}",
        ]
        before = [len(self.queries(url)) for url in urls]
        for _ in range(12):
            article = make_article(section=self.section, authors=[self.author], tags=["port"])
            make_caption(article)
            enrich(article, 3)
        self.assertEqual([len(self.queries(url)) for url in urls], before)


class AdminSearchTests(AdminListTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.draft = make_article(
            headline="Lighthouse keeper retires",
            status=Article.Status.DRAFT,
            publish_at=None,
        )
        cls.scheduled = make_article(headline="Lighthouse reopens", publish_at=tomorrow())
        cls.live = make_article(headline="Harbour dredged", body="<p>The lighthouse shone.</p>")
        cls.other = make_article(headline="Budget approved")
        cls.bylined = make_article(
            headline="Storm warning", authors=[make_author(name="Imogen Quarrie")]
        )
        cls.tagged = make_article(headline="Council meets", tags=["Wind farms"])

    def test_search_finds_every_status_through_the_full_text_index(self):
        with CaptureQueriesContext(connection) as captured:
            found = self.listed(q="lighthouse")
        self.assertEqual(
            found, {"Lighthouse keeper retires", "Lighthouse reopens", "Harbour dredged"}
        )
        sql = " ".join(query["sql"] for query in captured)
        self.assertIn("articles_searchentry", sql)
        self.assertNotRegex(sql, r"(?i)body.{0,20}LIKE")

    def test_search_finds_authors_and_tags(self):
        self.assertEqual(self.listed(q="Quarrie"), {"Storm warning"})
        self.assertEqual(self.listed(q="wind farms"), {"Council meets"})

    def test_search_keeps_to_the_filtered_list(self):
        self.assertEqual(self.listed(q="lighthouse", state="draft"), {"Lighthouse keeper retires"})

    def test_a_search_without_words_finds_nothing(self):
        self.assertEqual(self.listed(q="!!!"), set())

    def test_related_link_autocomplete_finds_words_as_they_are_typed(self):
        """It counts only as far as it needs to tell whether there is a next page (of 20)."""
        query = {"app_label": "articles", "model_name": "relatedlink", "field_name": "target"}
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get("/admin/autocomplete/", query | {"term": "Lighth"})
        self.assertEqual(response.status_code, 200)
        found = {result["text"] for result in response.json()["results"]}
        self.assertEqual(found, {"Lighthouse keeper retires", "Lighthouse reopens"})
        count = next(q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"])
        self.assertIn("LIMIT 41", count)


@mock.patch.object(pagination, "COUNTED_PAGES", 2)
@mock.patch.object(ArticleAdmin, "list_per_page", 2)
class BoundedCountTests(AdminListTestCase):
    """The list is counted only as far as the page asked for needs, as the public lists are,
    and says "4+" past that."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for _ in range(8):
            make_article()
        make_article(headline="Lone ferry")

    def test_the_first_page_counts_two_pages_and_says_there_are_more(self):
        sql = self.queries(LIST)
        count = next(query for query in sql if "COUNT(" in query)
        self.assertIn("LIMIT 5", count)  # two pages of two, and one to tell there is more
        self.assertEqual(sum("COUNT(" in query for query in sql), 1)  # no full count
        response = self.client.get(LIST)
        self.assertContains(response, "4+ articles")
        self.assertContains(response, "Select all 4+ articles")
        self.assertNotContains(response, "+ results")  # said by a search only
        self.assertContains(self.client.get(LIST, {"q": "headline"}), "4+ results")
        self.assertContains(response, "…")  # the page links stop at the last page counted

    def test_a_deep_page_counts_further_and_the_last_page_is_exact(self):
        self.assertContains(self.client.get(LIST, {"p": 3}), "8+ articles")
        last = self.client.get(LIST, {"p": 5})
        self.assertContains(last, "9 articles")
        self.assertEqual(
            [a.headline for a in last.context["cl"].result_list],
            [a.headline for a in Article.objects.all()[8:]],
        )

    def test_a_short_list_is_counted_exactly(self):
        response = self.client.get(LIST, {"q": "ferry"})
        self.assertContains(response, "1 article\n")
        self.assertContains(response, "1 result ")
        self.assertNotContains(response, "+ ")


class TypedFilterTests(AdminListTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.jane = make_author(name="Jane Doe", slug="jane-doe")
        cls.janet = make_author(name="Janet Roe", slug="janet-roe")
        make_article(headline="By Jane", authors=[cls.jane], tags=["Harbour", "Ferries"])
        make_article(headline="By Janet", authors=[cls.janet], tags=["Harbour news"])
        make_article(headline="By both", authors=[cls.jane, cls.janet])
        make_article(headline="Draft by Jane", authors=[cls.jane], status=Article.Status.DRAFT)

    def test_author_filter_by_a_name_a_part_of_it_or_a_slug(self):
        jane = {"By Jane", "By both", "Draft by Jane"}
        self.assertEqual(self.listed(author="jane doe"), jane)
        self.assertEqual(self.listed(author="jane-doe"), jane)
        self.assertEqual(self.listed(author="DOE"), jane)
        self.assertEqual(self.listed(author="janet"), {"By Janet", "By both"})

    def test_a_part_of_several_names_offers_them_and_filters_nothing_yet(self):
        response = self.client.get(LIST, {"author": "jane"})
        self.assertEqual(len(response.context["cl"].result_list), 4)
        self.assertContains(response, "Choose one of these authors.")
        self.assertContains(response, '<a href="?author=jane-doe">Jane Doe</a>', html=True)
        chosen = self.client.get(LIST, {"author": "jane-doe"})
        self.assertContains(
            chosen,
            '<li class="selected"><a href="?author=jane-doe" aria-current="true">Jane Doe</a></li>',
            html=True,
        )
        self.assertContains(chosen, 'name="author" value="Jane Doe"')

    def test_tag_filter_by_name_or_slug(self):
        self.assertEqual(self.listed(tag="harbour"), {"By Jane"})  # the one of that name
        self.assertEqual(self.listed(tag="harbour-news"), {"By Janet"})
        self.assertEqual(self.listed(tag="ferr"), {"By Jane"})
        self.assertEqual(self.listed(tag="nothing like it"), set())

    def test_filters_list_no_author_or_tag_before_a_name_is_typed(self):
        response = self.client.get(LIST)
        for slug in ("jane-doe", "janet-roe", "harbour", "ferries"):
            self.assertNotContains(response, f"={slug}")

    def test_filters_are_labelled_inputs_in_forms_that_keep_the_other_parameters(self):
        response = self.client.get(LIST, {"state": "draft", "author": "jane", "p": "1"})
        self.assertContains(response, '<label for="typed-filter-author">Author’s name</label>')
        self.assertContains(
            response,
            '<input type="search" id="typed-filter-author" name="author" value="jane">',
            html=True,
        )
        self.assertContains(response, '<label for="typed-filter-tag">Tag</label>')
        self.assertContains(response, '<input type="hidden" name="state" value="draft">', count=3)
        self.assertContains(response, '<input type="hidden" name="author" value="jane">', count=2)
        self.assertNotContains(response, 'name="p"')

    def test_past_a_handful_of_matches_the_filter_asks_for_more_of_the_name(self):
        for number in range(TypedListFilter.SHOWN + 1):
            make_author(name=f"Jane Extra {number}")
        response = self.client.get(LIST, {"author": "jane"})
        self.assertContains(response, "More authors match: type more of the name")
        self.assertNotContains(response, "Jane Extra 9")  # past the first ten by name

    def test_blanks_filter_nothing(self):
        self.assertEqual(len(self.listed(author="  ", tag=" ")), 4)

    def test_a_name_nobody_has_finds_nothing_and_says_so(self):
        response = self.client.get(LIST, {"tag": "zeppelins"})
        self.assertContains(response, "No tag matches.")
        self.assertEqual(len(response.context["cl"].result_list), 0)


class ListIndexTests(AdminListTestCase):
    """Each state, the section filter and a deep page read the list's order from an index; the
    date drill-down of a long list reads no article's date beyond the first and the last."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.section = make_section()
        for _ in range(30):
            make_article(section=cls.section)

    def assert_reads_an_index(self, queryset):
        text = plan(queryset.order_by("-publish_at", "-id").values("pk")[200:300])
        if connection.vendor == "sqlite":
            self.assertRegex(text, r"USING (COVERING )?INDEX articles_")
            self.assertNotIn("TEMP B-TREE FOR ORDER BY", text)
        else:
            self.assertRegex(text, r"Index (Only )?Scan")
            self.assertNotIn("Seq Scan on articles_article", text)

    def test_each_state_filter_reads_an_index(self):
        for state in Article.State.values:
            with self.subTest(state):
                self.assert_reads_an_index(Article.objects.in_state(state))

    def test_the_whole_list_and_a_section_read_their_order_from_an_index(self):
        self.assert_reads_an_index(Article.objects.all())
        self.assert_reads_an_index(Article.objects.filter(section=self.section))

    def test_my_articles_are_found_from_the_indexes_of_creator_and_byline(self):
        """The owner filter's "mine": an OR of the creator and a join on bylines read every
        article (230 ms on 100,000 on SQLite)."""
        text = plan(Article.objects.owned_by(self.editor).order_by().values("pk"))
        self.assertNotIn("Seq Scan", text)
        self.assertNotRegex(text, r"SCAN articles_(article|byline)\b")

    def test_the_autocomplete_reads_a_trigram_index_on_postgresql(self):
        """A related link's target, found by the words of its headline as they are typed
        (migration 0017); SQLite reads the headlines."""
        wanted = {make_article(headline=f"{word} reopens").pk for word in ("Harbour", "HARBOURS")}
        found = Article.objects.filter(headline__icontains="harbour").order_by().values("pk")
        self.assertEqual(set(found.values_list("pk", flat=True)), wanted)
        if connection.vendor == "postgresql":
            self.assertIn("articles_headline_trgm_idx", plan(found))

    def test_the_date_drill_down_offers_the_calendar_from_the_first_article_to_the_last(self):
        """Years, a year's months, a month's days, from two index lookups: no query reads the
        dates of the articles listed (Django's DISTINCT over each one's truncated date)."""
        newest = Article.objects.latest()
        start = newest.publish_at.replace(year=newest.publish_at.year - 3, month=3, day=5)
        Article.objects.filter(pk=Article.objects.exclude(pk=newest.pk).first().pk).update(
            publish_at=start
        )
        year = timezone.localtime(start).year
        levels = [
            ({}, [f"?publish_at__year={each}" for each in range(year, newest.publish_at.year)]),
            (
                {"publish_at__year": year},
                [f"?publish_at__month=3&amp;publish_at__year={year}"],
            ),
            (
                {"publish_at__year": year, "publish_at__month": 3},
                [f"?publish_at__day=5&amp;publish_at__month=3&amp;publish_at__year={year}"],
            ),
        ]
        for params, links in levels:
            with self.subTest(params=params):
                sql = self.queries(LIST, **params)
                self.assertFalse([query for query in sql if "DISTINCT" in query])
                response = self.client.get(LIST, params)
                for link in links:
                    self.assertContains(response, link)
        months = self.client.get(LIST, {"publish_at__year": year})
        self.assertNotContains(months, "?publish_at__month=2&amp;")  # before the first article
        days = self.client.get(LIST, {"publish_at__year": year, "publish_at__month": 3})
        self.assertNotContains(days, "?publish_at__day=4&amp;")
