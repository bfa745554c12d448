from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Byline, Correction

from .factories import (
    image_file,
    make_article,
    make_author,
    make_caption,
    make_related_link,
    make_section,
    tomorrow,
)


class ArticlePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(name="World", slug="world")
        cls.jane = make_author(name="Jane Doe", slug="jane-doe")
        cls.john = make_author(name="John Roe", slug="john-roe")
        cls.article = make_article(
            headline="Ferry service resumes",
            dek="The crossing reopens after a month.",
            body="<p>First paragraph.</p><h2>What comes next</h2><p>Second paragraph.</p>",
            section=cls.section,
            authors=[cls.jane, cls.john],
            tags=["Transport", "Harbour"],
        )
        make_caption(
            cls.article,
            image=image_file(),
            text="The ferry leaves port.",
            credit="Harbour News/Ann Lee",
            alt_text="A white ferry at the quay",
        )
        make_related_link(cls.article, title="Bridge plans delayed", url="https://example.com/b")
        make_related_link(cls.article, title="Imported teaser", url="", order=1)

    def test_article_page_shows_every_part(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1", count=1)
        for text in (
            "Ferry service resumes",
            "The crossing reopens after a month.",
            "First paragraph.",
            "<h2>What comes next</h2>",
            "The ferry leaves port.",
            "Harbour News/Ann Lee",
            'alt="A white ferry at the quay"',
            'href="https://example.com/b"',
            "Imported teaser",
            f'href="{self.jane.get_absolute_url()}"',
            f'href="{self.john.get_absolute_url()}"',
            f'href="{self.section.get_absolute_url()}"',
            'href="/tags/transport/"',
            f'datetime="{self.article.publish_at.replace(microsecond=0).isoformat()}"',
        ):
            with self.subTest(text=text):
                self.assertContains(response, text)

    def test_byline_keeps_author_order(self):
        content = self.client.get(self.article.get_absolute_url()).content.decode()
        self.assertLess(content.index("Jane Doe"), content.index("John Roe"))

    def test_byline_override_replaces_the_names(self):
        article = make_article(authors=[self.jane], byline_override="Jane Doe in Madrid")
        self.assertContains(self.client.get(article.get_absolute_url()), "Jane Doe in Madrid")

    def test_content_is_escaped_and_never_a_template(self):
        article = make_article(
            headline="<script>alert(1)</script> {{ 7|add:7 }}",
            body="<p>{{ 7|add:7 }} {% now 'Y' %}</p>",
        )
        response = self.client.get(article.get_absolute_url())
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
        self.assertContains(response, "<p>{{ 7|add:7 }} {% now 'Y' %}</p>")

    def test_wrong_date_or_slug_is_404(self):
        url = self.article.get_absolute_url()
        year, month, day, slug = url.strip("/").split("/")
        for wrong in (
            f"/{int(year) - 1}/{month}/{day}/{slug}/",
            f"/{year}/{month}/{day}/{slug}-x/",
            f"/{year}/13/45/{slug}/",
        ):
            with self.subTest(url=wrong):
                self.assertEqual(self.client.get(wrong).status_code, 404)


class NonPublicArticleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = get_user_model().objects.create_superuser("boss", password="pw")
        cls.hidden = {
            "draft": make_article(status=Article.Status.DRAFT),
            "in review": make_article(status=Article.Status.IN_REVIEW),
            "scheduled": make_article(publish_at=tomorrow()),
            "unpublished": make_article(status=Article.Status.UNPUBLISHED),
        }

    def test_non_public_articles_answer_404_to_the_public(self):
        for state, article in self.hidden.items():
            with self.subTest(state=state):
                self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 404)
                preview = f"/preview/{article.pk}/"
                self.assertEqual(self.client.get(preview).status_code, 404)

    def test_query_parameters_do_not_reveal_drafts(self):
        url = self.hidden["draft"].get_absolute_url()
        for query in ("?preview=1", "?status=draft", "?include_drafts=1"):
            self.assertEqual(self.client.get(url + query).status_code, 404)

    def test_staff_see_a_marked_preview_that_is_never_cached(self):
        self.client.force_login(self.staff)
        for state, article in self.hidden.items():
            with self.subTest(state=state):
                response = self.client.get(article.get_absolute_url())
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Preview")
                self.assertIn("no-cache", response["Cache-Control"])
                self.assertIn("private", response["Cache-Control"])

    def test_draft_without_date_is_previewed_by_id(self):
        draft = make_article(status=Article.Status.DRAFT, publish_at=None, headline="Undated")
        self.client.force_login(self.staff)
        self.assertContains(self.client.get(f"/preview/{draft.pk}/"), "Undated")

    def test_public_article_shows_no_preview_banner_to_staff(self):
        self.client.force_login(self.staff)
        response = self.client.get(make_article().get_absolute_url())
        self.assertNotContains(response, 'class="preview-banner"')


class ListPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section(name="World", slug="world")
        cls.sport = make_section(name="Sport", slug="sport")
        cls.jane = make_author(name="Jane Doe", slug="jane-doe", bio="Covers the harbour.")
        cls.public = make_article(
            headline="Public story", section=cls.world, authors=[cls.jane], tags=["Harbour"]
        )
        cls.other = make_article(headline="Other story", section=cls.sport, tags=["Football"])
        cls.draft = make_article(
            headline="Secret draft",
            status=Article.Status.DRAFT,
            section=cls.world,
            authors=[cls.jane],
            tags=["Harbour", "Embargoed"],
        )

    def test_home_lists_published_articles_newest_first(self):
        newest = make_article(headline="Newest story")
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["articles"]), [newest, self.other, self.public])
        self.assertNotContains(response, "Secret draft")

    def test_section_page(self):
        response = self.client.get("/sections/world/")
        self.assertContains(response, "Public story")
        self.assertNotContains(response, "Other story")
        self.assertNotContains(response, "Secret draft")
        self.assertEqual(self.client.get("/sections/nowhere/").status_code, 404)

    def test_author_page_lists_their_published_articles_once(self):
        Byline.objects.create(
            article=self.public, author=self.jane, role=Byline.Role.PHOTOGRAPHER, order=1
        )
        response = self.client.get("/authors/jane-doe/")
        self.assertContains(response, "Covers the harbour.")
        self.assertEqual(list(response.context["articles"]), [self.public])
        self.assertNotContains(response, "Secret draft")
        self.assertEqual(self.client.get("/authors/nobody/").status_code, 404)

    def test_tag_page(self):
        response = self.client.get("/tags/harbour/")
        self.assertEqual(list(response.context["articles"]), [self.public])
        self.assertNotContains(response, "Secret draft")

    def test_tags_in_any_alphabet_have_a_page_and_links(self):
        article = make_article(headline="Café story", tags=["Café", "Кофе"])
        for slug in ("café", "кофе"):
            with self.subTest(slug):
                response = self.client.get(f"/tags/{slug}/")
                self.assertEqual(list(response.context["articles"]), [article])
                self.assertEqual(self.client.get(f"/tags/{slug}/feeds/rss/").status_code, 200)
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, 'href="/tags/caf%C3%A9/"')
        self.assertContains(self.client.get("/sitemap-tags.xml"), "/tags/caf%C3%A9/")

    def test_tags_without_a_letter_or_digit_have_a_page_and_links(self):
        article = make_article(headline="Punctuated story", tags=["!!!", "###"])
        slugs = sorted(tag.slug for tag in article.tags.all())
        self.assertTrue(all(slugs), slugs)
        for url in (
            article.get_absolute_url(),
            *(f"/tags/{slug}/" for slug in slugs),
            "/sitemap-tags.xml",
            "/feeds/rss/",
            "/api/articles/",
            f"/api/articles/{article.pk}/",
        ):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_author_named_only_by_drafts_has_no_page(self):
        hidden = make_author(name="Wire Reporter", slug="wire-reporter")
        make_article(authors=[hidden], status=Article.Status.DRAFT)
        make_article(authors=[hidden], publish_at=timezone.now() + timedelta(days=1))
        for url in ("/authors/wire-reporter/", "/api/authors/wire-reporter/"):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertNotContains(self.client.get(url), "Wire Reporter", status_code=404)

    def test_tag_used_only_on_drafts_has_no_page(self):
        self.assertEqual(self.client.get("/tags/embargoed/").status_code, 404)
        self.assertEqual(self.client.get("/tags/no-such-tag/").status_code, 404)

    @override_settings(ARTICLES_PAGINATE_BY=2)
    def test_pagination(self):
        make_article(headline="Third story")
        first = self.client.get("/")
        self.assertEqual(len(first.context["articles"]), 2)
        self.assertTrue(first.context["is_paginated"])
        second = self.client.get("/?page=2")
        self.assertEqual(len(second.context["articles"]), 1)
        self.assertEqual(self.client.get("/?page=3").status_code, 404)
        self.assertEqual(self.client.get("/?page=x").status_code, 404)

    def test_bad_page_numbers_give_a_page_or_a_404_never_an_error(self):
        lists = ["/", "/sections/world/", "/authors/jane-doe/", "/tags/harbour/"]
        for url in lists:
            for page in ("0", "-1", "1.5", "", "last", "9" * 40, "%00", "1%20OR%201=1"):
                with self.subTest(url=url, page=page):
                    status = self.client.get(f"{url}?page={page}").status_code
                    self.assertIn(status, (200, 404))

    def test_section_navigation_lists_sections(self):
        response = self.client.get("/")
        self.assertContains(response, 'href="/sections/world/"')
        self.assertContains(response, 'href="/sections/sport/"')


