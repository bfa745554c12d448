"""Site search: query parsing and snippets (pure), ranking, the index kept up to date by every
writer, only public articles found, and a page that no input can break. Runs on SQLite (FTS5)
and on PostgreSQL (full-text search) alike."""

import io
import re
import shutil
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import SimpleTestCase, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from taggit.models import Tag

from articles.importers.loader import ImportItem, load_article, load_articles
from articles.importers.parser import parse_article
from articles.models import Article, Byline, SearchEntry
from articles.reader import search

from .factories import make_article, make_author, make_caption, make_section
from .test_import_command import TEXT_CHECKS
from .test_public_surfaces import HIDDEN_STATES

HOSTILE_QUERIES = [
    "AND(",
    '"',
    '""',
    '"unclosed phrase',
    "*",
    "lighthouse*",
    "\x00",
    "lighthouse\x00keeper",
    "NEAR(",
    "NEAR(lighthouse keeper, 2)",
    "-",
    "-lighthouse",
    "OR",
    "lighthouse OR",
    "AND OR NOT",
    "^lighthouse",
    "headline:lighthouse",
    "{headline dek}: lighthouse",
    "lighthouse & | ! <-> :*",
    "'",
    "\\",
    "%",
    "%s",
    "(",
    ")",
    ":",
    "x" * 10_000,
    "lighthouse " * 2_000,
    "\u202e\u200b\ufeff",
    "🙂 lighthouse",
]
STORY = """{headline}
By Imogen Quarrie

The {word} stood on the rock for two hundred years.

Keepers lived there until the light was automated.
"""


def search_page(client, query, **params):
    return client.get("/search/", {"q": query, **params})


def headlines(response):
    return [article.headline for article in response.context["articles"]]


class QueryParsingTests(SimpleTestCase):
    """Pure functions: a SimpleTestCase refuses queries."""

    def test_words_and_quoted_phrases(self):
        self.assertEqual(
            search.parse_query('storm "harbour  ferry" surge'), ("storm", "harbour ferry", "surge")
        )

    def test_unclosed_quote_runs_to_the_end(self):
        self.assertEqual(search.parse_query('storm "harbour ferry'), ("storm", "harbour ferry"))

    def test_operators_are_plain_words_and_punctuation_alone_is_dropped(self):
        self.assertEqual(search.parse_query('AND( * - NEAR( OR "'), ("AND(", "NEAR(", "OR"))
        self.assertEqual(search.parse_query('* - " _ ()'), ())

    def test_repeats_are_dropped_and_the_number_of_phrases_is_capped(self):
        self.assertEqual(search.parse_query("tide tide tide"), ("tide",))
        words = " ".join(f"w{n}" for n in range(50))
        self.assertEqual(len(search.parse_query(words)), search.MAX_PHRASES)

    def test_control_characters_are_removed_and_length_is_capped(self):
        self.assertEqual(search.clean_query(" tide\x00\x02 \n\tsurge\x7f "), "tide surge")
        self.assertEqual(len(search.clean_query("x" * 10_000)), search.MAX_QUERY_LENGTH)
        self.assertEqual(search.clean_query("tide " * 100), ("tide " * 40).strip())

    def test_fts5_phrases_are_quoted_with_inner_quotes_doubled(self):
        self.assertEqual(search.SQLiteSearch().match(["AND(", 'say "hi"']), '"AND(" "say ""hi"""')

    def test_highlight_escapes_everything_but_the_marks(self):
        snippet = "<script>alert(1)</script> the \x02tide\x03 & \x02surge\x03"
        self.assertEqual(
            search.highlight(snippet),
            "&lt;script&gt;alert(1)&lt;/script&gt; the <mark>tide</mark> &amp; <mark>surge</mark>",
        )

    def test_highlight_drops_unpaired_marks(self):
        self.assertEqual(search.highlight("\x02a \x03b\x02 c\x02"), "<mark>a </mark>b c")

    def test_plain_text_of_body_html(self):
        html = (
            "<h2>Tide</h2><p>Sea&nbsp;walls <strong>hel</strong>d &amp; &lt;rose&gt;</p><p>Next</p>"
        )
        self.assertEqual(search.plain_text(html), "Tide Sea walls held & <rose> Next")

    @given(st.text())
    def test_any_text_parses_into_quotable_phrases(self, text):
        phrases = search.parse_query(text)
        self.assertLessEqual(len(phrases), search.MAX_PHRASES)
        for phrase in phrases:
            self.assertNotIn('"', phrase)
            self.assertNotRegex(phrase, r"[\x00-\x08\x0b-\x1f\x7f]")

    @given(st.text() | st.text(st.sampled_from("<>&\"'/= a\x02\x03")))
    def test_highlight_never_lets_markup_through(self, text):
        tags = re.findall(r"<[^>]*>", search.highlight(text))
        self.assertTrue(set(tags) <= {"<mark>", "</mark>"}, tags)


class SearchTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = make_author(name="Imogen Quarrie", slug="imogen")
        cls.headline_match = make_article(
            headline="Lighthouse keeper retires",
            dek="After forty years on the rock.",
            body="<p>She kept the lamp burning through every storm.</p>",
        )
        cls.body_match = make_article(
            headline="Coastal walks for the winter",
            dek="Five routes along the cliffs.",
            body="<p>The path passes the old lighthouse and its lighthouse cottages, then the "
            "lighthouse garden, before the lighthouse café.</p>",
        )
        cls.bylined = make_article(headline="Storm surge warning", authors=[cls.author])
        cls.tagged = make_article(headline="Council budget", tags=["Wind farms"])


class RankingAndSnippetTests(SearchTestCase):
    def test_a_headline_match_outranks_a_body_only_match(self):
        """The body match is newer and says it four times: the headline still comes first."""
        response = search_page(self.client, "lighthouse")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            headlines(response), [self.headline_match.headline, self.body_match.headline]
        )

    def test_a_standfirst_match_outranks_a_body_only_match(self):
        make_article(headline="Cliff path reopens", dek="The lighthouse trail is safe again.")
        self.assertEqual(
            headlines(search_page(self.client, "lighthouse"))[1:],
            ["Cliff path reopens", self.body_match.headline],
        )

    def test_snippet_highlights_the_matches_in_the_body(self):
        response = search_page(self.client, "cottages")
        self.assertEqual(headlines(response), [self.body_match.headline])
        snippet = response.context["articles"][0].search_snippet
        self.assertIn("<mark>cottages</mark>", snippet)
        self.assertContains(response, '<p class="search-result__snippet">', count=1)

    def test_words_match_their_other_forms(self):
        self.assertEqual(
            headlines(search_page(self.client, "lighthouses keepers")),
            [self.headline_match.headline],
        )

    def test_every_word_must_match(self):
        self.assertEqual(
            headlines(search_page(self.client, "lighthouse garden")), [self.body_match.headline]
        )
        self.assertEqual(headlines(search_page(self.client, "lighthouse volcano")), [])

    def test_a_quoted_phrase_matches_only_those_words_together(self):
        self.assertEqual(
            headlines(search_page(self.client, '"old lighthouse"')), [self.body_match.headline]
        )
        self.assertEqual(headlines(search_page(self.client, '"lighthouse old"')), [])

    def test_accents_are_folded_both_ways_on_every_engine(self):
        """SQLite's index folds accents (remove_diacritics), PostgreSQL's configuration puts
        unaccent before the stemmer (migration 0014): the same archive finds the same."""
        make_article(headline="Türkiye reopens its border", body="<p>Crossings resume.</p>")
        make_article(headline="Cafe owners protest", body="<p>Rents doubled.</p>")
        self.assertEqual(
            headlines(search_page(self.client, "Turkiye")), ["Türkiye reopens its border"]
        )
        self.assertEqual(
            headlines(search_page(self.client, "türkiye")), ["Türkiye reopens its border"]
        )
        self.assertEqual(
            sorted(headlines(search_page(self.client, "café"))),
            ["Cafe owners protest", self.body_match.headline],
        )
        self.assertEqual(
            sorted(headlines(search_page(self.client, "cafe"))),
            ["Cafe owners protest", self.body_match.headline],
        )

    def test_authors_and_tags_are_searchable(self):
        self.assertEqual(headlines(search_page(self.client, "Quarrie")), ["Storm surge warning"])
        self.assertEqual(headlines(search_page(self.client, "wind farms")), ["Council budget"])

    def test_snippets_are_escaped(self):
        """Text that looks like HTML in an article comes out as text, never as markup."""
        make_article(
            headline="Security advice",
            body="<p>Never paste &lt;script&gt;alert('lighthouse')&lt;/script&gt; "
            "or &lt;img src=x onerror=alert(1)&gt; in a lighthouse.</p>",
        )
        response = search_page(self.client, "security lighthouse")
        snippet = str(response.context["articles"][0].search_snippet)
        self.assertIn("<mark>lighthouse</mark>", snippet)
        self.assertEqual(set(re.findall(r"<[^>]*>", snippet)), {"<mark>", "</mark>"})
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, "<img src=x")

    def test_control_characters_written_past_the_model_cannot_forge_a_mark(self):
        article = make_article(headline="Ferry timetable")
        Article.objects.filter(pk=article.pk).update(
            body="<p>ferry \x02<b>bold</b>\x03 changes</p>"
        )
        search.reindex([article.pk])
        snippet = search_page(self.client, "ferry").context["articles"][0].search_snippet
        self.assertNotIn("<b>", snippet)
        self.assertNotIn("<mark>bold</mark>", snippet)

    def test_query_is_shown_escaped_in_the_heading_and_the_form(self):
        response = search_page(self.client, '"><script>alert(1)</script>')
        self.assertNotContains(response, "<script>alert(1)")
        self.assertContains(response, "&quot;&gt;&lt;script&gt;", count=3)  # title, h1, input


