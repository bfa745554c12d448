import io
import json
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db.models import QuerySet
from django.test import TestCase, override_settings

from articles.editorial.publishing import CHECKS
from articles.importers.loader import ImportItem, load_article, load_articles
from articles.importers.parser import parse_article
from articles.models import Article, Author, Caption, ImportedFile, ImportRun

from .factories import make_section
from .test_workflow import article_form, user_in

STORY = """{headline}
By Jane Doe
The river at dawn on Tuesday. /City Desk/Ann Lee

The river at dawn on Tuesday. /City Desk/Ann Lee

The river rose two metres overnight, the water authority said on Tuesday.

Residents of the lower town were told to move valuables upstairs.

Search Trends
"""


# The pre-publish checks a scraped text file can meet: the format carries no standfirst, and a
# section only by --section. Tests of published text imports about something else use these.
TEXT_CHECKS = [name for name in CHECKS if name not in ("dek", "section")]
# A site that asks no standfirst: a text file with a section (--section) may be published.
WITHOUT_STANDFIRST = [name for name in CHECKS if name != "dek"]

# The story as its source sends it again, changed: another byline, caption and paragraph.
CHANGED_STORY = (
    STORY.replace("By Jane Doe", "By Bo Chen")
    .replace("The river at dawn on Tuesday.", "Sandbags on Quay Street.")
    .replace("two metres", "three metres")
)


class ImportCommandTestCase(TestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder)

    def write(self, name, content):
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode()
        path.write_bytes(content)
        return path

    def story(self, name, headline="River rises after storm"):
        return self.write(name, STORY.format(headline=headline))

    def run_command(self, *args):
        """Run import_articles; returns (stdout, error or None)."""
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import_articles", *map(str, args), stdout=out, stderr=err)
        except CommandError as error:
            return out.getvalue(), error
        return out.getvalue(), None


