"""The admin's "Import articles" page: upload, the dry run's table, confirm, the import as a
task (at once here: the immediate backend; tests/test_tasks.py runs the queue), its progress
on the ImportRun's page; a Writer's drafts; bad uploads refused whole."""

import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from articles.editorial.takedown import private_storage
from articles.importers import uploads
from articles.models import Article, ImportedFile, ImportRun

from .test_workflow import user_in

FIXTURES = Path(__file__).parent / "importers"
IMPORT_URL = reverse("admin:articles_importrun_import")
HARBOUR = """Harbour bridge approved

By Jane Doe

The council approved the harbour bridge on Thursday.

Work starts in March.
"""
MARKET = """Market hall reopens

By John Roe

The market hall reopened after a year of repairs.
"""


def text_file(name, text):
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def fixture(relative):
    path = FIXTURES / relative
    return SimpleUploadedFile(path.name, path.read_bytes())


def zip_of(name="stories.zip", **members):
    """A zip of ``members`` (name: text); ``name__`` keys stand for names with slashes."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for member, text in members.items():
            archive.writestr(member.replace("__", "/"), text)
    return SimpleUploadedFile(name, data.getvalue(), content_type="application/zip")


class ImportPageTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = user_in("Editor", "editor")
        cls.writer = user_in("Writer", "writer")

    def setUp(self):
        self.client.force_login(self.editor)

    def upload(self, *files, keep="draft"):
        return self.client.post(IMPORT_URL, {"files": list(files), "keep": keep})

    def preview(self, response):
        """The dry run's rows: {file: row} from the page's context."""
        self.assertEqual(response.status_code, 200)
        self.assertIsNotNone(response.context["rows"], response.context["form"].errors)
        return {row["file"]: row for row in response.context["rows"]}

    def confirm(self, response):
        confirm = response.context["confirm"]
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                IMPORT_URL, {"token": confirm["token"].value(), "keep": confirm["keep"].value()}
            )

    def import_files(self, *files, keep="draft"):
        """Upload, confirm; returns (the dry run's rows, the ImportRun)."""
        preview = self.upload(*files, keep=keep)
        rows = self.preview(preview)
        done = self.confirm(preview)
        run = ImportRun.objects.latest()
        self.assertRedirects(done, reverse("admin:articles_importrun_change", args=[run.pk]))
        return rows, run


class UploadEachFormatTests(ImportPageTestCase):
    def test_the_import_list_offers_the_page(self):
        page = self.client.get(reverse("admin:articles_importrun_changelist"))
        self.assertContains(page, f'href="{IMPORT_URL}"')
        self.assertContains(self.client.get(IMPORT_URL), 'type="file"')

    def test_text_files_preview_then_import(self):
        rows, run = self.import_files(
            text_file("harbour.txt", HARBOUR), text_file("market.txt", MARKET)
        )
        self.assertEqual(
            rows["harbour.txt"],
            {
                "file": "harbour.txt",
                "headline": "Harbour bridge approved",
                "byline": "Jane Doe",
                "pictures": 0,
                "captions": 0,
                "warnings": [],
                "error": "",
                "action": "created",
            },
        )
        self.assertEqual(rows["market.txt"]["byline"], "John Roe")
        run.refresh_from_db()
        self.assertEqual((run.created, run.done, run.total, run.error), (2, 2, 2, ""))
        self.assertIsNotNone(run.finished_at)
        self.assertEqual(run.user, self.editor)
        self.assertEqual(
            sorted(run.files.values_list("path", "action")),
            [("harbour.txt", "created"), ("market.txt", "created")],
        )
        self.assertFalse(
            uploads.user_folder(self.editor).exists()
            and any(uploads.user_folder(self.editor).iterdir()),
            "the upload is removed once imported",
        )

    def test_a_zip_of_text_files(self):
        rows, run = self.import_files(
            zip_of(**{"harbour.txt": HARBOUR, "desk__market.txt": MARKET})
        )
        self.assertEqual(rows["desk/market.txt"]["headline"], "Market hall reopens")
        self.assertEqual(rows["harbour.txt"]["action"], "created")
        self.assertEqual(
            sorted(run.files.values_list("path", flat=True)), ["desk/market.txt", "harbour.txt"]
        )

    def test_a_wordpress_export(self):
        rows, run = self.import_files(fixture("wxr/gazette.xml"), keep="files")
        ferry = next(row for name, row in rows.items() if row["headline"].startswith("Ferry"))
        self.assertTrue(ferry["file"].startswith("gazette.xml#post-"))
        self.assertEqual(ferry["action"], "created")
        self.assertIn("skipped", {row["action"] for row in rows.values()})  # attachments
        self.assertEqual(
            dict(run.files.values_list("path", "action")),
            {name: row["action"] for name, row in rows.items() if row["action"] != "skipped"},
            "the dry run predicted what the import did",
        )
        self.assertTrue(Article.objects.published().filter(headline=ferry["headline"]).exists())

    def test_a_wordpress_export_with_its_pictures_in_a_zip(self):
        export = (FIXTURES / "wxr" / "gazette.xml").read_text()
        picture = (Path(__file__).parent / "factories.py").read_bytes()  # any bytes will do
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as bundle:
            bundle.writestr("gazette.xml", export)
            bundle.writestr("wp-content/uploads/2024/05/ferry.jpg", picture)
        rows = self.preview(
            self.upload(SimpleUploadedFile("site.zip", archive.getvalue()), keep="files")
        )
        ferry = next(row for row in rows.values() if row["headline"].startswith("Ferry"))
        self.assertEqual(ferry["pictures"], 1, ferry["warnings"])

    def test_ninjs(self):
        rows, run = self.import_files(fixture("ninjs/single.json"))
        (row,) = rows.values()
        self.assertEqual(row["file"], "single.json#item-1")
        self.assertTrue(row["headline"].startswith("Engineers close Quay Street"))
        run.refresh_from_db()
        self.assertEqual(run.created, 1)

    def test_the_preview_writes_nothing(self):
        self.preview(self.upload(text_file("harbour.txt", HARBOUR)))
        self.assertFalse(Article.objects.exists())
        self.assertFalse(ImportRun.objects.exists())


class DryRunMatchesTheImportTests(ImportPageTestCase):
    """The dry run's table is what the import does: the same pipeline, the loader's own
    prediction."""

    def test_each_predicted_action_is_what_the_import_did(self):
        self.import_files(text_file("harbour.txt", HARBOUR), text_file("market.txt", MARKET))
        changed_here = Article.objects.get(headline="Market hall reopens")
        changed_here.dek = "Changed at the desk."
        changed_here.save(by=self.editor)
        files = [
            text_file("harbour.txt", HARBOUR),  # unchanged
            text_file("market.txt", MARKET + "\nMore.\n"),  # changed here too: a conflict
            text_file("ferry.txt", "Ferry returns\n\nBy Lina Ortiz\n\nThe ferry is back.\n"),
            text_file("empty.txt", "   \n"),  # fails
        ]
        rows, run = self.import_files(*files)
        predicted = {name: row["action"] for name, row in rows.items()}
        self.assertEqual(
            predicted,
            {
                "harbour.txt": "unchanged",
                "market.txt": "conflict",
                "ferry.txt": "created",
                "empty.txt": "failed",
            },
        )
        self.assertEqual(dict(run.files.values_list("path", "action")), predicted)
        again = self.preview(self.upload(text_file("harbour.txt", HARBOUR)))
        self.assertEqual(again["harbour.txt"]["action"], "unchanged")

    def test_an_updated_file(self):
        self.import_files(text_file("harbour.txt", HARBOUR))
        rows, run = self.import_files(text_file("harbour.txt", HARBOUR + "\nA new line.\n"))
        self.assertEqual(rows["harbour.txt"]["action"], "updated")
        self.assertEqual(run.files.get().action, ImportedFile.Action.UPDATED)


class ProgressTests(ImportPageTestCase):
    def test_the_run_page_shows_progress_and_each_file(self):
        _, run = self.import_files(text_file("harbour.txt", HARBOUR))
        page = self.client.get(reverse("admin:articles_importrun_change", args=[run.pk]))
        self.assertContains(page, 'id="import-progress"')
        self.assertContains(page, "Finished: 1 of 1 files (1 created")
        self.assertNotContains(page, "data-running")
        self.assertContains(page, "harbour.txt")
        self.assertContains(page, "articles/import-progress.js")
        progress = self.client.get(reverse("admin:articles_importrun_progress", args=[run.pk]))
        self.assertEqual(progress.json()["running"], False)

    def test_a_queued_run_says_so_and_refreshes(self):
        run = ImportRun.objects.create(command="queued", user=self.editor, upload="x")
        url = reverse("admin:articles_importrun_progress", args=[run.pk])
        self.assertEqual(
            self.client.get(url).json(),
            {
                "done": 0,
                "total": 0,
                "running": True,
                "text": "Waiting for a worker to start the import…",
            },
        )
        ImportRun.objects.filter(pk=run.pk).update(done=250, total=1000)
        self.assertEqual(self.client.get(url).json()["text"], "Importing: 250 of 1000 files done…")
        page = self.client.get(reverse("admin:articles_importrun_change", args=[run.pk]))
        self.assertContains(page, "data-running")
        self.assertContains(page, f'data-url="{url}"')


class WriterTests(ImportPageTestCase):
    def setUp(self):
        self.client.force_login(self.writer)

    def test_a_writer_imports_drafts_whatever_the_files_say(self):
        self.assertNotContains(self.client.get(IMPORT_URL), 'name="keep"')
        rows, run = self.import_files(fixture("wxr/gazette.xml"), keep="files")
        run.refresh_from_db()
        self.assertGreater(run.created, 0)
        self.assertEqual(run.user, self.writer)
        self.assertFalse(Article.objects.exclude(status=Article.Status.DRAFT).exists())
        self.assertTrue(all(row["action"] != "failed" for row in rows.values()), rows)

    def test_a_writer_follows_their_import_to_each_file(self):
        _, run = self.import_files(text_file("harbour.txt", HARBOUR))
        page = self.client.get(reverse("admin:articles_importrun_change", args=[run.pk]))
        self.assertContains(page, "Finished: 1 of 1 files (1 created")
        self.assertContains(page, 'id="files-group"')
        self.assertContains(page, "harbour.txt")

    def test_a_writer_sees_only_their_own_runs(self):
        theirs = ImportRun.objects.create(command="x", user=self.editor)
        mine = ImportRun.objects.create(command="y", user=self.writer)
        listing = self.client.get(reverse("admin:articles_importrun_changelist"))
        self.assertEqual(list(listing.context["cl"].result_list), [mine])
        other = self.client.get(reverse("admin:articles_importrun_progress", args=[theirs.pk]))
        self.assertEqual(other.status_code, 404)

    def test_who_may_not_add_articles_may_not_import(self):
        self.client.force_login(get_user_model().objects.create_user("guest", is_staff=True))
        self.assertEqual(self.client.get(IMPORT_URL).status_code, 403)


class BadUploadTests(ImportPageTestCase):
    def refused(self, *files, message):
        page = self.upload(*files)
        self.assertEqual(page.status_code, 200)
        self.assertIsNone(page.context["rows"])
        self.assertIn(message, " ".join(page.context["form"].errors.get("files", [])))
        self.assertContains(page, "errorlist")
        imports = Path(private_storage().path("imports"))
        kept = [path for path in imports.rglob("*") if path.is_file()] if imports.exists() else []
        self.assertEqual(kept, [], "nothing of a refused upload is kept")
        self.assertFalse(Article.objects.exists())

    def test_not_a_zip(self):
        self.refused(SimpleUploadedFile("stories.zip", b"not a zip"), message="not a zip file")

    def test_path_traversal_in_a_member_name(self):
        self.refused(
            zip_of(**{"ok.txt": HARBOUR, "..__..__evil.txt": MARKET}),
            message="leads out of the archive",
        )

    def test_an_absolute_member_name(self):
        self.refused(zip_of(**{"__etc__evil.txt": MARKET}), message="leads out of the archive")

    @override_settings(ARTICLES_IMPORT_MAX_FILES=2)
    def test_too_many_files(self):
        self.refused(
            zip_of(**{"a.txt": HARBOUR, "b.txt": MARKET, "c.txt": MARKET}),
            message="at most 2 (ARTICLES_IMPORT_MAX_FILES)",
        )

    @override_settings(ARTICLES_IMPORT_MAX_UNPACKED_BYTES=1000)
    def test_too_large_once_unpacked(self):
        self.refused(zip_of(**{"big.txt": "x" * 2000}), message="once unpacked")

    @override_settings(ARTICLES_IMPORT_MAX_UNPACKED_BYTES=1000)
    def test_a_member_larger_than_it_says(self):
        # Two members within the limit each, over it together: counted as they unpack.
        self.refused(zip_of(**{"a.txt": "x" * 600, "b.txt": "y" * 600}), message="once unpacked")

    @override_settings(ARTICLES_IMPORT_MAX_UPLOAD_BYTES=100)
    def test_too_large(self):
        self.refused(text_file("harbour.txt", HARBOUR), message="over 100 bytes")

    def test_an_unknown_format(self):
        self.refused(SimpleUploadedFile("story.pdf", b"%PDF"), message="not a format the import")

    def test_an_unknown_format_in_a_zip(self):
        self.refused(zip_of(**{"a.txt": HARBOUR, "run.exe": "MZ"}), message="run.exe is not")

    def test_formats_mixed(self):
        self.refused(
            text_file("a.txt", HARBOUR), fixture("ninjs/single.json"), message="one format"
        )

    def test_no_file(self):
        page = self.client.post(IMPORT_URL, {"keep": "draft"})
        self.assertIn("Choose the files to import", page.context["form"].errors["files"][0])

    def test_a_confirmation_without_its_upload(self):
        page = self.client.post(IMPORT_URL, {"token": "not-a-token", "keep": "draft"}, follow=True)
        self.assertContains(page, "no longer there")
        self.assertFalse(ImportRun.objects.exists())

    def test_another_users_upload_cannot_be_confirmed(self):
        preview = self.upload(text_file("harbour.txt", HARBOUR))
        token = preview.context["confirm"]["token"].value()
        self.client.force_login(self.writer)
        self.client.post(IMPORT_URL, {"token": token, "keep": "draft"})
        self.assertFalse(ImportRun.objects.exists())


class PrivateStorageTests(ImportPageTestCase):
    def test_uploads_are_kept_outside_public_media(self):
        preview = self.upload(text_file("harbour.txt", HARBOUR))
        token = preview.context["confirm"]["token"].value()
        (kept,) = (uploads.user_folder(self.editor) / token).iterdir()
        self.assertEqual(kept.read_text(), HARBOUR)
        self.assertFalse(kept.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve()))

    def test_a_new_upload_replaces_an_unconfirmed_one(self):
        first = self.upload(text_file("harbour.txt", HARBOUR)).context["confirm"]
        self.upload(text_file("market.txt", MARKET))
        self.assertEqual(len(list(uploads.user_folder(self.editor).iterdir())), 1)
        self.assertIsNone(uploads.find(self.editor, first["token"].value()))