class PublicOnlyTests(TestCase):
    def test_articles_that_are_not_public_are_never_found(self):
        make_article(headline="Visible lighthouse story", tags=["beacon"])
        for state, fields in HIDDEN_STATES.items():
            make_article(headline=f"Hidden {state} lighthouse story", tags=["beacon"], **fields)
        for query in ("lighthouse", "hidden", "beacon", "story"):
            with self.subTest(query=query):
                response = search_page(self.client, query)
                self.assertNotContains(response, "Hidden")
                self.assertEqual(response.context["paginator"].count, 0 if query == "hidden" else 1)

    def test_an_unpublished_article_leaves_the_results_at_once(self):
        article = make_article(headline="Lighthouse sold")
        article.unpublish()
        self.assertEqual(headlines(search_page(self.client, "lighthouse")), [])


class IndexUpdateTests(SearchTestCase):
    def entry(self, article):
        return SearchEntry.objects.get(article=article)

    def found(self, query):
        return headlines(search_page(self.client, query))

    def test_entry_holds_plain_text_and_names_in_byline_order(self):
        second = make_author(name="Bram Achterberg")
        article = make_article(
            headline="Dunes",
            body="<p>Sand&nbsp;&amp; <em>grass</em></p><p>Wind</p>",
            authors=[self.author, second],
            tags=["Coast", "Beaches"],
        )
        entry = self.entry(article)
        self.assertEqual(entry.body, "Sand & grass Wind")
        self.assertEqual(entry.authors, "Imogen Quarrie, Bram Achterberg")
        self.assertEqual(entry.tags, "Beaches, Coast")

    @pytest.mark.page_cache  # real commits
    def test_an_article_saved_with_its_byline_and_tags_is_reindexed_once_after_commit(self):
        with (
            mock.patch.object(search, "reindex", wraps=search.reindex) as reindex,
            self.captureOnCommitCallbacks(execute=True) as callbacks,
        ):
            self.bylined.headline = "Tidal barrier closes"
            self.bylined.save()
            Byline.objects.create(article=self.bylined, author=make_author(name="Oda Brekke"))
            self.bylined.tags.add("Flooding", "Estuary")
            self.assertEqual(reindex.call_count, 0)
            self.assertNotIn("Tidal", self.entry(self.bylined).headline)
        self.assertGreater(len(callbacks), 1)  # one asked for by each write…
        reindex.assert_called_once_with({self.bylined.pk: None}, using="default")  # …done once
        entry = self.entry(self.bylined)
        self.assertEqual(entry.headline, "Tidal barrier closes")
        self.assertIn("Oda Brekke", entry.authors)
        self.assertIn("Estuary", entry.tags)

    def test_saving_an_article_updates_its_entry(self):
        self.bylined.headline = "Tidal barrier closes"
        self.bylined.save()
        self.assertEqual(self.found("tidal"), ["Tidal barrier closes"])
        self.assertEqual(self.found("surge"), [])

    def test_bylines_added_and_removed(self):
        byline = Byline.objects.create(article=self.tagged, author=make_author(name="Oda Brekke"))
        self.assertEqual(self.found("Brekke"), ["Council budget"])
        byline.delete()
        self.assertEqual(self.found("Brekke"), [])

    def test_tags_added_removed_and_renamed(self):
        self.bylined.tags.add("Flood defences")
        self.assertEqual(self.found("flood"), ["Storm surge warning"])
        tag = Tag.objects.get(name="Flood defences")
        tag.name = "Sea defences"
        tag.save()
        self.assertEqual(self.found("flood"), [])
        self.assertEqual(self.found("sea defences"), ["Storm surge warning"])
        self.bylined.tags.remove(tag)
        self.assertEqual(self.found("defences"), [])

    def test_renaming_an_author_updates_their_articles(self):
        self.author.name = "Imogen Vale"
        self.author.save()
        self.assertEqual(self.found("Vale"), ["Storm surge warning"])
        self.assertEqual(self.found("Quarrie"), [])

    def test_saving_an_author_without_renaming_rewrites_nothing(self):
        self.author.bio = "Covers the coast."
        with CaptureQueriesContext(connection) as queries:
            self.author.save()
        self.assertEqual(len(queries), 2)  # the name check and the update

    def test_deleting_an_article_deletes_its_entry(self):
        """Its bylines and tags go first, and must not bring the entry back."""
        pk = self.bylined.pk
        self.bylined.tags.add("Flood defences")
        self.bylined.delete()
        Article.objects.filter(pk=self.tagged.pk).delete()
        self.assertFalse(SearchEntry.objects.filter(article__in=[pk, self.tagged.pk]).exists())
        self.assertEqual(self.found("surge"), [])

    @override_settings(ARTICLES_PUBLISH_CHECKS=TEXT_CHECKS)
    def test_load_articles_indexes_each_batch(self):
        items = [
            ImportItem(
                parse_article(STORY.format(headline=f"Beacon {n} restored", word="beacon")),
                source=f"/imports/beacon-{n}.txt",
                checksum="one",
            )
            for n in range(3)
        ]
        load_articles(items, status=Article.Status.PUBLISHED, tags=["Heritage"])
        self.assertEqual(len(self.found("beacon Quarrie heritage")), 3)

    @override_settings(ARTICLES_PUBLISH_CHECKS=TEXT_CHECKS)
    def test_an_updated_import_rewrites_the_entry(self):
        text = STORY.format(headline="Beacon restored", word="beacon")
        load_article(
            parse_article(text), source="/b.txt", checksum="1", status=Article.Status.PUBLISHED
        )
        changed = text.replace("By Imogen Quarrie", "By Oda Brekke").replace("beacon", "tower")
        load_article(parse_article(changed), source="/b.txt", checksum="2")
        self.assertEqual(self.found("tower Brekke"), ["Beacon restored"])
        self.assertEqual(self.found("Quarrie beacon"), [])

    @override_settings(ARTICLES_PUBLISH_CHECKS=TEXT_CHECKS)
    def test_import_articles_command_makes_articles_searchable(self):
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        (folder / "one.txt").write_text(STORY.format(headline="Foghorn silenced", word="foghorn"))
        call_command("import_articles", str(folder), "--status", "published", stdout=io.StringIO())
        self.assertEqual(self.found("foghorn"), ["Foghorn silenced"])


