"""The editors' desk through the real admin, forms posted as a browser posts them (every field
of the page, the CSRF token checked): no action, restore or save overturns another's work
unseen, and every state means what it says."""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.test import TestCase
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, EditConflict, Transition

from .browser_forms import browser, form_data, post_form, submit
from .factories import image_file, make_article, make_caption, make_ready_article, tomorrow
from .test_workflow import user_in

LIST = "/admin/articles/article/"


def change_url(article):
    return f"{LIST}{article.pk}/change/"


def run_action(client, action, articles, **fields):
    """Choose ``action`` for ``articles`` in the list and press Go, as an editor does."""
    data = form_data(client.get(LIST + "?owner=all"), "changelist-form")
    data |= {"action": action, "_selected_action": [a.pk for a in articles], "index": "0"}
    return client.post(LIST + "?owner=all", data | fields, follow=True)


class DeskTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = user_in("Editor", "editor")
        cls.writer = user_in("Writer", "writer")

    def setUp(self):
        self.client = browser(self.editor)


class EditorRoleTests(DeskTestCase):
    def test_the_editor_group_may_record_corrections(self):
        codenames = set(
            Group.objects.get(name="Editor").permissions.values_list("codename", flat=True)
        )
        self.assertLessEqual(
            {"view_correction", "add_correction", "change_correction", "delete_correction"},
            codenames,
        )
        article = make_ready_article()
        page = self.client.get(change_url(article))
        self.assertContains(page, 'name="corrections-TOTAL_FORMS"')

    def test_an_editor_records_a_correction_and_the_article_is_revised(self):
        article = make_ready_article()
        response = submit(
            self.client,
            change_url(article),
            "article_form",
            **{
                "corrections-TOTAL_FORMS": "1",
                "corrections-0-kind": "correction",
                "corrections-0-text": "An earlier version misspelled the mayor's name.",
                "corrections-0-published_at_0": timezone.localdate().strftime("%d/%m/%Y"),
                "corrections-0-published_at_1": "08:00:00",
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:300])
        article.refresh_from_db()
        self.assertEqual(article.corrections.get().text[:16], "An earlier versi")
        self.assertIsNotNone(article.revised_at)


class PublishNowTests(DeskTestCase):
    def test_publish_now_makes_a_scheduled_article_public_now(self):
        scheduled = make_ready_article(publish_at=tomorrow())
        self.assertFalse(scheduled.is_published())
        response = run_action(self.client, "publish_now", [scheduled])
        self.assertContains(response, "Published 1 article(s).")
        scheduled.refresh_from_db()
        self.assertTrue(scheduled.is_published())
        self.assertLessEqual(scheduled.publish_at, timezone.now())

    def test_publish_now_keeps_a_past_time_and_says_when_an_embargo_holds(self):
        past = timezone.now() - timedelta(days=3)
        old = make_ready_article(status=Article.Status.UNPUBLISHED, publish_at=past)
        embargoed = make_ready_article(
            status=Article.Status.DRAFT, publish_at=None, embargo_until=tomorrow()
        )
        response = run_action(self.client, "publish_now", [old, embargoed])
        old.refresh_from_db()
        embargoed.refresh_from_db()
        self.assertEqual(old.publish_at, past)
        self.assertTrue(old.is_published())
        self.assertFalse(embargoed.is_published())
        self.assertEqual(embargoed.state(), Article.State.EMBARGOED)
        self.assertContains(response, "its embargo holds it until")