class ImportCommandTests(ImportCommandTestCase):
    def test_imports_a_folder_recursively(self):
        self.story("a.txt", "River rises after storm")
        self.story("nested/b.txt", "Bridge closed as water rises")
        self.write("notes.md", "not an article")
        out, error = self.run_command(self.folder)
        self.assertIsNone(error)
        self.assertIn("2 created, 0 updated, 0 unchanged, 0 failed", out)
        self.assertEqual(Article.objects.count(), 2)
        run = ImportRun.objects.get()
        self.assertEqual((run.created, run.failed), (2, 0))
        self.assertIsNotNone(run.finished_at)
        self.assertIn("import_articles", run.command)
        self.assertEqual(run.files.count(), 2)
        self.assertEqual(Article.objects.first().import_run, run)

    def test_reimport_is_a_no_op_and_a_changed_file_updates(self):
        path = self.story("a.txt")
        self.run_command(path)
        out, _ = self.run_command(path)
        self.assertIn("0 created, 0 updated, 1 unchanged", out)
        path.write_text(STORY.format(headline="River rises after the storm"))
        out, _ = self.run_command(path)
        self.assertIn("0 created, 1 updated, 0 unchanged", out)
        self.assertEqual(Article.objects.get().headline, "River rises after the storm")

    def test_dry_run_writes_nothing(self):
        path = self.story("a.txt")
        out, error = self.run_command("--dry-run", path)
        self.assertIsNone(error)
        self.assertIn("Would import: 1 created", out)
        self.assertFalse(Article.objects.exists())
        self.assertFalse(ImportRun.objects.exists())

    def test_one_bad_file_fails_alone_with_a_clear_reason(self):
        self.story("good.txt")
        self.write("empty.txt", "")
        self.write("binary.txt", bytes(range(256)) * 4)
        self.write("headline-only.txt", "Just a headline\n")
        out, error = self.run_command(self.folder)
        self.assertEqual(error.returncode, 1)
        self.assertIn("3 of 4 files failed", str(error))
        self.assertEqual(Article.objects.count(), 1)
        for name in ("empty.txt", "binary.txt", "headline-only.txt"):
            self.assertRegex(out, rf"{name}: \S")
        failed = ImportedFile.objects.filter(action=ImportedFile.Action.FAILED)
        self.assertEqual(failed.count(), 3)
        self.assertTrue(all(record.error for record in failed))

    def test_missing_path_and_empty_folder_are_errors(self):
        (self.folder / "empty").mkdir()
        out, error = self.run_command(self.folder / "missing.txt", self.folder / "empty")
        self.assertEqual(error.returncode, 1)
        self.assertIn("missing.txt: no such file or folder", out)
        self.assertIn("empty: folder holds no .txt files", out)

    @override_settings(ARTICLES_IMPORT_MAX_BYTES=100)
    def test_file_over_the_size_limit_is_refused(self):
        out, error = self.run_command(self.story("big.txt"))
        self.assertIsNotNone(error)
        self.assertIn("over the size limit of 100 bytes", out)
        self.assertFalse(Article.objects.exists())

    @override_settings(ARTICLES_PUBLISH_CHECKS=TEXT_CHECKS)
    def test_status_section_and_tags(self):
        make_section(slug="city")
        self.run_command(
            "--status",
            "published",
            "--section",
            "city",
            "--tag",
            "Floods",
            "--tag",
            "Weather",
            self.story("a.txt"),
        )
        article = Article.objects.published().get()
        self.assertEqual(article.section.slug, "city")
        self.assertEqual(sorted(article.tags.names()), ["Floods", "Weather"])

    def test_unknown_section_is_an_error_before_anything_is_written(self):
        _, error = self.run_command("--section", "nowhere", self.story("a.txt"))
        self.assertIn("No section with the slug 'nowhere'", str(error))
        self.assertFalse(ImportRun.objects.exists())

    def test_reads_standard_input(self):
        data = STORY.format(headline="From a pipe").encode()
        with mock.patch("sys.stdin", io.TextIOWrapper(io.BytesIO(data))):
            out, error = self.run_command("-")
        self.assertIsNone(error)
        self.assertEqual(Article.objects.get().headline, "From a pipe")

    def test_cp1252_file_is_decoded_and_reported(self):
        text = STORY.format(headline="Café owners “relieved” as river falls")
        out, error = self.run_command(self.write("cp.txt", text.encode("cp1252")))
        self.assertIsNone(error)
        self.assertIn("decoded as cp1252", out)
        self.assertEqual(Article.objects.get().headline, "Café owners “relieved” as river falls")

    def test_interrupted_file_leaves_no_half_written_article(self):
        path = self.story("a.txt")
        real_bulk_create = QuerySet.bulk_create

        def interrupted_at_captions(queryset, objs, *args, **kwargs):
            """Ctrl-C after the article and its byline are written, before its captions."""
            if queryset.model is Caption:
                raise KeyboardInterrupt
            return real_bulk_create(queryset, objs, *args, **kwargs)

        with (
            mock.patch.object(QuerySet, "bulk_create", interrupted_at_captions),
            self.assertRaises(KeyboardInterrupt),
        ):
            self.run_command(path)
        self.assertFalse(Article.objects.exists())
        self.assertFalse(Author.objects.exists())


class ImportCommandJsonTests(ImportCommandTestCase):
    def test_json_lines_match_the_documented_shape(self):
        good = self.story("good.txt")
        bad = self.write("empty.txt", "")
        out, error = self.run_command("--json", "--dry-run", good, bad)
        lines = [json.loads(line) for line in out.splitlines()]
        self.assertEqual(error.returncode, 1)
        self.assertEqual(lines[0]["file"], str(good))
        self.assertEqual((lines[0]["ok"], lines[0]["action"]), (True, "created"))
        article = lines[0]["article"]
        self.assertEqual(article["headline"], "River rises after storm")
        self.assertEqual(article["authors"], ["Jane Doe"])
        self.assertEqual(
            article["captions"],
            [{"text": "The river at dawn on Tuesday.", "credit": "City Desk/Ann Lee"}],
        )
        self.assertEqual(article["related_links"], [])
        self.assertEqual(article["subheadings"], [])
        self.assertEqual(len(article["paragraphs"]), 2)
        self.assertEqual(article["dropped"], ["Search Trends"])
        self.assertEqual(lines[1]["file"], str(bad))
        self.assertFalse(lines[1]["ok"])
        self.assertTrue(lines[1]["error"])
        self.assertFalse(Article.objects.exists())