class HostileInputTests(SearchTestCase):
    def test_hostile_queries_answer_200(self):
        for query in HOSTILE_QUERIES:
            with self.subTest(query=query[:40]):
                self.assertEqual(search_page(self.client, query).status_code, 200)

    def test_operators_are_searched_as_words(self):
        self.assertEqual(
            headlines(search_page(self.client, "lighthouse*")),
            headlines(search_page(self.client, "lighthouse")),
        )
        self.assertEqual(
            headlines(search_page(self.client, "-retires")), [self.headline_match.headline]
        )

    def test_a_long_query_is_cut_to_the_limit(self):
        response = search_page(self.client, "lighthouse " * 2_000)
        self.assertLessEqual(len(response.context["search_query"]), search.MAX_QUERY_LENGTH)
        self.assertEqual(len(headlines(response)), 2)  # no half word left at the end

    def test_an_empty_query_shows_the_page_and_asks_nothing_of_the_database(self):
        for query, heading in (
            ("", "Search"),
            ("  \x00 ", "Search"),
            ('" * -', "No results for “&quot; * -”"),
        ):
            with self.subTest(query=query):
                search_page(self.client, query)
                with CaptureQueriesContext(connection) as queries:
                    response = search_page(self.client, query)
                self.assertEqual(len(queries), 0)
                self.assertContains(response, f'<h1 class="page-header__title">{heading}</h1>')
        self.assertEqual(self.client.get("/search/").status_code, 200)

    def test_invalid_pages_are_404_never_500(self):
        for page in ("0", "-1", "abc", "99999", "1.5", "9" * 30, ""):
            for query in ("lighthouse", ""):
                with self.subTest(page=page, query=query):
                    response = search_page(self.client, query, page=page)
                    self.assertIn(response.status_code, (200, 404))
                    if page in ("0", "-1", "abc", "99999"):
                        self.assertEqual(response.status_code, 404)
        self.assertEqual(search_page(self.client, "lighthouse", page="last").status_code, 200)


