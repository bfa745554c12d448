from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase, override_settings
from django.utils import timezone

from articles.models import Article, Byline, Caption, RelatedLink

from .factories import (
    make_article,
    make_author,
    make_caption,
    make_ready_article,
    make_related_link,
    tomorrow,
)


class PublishedRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.public = make_article()
        cls.draft = make_article(status=Article.Status.DRAFT, publish_at=None)
        cls.review = make_article(status=Article.Status.IN_REVIEW)
        cls.scheduled = make_article(publish_at=tomorrow())
        cls.unpublished = make_article(status=Article.Status.UNPUBLISHED)

    def test_only_published_articles_with_a_past_time_are_published(self):
        self.assertQuerySetEqual(Article.objects.published(), [self.public])

    def test_scheduled_article_is_not_published(self):
        self.assertFalse(self.scheduled.is_published())
        self.assertTrue(self.scheduled.is_scheduled())

    def test_is_published_agrees_with_the_queryset(self):
        published = set(Article.objects.published())
        for article in Article.objects.all():
            self.assertEqual(article.is_published(), article in published, article.headline)

    def test_embargo_keeps_an_article_private_whatever_its_status(self):
        article = make_article(embargo_until=timezone.now() + timedelta(hours=1))
        self.assertFalse(article.is_published())
        self.assertNotIn(article, Article.objects.published())
        self.assertEqual(article.goes_live_at(), article.embargo_until)
        article.embargo_until = timezone.now() - timedelta(seconds=1)
        article.save()
        self.assertTrue(article.is_published())
        self.assertIn(article, Article.objects.published())
        self.assertIsNone(article.goes_live_at())

    def test_withdrawn_article_is_not_published(self):
        article = make_article()
        article.withdraw()
        self.assertNotIn(article, Article.objects.published())
        self.assertEqual(article.transitions.latest().to_status, Article.Status.WITHDRAWN)

    def test_scheduled_article_becomes_public_when_its_time_comes(self):
        article = make_article(publish_at=timezone.now() + timedelta(seconds=1))
        self.assertNotIn(article, Article.objects.published())
        article.publish_at = timezone.now() - timedelta(seconds=1)
        article.save()
        self.assertIn(article, Article.objects.published())


class ArticleSaveTests(TestCase):
    def test_body_is_sanitized_on_every_save(self):
        article = make_article(
            body='<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:alert(1)">a</a>'
            '<a href="https://example.com" target="_blank">b</a></p><img src=x onerror=alert(1)>'
        )
        article.refresh_from_db()
        self.assertNotIn("script", article.body)
        self.assertNotIn("onclick", article.body)
        self.assertNotIn("javascript", article.body)
        self.assertNotIn("onerror", article.body)
        self.assertNotIn("target", article.body)
        self.assertIn('<a href="https://example.com" rel="noopener noreferrer">b</a>', article.body)

    def test_subheadings_and_lists_survive_sanitizing(self):
        html = "<h2>Sub</h2><p><strong>a</strong> <em>b</em></p><ul><li>c</li></ul>"
        self.assertEqual(make_article(body=html).body, html)

    def test_control_characters_are_stripped(self):
        article = make_article(headline="Bad\x00 head\x1bline", body="<p>a\x08b</p>")
        self.assertEqual(article.headline, "Bad headline")
        self.assertEqual(article.body, "<p>ab</p>")

    def test_control_characters_written_as_references_or_c1_are_stripped_too(self):
        """One rule (``sanitizer.CONTROL_CHARACTERS``) for every writer: a character reference
        becomes a character when the body is cleaned, and C1 controls are no text either."""
        article = make_article(headline="Ferry\x9b returns", body="<p>a&#1;b&#x7f;c\x85d</p>")
        caption = make_caption(article, text="Quay\x80side", credit="Jo\x1b Doe")
        self.assertEqual(article.headline, "Ferry returns")
        self.assertEqual(article.body, "<p>abcd</p>")
        caption.refresh_from_db()
        self.assertEqual((caption.text, caption.picture.credit), ("Quayside", "Jo Doe"))

    def test_publishing_without_a_time_sets_it_to_now(self):
        article = make_ready_article(status=Article.Status.DRAFT, publish_at=None)
        article.publish()
        article.refresh_from_db()
        self.assertTrue(article.is_published())
        self.assertLessEqual(article.publish_at, timezone.now())

    def test_unpublish(self):
        article = make_article()
        article.unpublish()
        self.assertNotIn(article, Article.objects.published())

    @override_settings(TIME_ZONE="America/New_York")
    def test_address_uses_the_newsroom_date(self):
        """Late evening in New York is already the next day in UTC; the address keeps New York's."""
        article = make_article(slug="late", publish_at=datetime(2026, 3, 4, 3, 30, tzinfo=UTC))
        self.assertEqual(article.get_absolute_url(), "/2026/03/03/late/")

    def test_draft_without_date_links_to_its_preview(self):
        article = make_article(status=Article.Status.DRAFT, publish_at=None)
        self.assertEqual(article.get_absolute_url(), f"/preview/{article.pk}/")


