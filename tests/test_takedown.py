"""A takedown is the same everywhere at once: a withdrawn article answers 410 by its address and
by its id in the API, leaves feeds, sitemaps and search, takes with it the pages and feeds of
an author or tag only it named, and its pictures leave public media until it is reinstated
(``articles/editorial/takedown.py``)."""

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import reversion
from defusedxml import ElementTree
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.test import RequestFactory, TestCase, override_settings
from django.views.static import serve
from reversion.models import Version

from articles import caching, images
from articles.editorial import takedown
from articles.models import Article, Caption, Picture
from articles.reader.api import openapi_document

from .factories import image_file, make_article, make_author, make_caption, make_section

FEEDS = ("rss", "atom", "json")


class WithdrawnSurfaceTests(TestCase):
    """``gone`` shares its author Jane, its tag "Shared" and its section World with ``kept``;
    the author Solo and the tag "Solo" are named only by withdrawn articles, and the section
    Lonely holds only a withdrawn one."""

    @classmethod
    def setUpTestData(cls):
        world, lonely = make_section(slug="world"), make_section(slug="lonely")
        jane, solo = make_author(slug="jane"), make_author(slug="solo")
        cls.kept = make_article(
            headline="Kept story", section=world, authors=[jane], tags=["Shared"]
        )
        cls.gone = make_article(
            headline="Gone story", section=world, authors=[jane, solo], tags=["Shared", "Solo"]
        )
        cls.alone = make_article(
            headline="Alone story", section=lonely, authors=[solo], tags=["Solo"]
        )
        for article in (cls.gone, cls.alone):
            article.withdraw()
        cls.draft = make_article(status=Article.Status.DRAFT, section=world, authors=[jane])

    def assertNotListed(self, content):
        for article in (self.gone, self.alone):
            self.assertNotIn(article.headline, content)
            self.assertNotIn(article.get_absolute_url(), content)

    def test_the_page_and_the_api_answer_410_gone(self):
        self.assertEqual(self.client.get(self.gone.get_absolute_url()).status_code, 410)
        response = self.client.get(f"/api/articles/{self.gone.pk}/")
        self.assertEqual(response.status_code, 410)
        self.assertEqual(response["Content-Type"], "application/problem+json")
        self.assertEqual(
            {key: response.json()[key] for key in ("type", "title", "status")},
            {"type": "about:blank", "title": "Gone", "status": 410},
        )
        self.assertNotContains(response, self.gone.headline, status_code=410)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")

    def test_other_articles_that_are_not_public_still_answer_404(self):
        for url in (f"/api/articles/{self.draft.pk}/", "/api/articles/999999/"):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.json()["status"], 404)

    def test_the_openapi_description_documents_the_410(self):
        responses = openapi_document()["paths"]["/articles/{id}/"]["get"]["responses"]
        self.assertEqual(responses["410"], {"$ref": "#/components/responses/Gone"})
        self.assertIn("Gone", openapi_document()["components"]["responses"])

    def test_an_author_or_tag_only_withdrawn_articles_name_has_no_page_feed_or_api(self):
        for scope in ("/authors/solo/", "/tags/solo/"):
            for url in (scope, *(f"{scope}feeds/{format}/" for format in FEEDS)):
                with self.subTest(url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 404)
                    self.assertNotListed(response.content.decode())
            with self.subTest(api=scope):
                self.assertEqual(self.client.get(f"/api{scope}").status_code, 404)
        self.assertEqual(self.client.get("/api/articles/?author=solo").status_code, 404)
        self.assertEqual(self.client.get("/api/articles/?tag=solo").status_code, 404)

    def test_an_author_tag_or_section_others_name_lists_only_the_others(self):
        for scope in ("/authors/jane/", "/tags/shared/", "/sections/world/", "/"):
            for url in (scope, *(f"{scope}feeds/{format}/" for format in FEEDS)):
                with self.subTest(url):
                    response = self.client.get(url)
                    self.assertContains(response, "Kept story")
                    self.assertNotListed(response.content.decode())
        items = json.loads(self.client.get("/authors/jane/feeds/json/").content)["items"]
        self.assertEqual([item["title"] for item in items], ["Kept story"])

    def test_a_section_feed_is_gone_once_nothing_public_is_filed_there(self):
        """A section page exists with or without public articles (it is in the navigation);
        its feeds exist only while a public article is filed in it."""
        self.assertEqual(self.client.get("/sections/lonely/").status_code, 200)
        for format in FEEDS:
            with self.subTest(format):
                response = self.client.get(f"/sections/lonely/feeds/{format}/")
                self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.get("/sections/nowhere/feeds/rss/").status_code, 404)

    def test_sitemaps_and_search_leave_it_out(self):
        locations = self.sitemap_locations()
        self.assertIn(self.kept.get_absolute_url(), locations)
        self.assertIn("/authors/jane/", locations)
        for path in (
            self.gone.get_absolute_url(),
            self.alone.get_absolute_url(),
            "/authors/solo/",
            "/tags/solo/",
            "/sections/lonely/",
        ):
            with self.subTest(path):
                self.assertNotIn(path, locations)
        for query in ("Gone", "Alone", "story"):
            with self.subTest(query):
                response = self.client.get(f"/search/?q={query}")
                self.assertNotListed(response.content.decode())
        self.assertEqual(response.context["paginator"].count, 1)

    def sitemap_locations(self):
        pending, seen = ["/sitemap.xml", "/news-sitemap.xml"], set()
        while pending:
            response = self.client.get(pending.pop())
            self.assertEqual(response.status_code, 200)
            self.assertNotListed(response.content.decode())
            for element in ElementTree.fromstring(response.content).iter():
                if element.tag.endswith("}loc"):
                    path = urlsplit(element.text).path
                    if path.endswith(".xml") and path not in seen:
                        pending.append(path)
                    seen.add(path)
        return seen


