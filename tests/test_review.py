"""Review through the real admin, forms posted as a browser posts them: a writer names a
reviewer, reviewers and writers leave dated notes, the dashboard shows what waits for me and
what came back to me, and the change form tells who else has the article open."""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test import Client, TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Presence, ReviewNote, presence_notice

from .browser_forms import browser, form_data, post_form, submit
from .factories import make_ready_article
from .test_editors_desk import LIST, change_url, run_action
from .test_workflow import user_in


def history_url(article):
    return f"{LIST}{article.pk}/history/"


def presence_url(article):
    return f"{LIST}{article.pk}/presence/"


class ReviewTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.writer = user_in("Writer", "writer")
        cls.other_writer = user_in("Writer", "other")
        cls.editor = user_in("Editor", "editor")
        cls.jane = user_in("Editor", "jane")
        cls.jane.first_name, cls.jane.last_name = "Jane", "Doe"
        cls.jane.save()

    def draft_of(self, user, **fields):
        return make_ready_article(
            status=Article.Status.DRAFT, publish_at=None, created_by=user, **fields
        )

    def leave_note(self, client, article, text, **changes):
        """Save the article's form with ``text`` in the box for a new note (after the notes
        already there)."""
        page = client.get(change_url(article))
        data = form_data(page, "article_form")
        box = f"review_notes-{data['review_notes-INITIAL_FORMS']}-text"
        return post_form(client, change_url(article), data, **{box: text}, **changes)


class ReviewerTests(ReviewTestCase):
    def test_a_writer_submits_for_review_naming_a_reviewer(self):
        article = self.draft_of(self.writer)
        response = submit(
            browser(self.writer),
            change_url(article),
            "article_form",
            status=Article.Status.IN_REVIEW,
            reviewer=str(self.jane.pk),
        )
        self.assertEqual(response.status_code, 302, response.content[:500])
        article.refresh_from_db()
        self.assertEqual((article.status, article.reviewer), (Article.Status.IN_REVIEW, self.jane))
        move = article.transitions.latest()
        self.assertEqual((move.user, move.to_status), (self.writer, Article.Status.IN_REVIEW))

    def test_only_those_who_may_publish_can_be_named_reviewer(self):
        article = self.draft_of(self.writer)
        client = browser(self.writer)
        page = client.get(change_url(article))
        self.assertContains(page, f'<option value="{self.jane.pk}">Jane Doe</option>', html=True)
        self.assertContains(page, f'<option value="{self.editor.pk}">editor</option>', html=True)
        self.assertNotContains(page, f'<option value="{self.other_writer.pk}">')
        response = post_form(
            client,
            change_url(article),
            form_data(page, "article_form"),
            status=Article.Status.IN_REVIEW,
            reviewer=str(self.other_writer.pk),
        )
        self.assertContains(response, "Select a valid choice.")
        article.refresh_from_db()
        self.assertEqual((article.status, article.reviewer), (Article.Status.DRAFT, None))

    def test_the_submit_action_names_the_reviewer_chosen_in_the_action_bar(self):
        article = self.draft_of(self.writer)
        response = run_action(
            browser(self.writer), "submit_for_review", [article], reviewer=str(self.jane.pk)
        )
        self.assertContains(response, "Submitted 1 article(s) to Jane Doe.")
        article.refresh_from_db()
        self.assertEqual((article.status, article.reviewer), (Article.Status.IN_REVIEW, self.jane))

    def test_resubmitting_without_naming_one_keeps_the_reviewer(self):
        article = self.draft_of(self.writer, reviewer=self.jane)
        run_action(browser(self.writer), "submit_for_review", [article])
        article.refresh_from_db()
        self.assertEqual((article.status, article.reviewer), (Article.Status.IN_REVIEW, self.jane))