class ArticleConstraintTests(TestCase):
    def test_slug_is_unique_per_publication_day(self):
        first = make_article(slug="same", publish_at=datetime(2026, 5, 1, 9, tzinfo=UTC))
        make_article(slug="same", publish_at=datetime(2026, 5, 2, 9, tzinfo=UTC))
        clash = Article(
            headline="Clash",
            slug="same",
            status=Article.Status.PUBLISHED,
            publish_at=first.publish_at + timedelta(hours=2),
        )
        with self.assertRaises(ValidationError) as caught:
            clash.full_clean()
        self.assertIn("slug", caught.exception.message_dict)
        with self.assertRaises(IntegrityError), transaction.atomic():
            clash.save()

    def test_related_link_urls_must_be_http(self):
        article = make_article()
        for url in ("javascript:alert(1)", "data:text/html,<script>", "ftp://example.com/x"):
            link = RelatedLink(article=article, title="t", url=url)
            with self.subTest(url=url):
                with self.assertRaises(ValidationError):
                    link.full_clean()
                with self.assertRaises(IntegrityError), transaction.atomic():
                    link.save()

    def test_author_website_must_be_http(self):
        author = make_author(website="https://example.com/")
        author.website = " javascript:alert(1)"
        with self.assertRaises(IntegrityError), transaction.atomic():
            author.save()

    def test_urls_are_stored_without_surrounding_white_space(self):
        link = make_related_link(make_article(), url="  https://example.com/a \n")
        link.refresh_from_db()
        self.assertEqual(link.url, "https://example.com/a")

    def test_an_author_appears_once_per_role(self):
        article, author = make_article(), make_author()
        Byline.objects.create(article=article, author=author)
        Byline.objects.create(article=article, author=author, role=Byline.Role.PHOTOGRAPHER)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Byline.objects.create(article=article, author=author)


class RelationTests(TestCase):
    def test_byline_keeps_its_order(self):
        ann, bob, cat = make_author(name="Ann"), make_author(name="Bob"), make_author(name="Cat")
        article = make_article(authors=[cat, ann, bob])
        self.assertEqual([b.author.name for b in article.byline_list], ["Cat", "Ann", "Bob"])

    def test_first_caption_is_the_lead(self):
        article = make_article()
        make_caption(article, text="second", order=1)
        make_caption(article, text="first", order=0)
        self.assertEqual(article.lead_caption.text, "first")
        self.assertIsNone(make_article().lead_caption)

    def test_related_link_to_an_unpublished_article_has_no_href(self):
        article = make_article()
        hidden = make_article(status=Article.Status.DRAFT, publish_at=None)
        public = make_article()
        to_hidden = make_related_link(article, url="", target=hidden)
        to_public = make_related_link(article, url="", title="", target=public)
        bare = make_related_link(article, url="", title="Imported teaser")
        self.assertIsNone(to_hidden.href)
        self.assertEqual(to_public.href, public.get_absolute_url())
        self.assertEqual(to_public.display_title, public.headline)
        self.assertIsNone(bare.href)

    def test_string_representations(self):
        author = make_author(name="Jane Doe")
        article = make_article(headline="A headline", authors=[author])
        byline = article.bylines.get()
        self.assertEqual(str(article), "A headline")
        self.assertEqual(str(author), "Jane Doe")
        self.assertEqual(str(byline), "Jane Doe")
        byline.role = Byline.Role.PHOTOGRAPHER
        self.assertEqual(str(byline), "Jane Doe (photographer)")
        self.assertEqual(str(Caption(text="Words")), "Words")

    def test_related_link_never_reveals_a_hidden_headline(self):
        article = make_article()
        hidden = make_article(headline="Secret", status=Article.Status.DRAFT, publish_at=None)
        make_related_link(article, title="", url="", target=hidden)
        visible = make_related_link(article, title="Kept", url="", order=1)
        self.assertEqual(article.visible_related_links, [visible])

    def test_word_count_and_reading_time(self):
        article = make_article(body="<p>" + "word " * 460 + "</p><h2>Two more</h2>")
        self.assertEqual(article.word_count(), 462)
        self.assertEqual(article.reading_minutes(), 3)
