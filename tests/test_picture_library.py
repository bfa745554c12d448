"""The picture library (``articles.Picture``, ``articles/editorial/picture_admin.py``): the
migration that
made it from captions, uploading and finding pictures in the admin, where each is used, the
refusal to delete one in use, and captions that choose a picture of the library."""

import json
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.utils import timezone

from articles import images
from articles.models import Article, Caption, Picture

from .factories import image_file, make_article, make_caption, make_picture, make_ready_article
from .test_admin import AdminTestCase, inline_management

MIGRATION = ("articles", "0022_pictures")
MOVED = ("image", "image_width", "image_height", "focal_x", "focal_y", "credit", "alt_text")


def files_in(root):
    """Every file under ``root`` with its size and modification time."""
    return {
        path.relative_to(root).as_posix(): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in Path(root).rglob("*")
        if path.is_file()
    }


class PictureMigrationTests(TransactionTestCase):
    """Migration 0022 makes a picture of each caption's image, focal point, renditions, credit
    and alt text, touching no file, and can be undone."""

    # The rows the migrations made (content types) come back as they were, for the tests
    # after this one that restore them too (tests/test_browser.py).
    serialized_rollback = True

    def setUp(self):
        self.executor = MigrationExecutor(connection)
        migration = self.executor.loader.get_migration(*MIGRATION)
        # Its parents: the articles' migration before it, and those of the revisions' tables.
        self.before = [dep for dep in migration.dependencies if dep[1] != "__first__"]
        self.executor.migrate(self.before)
        self.old = self.state(self.before)

    def tearDown(self):
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    def state(self, targets):
        self.executor.loader.build_graph()
        return self.executor.loader.project_state(targets).apps

    def migrate(self, targets):
        self.executor = MigrationExecutor(connection)
        self.executor.migrate(targets)
        return self.state(targets)

    def revision_of(self, caption, **changes):
        """A revision's copy of ``caption`` (as django-reversion keeps it, JSON), with
        ``changes``."""
        ContentType = self.old.get_model("contenttypes", "ContentType")
        Revision = self.old.get_model("reversion", "Revision")
        fields = {f.name: f.value_from_object(caption) for f in caption._meta.concrete_fields}
        fields = fields | changes
        pk = fields.pop("id")
        fields["image"] = str(fields["image"])
        return self.old.get_model("reversion", "Version").objects.create(
            revision=Revision.objects.create(date_created=timezone.now()),
            object_id=str(pk),
            content_type=ContentType.objects.get(app_label="articles", model="caption"),
            db="default",
            format="json",
            serialized_data=json.dumps([{"model": "articles.caption", "pk": pk, "fields": fields}]),
            object_repr=fields["text"],
        )

    def test_each_caption_becomes_a_picture_with_its_files_and_renditions(self):
        Article = self.old.get_model("articles", "Article")
        Caption = self.old.get_model("articles", "Caption")
        article = Article.objects.create(headline="Harbour", slug="harbour", preview_token="t")
        name = default_storage.save("captions/2026/03/ferry.jpg", image_file(size=(1600, 900)))
        renditions = images.make_renditions(name, focal=[0.25, 0.75])
        shown = Caption.objects.create(
            article=article,
            image=name,
            image_width=1600,
            image_height=900,
            focal_x=0.25,
            focal_y=0.75,
            renditions=renditions,
            text="The ferry at dawn.",
            credit="Harbour Daily/Lee Park",
            alt_text="A white ferry at the quay",
            order=0,
        )
        awaiting = Caption.objects.create(
            article=article, text="Its file is still to come.", credit="Agency", order=1
        )
        hidden = {"hidden": {"image": "captions/2026/03/gone.jpg", "renditions": {}}}
        withheld = Caption.objects.create(article=article, renditions=hidden, order=2)
        rows = {c.pk: {f: getattr(c, f) for f in MOVED} for c in (shown, awaiting, withheld)}
        kept = self.revision_of(shown)
        gone = self.revision_of(shown, id=9999, text="A caption deleted since.")
        files = files_in(settings.MEDIA_ROOT)
        self.assertGreater(len(files), 20)  # the upload, its crops, widths and formats

        new = self.migrate([MIGRATION])

        self.assertEqual(files_in(settings.MEDIA_ROOT), files)  # nothing copied, moved or deleted
        Caption = new.get_model("articles", "Caption")
        captions = {c.pk: c for c in Caption.objects.select_related("picture")}
        self.assertEqual(len({c.picture_id for c in captions.values()}), 3)
        for pk, fields in rows.items():
            picture = captions[pk].picture
            with self.subTest(caption=pk):
                self.assertEqual({f: getattr(picture, f) for f in MOVED}, fields)
                self.assertEqual(picture.caption, captions[pk].text)
                self.assertEqual(picture.uploaded_at, article.created_at)
        self.assertEqual(captions[shown.pk].picture.renditions, renditions)
        self.assertEqual(captions[shown.pk].picture.image.name, name)
        self.assertEqual(captions[withheld.pk].picture.renditions, hidden)
        self.assertEqual(captions[awaiting.pk].picture.image.name, "")
        Version = new.get_model("reversion", "Version")
        kept_fields = json.loads(Version.objects.get(pk=kept.pk).serialized_data)[0]["fields"]
        self.assertEqual(
            kept_fields,
            {
                "article": article.pk,
                "picture": captions[shown.pk].picture_id,
                "text": "The ferry at dawn.",
                "order": 0,
            },
        )
        gone_fields = json.loads(Version.objects.get(pk=gone.pk).serialized_data)[0]["fields"]
        made = new.get_model("articles", "Picture").objects.get(pk=gone_fields["picture"])
        self.assertEqual(
            (made.image.name, made.renditions, made.caption),
            (name, renditions, "A caption deleted since."),
        )

        back = self.migrate(self.before)
        Caption = back.get_model("articles", "Caption")
        restored = Caption.objects.get(pk=shown.pk)
        self.assertEqual({f: getattr(restored, f) for f in MOVED}, rows[shown.pk])
        self.assertEqual(restored.renditions, renditions)
        Version = back.get_model("reversion", "Version")
        kept_fields = json.loads(Version.objects.get(pk=kept.pk).serialized_data)[0]["fields"]
        self.assertEqual(kept_fields["image"], name)
        self.assertNotIn("picture", kept_fields)
        self.assertEqual(files_in(settings.MEDIA_ROOT), files)


