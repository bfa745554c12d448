"""Renditions of large pictures made in the background (``Picture.renders_later()``,
``articles.tasks.make_picture_renditions``): a large upload through the library waits for a
worker while pages show its original, then cached pages show the renditions at once; a small
one gets its renditions as it is saved; a failing task is retried, then listed on the
dashboard; the task of a picture deleted meanwhile does nothing."""

from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client, SimpleTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from articles import images
from articles.models import Caption, Picture
from articles.tasks import failed_tasks

from .factories import image_file, make_article
from .test_admin import AdminTestCase
from .test_tasks import DATABASE_QUEUE, run_worker

ADD_URL = "/admin/articles/picture/add/"
LIMIT = 1_000_000  # pixels: the tests' ARTICLES_BACKGROUND_RENDITIONS_PIXELS, small to be quick
LARGE = (1600, 1000)
SMALL = (800, 500)


def picture_form(**fields):
    return {
        "focal_x": "0.5",
        "focal_y": "0.5",
        "caption": "Cranes over the container port.",
        "credit": "Harbour Daily/Lee Park",
        "alt_text": "Three cranes against the sky",
    } | fields


def change_url(picture):
    return f"/admin/articles/picture/{picture.pk}/change/"


@pytest.mark.page_cache
@override_settings(ARTICLES_BACKGROUND_RENDITIONS_PIXELS=LIMIT, ARTICLES_TASK_RETRY_SECONDS=0)
class BackgroundRenditionTests(AdminTestCase):
    def setUp(self):
        super().setUp()
        # Here, not on the class: tests/conftest.py sets the immediate backend after it.
        queue = self.settings(TASKS=DATABASE_QUEUE)
        queue.enable()
        self.addCleanup(queue.disable)
        self.reader = Client()

    def upload(self, size):
        """A picture added through the library's form, its save committed."""
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(ADD_URL, picture_form(image=image_file(size=size)))
        self.assertEqual(response.status_code, 302)
        return Picture.objects.get()

    def work(self):
        """A worker runs what is queued, its writes committed."""
        with self.captureOnCommitCallbacks(execute=True):
            run_worker()

    def read(self, url):
        """The page as an anonymous reader gets it, and the queries it took."""
        with CaptureQueriesContext(connection) as queries:
            response = self.reader.get(url)
        self.assertEqual(response.status_code, 200)
        return response, len(queries)

    def test_a_large_upload_waits_for_a_worker_while_pages_show_the_original(self):
        picture = self.upload(LARGE)
        self.assertEqual(picture.renditions, {})
        self.assertEqual(len(picture.checksum), 64)
        self.assertNotIn("renditions", default_storage.listdir("")[0])
        queued = DBTaskResult.objects.get()
        self.assertEqual(queued.task_path, "articles.tasks.make_picture_renditions")
        self.assertEqual(queued.args_kwargs, {"args": [picture.pk], "kwargs": {}})
        self.assertEqual(queued.status, TaskResultStatus.READY)
        self.assertContains(self.client.get(change_url(picture)), "Being made in the background")
        article = make_article(headline="Cranes arrive")
        with self.captureOnCommitCallbacks(execute=True):
            Caption.objects.create(article=article, picture=picture)
        url = article.get_absolute_url()

        page, _ = self.read(url)
        self.assertContains(page, f'src="{picture.image.url}"')
        self.assertContains(page, 'width="1600" height="1000"')
        self.assertNotContains(page, "/renditions/")
        self.assertEqual(self.read(url)[1], 0)  # served from the page cache

        self.work()

        queued.refresh_from_db()
        self.assertEqual(queued.status, TaskResultStatus.SUCCESSFUL)
        picture.refresh_from_db()
        self.assertEqual(picture.renditions["source"], picture.image.name)
        self.assertTrue(images.files_exist(picture.renditions))
        page, _ = self.read(url)  # the content version moved: the cached page is gone
        self.assertContains(page, f'src="{picture.rendition(width=1200).url}"')
        self.assertContains(page, picture.rendition(fmt="webp", width=480).url)
        self.assertNotContains(page, f'src="{picture.image.url}"')
        self.assertContains(self.client.get(change_url(picture)), 'alt="16:9 crop"')
        self.assertEqual(list(failed_tasks()), [])

    def test_a_small_upload_gets_its_renditions_as_it_is_saved(self):
        picture = self.upload(SMALL)
        self.assertEqual(picture.renditions["source"], picture.image.name)
        self.assertTrue(images.files_exist(picture.renditions))
        self.assertFalse(DBTaskResult.objects.exists())

    def test_a_failing_rendition_task_is_retried_then_listed_on_the_dashboard(self):
        picture = self.upload(LARGE)
        with mock.patch.object(images, "make_renditions", side_effect=OSError("disk full")):
            self.work()

        attempts = DBTaskResult.objects.order_by("enqueued_at")
        self.assertEqual(
            [(a.status, a.args_kwargs["kwargs"]) for a in attempts],
            [
                (TaskResultStatus.FAILED, {}),
                (TaskResultStatus.FAILED, {"attempt": 2}),
                (TaskResultStatus.FAILED, {"attempt": 3}),
            ],
        )
        self.assertEqual(attempts[0].exception_class_path, "articles.tasks.Retried")
        self.assertEqual(list(failed_tasks()), [attempts[2]])
        dashboard = self.client.get("/admin/")
        self.assertContains(dashboard, "<caption>Failed background work</caption>", html=False)
        self.assertContains(dashboard, f"make_picture_renditions({picture.pk})")
        self.assertContains(dashboard, "OSError: disk full")
        picture.refresh_from_db()
        self.assertEqual(picture.renditions, {})  # pages go on showing the original

    def test_the_task_of_a_picture_deleted_meanwhile_does_nothing(self):
        picture = self.upload(LARGE)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/admin/articles/picture/{picture.pk}/delete/", {"post": "yes"})
        self.assertFalse(Picture.objects.exists())

        with mock.patch.object(images, "make_renditions") as make:
            self.work()

        make.assert_not_called()
        self.assertEqual(DBTaskResult.objects.get().status, TaskResultStatus.SUCCESSFUL)
        self.assertEqual(list(failed_tasks()), [])
        self.assertNotIn("renditions", default_storage.listdir("")[0])

    def test_a_new_focal_point_keeps_the_crops_until_the_worker_replaces_them(self):
        picture = self.upload(LARGE)
        self.work()
        picture.refresh_from_db()
        old = picture.renditions

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(change_url(picture), picture_form(focal_x="0.2"))

        picture.refresh_from_db()
        self.assertEqual(picture.renditions, old)  # pages keep showing the crops they have
        self.assertEqual(
            DBTaskResult.objects.filter(status=TaskResultStatus.READY).get().args_kwargs,
            {"args": [picture.pk], "kwargs": {}},
        )
        self.work()
        picture.refresh_from_db()
        self.assertEqual(picture.renditions["focal"], [0.2, 0.5])
        self.assertTrue(images.files_exist(picture.renditions))
        self.assertFalse(images.files_exist(old))  # replaced: deleted once the save committed

    def test_renditions_of_an_image_replaced_meanwhile_are_thrown_away(self):
        picture = self.upload(LARGE)
        read_by_worker = Picture.objects.get(pk=picture.pk)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(change_url(picture), picture_form(image=image_file(size=SMALL)))
        replaced = Picture.objects.get(pk=picture.pk)
        self.assertTrue(images.files_exist(replaced.renditions))

        with self.captureOnCommitCallbacks(execute=True):
            read_by_worker.finish_renditions()

        self.assertEqual(Picture.objects.get(pk=picture.pk).renditions, replaced.renditions)
        self.assertFalse(images.files_exist(read_by_worker.renditions))
        self.assertTrue(images.files_exist(replaced.renditions))

    def test_a_large_upload_in_an_articles_caption_waits_for_the_worker_too(self):
        data = self.article_form(**{"captions-0-image": image_file(size=LARGE)})
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post("/admin/articles/article/add/", data)
        self.assertEqual(response.status_code, 302)
        picture = Picture.objects.get()
        self.assertEqual(picture.renditions, {})
        self.assertTrue(picture.renders_later())
        self.work()
        picture.refresh_from_db()
        self.assertFalse(picture.renders_later())
        self.assertTrue(images.files_exist(picture.renditions))


@override_settings(ARTICLES_BACKGROUND_RENDITIONS_PIXELS=LIMIT)
class ImmediateBackendTests(AdminTestCase):
    """Without a queue (TASKS_BACKEND=immediate), the task runs once the save commits."""

    def test_a_large_upload_gets_its_renditions_once_the_save_commits(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(ADD_URL, picture_form(image=image_file(size=LARGE)))
        picture = Picture.objects.get()
        self.assertEqual(picture.renditions["source"], picture.image.name)
        self.assertTrue(images.files_exist(picture.renditions))


class LimitTests(SimpleTestCase):
    def test_a_photo_is_large_and_a_picture_cut_for_the_web_is_not(self):
        def picture(width, height):
            return Picture(image="pictures/a.jpg", image_width=width, image_height=height)

        self.assertTrue(picture(4032, 3024).is_large())  # a phone's 12 megapixels
        self.assertTrue(picture(2400, 1600).is_large())
        self.assertFalse(picture(2000, 1500).is_large())  # the limit itself
        self.assertFalse(picture(1600, 1200).is_large())
        with override_settings(ARTICLES_BACKGROUND_RENDITIONS_PIXELS=None):
            self.assertFalse(picture(4032, 3024).is_large())