@override_settings(DEBUG=False)
class ErrorPageTests(TestCase):
    def test_custom_404_page(self):
        response = self.client.get("/no/such/page/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, 'href="/"', status_code=404)
        self.assertTemplateUsed(response, "404.html")

    def test_500_page_renders_without_context(self):
        from django.template.loader import render_to_string

        html = render_to_string("500.html")
        self.assertIn("</html>", html)


class ChangedAddressTests(TestCase):
    def test_old_address_redirects_permanently_after_a_slug_change(self):
        article = make_article(slug="first-title")
        first = article.get_absolute_url()
        article.slug = "second-title"
        article.save()
        second = article.get_absolute_url()
        article.slug = "third-title"
        article.save()
        for old in (first, second):
            with self.subTest(old=old):
                self.assertRedirects(
                    self.client.get(old), article.get_absolute_url(), status_code=301
                )

    def test_going_back_to_an_old_slug_does_not_loop(self):
        article = make_article(slug="original")
        original = article.get_absolute_url()
        article.slug = "renamed"
        article.save()
        article.slug = "original"
        article.save()
        self.assertEqual(self.client.get(original).status_code, 200)
        self.assertRedirects(
            self.client.get(original.replace("original", "renamed")), original, status_code=301
        )

    def test_old_address_of_an_article_no_longer_public_is_404(self):
        article = make_article(slug="before")
        old = article.get_absolute_url()
        article.slug = "after"
        article.save()
        article.unpublish()
        self.assertEqual(self.client.get(old).status_code, 404)


@pytest.mark.caches_off
class CorrectionTests(TestCase):
    def test_corrections_show_and_move_the_update_time_but_typo_fixes_do_not(self):
        article = make_article(body="<p>The bridge opened in 1961.</p>")
        url = article.get_absolute_url()
        article.body = "<p>The bridge opened in 1961, on a Monday.</p>"
        article.save()
        self.assertNotContains(self.client.get(url), "Updated")
        correction = Correction.objects.create(
            article=article,
            kind=Correction.Kind.CORRECTION,
            text="An earlier version gave the wrong year for the opening.",
        )
        article.refresh_from_db()
        self.assertEqual(article.revised_at, correction.published_at)
        response = self.client.get(url)
        self.assertContains(response, "Updated")
        self.assertContains(response, "Corrections and updates")
        self.assertContains(response, "An earlier version gave the wrong year for the opening.")
        correction.delete()
        article.refresh_from_db()
        self.assertIsNone(article.revised_at)

    def test_corrections_cost_one_query_whatever_their_number(self):
        """Guards against a query per correction; articles without any pay nothing."""
        article = make_article()
        url = article.get_absolute_url()
        self.client.get(url)
        with CaptureQueriesContext(connection) as without:
            self.client.get(url)
        Correction.objects.create(article=article, text="First.")
        with self.assertNumQueries(len(without) + 1):
            self.client.get(url)
        for number in range(10):
            Correction.objects.create(article=article, text=f"More {number}.")
        with self.assertNumQueries(len(without) + 1):
            self.client.get(url)


class ConditionalGetTests(TestCase):
    def test_article_and_list_pages_answer_304_while_unchanged(self):
        article = make_article(tags=["Rivers"], section=make_section(slug="city"))
        for url in (article.get_absolute_url(), "/", "/sections/city/", "/tags/rivers/"):
            with self.subTest(url):
                etag = self.client.get(url)["ETag"]
                response = self.client.get(url, headers={"if-none-match": etag})
                self.assertEqual(response.status_code, 304)
        etag = self.client.get("/")["ETag"]
        make_article(headline="Breaking")
        self.assertEqual(self.client.get("/", headers={"if-none-match": etag}).status_code, 200)