class SearchPageTests(SearchTestCase):
    def test_page_is_not_indexed_and_says_what_was_found(self):
        response = search_page(self.client, "lighthouse")
        self.assertContains(response, '<meta name="robots" content="noindex">', html=True)
        self.assertContains(response, "2 results for “lighthouse”")
        self.assertContains(search_page(self.client, "volcano"), "No results for “volcano”")

    def test_masthead_form_is_labelled_and_keeps_the_query(self):
        response = search_page(self.client, "lighthouse")
        self.assertContains(response, '<form class="site-search" role="search" action="/search/"')
        self.assertContains(response, '<label class="visually-hidden" for="site-search-q">')
        self.assertContains(response, 'type="search" name="q" value="lighthouse"')
        self.assertContains(self.client.get("/"), 'id="site-search-q"', count=1)

    def test_ids_are_unique(self):
        ids = re.findall(r'\sid="([^"]+)"', search_page(self.client, "lighthouse").text)
        self.assertEqual(len(ids), len(set(ids)), ids)

    @override_settings(ARTICLES_PAGINATE_BY=1)
    def test_pages_keep_the_query(self):
        response = search_page(self.client, "lighthouse")
        self.assertEqual(headlines(response), [self.headline_match.headline])
        self.assertContains(response, 'href="?q=lighthouse&amp;page=2"')
        second = search_page(self.client, "lighthouse", page="2")
        self.assertEqual(headlines(second), [self.body_match.headline])
        self.assertContains(second, '<ol class="search-results" start="2">')
        self.assertContains(second, 'href="?q=lighthouse&amp;page=1"')


@pytest.mark.caches_off
class ResultBoundTests(TestCase):
    """A word found everywhere costs no more than a rare one: the newest ``MAX_RESULTS``
    public matches are counted and ranked, and the page says there are more."""

    @classmethod
    def setUpTestData(cls):
        cls.oldest_headline_match = make_article(headline="Lighthouse keepers", dek="Ferries")
        cls.body_matches = [
            make_article(headline=f"Story {number}", body="<p>The ferries ran late.</p>")
            for number in range(4)
        ]
        make_article(headline="Hidden ferries", status=Article.Status.DRAFT)

    def test_the_newest_public_matches_are_ranked_and_counted(self):
        with mock.patch.object(search, "MAX_RESULTS", 3):
            response = search_page(self.client, "ferries")
        newest = [article.headline for article in reversed(self.body_matches)][:3]
        self.assertEqual(sorted(headlines(response)), sorted(newest))
        self.assertEqual(response.context["paginator"].count, 3)
        self.assertContains(response, "3+ results for")
        self.assertContains(response, "The best of the 3 newest matches")

    def test_below_the_bound_every_match_is_ranked(self):
        response = search_page(self.client, "ferries")
        self.assertEqual(headlines(response)[0], "Lighthouse keepers")  # the dek outranks bodies
        self.assertEqual(response.context["paginator"].count, 5)
        self.assertContains(response, "5 results for")
        self.assertNotContains(response, "newest matches")

    def test_a_window_of_the_newest_entries_finds_what_the_whole_archive_does(self):
        """PostgreSQL looks first at the newest ids the planner expects to hold enough matches,
        then at every id when they hold too few: the results are the same either way."""
        ids = [article.pk for article in self.body_matches]
        newest = [article.headline for article in reversed(self.body_matches)][:3]
        for above in (ids[0] - 1, ids[-1] - 1):  # holds all four; holds only the newest
            with (
                self.subTest(above=above),
                mock.patch.object(search, "MAX_RESULTS", 3),
                mock.patch.object(search.PostgreSQLSearch, "windows", return_value=[above, None]),
            ):
                self.assertEqual(
                    sorted(headlines(search_page(self.client, "ferries"))), sorted(newest)
                )


