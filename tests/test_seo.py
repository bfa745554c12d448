"""Search and social titles: each optional field and what it falls back to, read back from the
page's <title>, meta tags, Open Graph, Twitter card and JSON-LD; the social image's renditions
and takedown; the admin's fields, hints and preview through the real admin."""

import re
from pathlib import Path

import pytest
import reversion
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, TestCase, override_settings
from reversion.models import Version

from articles import images
from articles.editorial import seo
from articles.models import Article

from .browser_forms import browser, form_data, post_form, submit
from .factories import (
    image_file,
    make_article,
    make_author,
    make_caption,
    make_ready_article,
    make_section,
)
from .test_admin import AdminTestCase
from .test_api import ApiTestCase
from .test_editors_desk import change_url
from .test_metadata import HeadReader
from .test_query_counts import QueryCountTestCase
from .test_workflow import user_in

TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def page_of(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def head_of(html):
    reader = HeadReader()
    reader.feed(html)
    return reader


def news_article(head):
    [data] = [data for data in head.json_ld if data["@type"] == "NewsArticle"]
    return data


@override_settings(ARTICLES_SITE_NAME="The Courier")
class FallbackTests(TestCase):
    """Each field, set or left empty, in every place that shows it."""

    def read(self, **fields):
        defaults = {
            "headline": "Harbour reopens after the storm",
            "dek": "Ships return after eleven days.",
            "section": make_section(),
        }
        article = make_article(**(defaults | fields))
        html = page_of(self.client, article)
        return TITLE.search(html).group(1), head_of(html), article

    def test_without_search_fields_the_headline_and_standfirst_are_used(self):
        title, head, _ = self.read()
        self.assertEqual(title, "Harbour reopens after the storm — The Courier")
        for name in ("og:title", "twitter:title"):
            self.assertEqual(head.value(name), "Harbour reopens after the storm")
        for name in ("description", "og:description", "twitter:description"):
            self.assertEqual(head.value(name), "Ships return after eleven days.")
        data = news_article(head)
        self.assertEqual(data["headline"], "Harbour reopens after the storm")
        self.assertEqual(data["description"], "Ships return after eleven days.")
        self.assertNotIn("alternativeHeadline", data)

    def test_the_search_title_titles_the_page_search_results_and_shared_links(self):
        title, head, _ = self.read(seo_title="Harbour reopens: what changes for ships")
        self.assertEqual(title, "Harbour reopens: what changes for ships — The Courier")
        for name in ("og:title", "twitter:title"):
            self.assertEqual(head.value(name), "Harbour reopens: what changes for ships")
        data = news_article(head)
        self.assertEqual(data["headline"], "Harbour reopens: what changes for ships")
        self.assertEqual(data["alternativeHeadline"], "Harbour reopens after the storm")

    def test_the_social_title_titles_shared_links_only(self):
        title, head, _ = self.read(social_title="The harbour is open again")
        self.assertEqual(title, "Harbour reopens after the storm — The Courier")
        for name in ("og:title", "twitter:title"):
            self.assertEqual(head.value(name), "The harbour is open again")
        self.assertEqual(news_article(head)["headline"], "Harbour reopens after the storm")

    def test_the_social_title_wins_over_the_search_title_in_shared_links(self):
        title, head, _ = self.read(seo_title="Search title", social_title="Social title")
        self.assertEqual(title, "Search title — The Courier")
        self.assertEqual(head.value("og:title"), "Social title")
        self.assertEqual(head.value("twitter:title"), "Social title")

    def test_the_description_replaces_the_standfirst_in_search_and_social(self):
        _, head, _ = self.read(seo_description="Eleven days of closure, and what they cost.")
        for name in ("description", "og:description", "twitter:description"):
            self.assertEqual(head.value(name), "Eleven days of closure, and what they cost.")
        self.assertEqual(
            news_article(head)["description"], "Eleven days of closure, and what they cost."
        )

    def test_no_description_at_all_leaves_out_the_tags(self):
        _, head, _ = self.read(dek="")
        for name in ("description", "og:description", "twitter:description"):
            self.assertEqual(head.values(name), [])
        self.assertNotIn("description", news_article(head))

    def test_the_lead_picture_without_a_social_image(self):
        article = make_article(section=make_section())
        lead = make_caption(article, image=image_file(size=(1600, 1000)), alt_text="A river")
        head = head_of(page_of(self.client, article))
        self.assertIn(lead.rendition("16x9").name, head.value("og:image"))
        self.assertEqual(head.value("og:image:alt"), "A river")
        images_ld = news_article(head)["image"]
        self.assertEqual(
            [image["url"] for image in images_ld],
            [f"http://testserver{crop.url}" for crop in lead.social_images()],
        )
        self.assertEqual(images_ld[0]["creditText"], "Agency/Photographer")

    def test_the_social_image_replaces_the_lead_picture(self):
        _, head, article = self.read(
            social_image=image_file(size=(2000, 1500)), social_image_alt="Cranes at dawn"
        )
        make_caption(article, image=image_file(size=(1600, 1000)), alt_text="A river")
        head = head_of(page_of(self.client, article))
        crop = images.find(article.social_image_renditions, ratio="16x9")
        self.assertEqual(head.value("og:image"), f"http://testserver{crop.url}")
        self.assertEqual(
            (head.value("og:image:width"), head.value("og:image:height")), ("1600", "900")
        )
        self.assertEqual(head.value("og:image:alt"), "Cranes at dawn")
        self.assertEqual(head.value("twitter:card"), "summary_large_image")
        self.assertEqual(head.value("twitter:image"), head.value("og:image"))
        self.assertEqual(head.value("twitter:image:alt"), "Cranes at dawn")
        images_ld = news_article(head)["image"]
        self.assertEqual(len(images_ld), 3)  # 16:9, 4:3 and 1:1
        for image in images_ld:
            self.assertIn(
                f"/media/{images.directory_for(article.social_image.name, (0.5, 0.5))}",
                image["url"],
            )
            self.assertNotIn("creditText", image)

    def test_a_title_with_markup_stays_text(self):
        attack = "</title><script>alert(1)</script> & “quotes”"
        html = page_of(
            self.client,
            make_article(seo_title=attack, social_title=attack, seo_description=attack),
        )
        self.assertNotIn("<script>alert(1)", html)
        self.assertIn("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; “quotes”", html)
        head = head_of(html)
        self.assertEqual(head.value("og:title"), attack)
        self.assertEqual(head.value("description"), attack)
        data = news_article(head)
        self.assertEqual((data["headline"], data["description"]), (attack, attack))


class ModelTests(TestCase):
    def test_each_fallback_is_decided_by_the_article(self):
        article = Article(headline="Headline", dek="Standfirst.")
        self.assertEqual(
            (article.search_title, article.share_title, article.search_description),
            ("Headline", "Headline", "Standfirst."),
        )
        article.seo_title, article.seo_description = "Search", "Described."
        self.assertEqual(
            (article.search_title, article.share_title, article.search_description),
            ("Search", "Search", "Described."),
        )
        article.social_title = "Social"
        self.assertEqual((article.search_title, article.share_title), ("Search", "Social"))

    def test_the_social_image_gets_16_9_renditions_and_replaced_ones_go(self):
        article = make_article(social_image=image_file(size=(1600, 1200)), social_image_alt="A")
        first = images.file_names(article.social_image_renditions)
        crop = images.find(article.social_image_renditions, ratio="16x9")
        self.assertEqual((crop.width, crop.height), (1600, 900))
        media = Path(settings.MEDIA_ROOT)
        self.assertTrue(all((media / name).exists() for name in first))
        with self.captureOnCommitCallbacks(execute=True):
            article.social_image = image_file(size=(800, 600))
            article.save()
        self.assertFalse(any((media / name).exists() for name in first))
        self.assertEqual(article.social_picture.alt_text, "A")

    def test_a_status_change_leaves_the_renditions_alone(self):
        article = make_article(
            status=Article.Status.DRAFT,
            social_image=image_file(size=(800, 600)),
            social_image_alt="A",
        )
        renditions = article.social_image_renditions
        article.submit_for_review()
        article.refresh_from_db()
        self.assertEqual(article.social_image_renditions, renditions)


@pytest.mark.caches_off
class QueryTests(QueryCountTestCase):
    def test_the_search_fields_and_social_image_cost_no_query(self):
        """The article page: the same four queries (``test_query_counts``) with every
        search and social field set as with none."""
        plain = make_article(section=make_section(), authors=[make_author()])
        make_caption(plain, image=image_file())
        full = make_article(
            section=make_section(),
            authors=[make_author()],
            seo_title="Search title",
            social_title="Social title",
            seo_description="Described.",
            social_image=image_file(size=(1200, 800)),
            social_image_alt="A picture",
        )
        make_caption(full, image=image_file())
        self.assertEqual(self.count_queries(full.get_absolute_url()), 4)
        self.assertEqual(
            self.count_queries(full.get_absolute_url()),
            self.count_queries(plain.get_absolute_url()),
        )


@override_settings(ARTICLES_PAGE_CACHE=None)
class CachedStoryTests(TestCase):
    def test_the_title_of_a_cached_story_is_the_search_title(self):
        """The page around a cached story reads its article with the light query, which
        brings the search title: no query more."""
        article = make_article(headline="Headline", seo_title="Search title")
        self.client.get(article.get_absolute_url())
        with self.assertNumQueries(1):
            html = page_of(self.client, article)
        self.assertIn("<title>Search title — ", html)


class SocialImageTakedownTests(TestCase):
    def setUp(self):
        self.article = make_article(
            section=make_section(),
            authors=[make_author()],
            social_image=image_file(size=(1600, 900)),
            social_image_alt="The harbour",
        )
        self.names = [
            self.article.social_image.name,
            *images.file_names(self.article.social_image_renditions),
        ]
        self.media = Path(settings.MEDIA_ROOT)
        self.private = Path(settings.ARTICLES_PRIVATE_MEDIA_ROOT)

    def assertPublic(self, public):
        for name in self.names:
            with self.subTest(name=name, public=public):
                self.assertEqual((self.media / name).exists(), public)
                self.assertEqual((self.private / name).exists(), not public)

    def test_a_withdrawn_article_s_social_image_leaves_public_media_until_reinstated(self):
        page = page_of(self.client, self.article)
        self.assertGreater(len(self.names), 10)
        with self.captureOnCommitCallbacks(execute=True):
            self.article.withdraw()
        self.assertPublic(False)
        saved = Article.objects.get(pk=self.article.pk)
        self.assertEqual(saved.social_image.name, "")
        self.assertIsNone(saved.social_picture)
        with self.captureOnCommitCallbacks(execute=True):
            saved.reinstate()
        self.assertPublic(True)
        self.assertEqual(page_of(self.client, saved), page)  # the same addresses

    def test_a_revision_restored_while_withdrawn_keeps_the_social_image_hidden(self):
        with reversion.create_revision():
            self.article.save()
        with self.captureOnCommitCallbacks(execute=True):
            self.article.withdraw()
        with self.captureOnCommitCallbacks(execute=True):
            Version.objects.get_for_object(self.article).get().revert()  # the row, raw
            Article.objects.filter(pk=self.article.pk).keep_version_and_status(
                self.article.edit_version + 1, Article.Status.WITHDRAWN
            )
        self.assertEqual(Article.objects.get(pk=self.article.pk).social_image.name, "")
        self.assertPublic(False)
        with self.captureOnCommitCallbacks(execute=True):
            Article.objects.get(pk=self.article.pk).reinstate()
        self.assertPublic(True)
        saved = Article.objects.get(pk=self.article.pk)
        self.assertEqual(saved.social_image_renditions, self.article.social_image_renditions)

    def test_an_image_uploaded_to_a_withdrawn_article_is_hidden_at_once(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.article.withdraw()
        article = Article.objects.get(pk=self.article.pk)
        with self.captureOnCommitCallbacks(execute=True):
            article.social_image = image_file(size=(800, 600))
            article.save()
        article.refresh_from_db()
        self.assertEqual(article.social_image.name, "")
        hidden = article.social_image_renditions["hidden"]
        for name in [hidden["image"], *images.file_names(hidden["renditions"])]:
            self.assertFalse((self.media / name).exists(), name)
            self.assertTrue((self.private / name).exists(), name)


class SocialAdminTests(AdminTestCase):
    def post(self, **fields):
        data = self.article_form(**fields)
        return self.client.post("/admin/articles/article/add/", data)

    def test_the_admin_saves_the_search_and_social_fields(self):
        response = self.post(
            seo_title="Harbour open again",
            social_title="Ships are back",
            seo_description="After eleven days.",
            social_image=image_file(size=(1600, 900)),
            social_image_alt="Ships at the quay",
        )
        self.assertEqual(response.status_code, 302, response.content[:3000])
        article = Article.objects.get(slug="harbour-reopens")
        self.assertEqual(
            (article.seo_title, article.social_title, article.seo_description),
            ("Harbour open again", "Ships are back", "After eleven days."),
        )
        self.assertEqual(article.social_image_alt, "Ships at the quay")
        self.assertTrue(article.social_image.name.startswith("social/"))
        self.assertIsNotNone(images.find(article.social_image_renditions, ratio="16x9"))
        change = self.client.get(f"/admin/articles/article/{article.pk}/change/")
        self.assertContains(change, 'alt="The 16:9 crop of the social image"')
        self.assertContains(change, "18 of about 60 characters")  # "Harbour open again"
        self.assertContains(change, "Harbour open again — ")  # the preview's title

    def test_the_form_shows_the_hints_preview_and_their_script(self):
        article = make_article(headline="Bridge reopens", dek="Traffic is back.", slug="bridge")
        response = self.client.get(f"/admin/articles/article/{article.pk}/change/")
        html = response.content.decode()
        self.assertIn("Empty: the headline is used.", html)
        self.assertIn("Empty: the search title or the headline is used.", html)
        self.assertIn("Empty: the standfirst is used.", html)
        self.assertRegex(html, r'aria-describedby="[^"]*id_seo_title_length"')
        self.assertIn(
            '<p class="search-preview__title" data-preview="title">Bridge reopens — ', html
        )
        self.assertIn('data-preview="description">Traffic is back.</p>', html)
        self.assertIn('data-preview="slug">bridge</span>', html)
        self.assertEqual(
            len(re.findall(r'<script src="[^"]*articles/seo-admin\.js" defer>', html)), 1
        )
        self.assertIn("articles/seo-admin.css", html)
        self.assertNotRegex(html, r"<script>|<style|style=\"")  # nothing inline (CSP)

    def test_a_new_article_s_form_has_the_preview_too(self):
        html = self.client.get("/admin/articles/article/add/").content.decode()
        self.assertIn("data-search-preview", html)
        self.assertIn("Empty: the headline is used.", html)

    def test_a_bad_upload_is_refused_with_a_clear_message(self):
        bad = SimpleUploadedFile("card.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")
        response = self.post(social_image=bad, social_image_alt="A card")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="id_social_image_error"')
        self.assertContains(response, "Upload a valid image")
        self.assertFalse(Article.objects.exists())

    def test_a_file_that_is_not_a_picture_by_name_is_refused(self):
        response = self.post(social_image=image_file(name="card.svg"), social_image_alt="A")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "File extension “svg” is not allowed.")
        self.assertFalse(Article.objects.exists())

    def test_a_social_image_needs_alt_text(self):
        response = self.post(social_image=image_file(size=(800, 600)))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Describe the social image for readers who cannot see it.")
        self.assertFalse(Article.objects.exists())


class LengthTests(SimpleTestCase):
    def test_the_hint_counts_what_the_field_holds(self):
        widget = seo.widgets()["seo_title"]
        html = widget.render("seo_title", "x" * 61, attrs={"id": "id_seo_title"})
        self.assertIn("61 of about 60 characters: it may be cut short", html)
        self.assertIn("length-hint--over", html)
        self.assertIn('data-fallback-ids="id_headline"', html)


class ApiTests(ApiTestCase):
    def test_the_api_carries_the_titles_and_description_given(self):
        article = make_article(
            headline="Harbour reopens",
            dek="Ships return.",
            seo_title="Harbour open again",
            social_title="Ships are back",
            seo_description="After eleven days.",
        )
        item = self.get_json(f"/api/articles/{article.pk}/")
        self.assertValidNinjs(item)
        self.assertEqual(
            item["headlines"],
            [
                {"role": "main", "value": "Harbour reopens"},
                {"role": "seo", "value": "Harbour open again"},
                {"role": "social", "value": "Ships are back"},
            ],
        )
        self.assertEqual(
            [(entry["role"], entry["value"]) for entry in item["descriptions"]],
            [("summary", "Ships return."), ("seo", "After eleven days.")],
        )

    def test_without_them_only_the_headline_and_standfirst(self):
        item = self.get_json(f"/api/articles/{make_article(dek='Ships return.').pk}/")
        self.assertEqual([entry["role"] for entry in item["headlines"]], ["main"])
        self.assertEqual([entry["role"] for entry in item["descriptions"]], ["summary"])


class StaleSaveTests(TestCase):
    def test_a_search_title_a_colleague_saved_is_taken_into_a_stale_form(self):
        """The refused save's merge knows the search and social fields: one only the colleague
        changed comes into the editor's form, and is not undone by saving it."""
        article = make_ready_article()
        editor = browser(user_in("Editor", "editor"))
        opened = form_data(editor.get(change_url(article)), "article_form")
        submit(browser(user_in("Editor", "colleague")), change_url(article), seo_title="Theirs")
        refused = post_form(editor, change_url(article), opened, headline="Mine")
        self.assertContains(
            refused, "taken into the form, since you had not changed them: Search title"
        )
        saved = post_form(editor, change_url(article), form_data(refused, "article_form"))
        self.assertEqual(saved.status_code, 302)
        article.refresh_from_db()
        self.assertEqual((article.headline, article.seo_title), ("Mine", "Theirs"))


class DeletionTests(TestCase):
    def test_a_deleted_article_s_social_renditions_go_and_its_upload_stays(self):
        article = make_article(social_image=image_file(size=(800, 600)), social_image_alt="A")
        upload, renditions = (
            article.social_image.name,
            images.file_names(article.social_image_renditions),
        )
        media = Path(settings.MEDIA_ROOT)
        with self.captureOnCommitCallbacks(execute=True):
            article.delete()
        self.assertFalse(any((media / name).exists() for name in renditions))
        self.assertTrue((media / upload).exists(), "kept for a revision to bring back")

    def test_a_withdrawn_article_deleted_takes_its_hidden_renditions_from_private_media(self):
        article = make_article(
            section=make_section(),
            authors=[make_author()],
            social_image=image_file(size=(800, 600)),
            social_image_alt="A",
        )
        renditions = images.file_names(article.social_image_renditions)
        private = Path(settings.ARTICLES_PRIVATE_MEDIA_ROOT)
        with self.captureOnCommitCallbacks(execute=True):
            article.withdraw()
        self.assertTrue(all((private / name).exists() for name in renditions))
        with self.captureOnCommitCallbacks(execute=True):
            Article.objects.get(pk=article.pk).delete()
        self.assertFalse(any((private / name).exists() for name in renditions))