class PictureLibraryAdminTests(AdminTestCase):
    def test_an_upload_joins_the_library_with_its_focal_point_and_renditions(self):
        response = self.client.post(
            "/admin/articles/picture/add/",
            {
                "image": image_file(size=(1200, 800)),
                "focal_x": "0.2",
                "focal_y": "0.3",
                "caption": "Cranes over the container port.",
                "credit": "Harbour Daily/Lee Park",
                "alt_text": "Three cranes against the sky",
            },
        )
        self.assertEqual(response.status_code, 302)
        picture = Picture.objects.get()
        self.assertEqual((picture.focal_x, picture.focal_y), (0.2, 0.3))
        self.assertEqual(picture.renditions["focal"], [0.2, 0.3])
        self.assertTrue(images.files_exist(picture.renditions))
        self.assertEqual(picture.uploaded_by, self.editor)
        self.assertEqual(len(picture.checksum), 64)
        page = self.client.get(f"/admin/articles/picture/{picture.pk}/change/")
        self.assertContains(page, 'class="focal-picker"')
        self.assertContains(page, "articles/admin/focal-point.js")
        self.assertContains(page, 'alt="16:9 crop"')

    def test_a_new_picture_needs_its_file(self):
        response = self.client.post(
            "/admin/articles/picture/add/", {"focal_x": "0.5", "focal_y": "0.5", "caption": "x"}
        )
        self.assertContains(response, "This field is required.")
        self.assertFalse(Picture.objects.exists())

    def test_a_focal_point_outside_the_picture_is_refused(self):
        response = self.client.post(
            "/admin/articles/picture/add/",
            {"image": image_file(), "focal_x": "1.5", "focal_y": "0.5"},
        )
        self.assertContains(response, "Ensure this value is less than or equal to 1")

    def test_the_list_is_searched_by_caption_and_credit_and_drilled_down_by_date(self):
        make_picture(caption="Cranes over the port", credit="Harbour Daily")
        make_picture(caption="A ferry at dawn", credit="Reuters/Ann Lee")
        for query, expected in (("cranes", "Cranes over the port"), ("reuters", "A ferry at")):
            with self.subTest(query):
                response = self.client.get("/admin/articles/picture/", {"q": query})
                self.assertEqual(response.context["cl"].result_count, 1)
                self.assertContains(response, expected)
        today = Picture.objects.first().uploaded_at
        response = self.client.get(
            "/admin/articles/picture/",
            {"uploaded_at__year": today.year, "uploaded_at__month": today.month},
        )
        self.assertEqual(response.context["cl"].result_count, 2)
        self.assertContains(response, '<nav class="toplinks">')  # the date hierarchy

    def test_the_list_costs_the_same_with_more_pictures(self):
        article = make_article()
        make_caption(article)
        self.client.get("/admin/articles/picture/")
        with self.assertNumQueries(7) as first:
            self.client.get("/admin/articles/picture/")
        for _ in range(10):
            make_caption(make_article())
        with self.assertNumQueries(len(first)):
            self.client.get("/admin/articles/picture/")

    def test_each_picture_shows_the_articles_that_use_it(self):
        picture = make_picture(caption="Cranes")
        first = make_article(headline="Port reopens")
        second = make_article(headline="Cranes arrive")
        for article in (first, second):
            make_caption(article, picture=picture)
        response = self.client.get(f"/admin/articles/picture/{picture.pk}/change/")
        for article in (first, second):
            self.assertContains(
                response,
                f'<a href="/admin/articles/article/{article.pk}/change/">{article.headline}</a>',
                html=True,
            )
        listing = self.client.get("/admin/articles/picture/")
        self.assertContains(listing, '<td class="field-article_count">2</td>', html=True)
        unused = self.client.get("/admin/articles/picture/", {"use": "unused"})
        self.assertEqual(unused.context["cl"].result_count, 0)

    def test_deleting_a_picture_in_use_is_refused_with_the_list_of_articles(self):
        picture = make_picture(caption="Cranes")
        article = make_article(headline="Port reopens")
        make_caption(article, picture=picture)
        url = f"/admin/articles/picture/{picture.pk}/delete/"
        response = self.client.get(url)
        self.assertContains(response, "cannot be deleted: these articles show it")
        self.assertContains(
            response,
            f'<a href="/admin/articles/article/{article.pk}/change/">Port reopens</a>',
            html=True,
        )
        self.assertNotContains(response, "Yes, I’m sure")
        self.client.post(url, {"post": "yes"})
        self.assertTrue(Picture.objects.filter(pk=picture.pk).exists())
        selected = self.client.post(
            "/admin/articles/picture/",
            {"action": "delete_selected", "_selected_action": [picture.pk]},
        )
        self.assertContains(selected, "The selected pictures cannot be deleted")
        self.assertContains(selected, "Port reopens")

    def test_a_picture_placed_in_a_body_is_used_and_protected_there_too(self):
        picture = make_picture(caption="Cranes")
        article = make_article(
            headline="Cranes arrive",
            body=f'<p>Text.</p><figure data-picture="{picture.pk}"></figure>',
        )
        make_article(headline="Another story", body='<figure data-picture="999"></figure>')
        self.assertEqual(list(picture.articles()), [article])
        page = self.client.get(f"/admin/articles/picture/{picture.pk}/change/")
        self.assertContains(page, "Cranes arrive")
        self.assertNotContains(page, "Another story")
        url = f"/admin/articles/picture/{picture.pk}/delete/"
        self.assertContains(self.client.get(url), "cannot be deleted: these articles show it")
        self.client.post(url, {"post": "yes"})
        self.assertTrue(Picture.objects.filter(pk=picture.pk).exists())

    def test_a_picture_in_no_article_is_deleted_with_its_renditions(self):
        picture = make_picture(image=image_file(size=(800, 600)))
        names = images.file_names(picture.renditions)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                f"/admin/articles/picture/{picture.pk}/delete/", {"post": "yes"}
            )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Picture.objects.exists())
        self.assertFalse(any(default_storage.exists(name) for name in names))


