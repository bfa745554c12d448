"""export_articles: text files that import_articles reads back into the same articles."""

import io
import json
import re
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from taggit.models import Tag

from articles.exporters.text import article_text, body_blocks
from articles.models import Article, ArticleRedirect, Author, Byline, Section

from .factories import (
    make_article,
    make_author,
    make_caption,
    make_related_link,
    make_section,
    tomorrow,
)
from .test_api import ApiTestCase

FIXTURES = Path(__file__).parent / "importers" / "fixtures"


def fixture_articles():
    """The fixtures that are articles (the others are refused, by design)."""
    return sorted(
        path
        for path in FIXTURES.glob("*.txt")
        if "error" not in json.loads(path.with_suffix(".expected.json").read_text())
    )


def snapshot():
    """What the text format holds of each article, in the order they were written."""
    return [
        {
            "headline": article.headline,
            "authors": [byline.author.name for byline in article.bylines.all()],
            "captions": [(c.text, c.picture.credit) for c in article.captions.all()],
            # a picture placed in the story, by its caption's position (its id is new each import)
            "body": placed_by_position(article),
            "links": [link.title for link in article.related_links.all()],
        }
        for article in Article.objects.for_detail().order_by("pk")
    ]


def placed_by_position(article):
    positions = {c.picture_id: str(n) for n, c in enumerate(article.captions.all())}
    return re.sub(
        r'data-picture="(\d+)"', lambda m: f'data-caption="{positions[int(m[1])]}"', article.body
    )


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


class TextRoundTripTests(TestCase):
    # No checks: the round trip is of every fixture, and scraped text carries no standfirst
    # (some fixtures no byline either), so none could be published, and only public ones export.
    @override_settings(ARTICLES_PUBLISH_CHECKS=[])
    def test_every_fixture_survives_export_and_import_into_an_empty_database(self):
        paths = fixture_articles()
        self.assertGreater(len(paths), 10)
        with tempfile.TemporaryDirectory() as tmp:
            for path in paths:  # one at a time: the export's order is the import's
                run("import_articles", str(path), status="published")
            before = snapshot()
            run("export_articles", format="text", output=tmp)
            Article.objects.all().delete()
            Author.objects.all().delete()
            run("import_articles", tmp, status="published")
        self.assertEqual(snapshot(), before)

    def test_an_article_written_in_the_admin_exports_as_its_parts(self):
        article = make_article(
            headline="Harbour reopens after the storm",
            body="<h2>What next</h2><p>Ferries run &amp; the <em>port</em> is open.</p>"
            "<ul><li>One item.</li></ul><p>Last paragraph of the story.</p>",
            authors=[make_author(name="Ana Silva"), make_author(name="Jonas Eriksen")],
        )
        make_caption(article, text="Boats at dawn.", credit="Reuters/Ana Silva")
        make_caption(article, text="The harbour wall.", credit="")
        make_related_link(article, title="How the storm hit")
        make_related_link(article, title="Ferry times")
        article = Article.objects.for_detail().get()
        self.assertEqual(
            article_text(article),
            "Harbour reopens after the storm\nAna Silva and Jonas Eriksen\n\n"
            "Boats at dawn. /Reuters/Ana Silva\n\n"
            "The harbour wall.\n\nThe harbour wall.\n\n"
            "What next\n\nFerries run & the port is open.\n\nOne item.\n\n"
            "Read more: How the storm hit\nRead more: Ferry times\n\n"
            "Last paragraph of the story.\n",
        )

    def test_body_blocks_are_the_text_of_each_block(self):
        html = "<p>One<br>line</p><blockquote><p>Quoted.</p></blockquote>Loose <b>text</b>"
        self.assertEqual(body_blocks(html), ["One line", "Quoted.", "Loose text"])


class ExportSelectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = make_section(slug="world")
        cls.public = make_article(headline="Public story", section=cls.world)
        cls.other = make_article(headline="Other section story")
        cls.draft = make_article(headline="Draft story", status=Article.Status.DRAFT)
        cls.scheduled = make_article(headline="Scheduled story", publish_at=tomorrow())

    def exported(self, **options):
        with tempfile.TemporaryDirectory() as tmp:
            _, err = run("export_articles", format="text", output=tmp, **options)
            headlines = sorted(p.read_text().splitlines()[0] for p in Path(tmp).iterdir())
        return headlines, err

    def test_only_public_articles_unless_all_is_asked_for(self):
        headlines, err = self.exported()
        self.assertEqual(headlines, ["Other section story", "Public story"])
        self.assertIn("Exported 2 articles.", err)
        headlines, _ = self.exported(all=True)
        self.assertEqual(len(headlines), 4)

    def test_section_and_since_narrow_the_export(self):
        self.assertEqual(self.exported(section="world")[0], ["Public story"])
        self.assertEqual(self.exported(since="2999-01-01")[0], [])
        self.assertEqual(len(self.exported(since="2000-01-01T00:00:00")[0]), 2)

    def test_bad_options_are_refused_with_a_message(self):
        for options, message in [
            ({"section": "nowhere"}, "No section with the slug 'nowhere'"),
            ({"since": "last tuesday"}, "is not an ISO date"),
            ({"since": "2026-13-45"}, "is not an ISO date"),
        ]:
            with self.subTest(options), self.assertRaisesMessage(CommandError, message):
                self.exported(**options)
        with self.assertRaisesMessage(CommandError, "give --output DIR"):
            run("export_articles", format="text")
        with (
            tempfile.NamedTemporaryFile() as file,
            self.assertRaisesMessage(CommandError, "Cannot create"),
        ):
            run("export_articles", format="text", output=f"{file.name}/inside")


class NinjsExportTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(
            headline="Harbour reopens", authors=[make_author(), make_author()], tags=["ports"]
        )
        make_caption(cls.article)
        make_related_link(cls.article)
        make_article(headline="Draft story", status=Article.Status.DRAFT)

    def test_a_json_list_of_valid_ninjs_items_of_public_articles(self):
        out, err = run("export_articles", site_url="https://news.example.org/")
        items = json.loads(out)
        self.assertEqual([item["headlines"][0]["value"] for item in items], ["Harbour reopens"])
        for item in items:
            self.assertValidNinjs(item)
        self.assertTrue(items[0]["uri"].startswith("https://news.example.org/"))
        self.assertIn("Exported 1 article.", err)

    @override_settings(ARTICLES_SITE_URL="https://news.example.org")
    def test_to_a_file_with_the_configured_address(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "export.json"
            run("export_articles", all=True, output=str(path))
            items = json.loads(path.read_text(encoding="utf-8"))
        self.assertEqual(len(items), 2)
        self.assertEqual({item["pubstatus"] for item in items}, {"usable", "withheld"})

    def test_without_a_site_address_or_with_an_unwritable_file_it_stops_with_a_message(self):
        with self.assertRaisesMessage(CommandError, "set ARTICLES_SITE_URL or give --site-url"):
            run("export_articles")
        with self.assertRaisesMessage(CommandError, "Cannot write"):
            run("export_articles", site_url="https://x.example", output="/nonexistent/dir/x.json")


class NinjsRoundTripTests(TestCase):
    def test_exported_ninjs_imports_into_an_empty_database_as_the_same_articles(self):
        world = make_section(name="World", slug="world")
        first = make_article(
            headline="Harbour reopens",
            dek="Ferries run again.",
            section=world,
            body="<h2>Next</h2><p>Ferries run &amp; <em>the port</em> is open.</p>",
            authors=[make_author(name="Ana Silva"), make_author(name="Jonas Eriksen")],
            tags=["ports", "Café"],
        )
        make_caption(first, text="Boats at dawn.", credit="Reuters/Ana Silva", alt_text="Boats")
        first.bylines.filter(author__name="Jonas Eriksen").update(role=Byline.Role.PHOTOGRAPHER)
        make_related_link(first, title="Tide tables", url="https://tides.example.net/harbour")
        second = make_article(
            headline="Second story", section=world, authors=[make_author(name="Bo Ivanova")]
        )
        second.bylines.update(role=Byline.Role.ADDITIONAL_REPORTING)
        before = full_snapshot()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "export.json"
            run("export_articles", output=str(path), site_url="https://old.example.org")
            Article.objects.all().delete()
            Author.objects.all().delete()
            Section.objects.all().delete()
            Tag.objects.all().delete()
            run("import_articles", str(path), format="ninjs")
        self.assertEqual(full_snapshot(), before)
        self.assertFalse(ArticleRedirect.objects.exists())  # the same addresses as before


def full_snapshot():
    """What a ninjs item holds of each article, in the order they were written."""
    return [
        {
            "headline": article.headline,
            "dek": article.dek,
            "section": article.section.name if article.section else None,
            "tags": sorted(tag.name for tag in article.tags.all()),
            "status": article.status,
            "publish_at": article.publish_at,
            "bylines": [(b.author.name, b.role) for b in article.bylines.all()],
            "captions": [
                (c.text, c.picture.credit, c.picture.alt_text) for c in article.captions.all()
            ],
            "links": [(link.title, link.url) for link in article.related_links.all()],
            "body": article.body,
            "slug": article.slug,
        }
        for article in Article.objects.for_detail().order_by("pk")
    ]


class NinjsAllRoundTripTests(TestCase):
    def test_articles_readers_cannot_see_come_back_as_ninjs_can_say(self):
        """Scheduled and embargoed articles keep their times; a draft stays a draft; in review
        becomes a draft, and withdrawn unpublished (ninjs has no word for either); none is
        public on the way."""
        Status = Article.Status
        later = tomorrow()
        states = {
            "Scheduled": ({"publish_at": later}, (Status.PUBLISHED, later, None)),
            "Embargoed": ({"embargo_until": later}, (Status.PUBLISHED, None, later)),
            "Draft": ({"status": Status.DRAFT}, (Status.DRAFT, None, None)),
            "In review": ({"status": Status.IN_REVIEW}, (Status.DRAFT, None, None)),
            "Taken down": ({"status": Status.UNPUBLISHED}, (Status.UNPUBLISHED, None, None)),
            "Withdrawn": ({"status": Status.WITHDRAWN}, (Status.UNPUBLISHED, None, None)),
        }
        world, author = make_section(name="World", slug="world"), make_author(name="Ana Silva")
        for headline, (fields, _) in states.items():  # with what publishing needs
            make_article(headline=headline, section=world, authors=[author], **fields)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "all.json"
            run("export_articles", all=True, output=str(path), site_url="https://a.example")
            Article.objects.all().delete()
            run("import_articles", str(path), format="ninjs")
        self.assertFalse(Article.objects.published().exists())
        for headline, (_, (status, publish_at, embargo_until)) in states.items():
            with self.subTest(headline):
                article = Article.objects.get(headline=headline)
                self.assertEqual(article.status, status)
                if publish_at:
                    self.assertEqual(article.publish_at, publish_at)
                self.assertEqual(article.embargo_until, embargo_until)


class ExportEdgeTests(TestCase):
    def test_times_at_the_ends_of_the_calendar_and_long_slugs(self):
        make_article(headline="Long", slug="a" * 255)
        with tempfile.TemporaryDirectory() as tmp:
            for since in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"):
                with self.subTest(since):
                    run("export_articles", format="text", output=tmp, since=since)
            run("export_articles", format="text", output=tmp)
            (written,) = Path(tmp).iterdir()
        self.assertLessEqual(len(written.name.encode()), 255)
