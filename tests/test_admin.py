from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from articles.models import Article, Author, Caption, ImportedFile, ImportRun

from .factories import (
    image_file,
    make_article,
    make_author,
    make_ready_article,
    make_section,
    tomorrow,
)


def inline_management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


class AdminTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser("editor", password="pw")
        cls.section = make_section(name="World", slug="world")
        cls.jane = make_author(name="Jane Doe")
        cls.john = make_author(name="John Roe")

    def setUp(self):
        self.client.force_login(self.editor)

    def article_form(self, **overrides):
        data = {
            "headline": "Harbour reopens",
            "slug": "harbour-reopens",
            "dek": "Ships return.",
            "body": "<p>Ships are back.</p><script>alert(1)</script>",
            "section": self.section.pk,
            "tags": "Harbour, Transport",
            "byline_override": "",
            "status": Article.Status.PUBLISHED,
            "publish_at_0": "2026-01-15",
            "publish_at_1": "09:30:00",
            **inline_management("bylines", 2),
            "bylines-0-order": "0",
            "bylines-0-author": self.john.pk,
            "bylines-0-role": "author",
            "bylines-1-order": "1",
            "bylines-1-author": self.jane.pk,
            "bylines-1-role": "author",
            **inline_management("captions", 1),
            "captions-0-order": "0",
            "captions-0-image": image_file(),
            "captions-0-text": "Ships in the harbour.",
            "captions-0-credit": "Agency/Photographer",
            "captions-0-alt_text": "Three ships at anchor",
            **inline_management("related_links", 1),
            "related_links-0-order": "0",
            "related_links-0-title": "Earlier closure",
            "related_links-0-url": "https://example.com/closure",
            "related_links-0-target": "",
            **inline_management("corrections", 0),
            **inline_management("transitions", 0),
            **inline_management("review_notes", 0),
        }
        return data | overrides