class WithdrawalTests(DeskTestCase):
    def setUp(self):
        super().setUp()
        self.article = make_ready_article(headline="Libel risk")
        run_action(self.client, "withdraw", [self.article])
        self.article.refresh_from_db()

    def test_publish_now_does_not_bring_back_a_withdrawn_article(self):
        response = run_action(self.client, "publish_now", [self.article])
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Article.Status.WITHDRAWN)
        self.assertContains(response, "is withdrawn (legal) and was left as it is")
        self.assertContains(response, "Published 0 article(s).")

    def test_unpublish_and_schedule_leave_a_withdrawn_article_withdrawn(self):
        run_action(self.client, "unpublish", [self.article])
        run_action(
            self.client,
            "schedule",
            [self.article],
            when_0=(timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y"),
            when_1="09:00:00",
        )
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Article.Status.WITHDRAWN)

    def test_the_form_cannot_change_the_status_of_a_withdrawn_article(self):
        page = self.client.get(change_url(self.article))
        self.assertContains(page, "only “Reinstate” in the article list brings it back")
        response = post_form(
            self.client,
            change_url(self.article),
            form_data(page, "article_form"),
            status="published",
        )
        self.assertEqual(response.status_code, 302)
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Article.Status.WITHDRAWN)

    def test_reinstating_asks_for_confirmation_naming_the_legal_state(self):
        page = run_action(self.client, "reinstate", [self.article])
        self.assertContains(page, "withdrawn for legal reasons")
        self.assertContains(page, "Withdrawn (legal) since")
        self.assertContains(page, "by editor")
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Article.Status.WITHDRAWN, "not before confirming")
        response = self.client.post(LIST, form_data(page, "reinstate-form"), follow=True)
        self.assertContains(response, "Reinstated 1 article(s).")
        self.article.refresh_from_db()
        self.assertTrue(self.article.is_published())
        moves = list(self.article.transitions.order_by("id").values_list("to_status", "user"))
        self.assertEqual(
            moves[-2:],
            [
                (Article.Status.WITHDRAWN, self.editor.pk),
                (Article.Status.PUBLISHED, self.editor.pk),
            ],
        )

    def test_reinstating_needs_the_publish_permission(self):
        self.article.created_by = self.writer
        self.article.save()
        writer = browser(self.writer)
        page = writer.get(LIST)
        self.assertNotContains(page, 'value="reinstate"')
        data = form_data(page, "changelist-form") | {
            "action": "reinstate",
            "_selected_action": [self.article.pk],
            "confirm": "yes",
            "index": "0",
        }
        writer.post(LIST, data)
        self.article.refresh_from_db()
        self.assertEqual(self.article.status, Article.Status.WITHDRAWN)


class VersionTests(DeskTestCase):
    def test_a_form_opened_before_the_add_tag_action_is_refused_and_then_merges(self):
        article = make_ready_article()
        page = self.client.get(change_url(article))
        opened = form_data(page, "article_form")
        colleague = browser(user_in("Editor", "colleague"))
        run_action(colleague, "add_tag", [article], tag="Flooding")
        refused = post_form(self.client, change_url(article), opened, headline="Mine")
        self.assertEqual(refused.status_code, 200)
        self.assertContains(refused, "Someone saved this article after you opened it")
        self.assertContains(refused, "taken into the form, since you had not changed them: Tags")
        refusal = " ".join(refused.context["adminform"].form.non_field_errors())
        self.assertNotIn("Body", refusal, "the body did not change")
        self.assertContains(refused, 'value="Mine"', msg_prefix="what the editor typed is kept")
        article.refresh_from_db()
        self.assertEqual(list(article.tags.names()), ["Flooding"])
        saved = post_form(self.client, change_url(article), form_data(refused, "article_form"))
        self.assertEqual(saved.status_code, 302, "saved again as it came back, nothing retyped")
        article.refresh_from_db()
        self.assertEqual(article.headline, "Mine")
        self.assertEqual(list(article.tags.names()), ["Flooding"], "the tag is not lost")

    def test_a_field_both_changed_keeps_mine_and_names_theirs(self):
        article = make_ready_article(headline="Original")
        opened = form_data(self.client.get(change_url(article)), "article_form")
        other = browser(user_in("Editor", "colleague"))
        submit(other, change_url(article), "article_form", headline="Theirs", dek="Their dek.")
        refused = post_form(self.client, change_url(article), opened, headline="Mine")
        self.assertContains(refused, "changed by both of you, yours kept below: Headline")
        self.assertContains(refused, "(saved: “Theirs”)")
        merged = form_data(refused, "article_form")
        self.assertEqual((merged["headline"], merged["dek"]), ("Mine", "Their dek."))
        self.assertEqual(post_form(self.client, change_url(article), merged).status_code, 302)
        article.refresh_from_db()
        self.assertEqual((article.headline, article.dek), ("Mine", "Their dek."))

    def test_a_status_changed_by_an_action_is_not_undone_by_an_open_form(self):
        article = make_ready_article(status=Article.Status.IN_REVIEW)
        opened = form_data(self.client.get(change_url(article)), "article_form")
        run_action(browser(user_in("Editor", "colleague")), "publish_now", [article])
        refused = post_form(self.client, change_url(article), opened, headline="Sharper")
        self.assertContains(refused, "since you had not changed them: Status")
        post_form(self.client, change_url(article), form_data(refused, "article_form"))
        article.refresh_from_db()
        self.assertEqual((article.headline, article.status), ("Sharper", "published"))

    def test_a_refusal_names_byline_caption_and_link_changes(self):
        article = make_ready_article()
        opened = form_data(self.client.get(change_url(article)), "article_form")
        make_caption(article, text="Flood barrier at dawn")
        article.refresh_from_db()
        article.save()  # the other editor's save, with their new caption
        refused = post_form(self.client, change_url(article), opened)
        self.assertContains(refused, "their other changes: Captions and pictures is now")
        self.assertContains(refused, "Flood barrier at dawn")

    def test_every_action_moves_the_version(self):
        article = make_ready_article(status=Article.Status.DRAFT)
        versions = [article.edit_version]
        for action, fields in (
            ("add_tag", {"tag": "Harbour"}),
            ("submit_for_review", {}),
            ("publish_now", {}),
            ("revoke_share_links", {}),
            ("unpublish", {}),
        ):
            run_action(self.client, action, [article], **fields)
            article.refresh_from_db()
            versions.append(article.edit_version)
        self.assertEqual(versions, sorted(set(versions)), "each action is a new version")

    def test_two_writers_of_one_version_cannot_both_save(self):
        article = make_ready_article()
        first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
        first.headline = "First"
        first.save()
        second.headline = "Second"
        with self.assertRaises(EditConflict):
            second.save()
        article.refresh_from_db()
        self.assertEqual(article.headline, "First")