class NoteTests(ReviewTestCase):
    def test_writer_and_reviewer_leave_dated_notes_kept_in_order_with_their_authors(self):
        article = self.draft_of(self.writer)
        response = self.leave_note(
            browser(self.writer),
            article,
            "Figures checked with the port.",
            status=Article.Status.IN_REVIEW,
            reviewer=str(self.jane.pk),
        )
        self.assertEqual(response.status_code, 302, response.content[:500])
        response = self.leave_note(
            browser(self.jane),
            article,
            "Who said the basin is deep enough?",
            status=Article.Status.DRAFT,
        )
        self.assertEqual(response.status_code, 302, response.content[:500])
        notes = list(article.review_notes.values_list("author__username", "text"))
        self.assertEqual(
            notes,
            [
                ("writer", "Figures checked with the port."),
                ("jane", "Who said the basin is deep enough?"),
            ],
        )
        page = browser(self.writer).get(change_url(article))
        self.assertContains(page, "<strong>Jane Doe</strong>", html=True)
        self.assertContains(page, "<p>Who said the basin is deep enough?</p>", html=True)
        self.assertContains(page, '<label for="id_review_notes-2-text">Add a note</label>')

    def test_a_note_is_kept_as_written_and_cannot_be_edited_or_deleted(self):
        article = self.draft_of(self.writer)
        note = ReviewNote.objects.create(article=article, author=self.writer, text="First draft.")
        client = browser(self.editor)
        page = client.get(change_url(article))
        data = form_data(page, "article_form")
        self.assertEqual(data["review_notes-INITIAL_FORMS"], "1")
        response = post_form(
            client,
            change_url(article),
            data,
            **{"review_notes-0-text": "Rewritten.", "review_notes-0-DELETE": "on"},
        )
        self.assertEqual(response.status_code, 302, response.content[:500])
        note.refresh_from_db()
        self.assertEqual(note.text, "First draft.")

    def test_an_empty_box_adds_no_note_and_a_long_note_is_refused_with_a_message(self):
        article = self.draft_of(self.writer)
        self.assertEqual(self.leave_note(browser(self.writer), article, "").status_code, 302)
        response = self.leave_note(browser(self.writer), article, "x" * 4001)
        self.assertContains(response, "Ensure this value has at most 4000 characters")
        self.assertFalse(article.review_notes.exists())

    def test_notes_are_shown_on_the_history_page(self):
        article = self.draft_of(self.writer)
        self.leave_note(browser(self.writer), article, "Ready when you are.")
        page = browser(self.writer).get(history_url(article))
        self.assertContains(page, '<div class="module review-notes" id="review-notes">')
        self.assertContains(page, "<p>Ready when you are.</p>", html=True)

    def test_deleting_an_article_deletes_its_notes_and_presence(self):
        article = self.draft_of(self.writer)
        ReviewNote.objects.create(article=article, author=self.writer, text="Gone with it.")
        Presence.seen(article, self.writer, "page")
        article.delete()
        self.assertFalse(ReviewNote.objects.exists())
        self.assertFalse(Presence.objects.exists())


class NotePermissionTests(ReviewTestCase):
    """Notes are seen and posted only by staff who may change the article."""

    def setUp(self):
        self.article = self.draft_of(self.writer)
        ReviewNote.objects.create(article=self.article, author=self.jane, text="Secret desk talk.")

    def test_a_writer_who_may_not_change_the_article_sees_no_note(self):
        client = browser(self.other_writer)
        for url in (change_url(self.article), history_url(self.article)):
            with self.subTest(url):
                self.assertNotContains(client.get(url), "Secret desk talk", status_code=200)

    def test_once_published_its_writer_sees_the_notes_no_more_and_the_editor_does(self):
        self.article.publish(by=self.editor)
        for user, seen in ((self.writer, False), (self.editor, True)):
            for url in (change_url(self.article), history_url(self.article)):
                with self.subTest(user=user.username, url=url):
                    page = browser(user).get(url)
                    self.assertEqual(page.status_code, 200)
                    self.assertEqual("Secret desk talk" in page.content.decode(), seen)

    def test_a_writer_who_may_not_change_the_article_cannot_post_a_note(self):
        client = browser(self.other_writer)
        data = form_data(browser(self.writer).get(change_url(self.article)), "article_form")
        data["csrfmiddlewaretoken"] = form_data(client.get(LIST + "add/"))["csrfmiddlewaretoken"]
        response = post_form(
            client, change_url(self.article), data, **{"review_notes-1-text": "Let me in."}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.article.review_notes.count(), 1)

    def test_anonymous_readers_are_sent_to_log_in(self):
        for url in (change_url(self.article), history_url(self.article)):
            with self.subTest(url):
                response = Client().get(url)
                self.assertEqual(response.status_code, 302)
                self.assertIn("/admin/login/", response["Location"])