class SearchWindowTests(SimpleTestCase):
    """The windows searched in turn, from the newest id and the planner's estimate."""

    windows = staticmethod(search.PostgreSQLSearch().windows)

    def test_the_first_window_is_expected_to_hold_twice_the_results_counted(self):
        # A word in one entry of fifty: the newest 100,000 of 1,000,000 hold about 2,000.
        self.assertEqual(list(self.windows(1_000_000, 20_000)), [900_000, None])
        self.assertEqual(list(self.windows(10_000_000, 200_000)), [9_900_000, 9_000_000, None])

    def test_a_rare_or_a_common_word_or_an_empty_index_is_searched_whole(self):
        self.assertEqual(list(self.windows(1_000_000, 1_500)), [None])
        self.assertEqual(list(self.windows(1_000_000, 100_000)), [None])
        self.assertEqual(list(self.windows(1_000_000, 0)), [None])
        self.assertEqual(list(self.windows(None, 0)), [None])


@pytest.mark.caches_off
class SearchQueryCountTests(TestCase):
    def count_queries(self, query):
        search_page(self.client, query)
        with CaptureQueriesContext(connection) as queries:
            response = search_page(self.client, query)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_search_page_query_budget(self):
        """The newest matches, ranked (1), the page's snippets (2), articles with sections (3),
        the navigation's sections (4), bylines with authors (5), captions (6), tags (7).
        PostgreSQL first reads the newest
        entry's id and the planner's estimate of the matches, which size the window searched."""
        make_article(headline="Lighthouse", authors=[make_author()], tags=["one"])
        search_page(self.client, "lighthouse")
        with self.assertNumQueries(7 if connection.vendor == "sqlite" else 9):
            search_page(self.client, "lighthouse")

    def test_search_page_queries_do_not_grow_with_results(self):
        """Guards against a query per result, or per author, caption or tag of one."""
        make_article(headline="Lighthouse", authors=[make_author()], tags=["one"])
        few = self.count_queries("lighthouse")
        section = make_section()
        for number in range(15):
            article = make_article(
                headline=f"Lighthouse {number}",
                section=section,
                authors=[make_author(), make_author()],
                tags=[f"tag {number}", "lighthouse"],
            )
            make_caption(article)
        self.assertEqual(self.count_queries("lighthouse"), few)


class ArbitraryQueryTests(HypothesisTestCase):
    """Whatever a reader types, the page answers."""

    @classmethod
    def setUpTestData(cls):
        make_article(headline="Lighthouse keeper retires", authors=[make_author()], tags=["sea"])

    @settings(max_examples=60, deadline=None)
    @given(st.text(max_size=300))
    def test_any_text_is_answered(self, text):
        self.assertEqual(search_page(self.client, text).status_code, 200)

    @settings(max_examples=60, deadline=None)
    @given(
        st.lists(
            st.sampled_from(
                [
                    '"',
                    "*",
                    "(",
                    ")",
                    "-",
                    "AND",
                    "OR",
                    "NEAR",
                    ":",
                    "^",
                    "lighthouse",
                    "keeper",
                    " ",
                    "+",
                    "{",
                    "}",
                    "'",
                    "\x00",
                ]
            ),
            max_size=20,
        )
    )
    def test_any_mix_of_query_syntax_is_answered(self, parts):
        results = search.find("".join(parts), within=Article.objects.published())
        self.assertLessEqual(len(results[0 : results.count()]), 1)