class RestoreTests(DeskTestCase):
    def test_a_restore_is_a_new_version_and_refuses_forms_opened_before_it(self):
        article = make_ready_article(headline="First headline")
        submit(self.client, change_url(article), "article_form", headline="Second headline")
        submit(self.client, change_url(article), "article_form", headline="Third headline")
        article.refresh_from_db()
        before = article.edit_version
        stale = form_data(self.client.get(change_url(article)), "article_form")
        oldest = Version.objects.get_for_object(article).last()
        restore_url = f"{LIST}{article.pk}/history/{oldest.pk}/"
        restore_page = self.client.get(restore_url)
        self.assertContains(restore_page, "What restoring this version changes back")
        response = post_form(self.client, restore_url, form_data(restore_page, "article_form"))
        self.assertEqual(response.status_code, 302, response.content[:300])
        article.refresh_from_db()
        self.assertEqual(article.headline, "Second headline")
        self.assertGreater(article.edit_version, before, "the counter only moves forward")
        refused = post_form(self.client, change_url(article), stale, headline="Stale")
        self.assertContains(refused, "Someone saved this article after you opened it")
        article.refresh_from_db()
        self.assertEqual(article.headline, "Second headline")

    def test_api_versions_never_repeat(self):
        article = make_ready_article(headline="First")
        submit(self.client, change_url(article), "article_form", headline="Second")
        seen = {self.client.get(f"/api/articles/{article.pk}/").json()["version"]: "Second"}
        oldest = Version.objects.get_for_object(article).last()
        restore_url = f"{LIST}{article.pk}/history/{oldest.pk}/"
        post_form(self.client, restore_url, form_data(self.client.get(restore_url), "article_form"))
        item = self.client.get(f"/api/articles/{article.pk}/").json()
        self.assertNotIn(item["version"], seen)

    def test_a_restore_keeps_the_status(self):
        article = make_ready_article(headline="Public once")
        submit(self.client, change_url(article), "article_form", headline="Public twice")
        run_action(self.client, "withdraw", [article])
        oldest = Version.objects.get_for_object(article).last()
        restore_url = f"{LIST}{article.pk}/history/{oldest.pk}/"
        post_form(self.client, restore_url, form_data(self.client.get(restore_url), "article_form"))
        article.refresh_from_db()
        self.assertEqual(article.status, Article.Status.WITHDRAWN)