class ImportedArticlePageTests(ImportCommandTestCase):
    @override_settings(ARTICLES_PUBLISH_CHECKS=TEXT_CHECKS)
    def test_imported_article_shows_on_the_site_without_furniture(self):
        fixture = Path(__file__).parent / "importers" / "fixtures" / "mirror-sample.txt"
        _, error = self.run_command("--status", "published", fixture)
        self.assertIsNone(error)
        article = Article.objects.published().get()
        self.assertEqual(
            article.slug, "grain-ship-leaves-port-alder-as-talks-on-second-route-stall"
        )
        response = self.client.get(article.get_absolute_url())
        for text in (
            "Louise Marten",
            "Dock workers load wheat onto the bulk carrier Aster",
            "Harbour Daily/Lee Park",
            "<h2>Insurance fears</h2>",
            "Port special: The waterfront in numbers",
            "Meet the crane drivers who never sleep",
            "Why are freight rates still rising?",
        ):
            with self.subTest(text=text):
                self.assertContains(response, text)
        self.assertNotContains(response, "Search Trends")


class ImportPermissionTests(ImportCommandTestCase):
    """Publishing through the importer asks the same permission as the admin does."""

    @classmethod
    def setUpTestData(cls):
        users = get_user_model().objects
        cls.writer = users.create_user("writer", is_staff=True)
        cls.writer.groups.add(Group.objects.get(name="Writer"))
        cls.editor = users.create_user("editor", is_staff=True)
        cls.editor.groups.add(Group.objects.get(name="Editor"))

    def test_a_writer_cannot_publish_by_import_and_nothing_is_written(self):
        _, error = self.run_command(
            "--user", "writer", "--status", "published", self.story("a.txt")
        )
        self.assertEqual(error.returncode, 1)
        self.assertIn("writer does not have the permission to publish articles", str(error))
        self.assertFalse(Article.objects.exists())
        self.assertFalse(ImportRun.objects.exists())

    def test_a_writer_imports_drafts_that_are_theirs(self):
        _, error = self.run_command("--user", "writer", self.story("a.txt"))
        self.assertIsNone(error)
        article = Article.objects.get()
        self.assertEqual(article.status, Article.Status.DRAFT)
        self.assertTrue(article.is_owned_by(self.writer))
        self.assertEqual(ImportRun.objects.get().user, self.writer)

    @override_settings(ARTICLES_PUBLISH_CHECKS=TEXT_CHECKS)
    def test_an_editor_publishes_by_import_and_the_move_is_recorded(self):
        _, error = self.run_command(
            "--user", "editor", "--status", "published", self.story("a.txt")
        )
        self.assertIsNone(error)
        article = Article.objects.published().get()
        transition = article.transitions.get()
        self.assertEqual((transition.user, transition.from_status), (self.editor, ""))
        self.assertEqual(transition.to_status, Article.Status.PUBLISHED)
        self.assertIn("--user editor", ImportRun.objects.get().command)

    def test_an_unknown_or_inactive_user_is_an_error_before_anything_is_written(self):
        get_user_model().objects.create_user("gone", is_active=False)
        for username in ("nobody", "gone"):
            with self.subTest(username):
                _, error = self.run_command("--user", username, self.story("a.txt"))
                self.assertIn(f"No active user with the username '{username}'", str(error))
        self.assertFalse(ImportRun.objects.exists())

    def test_the_loader_refuses_too_whoever_calls_it(self):
        parsed = parse_article(self.story("a.txt").read_bytes())
        item = ImportItem(parsed, "a.txt", "0" * 64)
        with self.assertRaises(PermissionDenied):
            load_articles([item], status=Article.Status.PUBLISHED, by=self.writer)
        with self.assertRaises(PermissionDenied):
            load_article(
                parsed,
                source="a.txt",
                checksum="0",
                status=Article.Status.PUBLISHED,
                by=self.writer,
            )
        self.assertFalse(Article.objects.exists())


