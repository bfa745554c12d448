"""Scheduled and embargoed articles go public exactly when their time comes, on every public
surface, with no background worker: the clock is frozen either side of the moment."""

from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

from django.test import TestCase
from django.utils import timezone

from .factories import make_article, make_author, make_section

MOMENT = timezone.now().replace(microsecond=0) + timedelta(days=2)


@contextmanager
def clock_at(moment):
    """Freeze ``django.utils.timezone.now()``, which decides what is public."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


class GoingPublic:
    """Tests of an article that ``article_fields`` make public at ``MOMENT``."""

    article_fields = {}

    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(
            headline="The hour has come",
            section=make_section(slug="city"),
            authors=[make_author(slug="ann")],
            tags=["Rivers"],
            **cls.article_fields,
        )

    def surfaces(self):
        return [
            self.article.get_absolute_url(),
            "/",
            "/sections/city/",
            "/authors/ann/",
            "/tags/rivers/",
            "/feeds/rss/",
            "/feeds/atom/",
            "/feeds/json/",
            "/sections/city/feeds/rss/",
            "/sitemap-articles.xml",
            "/news-sitemap.xml",
        ]

    def assert_public(self, public):
        for url in self.surfaces():
            with self.subTest(url=url, public=public):
                response = self.client.get(url)
                if response.status_code == 404:
                    self.assertFalse(public, f"{url} answered 404")
                else:
                    self.assertEqual(response.status_code, 200)
                    shown = self.article.get_absolute_url().encode() in response.content
                    self.assertEqual(shown, public)

    def test_private_a_second_before_and_public_at_the_moment(self):
        with clock_at(MOMENT - timedelta(seconds=1)):
            self.assert_public(False)
        with clock_at(MOMENT):
            self.assert_public(True)
        with clock_at(MOMENT + timedelta(hours=1)):
            self.assert_public(True)


class ScheduledTests(GoingPublic, TestCase):
    article_fields = {"publish_at": MOMENT}


class EmbargoTests(GoingPublic, TestCase):
    article_fields = {"publish_at": MOMENT - timedelta(days=1), "embargo_until": MOMENT}