class PublicArticleCheckTests(DeskTestCase):
    def test_a_public_article_cannot_gain_a_picture_without_alt_text(self):
        article = make_ready_article()
        page = self.client.get(change_url(article))
        data = form_data(page, "article_form") | {
            "captions-TOTAL_FORMS": "1",
            "captions-0-order": "0",
            "captions-0-text": "The harbour",
            "captions-0-alt_text": "",
            "captions-0-focal_x": "0.5",
            "captions-0-focal_y": "0.5",
            "captions-0-image": image_file(),
        }
        refused = self.client.post(change_url(article), data)
        self.assertEqual(refused.status_code, 200)
        self.assertContains(refused, "A published article needs alt text on every captioned image")
        self.assertFalse(article.captions.exists())
        data["captions-0-alt_text"] = "Boats moored in the harbour"
        data["captions-0-image"] = image_file()
        self.assertEqual(self.client.post(change_url(article), data).status_code, 302)
        self.assertEqual(article.captions.get().picture.alt_text, "Boats moored in the harbour")

    def test_a_public_article_cannot_lose_its_last_author(self):
        article = make_ready_article()
        refused = submit(
            self.client, change_url(article), "article_form", **{"bylines-0-DELETE": "on"}
        )
        self.assertContains(refused, "A published article needs at least one author")
        self.assertEqual(article.bylines.count(), 1)

    def test_a_draft_may_be_incomplete(self):
        article = make_article(status=Article.Status.DRAFT, publish_at=None, dek="")
        response = submit(self.client, change_url(article), "article_form", headline="Notes")
        self.assertEqual(response.status_code, 302)


class StateTests(DeskTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.live = make_article(headline="Live story")
        cls.scheduled = make_article(headline="Scheduled story", publish_at=tomorrow())
        cls.embargoed = make_article(
            headline="Embargoed story", embargo_until=timezone.now() + timedelta(hours=5)
        )
        cls.draft = make_article(headline="Draft story", status=Article.Status.DRAFT)
        cls.review = make_article(headline="Review story", status=Article.Status.IN_REVIEW)
        cls.unpublished = make_article(headline="Gone story", status=Article.Status.UNPUBLISHED)
        cls.withdrawn = make_article(headline="Legal story", status=Article.Status.WITHDRAWN)

    def test_the_list_shows_each_state_with_its_time(self):
        page = self.client.get(LIST)
        for text in ("Live", "Scheduled for", "Embargoed until", "Draft", "In review"):
            self.assertContains(page, text)
        self.assertContains(page, "Withdrawn (legal)")

    def test_the_state_filter_tells_live_scheduled_and_embargoed_apart(self):
        expected = {
            "live": "Live story",
            "scheduled": "Scheduled story",
            "embargoed": "Embargoed story",
            "draft": "Draft story",
            "review": "Review story",
            "unpublished": "Gone story",
            "withdrawn": "Legal story",
        }
        for state, headline in expected.items():
            with self.subTest(state=state):
                page = self.client.get(LIST, {"state": state})
                self.assertEqual([a.headline for a in page.context["cl"].result_list], [headline])

    def test_state_in_memory_matches_the_filter(self):
        for article in Article.objects.all():
            with self.subTest(article=article.headline):
                self.assertIn(article, Article.objects.in_state(article.state()))

    def test_the_dashboard_lists_embargoed_articles_going_live(self):
        page = self.client.get("/admin/")
        self.assertContains(page, "Going live next")
        rows = [a.headline for a in page.context["dashboard"]["scheduled"]]
        self.assertEqual(rows, ["Embargoed story", "Scheduled story"], "by the time they go live")


class FormComfortTests(DeskTestCase):
    def test_the_body_is_spell_checked_and_the_headline_has_room(self):
        page = self.client.get(f"{LIST}add/")
        self.assertNotContains(page, "NoSpellCheck")
        self.assertContains(page, 'class="vTextField headline-input"')
        with open(finders.find("css/admin.css")) as css:
            self.assertIn(".headline-input", css.read())


class TransitionHistoryTests(DeskTestCase):
    def test_every_write_path_records_the_status_history(self):
        article = make_ready_article(status=Article.Status.DRAFT, publish_at=None)
        run_action(self.client, "publish_now", [article])
        article.refresh_from_db()
        article.unpublish()
        moves = list(
            Transition.objects.filter(article=article)
            .order_by("id")
            .values_list("from_status", "to_status", "user")
        )
        self.assertEqual(
            moves,
            [
                ("", Article.Status.DRAFT, None),
                (Article.Status.DRAFT, Article.Status.PUBLISHED, self.editor.pk),
                (Article.Status.PUBLISHED, Article.Status.UNPUBLISHED, None),
            ],
        )