class DashboardReviewTests(ReviewTestCase):
    def returned_by_jane(self, owner, note=None, **fields):
        """An article of ``owner`` that Jane sent back from review, with her ``note``."""
        article = self.draft_of(owner, **fields)
        article.submit_for_review(by=owner, reviewer=self.jane)
        if note:
            ReviewNote.objects.create(article=article, author=self.jane, text=note)
        article.move_to(Article.Status.DRAFT, by=self.jane)
        return article

    def test_waiting_for_me_lists_the_reviews_that_name_me(self):
        mine = self.draft_of(self.writer, headline="Harbour figures")
        mine.submit_for_review(by=self.writer, reviewer=self.jane)
        theirs = self.draft_of(self.writer, headline="Council budget")
        theirs.submit_for_review(by=self.writer, reviewer=self.editor)
        back = self.draft_of(self.writer, headline="Storm damage", reviewer=self.jane)
        response = browser(self.jane).get("/admin/")
        waiting = [a.headline for a in response.context["dashboard"]["waiting_for_me"]]
        self.assertEqual(waiting, ["Harbour figures"])
        self.assertContains(response, "<caption>Waiting for me</caption>", html=True)
        self.assertNotIn(back.headline, waiting)
        writers = browser(self.writer).get("/admin/")
        self.assertNotContains(writers, "<caption>Waiting for me</caption>", html=True)

    def test_returned_to_me_lists_my_drafts_sent_back_with_the_reviewers_latest_note(self):
        self.returned_by_jane(self.writer, "Check the quote.", headline="Quay story")
        article = self.returned_by_jane(self.writer, headline="Ferry story")
        ReviewNote.objects.create(article=article, author=self.writer, text="Mine, not hers.")
        ReviewNote.objects.create(article=article, author=self.jane, text="Older note.")
        ReviewNote.objects.create(article=article, author=self.jane, text="Second source?")
        self.returned_by_jane(self.other_writer, "Not for writer.", headline="Other story")
        pulled = self.draft_of(self.writer, headline="Pulled back")
        pulled.submit_for_review(by=self.writer)
        pulled.move_to(Article.Status.DRAFT, by=self.writer)
        response = browser(self.writer).get("/admin/")
        rows = [
            (a.headline, a.returned_by, a.return_note)
            for a in response.context["dashboard"]["returned_to_me"]
        ]
        self.assertCountEqual(
            rows,
            [
                ("Quay story", "Jane Doe", "Check the quote."),
                ("Ferry story", "Jane Doe", "Second source?"),
            ],
        )
        self.assertContains(response, "<caption>Returned to me</caption>", html=True)
        self.assertContains(response, "<q>Second source?</q>", html=True)
        self.assertContains(response, "Sent back by Jane Doe")

    def test_a_returned_draft_leaves_the_list_once_submitted_again(self):
        article = self.returned_by_jane(self.writer, "Fix the date.")
        article.submit_for_review(by=self.writer)
        self.assertFalse(Article.objects.returned_to(self.writer).exists())
        self.assertEqual(list(Article.objects.waiting_for(self.jane)), [article])

    def test_the_dashboard_queries_do_not_grow_with_reviews(self):
        """Guards against a query per listed review (its reviewer's name, its note)."""
        client = browser(self.editor)

        def add_reviews():
            self.returned_by_jane(self.editor, "A note.")
            self.draft_of(self.writer).submit_for_review(by=self.writer, reviewer=self.editor)

        add_reviews()
        client.get("/admin/")
        with CaptureQueriesContext(connection) as few:
            client.get("/admin/")
        sam = user_in("Editor", "sam")
        for _ in range(6):
            add_reviews()
            returned = self.draft_of(self.editor)
            returned.submit_for_review(by=self.editor, reviewer=sam)
            returned.move_to(Article.Status.DRAFT, by=sam)
        dashboard = client.get("/admin/").context["dashboard"]
        self.assertEqual(len(dashboard["waiting_for_me"]), 7)
        self.assertEqual(len(dashboard["returned_to_me"]), 8)  # of 13: the first eight
        with CaptureQueriesContext(connection) as many:
            client.get("/admin/")
        self.assertEqual(len(many), len(few))