def desk_version(article):
    """Everything of the article an import could change, as saved."""
    article = Article.objects.for_detail().get(pk=article.pk)
    return {
        "row": (article.headline, article.dek, article.body, article.status, article.section_id),
        "versions": (article.edit_version, article.source_checksum, article.updated_at),
        "bylines": [(b.author.name, b.role, b.order) for b in article.bylines.all()],
        "captions": [
            (c.text, c.picture.credit, c.picture.alt_text, c.order) for c in article.captions.all()
        ],
        "links": [(link.title, link.url, link.order) for link in article.related_links.all()],
        "tags": sorted(article.tags.names()),
    }


class DeskEditTestCase(ImportCommandTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = user_in("Editor", "editor")

    def edit_in_the_admin(self, article, **changes):
        """Save ``article`` through the real change form, as an editor does; returns it."""
        self.client.force_login(self.editor)
        data = article_form(slug=article.slug, opened_version=article.edit_version) | changes
        response = self.client.post(f"/admin/articles/article/{article.pk}/change/", data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        article.refresh_from_db()
        return article


class ImportConflictTests(DeskEditTestCase):
    """A changed file does not overwrite what the desk changed since its last import."""

    def import_and_edit(self):
        """The story imported, then edited in the admin; returns its path and article."""
        path = self.story("a.txt")
        self.run_command(path)
        article = self.edit_in_the_admin(
            Article.objects.get(),
            headline="Desk headline",
            body="<p>Rewritten by the desk.</p>",
            tags="Desk pick, Floods",
        )
        self.assertTrue(article.changed_since_import())
        path.write_text(CHANGED_STORY.format(headline="River bursts its banks"))
        return path, article

    def test_a_changed_file_is_a_conflict_and_the_desks_version_stays(self):
        path, article = self.import_and_edit()
        kept = desk_version(article)
        out, error = self.run_command(path)
        self.assertEqual(error.returncode, 3)
        self.assertIn("1 of 1 files were conflicts", str(error))
        self.assertIn("--overwrite", str(error))
        self.assertIn("Imported: 0 created, 0 updated, 0 unchanged, 0 failed, 1 conflict.", out)
        self.assertIn(f"{path}: conflict: article {article.pk} was changed here", out)
        self.assertEqual(desk_version(article), kept)
        self.assertEqual(
            (kept["row"][0], kept["row"][2], kept["tags"], kept["bylines"][0][0]),
            ("Desk headline", "<p>Rewritten by the desk.</p>", ["Desk pick", "Floods"], "Jane Doe"),
        )
        run = ImportRun.objects.latest()
        self.assertEqual((run.updated, run.unchanged, run.failed, run.conflicts), (0, 0, 0, 1))
        record = run.files.get()
        self.assertEqual((record.action, record.article), (ImportedFile.Action.CONFLICT, article))
        self.assertEqual(str(record), f"{path}: conflict")

    def test_a_conflict_is_reported_again_until_overwritten(self):
        path, article = self.import_and_edit()
        self.run_command(path)
        out, error = self.run_command(path)
        self.assertEqual(error.returncode, 3)
        self.assertIn("0 unchanged, 0 failed, 1 conflict.", out)

    def test_overwrite_imports_the_file_over_the_desks_changes(self):
        path, article = self.import_and_edit()
        out, error = self.run_command("--overwrite", path)
        self.assertIsNone(error)
        self.assertIn("Imported: 0 created, 1 updated, 0 unchanged, 0 failed, 0 conflict.", out)
        imported = desk_version(article)
        self.assertEqual(imported["row"][0], "River bursts its banks")
        self.assertIn("three metres", imported["row"][2])
        self.assertEqual(imported["bylines"][0][0], "Bo Chen")
        self.assertEqual(imported["captions"][0][0], "Sandbags on Quay Street.")
        run = ImportRun.objects.latest()
        self.assertEqual((run.updated, run.conflicts), (1, 0))
        self.assertIn("--overwrite", run.command)
        # Written by the import again: the next changed file updates it without --overwrite.
        article.refresh_from_db()
        self.assertFalse(article.changed_since_import())
        path.write_text(CHANGED_STORY.format(headline="River falls back"))
        out, error = self.run_command(path)
        self.assertIsNone(error)
        self.assertIn("0 created, 1 updated", out)

    def test_dry_run_predicts_the_conflict_and_writes_nothing(self):
        path, article = self.import_and_edit()
        kept, runs = desk_version(article), ImportRun.objects.count()
        out, error = self.run_command("--dry-run", path)
        self.assertEqual(error.returncode, 3)
        self.assertIn("Would import: 0 created, 0 updated, 0 unchanged, 0 failed, 1 conflict.", out)
        self.assertIn(f"{path}: conflict: article {article.pk}", out)
        out, error = self.run_command("--dry-run", "--overwrite", path)
        self.assertIsNone(error)
        self.assertIn("Would import: 0 created, 1 updated", out)
        self.assertEqual(desk_version(article), kept)
        self.assertEqual(ImportRun.objects.count(), runs)
        _, error = self.run_command(path)
        self.assertEqual(ImportRun.objects.latest().conflicts, 1)

    def test_json_lines_say_conflict(self):
        path, _ = self.import_and_edit()
        out, error = self.run_command("--json", path)
        self.assertEqual(error.returncode, 3)
        (line,) = [json.loads(line) for line in out.splitlines()]
        self.assertEqual((line["file"], line["ok"], line["action"]), (str(path), True, "conflict"))

    def test_a_failure_outranks_a_conflict_in_the_exit_code(self):
        path, _ = self.import_and_edit()
        empty = self.write("empty.txt", "")
        out, error = self.run_command(path, empty)
        self.assertEqual(error.returncode, 1)
        self.assertIn("1 failed, 1 conflict.", out)
        self.assertIn(f"{empty}: ", out)
        self.assertIn(f"{path}: conflict", out)

    def test_an_unchanged_file_is_unchanged_whatever_the_desk_did(self):
        path = self.story("a.txt")
        self.run_command(path)
        article = self.edit_in_the_admin(Article.objects.get(), headline="Desk headline")
        kept = desk_version(article)
        out, error = self.run_command(path)
        self.assertIsNone(error)
        self.assertIn("0 created, 0 updated, 1 unchanged, 0 failed, 0 conflict.", out)
        self.assertEqual(desk_version(article), kept)

    def test_an_article_only_imported_is_updated(self):
        path = self.story("a.txt")
        self.run_command(path)
        self.run_command(path)
        article = Article.objects.get()
        self.assertEqual(article.imported_version, article.edit_version)
        path.write_text(CHANGED_STORY.format(headline="River bursts its banks"))
        out, error = self.run_command(path)
        self.assertIsNone(error)
        self.assertIn("0 created, 1 updated, 0 unchanged, 0 failed, 0 conflict.", out)
        article.refresh_from_db()
        self.assertEqual(article.headline, "River bursts its banks")
        self.assertEqual(article.imported_version, article.edit_version)


class ImportPublishChecksTests(ImportCommandTestCase):
    """What an import would make public meets the pre-publish checks
    (articles/editorial/publishing.py):
    a new article lacking something is kept as a draft, and an update that would leave a
    published one lacking something fails."""

    def authorless(self, path, headline="River bursts its banks"):
        """The story at ``path`` as its source sends it again, without a byline."""
        path.write_text(STORY.format(headline=headline).replace("By Jane Doe\n", ""))
        return path

    def test_a_published_text_lacking_what_publishing_needs_comes_in_as_a_draft(self):
        warning = "kept as a draft: publishing needs a section, a standfirst"
        path = self.story("a.txt")
        out, error = self.run_command("--status", "published", path)
        self.assertIsNone(error)
        self.assertIn("Imported: 1 created, 0 updated, 0 unchanged, 0 failed", out)
        self.assertIn(f"{path}: {warning}\n", out)
        article = Article.objects.get()
        self.assertEqual((article.status, article.publish_at), (Article.Status.DRAFT, None))
        self.assertEqual(article.transitions.get().to_status, Article.Status.DRAFT)
        run = ImportRun.objects.get()
        self.assertEqual(run.created, 1)
        record = run.files.get()
        self.assertEqual((record.action, record.article, record.error), ("created", article, ""))
        other = self.story("b.txt", "Bridge closed as water rises")
        out, error = self.run_command("--json", "--status", "published", other)
        self.assertIsNone(error)
        (line,) = [json.loads(line) for line in out.splitlines()]
        self.assertEqual((line["ok"], line["action"]), (True, "created"))
        self.assertEqual(line["warnings"], [warning])
        self.assertFalse(Article.objects.published().exists())

    @override_settings(ARTICLES_PUBLISH_CHECKS=WITHOUT_STANDFIRST)
    def test_a_text_lacking_only_a_section_is_published_with_one(self):
        make_section(slug="city")
        out, _ = self.run_command("--status", "published", self.story("a.txt"))
        self.assertIn("a.txt: kept as a draft: publishing needs a section\n", out)
        path = self.story("b.txt", "Bridge closed as water rises")
        out, error = self.run_command("--status", "published", "--section", "city", path)
        self.assertIsNone(error)
        self.assertNotIn("kept as a draft", out)
        self.assertEqual(Article.objects.published().get().headline, "Bridge closed as water rises")

    @override_settings(ARTICLES_PUBLISH_CHECKS=WITHOUT_STANDFIRST)
    def test_an_update_that_would_leave_a_public_article_without_an_author_fails(self):
        make_section(slug="city")
        path = self.story("a.txt")
        self.run_command("--status", "published", "--section", "city", path)
        article = Article.objects.published().get()
        kept = desk_version(article)
        out, error = self.run_command(self.authorless(path))
        self.assertEqual(error.returncode, 1)
        self.assertIn("Imported: 0 created, 0 updated, 0 unchanged, 1 failed", out)
        message = "not updated: a published article needs at least one author in the byline"
        self.assertIn(f"{path}: invalid article: {message}\n", out)
        self.assertEqual(desk_version(article), kept)
        self.assertTrue(Article.objects.get().is_published())
        record = ImportRun.objects.latest().files.get()
        self.assertEqual((record.action, record.error), ("failed", f"invalid article: {message}"))

    @override_settings(ARTICLES_PUBLISH_CHECKS=WITHOUT_STANDFIRST)
    def test_dry_run_predicts_the_draft_and_the_refused_update(self):
        make_section(slug="city")
        public = self.story("a.txt")
        self.run_command("--status", "published", "--section", "city", public)
        article = Article.objects.get()
        kept, runs = desk_version(article), ImportRun.objects.count()
        self.authorless(public)
        new = self.story("b.txt", "Bridge closed as water rises")
        predicted, error = self.run_command("--dry-run", "--status", "published", public, new)
        self.assertEqual(error.returncode, 1)
        self.assertIn(f"{new}: kept as a draft: publishing needs a section\n", predicted)
        self.assertIn(
            "Would import: 1 created, 0 updated, 0 unchanged, 1 failed, 0 conflict.", predicted
        )
        self.assertIn(f"{public}: invalid article: not updated: a published article", predicted)
        self.assertEqual(desk_version(article), kept)
        self.assertEqual((Article.objects.count(), ImportRun.objects.count()), (1, runs))
        out, error = self.run_command("--status", "published", public, new)
        self.assertEqual(error.returncode, 1)
        self.assertEqual(out, predicted.replace("Would import:", "Imported:"))
        self.assertEqual(desk_version(article), kept)
        self.assertEqual(Article.objects.get(source__endswith="b.txt").status, "draft")


class TextReimportTests(ImportCommandTestCase):
    def test_a_text_file_carries_no_tags_so_an_update_keeps_the_articles_and_adds_the_runs(self):
        path = self.story("a.txt")
        self.run_command("--tag", "Floods", path)
        path.write_text(CHANGED_STORY.format(headline="River bursts its banks"))
        out, error = self.run_command("--tag", "Weather", path)
        self.assertIsNone(error)
        self.assertIn("0 created, 1 updated", out)
        article = Article.objects.get()
        self.assertEqual(article.headline, "River bursts its banks")
        self.assertEqual(sorted(article.tags.names()), ["Floods", "Weather"])
