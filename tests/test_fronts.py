"""Fronts: pinned articles keep their places on the home and section pages, the newest public
articles fill the rest, and what stops being public, or whose pin ends, leaves at once."""

from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import connection
from django.test import SimpleTestCase, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import caching
from articles.models import Article, Front, FrontSlot, arrange

from .factories import make_article, make_ready_article, make_section, tomorrow


def pin(article, position, *, section=None, until=None):
    """``article`` in a slot of the front of ``section`` (the home page's: None)."""
    front, _ = Front.objects.get_or_create(section=section)
    return FrontSlot.objects.create(
        front=front, article=article, position=position, pinned_until=until
    )


def headlines(response):
    return [article.headline for article in response.context["articles"]]


class ArrangeTests(SimpleTestCase):
    """``arrange()`` is pure: it places, it does not query."""

    @staticmethod
    def pinned(*positions):
        return [SimpleNamespace(name=f"pin{p}", front_position=p) for p in positions]

    @staticmethod
    def names(items):
        return [getattr(item, "name", item) for item in items]

    def test_pins_keep_their_positions_and_the_newest_fill_the_places_between(self):
        page = arrange(self.pinned(1, 3), ["a", "b", "c"])
        self.assertEqual(self.names(page), ["pin1", "a", "pin3", "b", "c"])

    def test_pins_past_the_end_follow_the_last_article(self):
        self.assertEqual(self.names(arrange(self.pinned(2, 9), ["a"])), ["a", "pin2", "pin9"])
        self.assertEqual(self.names(arrange(self.pinned(4), [])), ["pin4"])

    def test_a_front_without_pins_is_the_newest(self):
        self.assertEqual(arrange([], ["a", "b"]), ["a", "b"])


class FrontPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(name="Harbour", slug="harbour")
        now = timezone.now()
        # Newest first: articles[0] is the newest.
        cls.articles = [
            make_article(
                headline=f"Story {n}", section=cls.section, publish_at=now - timedelta(hours=n + 1)
            )
            for n in range(6)
        ]

    def test_pinned_articles_keep_their_order_and_the_newest_fill_the_rest(self):
        pin(self.articles[5], 1)
        pin(self.articles[4], 2)
        pin(self.articles[3], 4)
        self.assertEqual(
            headlines(self.client.get("/")),
            ["Story 5", "Story 4", "Story 0", "Story 3", "Story 1", "Story 2"],
        )

    def test_an_article_pinned_among_the_newest_shows_once_at_its_place(self):
        pin(self.articles[0], 3)
        shown = headlines(self.client.get("/"))
        self.assertEqual(shown, ["Story 1", "Story 2", "Story 0", "Story 3", "Story 4", "Story 5"])

    def test_the_lead_is_the_featured_card(self):
        pin(self.articles[5], 1)
        response = self.client.get("/")
        lead = response.content.decode().split("Story 5")[0]
        self.assertIn("card--featured", lead[-600:])

    def test_an_expired_pin_is_ignored(self):
        pin(self.articles[5], 1, until=timezone.now() - timedelta(minutes=1))
        pin(self.articles[4], 2, until=tomorrow())
        self.assertEqual(headlines(self.client.get("/"))[:3], ["Story 0", "Story 4", "Story 1"])

    def test_a_pinned_article_that_stops_being_public_leaves_its_slot(self):
        """Unpublished, withdrawn, scheduled again, embargoed, deleted: each leaves its slot to
        the newest article, and the other pins keep their places."""
        changes = {
            "unpublished": lambda article: article.unpublish(),
            "withdrawn": lambda article: article.withdraw(),
            "scheduled again": lambda article: article.publish(at=tomorrow()),
            "embargoed": lambda article: (
                setattr(article, "embargo_until", tomorrow()) or article.save()
            ),
            "deleted": lambda article: article.delete(),
        }
        for state, change in changes.items():
            with self.subTest(state):
                FrontSlot.objects.all().delete()
                article = make_ready_article(headline=f"Pinned, then {state}")
                for section in (None, self.section):
                    pin(article, 1, section=section)
                    pin(self.articles[5], 2, section=section)
                for url in ("/", "/sections/harbour/"):
                    self.assertEqual(headlines(self.client.get(url))[0], article.headline)
                change(article)
                for url in ("/", "/sections/harbour/"):
                    shown = headlines(self.client.get(url))
                    self.assertNotIn(article.headline, shown)
                    self.assertEqual(shown[:2], ["Story 0", "Story 5"])

    def test_a_pinned_draft_waits_until_it_is_public(self):
        draft = make_ready_article(headline="Not yet", status=Article.Status.DRAFT, publish_at=None)
        pin(draft, 1)
        self.assertNotIn("Not yet", headlines(self.client.get("/")))
        draft.publish()
        self.assertEqual(headlines(self.client.get("/"))[0], "Not yet")

    def test_each_page_has_its_own_front(self):
        other = make_article(headline="Elsewhere", section=make_section())
        pin(self.articles[5], 1, section=self.section)
        pin(other, 1, section=self.section)  # any public article may lead a section's front
        pin(self.articles[4], 1)
        self.assertEqual(headlines(self.client.get("/"))[0], "Story 4")
        on_section = headlines(self.client.get("/sections/harbour/"))
        self.assertEqual(on_section[:3], ["Story 5", "Elsewhere", "Story 0"])
        self.assertEqual(len(on_section), len(set(on_section)))

    @override_settings(ARTICLES_PAGINATE_BY=2)
    def test_pinned_articles_leave_the_later_pages_and_none_is_skipped(self):
        pin(self.articles[5], 1)
        pages = [headlines(self.client.get("/", {"page": n})) for n in (1, 2, 3)]
        self.assertEqual(pages[0], ["Story 5", "Story 0", "Story 1"])
        self.assertEqual(pages[1:], [["Story 2", "Story 3"], ["Story 4"]])

    def test_a_front_shows_its_pins_even_with_nothing_else_public(self):
        Article.objects.exclude(pk=self.articles[5].pk).delete()
        pin(self.articles[5], 3)
        self.assertEqual(headlines(self.client.get("/")), ["Story 5"])

    def test_next_pin_end_is_the_nearest_end_still_to_come(self):
        soon = timezone.now() + timedelta(hours=1)
        pin(self.articles[0], 1, until=soon)
        pin(self.articles[1], 2, until=soon + timedelta(hours=1))
        pin(self.articles[2], 3, until=timezone.now() - timedelta(hours=1))
        self.assertEqual(FrontSlot.objects.next_pin_end(timezone.now()), soon)
        self.assertIsNone(FrontSlot.objects.next_pin_end(soon + timedelta(hours=2)))