class CaptionFromTheLibraryTests(AdminTestCase):
    def form(self, article, **caption):
        data = self.article_form(**caption)
        data.update(
            {
                "headline": article.headline,
                "slug": article.slug,
                "status": Article.Status.DRAFT,
                "edit_version": str(article.edit_version),
            }
        )
        return data

    def caption_fields(self, **fields):
        return {
            **inline_management("captions", 1),
            "captions-0-order": "0",
            "captions-0-image": "",
            "captions-0-credit": "",
            "captions-0-alt_text": "",
            **{f"captions-0-{name}": value for name, value in fields.items()},
        }

    def test_a_caption_chooses_a_library_picture_with_its_own_words(self):
        picture = make_picture(
            image=image_file(), caption="Cranes at dawn.", credit="Agency", alt_text="Cranes"
        )
        response = self.client.post(
            "/admin/articles/article/add/",
            self.article_form(**self.caption_fields(picture=picture.pk, text="")),
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        caption = Caption.objects.get()
        self.assertEqual(caption.picture, picture)
        self.assertEqual(caption.text, "Cranes at dawn.")  # the picture's, left empty
        self.assertEqual(Picture.objects.count(), 1)

    def test_the_picture_field_is_an_autocomplete_of_the_library(self):
        make_picture(caption="Cranes at dawn.")
        page = self.client.get("/admin/articles/article/add/")
        self.assertContains(page, 'class="admin-autocomplete"')
        self.assertContains(page, 'data-field-name="picture"')
        found = self.client.get(
            "/admin/autocomplete/",
            {
                "term": "cranes",
                "app_label": "articles",
                "model_name": "caption",
                "field_name": "picture",
            },
        )
        self.assertEqual([r["text"] for r in found.json()["results"]], ["Cranes at dawn."])

    def test_choosing_and_uploading_at_once_is_refused(self):
        picture = make_picture(image=image_file())
        data = self.article_form(**self.caption_fields(picture=picture.pk, text="Cranes"))
        data["captions-0-image"] = image_file()
        response = self.client.post("/admin/articles/article/add/", data)
        self.assertContains(response, "not both")
        self.assertFalse(Caption.objects.exists())

    def test_a_published_article_refuses_a_library_picture_without_alt_text(self):
        picture = make_picture(image=image_file(), alt_text="")
        article = make_ready_article()
        data = self.article_form(**self.caption_fields(picture=picture.pk, text="Cranes"))
        response = self.client.post(
            f"/admin/articles/article/{article.pk}/change/",
            data | {"edit_version": str(article.edit_version)},
        )
        self.assertContains(response, "alt text on every captioned image")