def picture_names(picture):
    """The uploaded image and every rendition file of a picture as it is shown."""
    return [picture.image.name, *images.file_names(picture.renditions)]


def picture_names_of(hidden):
    """The same of a hidden picture (``takedown.hidden_picture()``)."""
    return [hidden["image"], *images.file_names(hidden["renditions"])]


class PictureTakedownTests(TestCase):
    """The files themselves: uploads and renditions move between public and private media."""

    def setUp(self):
        self.article = make_article(
            section=make_section(), authors=[make_author()], headline="Harbour story"
        )
        self.pictures = [
            make_caption(
                self.article,
                image=image_file(size=size),
                alt_text="The harbour",
                text=f"Picture {order}",
                order=order,
            ).picture
            for order, size in enumerate([(1600, 900), (800, 600)])
        ]
        self.names = [name for picture in self.pictures for name in picture_names(picture)]
        self.media = Path(settings.MEDIA_ROOT)
        self.private = Path(settings.ARTICLES_PRIVATE_MEDIA_ROOT)

    def assertPublic(self, names, public=True):
        for name in names:
            with self.subTest(name=name, public=public):
                self.assertEqual((self.media / name).exists(), public)
                self.assertEqual((self.private / name).exists(), not public)

    def served(self, name):
        """Django's media serving (``static()`` in DEBUG) of ``name``: its status."""
        request = RequestFactory().get(f"/media/{name}")
        try:
            response = serve(request, name, document_root=settings.MEDIA_ROOT)
        except Http404:
            return 404
        # Only the file: closing the response would signal the request's end, and Django then
        # closes a database connection found inside a transaction (the test's).
        response.file_to_stream.close()
        return response.status_code

    def saved_pictures(self):
        return list(Picture.objects.filter(pk__in=[p.pk for p in self.pictures]).order_by("pk"))

    def withdraw(self, article=None):
        with self.captureOnCommitCallbacks(execute=True):
            (article or self.article).withdraw()

    def reinstate(self, article=None):
        with self.captureOnCommitCallbacks(execute=True):
            (article or self.article).reinstate()

    def test_withdrawal_moves_every_picture_out_of_public_media(self):
        self.assertGreater(len(self.names), 40)  # each upload, its crops, widths and formats
        self.withdraw()
        self.assertPublic(self.names, public=False)
        self.assertEqual({self.served(name) for name in self.names}, {404})
        for picture, before in zip(self.saved_pictures(), self.pictures, strict=True):
            self.assertEqual(picture.image.name, "")
            self.assertEqual(
                takedown.hidden_picture(picture),
                {"image": before.image.name, "renditions": before.renditions},
            )

    def test_reinstatement_brings_them_back_at_the_same_addresses(self):
        page = self.client.get(self.article.get_absolute_url()).content.decode()
        self.withdraw()
        self.reinstate()
        self.assertPublic(self.names)
        self.assertEqual({self.served(name) for name in self.names}, {200})
        for picture, before in zip(self.saved_pictures(), self.pictures, strict=True):
            self.assertEqual(
                (picture.image.name, picture.renditions), (before.image.name, before.renditions)
            )
        self.assertEqual(self.client.get(self.article.get_absolute_url()).content.decode(), page)

    def test_the_staff_preview_of_a_withdrawn_article_shows_captions_without_pictures(self):
        self.withdraw()
        self.client.force_login(get_user_model().objects.create_superuser("ed", password="pw"))
        for url in (f"/preview/{self.article.pk}/", self.article.get_absolute_url()):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertContains(response, "Picture 0")
                self.assertContains(response, "Picture 1")
                for name in self.names:
                    self.assertNotContains(response, name)

    def test_hide_and_show_are_idempotent_and_finish_an_interrupted_run(self):
        takedown.hide_pictures(self.article)
        os.replace(self.private / self.names[3], self.media / self.names[3])  # left behind
        takedown.hide_pictures(self.article)
        takedown.hide_pictures(self.article)
        self.assertPublic(self.names, public=False)
        takedown.show_pictures(self.article)
        os.replace(self.media / self.names[0], self.private / self.names[0])  # left behind
        takedown.show_pictures(self.article)
        takedown.show_pictures(self.article)
        self.assertPublic(self.names)
        self.assertEqual(
            [picture_names(picture) for picture in self.saved_pictures()],
            [picture_names(picture) for picture in self.pictures],
        )

    def test_each_makes_cached_pages_stale_once_it_commits(self):
        for move in (takedown.hide_pictures, takedown.show_pictures):
            with self.subTest(move.__name__):
                before = caching.content_version()
                with self.captureOnCommitCallbacks(execute=True):
                    move(self.article)
                self.assertNotEqual(caching.content_version(), before)

    def test_a_library_picture_another_article_shows_stays_public(self):
        """Hidden only once every article showing it is withdrawn; back as soon as one of
        them is reinstated."""
        lead = self.pictures[0]
        other = make_article(section=make_section(), authors=[make_author()])
        make_caption(other, picture=lead, text="The same picture, reused")
        shared = picture_names(lead)
        self.withdraw()
        self.assertPublic(shared)
        self.assertPublic(self.names[len(shared) :], public=False)
        self.assertEqual(self.client.get(other.get_absolute_url()).status_code, 200)
        self.assertContains(self.client.get(other.get_absolute_url()), lead.rendition().url)
        self.withdraw(other)
        self.assertPublic(self.names, public=False)
        self.reinstate(other)
        self.assertPublic(shared)
        self.assertPublic(self.names[len(shared) :], public=False)
        self.reinstate()
        self.assertPublic(self.names)

    def test_a_picture_another_article_places_in_its_body_stays_public(self):
        lead = self.pictures[0]
        make_article(body=f'<p>Text.</p><figure data-picture="{lead.pk}"></figure>')
        self.withdraw()
        self.assertPublic(picture_names(lead))
        self.assertPublic(picture_names(self.pictures[1]), public=False)

    def test_a_picture_put_in_a_public_article_leaves_private_media(self):
        self.withdraw()
        lead = Picture.objects.get(pk=self.pictures[0].pk)
        other = make_article(section=make_section(), authors=[make_author()])
        with self.captureOnCommitCallbacks(execute=True):
            make_caption(other, picture=lead)
        self.assertPublic(picture_names(self.pictures[0]))

    def test_an_upload_another_picture_names_is_copied_not_moved(self):
        """Two pictures naming the same upload (captions copied before the library, a picture
        each since its migration): the file is copied to private media, and leaves it when no
        hidden picture needs it any more."""
        lead = self.pictures[0]
        other = make_article(section=make_section(), authors=[make_author()])
        make_caption(other, image=lead.image.name, renditions=lead.renditions, alt_text="Copy")
        shared = picture_names(lead)
        self.withdraw()
        self.assertPublic(self.names[len(shared) :], public=False)
        for name in shared:
            self.assertTrue((self.media / name).exists())
            self.assertTrue((self.private / name).exists())
        self.reinstate()
        self.assertPublic(self.names)

    def test_a_picture_taken_out_of_a_withdrawn_article_stays_hidden(self):
        """Its caption deleted, and restored from a revision, the picture stays hidden until
        the article is reinstated."""
        lead = self.pictures[0]
        caption = Caption.objects.get(picture=lead)
        with reversion.create_revision():
            caption.save()
        self.withdraw()
        with self.captureOnCommitCallbacks(execute=True):
            caption.delete()
        self.assertPublic(picture_names(lead), public=False)
        with self.captureOnCommitCallbacks(execute=True):
            Version.objects.get_for_model(Caption).get().revert()
        self.assertPublic(picture_names(lead), public=False)
        self.reinstate()
        self.assertPublic(self.names)

    def test_a_picture_uploaded_to_a_withdrawn_article_is_hidden_at_once(self):
        self.withdraw()
        article = Article.objects.get(pk=self.article.pk)
        with self.captureOnCommitCallbacks(execute=True):
            caption = make_caption(article, image=image_file(size=(640, 480)), order=2)
        picture = Picture.objects.get(pk=caption.picture_id)
        self.assertEqual(picture.image.name, "")
        self.assertPublic(picture_names_of(takedown.hidden_picture(picture)), public=False)
        self.reinstate()
        picture.refresh_from_db()
        self.assertPublic(picture_names(picture))

    def test_a_new_file_for_a_hidden_picture_is_hidden_at_once(self):
        self.withdraw()
        picture = Picture.objects.get(pk=self.pictures[1].pk)
        with self.captureOnCommitCallbacks(execute=True):
            picture.image = image_file(size=(640, 480))
            picture.save()
        picture.refresh_from_db()
        self.assertEqual(picture.image.name, "")
        self.assertPublic(picture_names_of(takedown.hidden_picture(picture)), public=False)

    def test_the_private_root_defaults_beside_media_and_never_inside_it(self):
        with override_settings(ARTICLES_PRIVATE_MEDIA_ROOT=None):
            location = Path(takedown.private_storage().location)
            self.assertEqual(location, self.media.parent / "private-media")
        inside = override_settings(ARTICLES_PRIVATE_MEDIA_ROOT=self.media / "hidden")
        with inside, self.assertRaises(ImproperlyConfigured):
            takedown.private_storage()