class ArticleAdminTests(AdminTestCase):
    def test_add_article_with_inlines(self):
        response = self.client.post("/admin/articles/article/add/", self.article_form())
        self.assertEqual(response.status_code, 302, response.content[:3000])
        article = Article.objects.get(slug="harbour-reopens")
        self.assertEqual([b.author for b in article.byline_list], [self.john, self.jane])
        caption = article.lead_caption
        self.assertEqual(
            (caption.text, caption.picture.credit), ("Ships in the harbour.", "Agency/Photographer")
        )
        self.assertEqual((caption.picture.image_width, caption.picture.image_height), (64, 48))
        self.assertEqual(article.related_links.get().url, "https://example.com/closure")
        self.assertEqual(sorted(article.tags.names()), ["Harbour", "Transport"])
        self.assertNotIn("script", article.body)
        self.assertTrue(article.is_published())

    def test_change_article(self):
        article = make_article(headline="Old", slug="old", authors=[self.jane])
        data = self.article_form(headline="New headline", slug="old")
        data |= inline_management("bylines", 1, initial=1) | {
            "bylines-0-id": article.bylines.get().pk,
            "bylines-0-article": article.pk,
            "bylines-0-order": "0",
            "bylines-0-author": self.john.pk,
            "bylines-0-role": "author",
        }
        response = self.client.post(f"/admin/articles/article/{article.pk}/change/", data)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        article.refresh_from_db()
        self.assertEqual(article.headline, "New headline")
        self.assertEqual([b.author for b in article.byline_list], [self.john])

    def test_related_link_with_javascript_url_is_refused(self):
        data = self.article_form(**{"related_links-0-url": "javascript:alert(1)"})
        response = self.client.post("/admin/articles/article/add/", data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="id_related_links-0-url_error"')
        self.assertFalse(Article.objects.exists())
        self.assertFalse(Caption.objects.exists())

    def test_non_image_upload_is_refused(self):
        bad = SimpleUploadedFile("evil.jpg", b"<?php not an image", content_type="image/jpeg")
        data = self.article_form(**{"captions-0-image": bad})
        response = self.client.post("/admin/articles/article/add/", data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Upload a valid image")
        self.assertFalse(Article.objects.exists())

    def test_same_slug_on_the_same_day_is_refused(self):
        make_article(slug="harbour-reopens", publish_at=datetime(2026, 1, 15, 7, tzinfo=UTC))
        response = self.client.post("/admin/articles/article/add/", self.article_form())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "must be unique for")

    def test_changelist_search_filter_and_columns(self):
        make_article(headline="Harbour story", authors=[self.jane], section=self.section)
        make_article(headline="Other story", authors=[self.john])
        response = self.client.get("/admin/articles/article/", {"q": "Jane"})
        self.assertContains(response, "Harbour story")
        self.assertNotContains(response, "Other story")
        response = self.client.get(
            "/admin/articles/article/", {"section__id__exact": self.section.pk}
        )
        self.assertContains(response, "Harbour story")
        self.assertNotContains(response, "Other story")

    def test_publish_and_unpublish_actions(self):
        draft = make_ready_article(status=Article.Status.DRAFT, publish_at=None)
        scheduled = make_ready_article(status=Article.Status.DRAFT, publish_at=tomorrow())
        response = self.client.post(
            "/admin/articles/article/",
            {"action": "publish_now", "_selected_action": [draft.pk, scheduled.pk]},
        )
        self.assertEqual(response.status_code, 302)
        draft.refresh_from_db()
        scheduled.refresh_from_db()
        self.assertTrue(draft.is_published())
        self.assertTrue(scheduled.is_published(), "publishing now brings a future time to now")
        self.client.post(
            "/admin/articles/article/", {"action": "unpublish", "_selected_action": [draft.pk]}
        )
        draft.refresh_from_db()
        self.assertEqual(draft.status, Article.Status.UNPUBLISHED)

    def test_publish_action_needs_the_publish_permission(self):
        writer = get_user_model().objects.create_user("writer", password="pw", is_staff=True)
        writer.user_permissions.set(
            Permission.objects.filter(codename__in=["view_article", "change_article"])
        )
        self.client.force_login(writer)
        draft = make_article(status=Article.Status.DRAFT, publish_at=None)
        response = self.client.post(
            "/admin/articles/article/", {"action": "publish_now", "_selected_action": [draft.pk]}
        )
        self.assertIn(response.status_code, (200, 302))
        draft.refresh_from_db()
        self.assertEqual(draft.status, Article.Status.DRAFT)

    def test_view_on_site_only_for_published_articles(self):
        public = make_article()
        draft = make_article(status=Article.Status.DRAFT, publish_at=None)
        self.assertContains(
            self.client.get(f"/admin/articles/article/{public.pk}/change/"),
            public.get_absolute_url(),
        )
        self.assertNotContains(
            self.client.get(f"/admin/articles/article/{draft.pk}/change/"), "View on site"
        )


class AuthorAndSectionAdminTests(AdminTestCase):
    def test_author_list_counts_articles(self):
        make_article(authors=[self.jane])
        make_article(authors=[self.jane])
        response = self.client.get("/admin/articles/author/", {"q": "Jane"})
        self.assertContains(response, "Jane Doe")
        self.assertEqual(response.context["cl"].result_list[0].article_count, 2)

    def test_author_autocomplete_for_bylines(self):
        response = self.client.get(
            "/admin/autocomplete/",
            {
                "app_label": "articles",
                "model_name": "byline",
                "field_name": "author",
                "term": "jan",
            },
        )
        self.assertEqual([r["text"] for r in response.json()["results"]], ["Jane Doe"])

    def test_add_author_with_photo(self):
        response = self.client.post(
            "/admin/articles/author/add/",
            {
                "name": "Ann Lee",
                "slug": "ann-lee",
                "photo": image_file(),
                "website": "https://a.example",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Author.objects.get(slug="ann-lee").photo)

    def test_section_admin(self):
        make_article(section=self.section)
        response = self.client.get("/admin/articles/section/")
        self.assertContains(response, "World")
        self.assertEqual(response.context["cl"].result_list[0].article_count, 1)


class ImportRunAdminTests(AdminTestCase):
    def test_conflicts_are_counted_in_the_list_and_the_run(self):
        run = ImportRun.objects.create(command="import_articles a.txt", conflicts=1)
        article = make_article(source="/imports/a.txt", import_run=run)
        ImportedFile.objects.create(run=run, path="a.txt", action="conflict", article=article)
        changelist = self.client.get("/admin/articles/importrun/")
        self.assertContains(changelist, 'class="sortable column-conflicts"')
        self.assertContains(changelist, '<td class="field-conflicts">1</td>')
        detail = self.client.get(f"/admin/articles/importrun/{run.pk}/change/")
        self.assertContains(detail, "Conflicts:")
        self.assertContains(detail, "<p>Conflict</p>")

    def test_import_runs_are_browsable_and_linked_from_their_articles(self):
        run = ImportRun.objects.create(command="import_articles a.txt b.txt", created=1, failed=1)
        article = make_article(source="/imports/a.txt", import_run=run)
        ImportedFile.objects.create(run=run, path="a.txt", action="created", article=article)
        ImportedFile.objects.create(run=run, path="b.txt", action="failed", error="empty file")
        self.assertContains(self.client.get("/admin/articles/importrun/"), "Import #")
        detail = self.client.get(f"/admin/articles/importrun/{run.pk}/change/")
        self.assertContains(detail, "import_articles a.txt b.txt")
        self.assertContains(detail, "empty file")
        change = self.client.get(f"/admin/articles/article/{article.pk}/change/")
        self.assertContains(change, f"/admin/articles/importrun/{run.pk}/change/")
        self.assertContains(change, "/imports/a.txt")


class CorrectionAdminTests(AdminTestCase):
    def test_a_correction_added_in_the_admin_dates_the_update(self):
        article = make_article(headline="Bridge", slug="bridge", authors=[self.jane])
        data = self.article_form(
            headline="Bridge", slug="bridge", opened_version=article.edit_version
        )
        data |= inline_management("bylines", 1, initial=1) | {
            "bylines-0-id": article.bylines.get().pk,
            "bylines-0-article": article.pk,
            "bylines-0-order": "0",
            "bylines-0-author": self.jane.pk,
            "bylines-0-role": "author",
        }
        data |= inline_management("corrections", 1) | {
            "corrections-0-kind": "clarification",
            "corrections-0-text": "The bridge is a footbridge.",
            "corrections-0-published_at_0": "2026-01-16",
            "corrections-0-published_at_1": "10:00:00",
        }
        response = self.client.post(f"/admin/articles/article/{article.pk}/change/", data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        article.refresh_from_db()
        self.assertEqual(article.corrections.get().text, "The bridge is a footbridge.")
        self.assertEqual(article.revised_at, article.corrections.get().published_at)