@pytest.mark.page_cache
class FrontPageCacheTests(TestCase):
    """The page cache learns of changes when they commit, as in production."""

    @classmethod
    def setUpTestData(cls):
        cls.newest = make_article(headline="Newest story")
        cls.older = make_article(
            headline="Older story", publish_at=timezone.now() - timedelta(days=3)
        )

    def commit(self, function, *args, **kwargs):
        with self.captureOnCommitCallbacks(execute=True):
            return function(*args, **kwargs)

    def cached_headlines(self):
        """The home page's stories as a reader gets them, and whether a hit served them."""
        with CaptureQueriesContext(connection) as queries:
            html = self.client.get("/").content.decode()
        found = [h for h in ("Newest story", "Older story", "Pinned story") if h in html]
        return sorted(found, key=html.index), len(queries) == 0

    def test_an_unpublished_pinned_article_leaves_the_cached_page_at_once(self):
        long_ago = timezone.now() - timedelta(days=9)
        pinned = make_article(headline="Pinned story", publish_at=long_ago)
        self.commit(pin, pinned, 1)
        self.client.get("/")
        self.assertEqual(
            self.cached_headlines(), (["Pinned story", "Newest story", "Older story"], True)
        )
        self.commit(pinned.unpublish)
        self.assertEqual(self.cached_headlines(), (["Newest story", "Older story"], False))

    def test_a_new_order_reaches_readers_at_once(self):
        first = self.commit(pin, self.older, 1)
        self.client.get("/")
        self.assertEqual(self.cached_headlines(), (["Older story", "Newest story"], True))

        def reorder():
            first.position = 2
            first.save()

        self.commit(reorder)
        self.assertEqual(self.cached_headlines(), (["Newest story", "Older story"], False))

    def test_a_cached_page_expires_when_a_pin_ends(self):
        end = timezone.now().replace(microsecond=0) + timedelta(hours=2)
        self.commit(pin, self.older, 1, until=end)
        with mock.patch("django.utils.timezone.now", return_value=end - timedelta(seconds=1)):
            self.client.get("/")
            self.assertEqual(self.cached_headlines(), (["Older story", "Newest story"], True))
        with mock.patch("django.utils.timezone.now", return_value=end):
            self.assertEqual(self.cached_headlines(), (["Newest story", "Older story"], False))

    def test_the_nearer_of_a_publication_and_a_pin_end_ends_a_page(self):
        end = timezone.now() + timedelta(hours=2)
        self.commit(pin, self.older, 1, until=end)
        self.commit(make_article, headline="Later", publish_at=end + timedelta(hours=1))
        version = caching.content_version()
        self.assertEqual(caching.next_publication(version), end.timestamp())


@pytest.mark.caches_off
class FrontQueryCountTests(TestCase):
    """What a front costs does not grow with its slots."""

    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(slug="world")
        cls.articles = [make_article(section=cls.section, tags=["common"]) for _ in range(10)]

    def count_queries(self, url):
        self.client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def pin_slots(self, count):
        FrontSlot.objects.all().delete()
        for position, article in enumerate(self.articles[-count:], start=1):
            pin(article, position)
            pin(article, position, section=self.section)

    def test_home_and_section_pages_cost_the_same_with_one_pin_or_eight(self):
        """Pinned articles with their sections (1), then the list's: articles (2), bylines
        (3), captions (4), tags (5), the navigation's sections (6); the section page looks its
        section up first (7). Guards
        against a query per slot, or per pinned article's byline, caption or tag."""
        for url, budget in (("/", 6), ("/sections/world/", 7)):
            with self.subTest(url):
                self.pin_slots(1)
                self.assertEqual(self.count_queries(url), budget)
                self.pin_slots(8)
                self.assertEqual(self.count_queries(url), budget)
                self.assertEqual(len(self.client.get(url).context["articles"]), 10)