class PresenceTests(ReviewTestCase):
    def setUp(self):
        self.article = self.draft_of(self.writer)

    def ping(self, user, page="page-1", **extra):
        client = browser(user)
        token = form_data(client.get("/admin/"), "logout-form")
        return client.post(
            presence_url(self.article),
            {"csrfmiddlewaretoken": token["csrfmiddlewaretoken"], "page": page, **extra},
        )

    def test_each_sees_the_other_with_the_time_they_opened_it(self):
        self.assertEqual(self.ping(self.jane).json(), {"notice": ""})
        since = timezone.localtime(Presence.objects.get(user=self.jane).since)
        answer = self.ping(self.writer).json()
        self.assertEqual(answer, {"notice": f"Jane Doe has this article open since {since:%H:%M}."})
        self.assertIn("writer has this article open since", self.ping(self.jane).json()["notice"])

    def test_the_change_form_shows_the_notice_and_counts_as_open(self):
        browser(self.jane).get(change_url(self.article))
        page = browser(self.writer).get(change_url(self.article))
        self.assertContains(page, 'id="presence" role="status"')
        self.assertContains(page, "Jane Doe has this article open since")
        self.assertContains(page, 'src="/static/articles/presence.js" defer')
        self.assertEqual(
            set(Presence.objects.values_list("user__username", flat=True)), {"jane", "writer"}
        )

    def test_entries_older_than_the_timeout_do_not_count_and_go(self):
        self.ping(self.jane)
        elsewhere = Presence.seen(self.draft_of(self.jane), self.jane, "other-page")
        Presence.objects.update(seen_at=timezone.now() - timedelta(seconds=61))
        self.assertEqual(self.ping(self.writer).json(), {"notice": ""})
        self.assertFalse(Presence.objects.filter(user=self.jane).exists())
        self.assertFalse(Presence.objects.filter(pk=elsewhere.pk).exists())

    def test_a_renewed_entry_keeps_its_start_and_an_expired_one_starts_again(self):
        self.ping(self.jane)
        start = timezone.now() - timedelta(minutes=10)
        Presence.objects.update(since=start)
        self.ping(self.jane)
        self.assertEqual(Presence.objects.get().since, start)
        Presence.objects.update(seen_at=start)
        self.ping(self.jane)
        self.assertGreater(Presence.objects.get().since, start)

    def test_leaving_ends_ones_entry_unless_a_newer_page_renewed_it(self):
        self.ping(self.jane, page="old")
        self.ping(self.jane, page="new")
        self.ping(self.jane, page="old", leave="1")
        self.assertTrue(Presence.objects.filter(user=self.jane).exists())
        self.assertEqual(self.ping(self.jane, page="new", leave="1").json(), {"notice": ""})
        self.assertFalse(Presence.objects.filter(user=self.jane).exists())

    def test_only_those_who_may_change_the_article_post_with_a_csrf_token(self):
        self.assertEqual(self.ping(self.other_writer).status_code, 403)
        self.assertEqual(
            self.ping(self.other_writer).json()["error"], "You may not change this article."
        )
        client = browser(self.jane)
        self.assertEqual(client.post(presence_url(self.article), {"page": "p"}).status_code, 403)
        self.assertEqual(client.get(presence_url(self.article)).status_code, 405)
        anonymous = Client().post(presence_url(self.article), {"page": "p"})
        self.assertEqual(anonymous.status_code, 302)
        self.assertFalse(Presence.objects.exclude(user=self.writer).exists())

    def test_bad_requests_are_answered_with_a_message(self):
        self.assertEqual(
            self.ping(self.jane, page="").json(), {"error": "Say which page (page=…)."}
        )
        client = Client()
        client.force_login(self.jane)
        response = client.post(f"{LIST}999999/presence/", {"page": "p"})
        self.assertEqual(
            (response.status_code, response.json()), (404, {"error": "No such article."})
        )

    @override_settings(TIME_ZONE="Europe/Berlin")
    def test_the_notice_names_everyone_in_the_newsrooms_time(self):
        moment = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
        for user, minutes in ((self.jane, 0), (self.editor, 37)):
            Presence.objects.create(
                article=self.article,
                user=user,
                page="p",
                since=moment + timedelta(minutes=minutes),
                seen_at=timezone.now(),
            )
        entries = Presence.others(self.article, self.writer)
        self.assertEqual(
            presence_notice(entries),
            "Jane Doe (since 10:05) and editor (since 10:42) have this article open.",
        )
        self.assertEqual(presence_notice([]), "")
