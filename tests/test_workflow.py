"""Roles and status changes through the real admin views: what a writer and an editor may do."""

import time
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Version

from articles.editorial.publishing import missing_for_publication
from articles.models import Article, Transition

from .factories import (
    image_file,
    make_article,
    make_author,
    make_caption,
    make_ready_article,
    make_section,
    tomorrow,
)
from .test_admin import inline_management


def user_in(group, username):
    user = get_user_model().objects.create_user(username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def article_form(**overrides):
    data = {
        "headline": "Council meets",
        "slug": "council-meets",
        "dek": "",
        "body": "<p>Text.</p>",
        "section": "",
        "tags": "",
        "byline_override": "",
        "status": Article.Status.DRAFT,
        "publish_at_0": "",
        "publish_at_1": "",
        **inline_management("bylines", 0),
        **inline_management("captions", 0),
        **inline_management("related_links", 0),
        **inline_management("corrections", 0),
        **inline_management("transitions", 0),
        **inline_management("review_notes", 0),
    }
    return data | overrides


class RoleTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = user_in("Writer", "writer")
        cls.other_writer = user_in("Writer", "other")
        cls.editor = user_in("Editor", "editor")

    def change_url(self, article):
        return f"/admin/articles/article/{article.pk}/change/"


class WriterTests(RoleTestCase):
    def setUp(self):
        self.client.force_login(self.writer)

    def test_writer_creates_a_draft_and_it_is_theirs(self):
        response = self.client.post("/admin/articles/article/add/", article_form())
        self.assertEqual(response.status_code, 302, response.content[:2000])
        article = Article.objects.get()
        self.assertEqual(article.created_by, self.writer)
        transition = article.transitions.get()
        self.assertEqual(
            (transition.user, transition.from_status, transition.to_status),
            (self.writer, "", Article.Status.DRAFT),
        )

    def test_writer_cannot_publish_by_posting_the_form(self):
        response = self.client.post(
            "/admin/articles/article/add/", article_form(status=Article.Status.PUBLISHED)
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(Article.objects.exists())

    def test_writer_edits_own_draft_but_not_others(self):
        own = make_article(status=Article.Status.DRAFT, publish_at=None, created_by=self.writer)
        others = make_article(
            status=Article.Status.DRAFT, publish_at=None, created_by=self.other_writer
        )
        data = article_form(headline="Edited", slug=own.slug)
        self.assertEqual(self.client.post(self.change_url(own), data).status_code, 302)
        own.refresh_from_db()
        self.assertEqual(own.headline, "Edited")
        data = article_form(headline="Hijacked", slug=others.slug)
        self.assertEqual(self.client.post(self.change_url(others), data).status_code, 403)
        others.refresh_from_db()
        self.assertNotEqual(others.headline, "Hijacked")

    def test_a_byline_makes_an_article_the_writers_own(self):
        author = make_author(user=self.writer)
        article = make_article(status=Article.Status.IN_REVIEW, authors=[author])
        self.assertTrue(article.is_owned_by(self.writer))
        self.assertEqual(self.client.get(self.change_url(article)).status_code, 200)

    def test_writer_cannot_edit_a_published_article(self):
        article = make_article(created_by=self.writer)
        data = article_form(headline="Changed", slug=article.slug)
        self.assertEqual(self.client.post(self.change_url(article), data).status_code, 403)
        article.refresh_from_db()
        self.assertNotEqual(article.headline, "Changed")
        response = self.client.get(self.change_url(article))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'name="_save"')

    def test_writer_submits_own_draft_for_review(self):
        own = make_article(status=Article.Status.DRAFT, publish_at=None, created_by=self.writer)
        others = make_article(
            status=Article.Status.DRAFT, publish_at=None, created_by=self.other_writer
        )
        self.client.post(
            "/admin/articles/article/?owner=all",
            {"action": "submit_for_review", "_selected_action": [own.pk, others.pk]},
        )
        own.refresh_from_db()
        others.refresh_from_db()
        self.assertEqual(own.status, Article.Status.IN_REVIEW)
        self.assertEqual(others.status, Article.Status.DRAFT)
        self.assertEqual(own.transitions.get(to_status=Article.Status.IN_REVIEW).user, self.writer)

    def test_publish_actions_are_not_offered_or_accepted(self):
        draft = make_article(status=Article.Status.DRAFT, publish_at=None, created_by=self.writer)
        response = self.client.get("/admin/articles/article/")
        self.assertNotContains(response, 'value="publish_now"')
        self.client.post(
            "/admin/articles/article/", {"action": "publish_now", "_selected_action": [draft.pk]}
        )
        draft.refresh_from_db()
        self.assertEqual(draft.status, Article.Status.DRAFT)

    def test_writer_sees_their_own_articles_by_default(self):
        make_article(headline="Mine", created_by=self.writer)
        make_article(headline="Theirs", created_by=self.other_writer)
        response = self.client.get("/admin/articles/article/")
        self.assertEqual([a.headline for a in response.context["cl"].result_list], ["Mine"])
        response = self.client.get("/admin/articles/article/?owner=all")
        self.assertEqual(len(response.context["cl"].result_list), 2)


class EditorTests(RoleTestCase):
    def setUp(self):
        self.client.force_login(self.editor)

    def test_editor_publishes_a_writers_draft_and_the_move_is_recorded(self):
        draft = make_ready_article(status=Article.Status.IN_REVIEW, created_by=self.writer)
        byline = draft.bylines.get()
        data = article_form(
            headline=draft.headline,
            slug=draft.slug,
            dek=draft.dek,
            section=draft.section_id,
            status=Article.Status.PUBLISHED,
            publish_at_0="2026-01-15",
            publish_at_1="09:30:00",
            **inline_management("bylines", 1, initial=1),
            **{
                "bylines-0-id": byline.pk,
                "bylines-0-article": draft.pk,
                "bylines-0-order": "0",
                "bylines-0-author": byline.author_id,
                "bylines-0-role": "author",
            },
        )
        response = self.client.post(self.change_url(draft), data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        draft.refresh_from_db()
        self.assertTrue(draft.is_published())
        transition = draft.transitions.exclude(from_status="").get()
        self.assertEqual(
            (transition.user, transition.from_status, transition.to_status),
            (self.editor, Article.Status.IN_REVIEW, Article.Status.PUBLISHED),
        )
        self.assertContains(self.client.get(self.change_url(draft)), "Status history")

    def test_editor_sees_everyones_articles_by_default(self):
        make_article(created_by=self.writer)
        make_article(created_by=self.other_writer)
        response = self.client.get("/admin/articles/article/")
        self.assertEqual(len(response.context["cl"].result_list), 2)

    def test_list_actions_record_who_moved_each_article(self):
        article = make_ready_article(status=Article.Status.IN_REVIEW)
        self.client.post(
            "/admin/articles/article/", {"action": "publish_now", "_selected_action": [article.pk]}
        )
        self.client.post(
            "/admin/articles/article/", {"action": "unpublish", "_selected_action": [article.pk]}
        )
        moves = [
            (t.from_status, t.to_status, t.user)
            for t in article.transitions.exclude(from_status="").order_by("id")
        ]
        self.assertEqual(
            moves,
            [
                (Article.Status.IN_REVIEW, Article.Status.PUBLISHED, self.editor),
                (Article.Status.PUBLISHED, Article.Status.UNPUBLISHED, self.editor),
            ],
        )
        self.assertEqual(str(Transition.objects.latest()), "Published → Unpublished")

    def test_publication_times_name_the_time_zone(self):
        response = self.client.get("/admin/articles/article/add/")
        self.assertContains(response, "Time zone: Europe/London.", count=2)

    def test_withdraw_action_takes_an_article_down_at_once(self):
        article = make_article()
        url = article.get_absolute_url()
        self.client.post(
            "/admin/articles/article/", {"action": "withdraw", "_selected_action": [article.pk]}
        )
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 410)
        self.assertNotContains(self.client.get("/"), article.headline)


class PrePublishCheckTests(RoleTestCase):
    def setUp(self):
        self.client.force_login(self.editor)

    def test_publishing_an_incomplete_article_is_refused_with_what_it_lacks(self):
        data = article_form(headline="H" * 111, status=Article.Status.PUBLISHED)
        response = self.client.post("/admin/articles/article/add/", data)
        self.assertEqual(response.status_code, 200, "the form comes back with what it lacks")
        self.assertFalse(Article.objects.exists())
        for needed in (
            "a headline of at most 110 characters",
            "at least one author in the byline",
            "a section",
            "a standfirst",
        ):
            self.assertContains(response, needed)
        self.assertContains(response, "H" * 111, msg_prefix="what the editor typed is kept")

    def test_publish_action_publishes_only_ready_articles(self):
        ready = make_ready_article(status=Article.Status.IN_REVIEW)
        lacking = make_article(status=Article.Status.IN_REVIEW, dek="")
        response = self.client.post(
            "/admin/articles/article/",
            {"action": "publish_now", "_selected_action": [ready.pk, lacking.pk]},
            follow=True,
        )
        ready.refresh_from_db()
        lacking.refresh_from_db()
        self.assertTrue(ready.is_published())
        self.assertEqual(lacking.status, Article.Status.IN_REVIEW)
        self.assertContains(response, "was not published: it needs")

    def test_captioned_images_need_alt_text(self):
        article = make_ready_article()
        picture = make_caption(article, image=image_file(), alt_text="").picture
        self.assertEqual(missing_for_publication(article), ["alt text on every captioned image"])
        picture.alt_text = "A harbour at dusk"
        picture.save()
        self.assertEqual(missing_for_publication(article), [])

    def test_checks_are_configurable(self):
        with self.settings(ARTICLES_PUBLISH_CHECKS=["headline"]):
            article = make_article(status=Article.Status.IN_REVIEW, dek="")
            self.client.post(
                "/admin/articles/article/",
                {"action": "publish_now", "_selected_action": [article.pk]},
            )
        article.refresh_from_db()
        self.assertTrue(article.is_published())


class SharedPreviewTests(RoleTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.draft = make_article(
            headline="Embargoed investigation", status=Article.Status.DRAFT, publish_at=None
        )

    def test_a_share_link_shows_a_draft_to_anyone_marked_and_uncached(self):
        response = self.client.get(self.draft.share_link())
        self.assertContains(response, "Embargoed investigation")
        self.assertContains(response, 'class="preview-banner"')
        self.assertContains(response, '<meta name="robots" content="noindex">')
        self.assertIn("private", response["Cache-Control"])
        self.assertIn("no-store", response["Cache-Control"])

    def test_an_expired_link_is_refused(self):
        link = self.draft.share_link()
        later = time.time() + 48 * 3600 + 5
        with mock.patch("django.core.signing.time.time", return_value=later):
            self.assertEqual(self.client.get(link).status_code, 404)

    def test_a_revoked_link_is_refused(self):
        link = self.draft.share_link()
        self.client.force_login(self.editor)
        self.client.post(
            "/admin/articles/article/",
            {"action": "revoke_share_links", "_selected_action": [self.draft.pk]},
        )
        self.client.logout()
        self.assertEqual(self.client.get(link).status_code, 404)
        self.assertEqual(self.client.get(Article.objects.get().share_link()).status_code, 200)

    def test_a_tampered_link_is_refused(self):
        other = make_article(status=Article.Status.DRAFT, publish_at=None)
        signature = self.draft.share_link().split("/")[-2]
        forged = signature.replace(f"{self.draft.pk}.", f"{other.pk}.", 1)
        self.assertEqual(self.client.get(f"/preview/shared/{forged}/").status_code, 404)
        self.assertEqual(self.client.get("/preview/shared/garbage/").status_code, 404)

    def test_the_change_form_offers_the_link_and_the_length(self):
        self.client.force_login(self.editor)
        with mock.patch("django.core.signing.time.time", return_value=time.time()):
            response = self.client.get(self.change_url(self.draft))
            self.assertContains(response, self.draft.share_link())  # signed in the same second
        self.assertContains(response, f'href="/preview/{self.draft.pk}/"')
        self.assertContains(response, "words, about 1 min to read")


class EditConflictTests(RoleTestCase):
    def test_a_stale_form_is_refused_and_says_what_differs(self):
        article = make_ready_article(headline="First version", status=Article.Status.DRAFT)
        self.client.force_login(self.editor)
        opened = self.client.get(self.change_url(article)).context["adminform"].form
        version = opened["opened_version"].value()
        article.headline = "Saved by a colleague"
        article.save()
        data = article_form(
            headline="My edit", slug=article.slug, dek=article.dek, opened_version=version
        )
        response = self.client.post(self.change_url(article), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Someone saved this article after you opened it")
        self.assertContains(response, "Headline")
        article.refresh_from_db()
        self.assertEqual(article.headline, "Saved by a colleague")

    def test_a_current_form_saves(self):
        article = make_ready_article(status=Article.Status.DRAFT)
        self.client.force_login(self.editor)
        data = article_form(
            headline="Fresh edit",
            slug=article.slug,
            dek=article.dek,
            opened_version=article.edit_version,
        )
        self.assertEqual(self.client.post(self.change_url(article), data).status_code, 302)
        article.refresh_from_db()
        self.assertEqual(article.headline, "Fresh edit")


class RevisionTests(RoleTestCase):
    def test_each_admin_save_keeps_a_revision_that_can_be_restored(self):
        self.client.force_login(self.editor)
        author = make_author(name="Ann Lee")
        first = article_form(
            headline="First headline",
            **inline_management("bylines", 1),
            **{"bylines-0-order": "0", "bylines-0-author": author.pk, "bylines-0-role": "author"},
        )
        self.assertEqual(self.client.post("/admin/articles/article/add/", first).status_code, 302)
        article = Article.objects.get()
        byline = article.bylines.get()
        second = article_form(
            headline="Second headline",
            slug=article.slug,
            tags="Harbour",
            opened_version=article.edit_version,
            **inline_management("bylines", 1, initial=1),
            **{
                "bylines-0-id": byline.pk,
                "bylines-0-article": article.pk,
                "bylines-0-order": "0",
                "bylines-0-author": author.pk,
                "bylines-0-role": "author",
                "bylines-0-DELETE": "on",
            },
        )
        self.assertEqual(self.client.post(self.change_url(article), second).status_code, 302)
        versions = Version.objects.get_for_object(article)
        self.assertEqual(len(versions), 2)
        history = self.client.get(f"/admin/articles/article/{article.pk}/history/")
        self.assertContains(history, "Changed")
        oldest = versions.last()
        revert_page = self.client.get(f"/admin/articles/article/{article.pk}/history/{oldest.pk}/")
        self.assertEqual(revert_page.status_code, 200)
        self.assertEqual(
            revert_page.context["revision_diff"],
            [
                ("Headline", "First headline", "Second headline"),
                ("Byline", "Ann Lee (author)", ""),
                ("Tags", "", "Harbour"),
            ],
        )
        self.assertContains(revert_page, "What restoring this version changes back, part by part")
        oldest.revision.revert(delete=True)
        article.refresh_from_db()
        self.assertEqual(article.headline, "First headline")
        self.assertEqual([b.author for b in article.bylines.all()], [author])
        self.assertEqual(list(article.tags.names()), [])


class DashboardTests(RoleTestCase):
    def test_admin_index_shows_what_needs_attention(self):
        make_article(headline="Waiting story", status=Article.Status.IN_REVIEW)
        make_article(headline="Tomorrow story", publish_at=tomorrow())
        make_article(headline="Live story")
        make_article(
            headline="My unfinished story",
            status=Article.Status.DRAFT,
            publish_at=None,
            created_by=self.editor,
        )
        make_article(headline="Someone else's draft", status=Article.Status.DRAFT, publish_at=None)
        self.client.force_login(self.editor)
        response = self.client.get("/admin/")
        for caption, headline in (
            ("In review", "Waiting story"),
            ("Going live next", "Tomorrow story"),
            ("Recently published", "Live story"),
            ("My drafts", "My unfinished story"),
        ):
            with self.subTest(caption=caption):
                self.assertContains(response, f"<caption>{caption}</caption>", html=False)
                self.assertContains(response, headline)
        self.assertNotContains(response, "Someone else&#x27;s draft")

    def test_dashboard_queries_do_not_grow_with_articles(self):
        """Guards against a query per listed article (its section)."""
        self.client.force_login(self.editor)
        self.client.get("/admin/")
        with CaptureQueriesContext(connection) as few:
            self.client.get("/admin/")
        for _ in range(10):
            make_article(section=make_section(), status=Article.Status.IN_REVIEW)
        with CaptureQueriesContext(connection) as many:
            self.client.get("/admin/")
        self.assertEqual(len(many), len(few))


class ParameterisedActionTests(RoleTestCase):
    def setUp(self):
        self.client.force_login(self.editor)

    def act(self, action, articles, **fields):
        return self.client.post(
            "/admin/articles/article/",
            {"action": action, "_selected_action": [a.pk for a in articles], **fields},
            follow=True,
        )

    def test_schedule_sets_a_future_publication_time(self):
        article = make_ready_article(status=Article.Status.IN_REVIEW)
        self.act("schedule", [article], when_0="2030-06-01", when_1="08:00:00")
        article.refresh_from_db()
        self.assertEqual(article.status, Article.Status.PUBLISHED)
        self.assertTrue(article.is_scheduled())
        self.assertEqual(timezone.localtime(article.publish_at).hour, 8)

    def test_schedule_without_a_time_changes_nothing(self):
        article = make_ready_article(status=Article.Status.IN_REVIEW)
        response = self.act("schedule", [article])
        self.assertContains(response, "Give the publication time to schedule.")
        article.refresh_from_db()
        self.assertEqual(article.status, Article.Status.IN_REVIEW)

    def test_assign_section_and_add_tag(self):
        section = make_section(name="Business")
        articles = [make_article(), make_article()]
        self.act("assign_section", articles, section=section.pk)
        self.act("add_tag", articles, tag="Energy")
        for article in articles:
            article.refresh_from_db()
            self.assertEqual(article.section, section)
            self.assertEqual(list(article.tags.names()), ["Energy"])
