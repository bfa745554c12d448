"""Importing ninjs: the parser on its own (pure), then ``import_articles --format ninjs`` on the
items written for these tests (tests/importers/ninjs/: one item, a list, items in the 1.x names
of IPTC's 1.x schemas, and items shaped as agencies send 2.x), and the language an item gives,
stored, shown and exported again."""

import io
import json
import re
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.editorial.publishing import CHECKS
from articles.importers.ninjs_format import NO_BODY, by_names, parse_ninjs
from articles.importers.parser import (
    DRAFT,
    PUBLISHED,
    UNPUBLISHED,
    ArticleFormatError,
    ParsedCaption,
)
from articles.languages import site_language
from articles.models import Article, Author, ImportedFile, ImportRun

from .factories import make_article, make_author, make_section, write_picture
from .test_import_command import DeskEditTestCase, desk_version
from .test_workflow import article_form

FIXTURES = Path(__file__).parent / "importers" / "ninjs"
SINGLE = FIXTURES / "single.json"
LIST = FIXTURES / "list.json"
VERSION_1 = FIXTURES / "version-1.json"
AGENCY = FIXTURES / "agency.json"
QUAY_WALL = "ninjs:urn:newsroom-tests:wire:2024:quay-wall"
HIDDEN = {  # uri: what must never show publicly
    "urn:newsroom-tests:wire:2024:island-vote": "SECRET-EMBARGO-TOKEN",
    "urn:newsroom-tests:wire:2024:withheld": "SECRET-WITHHELD-TOKEN",
    "urn:newsroom-tests:wire:2024:canceled": "SECRET-CANCELED-TOKEN",
}


BODY = {"role": "main", "contenttype": "text/html", "value": "<p>The quay wall held.</p>"}
# What publishing asks of an item beyond its headline: a standfirst, an author and a section.
READY = {
    "descriptions": [{"role": "summary", "value": "The wall held overnight."}],
    "people": [{"name": "Ana Silva", "rel": "author"}],
    "subjects": [{"name": "City", "rel": "section"}],
}
# The pre-publish checks all the usable items of list.json meet: they have no section, and
# most no standfirst. Tests of what ninjs statuses become import under these.
WIRE_CHECKS = [name for name in CHECKS if name not in ("dek", "section")]


def item(**fields):
    return json.dumps({"uri": "urn:test:1", "headlines": [{"value": "A headline"}], **fields})


class NinjsParserTests(SimpleTestCase):
    """``SimpleTestCase`` refuses queries: the parser reads no database."""

    def test_a_single_item(self):
        (parsed,) = parse_ninjs(SINGLE.read_bytes())
        article = parsed.article
        self.assertEqual((parsed.ref, parsed.identity), ("item-1", QUAY_WALL))
        self.assertEqual(
            article.headline, "Engineers close Quay Street after cracks appear in 1890s sea wall"
        )
        self.assertEqual(
            article.dek, "The road will stay shut until divers have checked the footings."
        )
        self.assertEqual(article.authors, ("Ana Müller", "Tom Reyes"))
        self.assertEqual(article.tags, ("Infrastructure", "Roads"))
        self.assertEqual(article.section, "City")
        self.assertEqual(article.status, PUBLISHED)
        self.assertEqual(article.published_at, datetime(2024, 3, 4, 7, 15, tzinfo=UTC))
        self.assertIn("<h2>Divers called in</h2>", article.body_html)
        self.assertEqual(
            article.captions,
            (
                ParsedCaption(
                    text="A crack runs through the sea wall below Quay Street on Monday.",
                    credit="Harbour Wire/Lee Park",
                    alt_text="A jagged crack in a wall of grey stone blocks",
                    image_urls=(
                        "https://wire.example.net/media/quay-wall.jpg",
                        "https://wire.example.net/media/quay-wall-thumb.jpg",
                    ),
                ),
            ),
        )

    def test_the_editors_note_is_never_read(self):
        (parsed,) = parse_ninjs(SINGLE.read_bytes())
        self.assertNotIn("SECRET-EDNOTE-TOKEN", json.dumps(parsed.article.as_dict()))

    def test_a_list_of_items(self):
        items = parse_ninjs(LIST.read_bytes())
        self.assertEqual([i.ref for i in items], [f"item-{n}" for n in range(1, 9)])
        fares, island, withheld, canceled, museum, photo, no_uri, bad_date = items
        self.assertEqual(
            fares.article.paragraphs,
            (
                "Fares on the city's trams will rise by five per cent from April 1, the "
                "operator said.",
                "Season tickets are not affected.",
                "The last rise was in 2022.",
            ),
        )
        self.assertIsNone(fares.article.body_html)
        self.assertEqual(fares.article.authors, ("Kwame Mensah", "Leo Fischer"))
        self.assertEqual(fares.article.tags, ("Transport",))
        self.assertEqual(island.article.authors, ("Reuters",))
        self.assertEqual(island.article.embargo_until, datetime(2099, 1, 1, tzinfo=UTC))
        self.assertEqual((withheld.article.status, canceled.article.status), (DRAFT, UNPUBLISHED))
        self.assertEqual(photo.skipped, "a picture item, not a story")
        self.assertEqual(no_uri.error, "uri: missing (every ninjs item needs one)")
        self.assertIn("firstcreated: 'last Tuesday' is not a date and time", bad_date.error)

    def test_ninjs_1_names_are_read(self):
        museum = parse_ninjs(LIST.read_bytes())[4].article
        self.assertEqual(museum.headline, "Museum roof repairs finished a year early")
        self.assertEqual(museum.dek, "The maritime museum reopens its top floor on Saturday.")
        self.assertEqual(museum.published_at, datetime(2024, 3, 6, 10, 0, tzinfo=UTC))
        (caption,) = museum.captions
        self.assertEqual(caption.text, "The museum's new copper roof.")
        self.assertEqual(caption.credit, "City Museums")
        self.assertEqual(caption.alt_text, "A green copper roof above brick walls")
        self.assertEqual(caption.image_urls[0], "https://wire.example.net/media/museum-roof.png")

    def test_fields_of_the_wrong_type_fail_the_item_naming_the_field(self):
        cases = {
            item(headlines="A headline"): "headlines: expected a list of objects, got a string",
            item(uri=7): "uri: expected a string, got a number",
            item(headlines=[]): "headlines: no headline (nor headline, headline_main)",
            item(pubstatus="gone"): "pubstatus: 'gone' is not one of usable, withheld, canceled",
            item(bodies=[{"value": 3}]): "bodies: value: expected a string, got a number",
            item(associations=[1]): "associations[1]: expected an object, got a number",
            item(keywords="a, b"): "keywords: expected a list of strings",
            item(associations=[{"type": "picture", "renditions": 5}]): (
                "associations: renditions: expected a list of objects"
            ),
            "[3]": "expected a ninjs object, got a number",
        }
        for data, message in cases.items():
            with self.subTest(data):
                (parsed,) = parse_ninjs(data)
                self.assertEqual(parsed.error, message)

    def test_files_that_are_not_ninjs_fail_whole(self):
        cases = {
            b"{": "not valid JSON: Expecting property name",
            b"[]": "an empty list: no ninjs items",
            b"\xff\xfe{}": "not UTF-8 text",
        }
        for data, message in cases.items():
            with self.subTest(data), self.assertRaisesMessage(ArticleFormatError, message):
                parse_ninjs(data)

    def test_nul_characters_are_dropped(self):
        (parsed,) = parse_ninjs(item(uri="urn:\u0000x", headlines=[{"value": "A\u0000B"}]))
        self.assertEqual((parsed.identity, parsed.article.headline), ("ninjs:urn:x", "AB"))

    def test_a_date_without_offset_is_utc(self):
        (parsed,) = parse_ninjs(item(firstcreated="2024-03-04T08:30:00"))
        self.assertEqual(parsed.article.published_at, datetime(2024, 3, 4, 8, 30, tzinfo=UTC))

    def test_section_roles_slugline_web_address_and_related_stories(self):
        (parsed,) = parse_ninjs(
            item(
                slugline="harbour-reopens",
                subjects=[{"name": "World", "rel": "section"}, {"name": "Ports", "rel": "tag"}],
                people=[
                    {"name": "Ana Silva", "rel": "author"},
                    {"name": "Bo Ivanova", "rel": "photographer"},
                    {"name": "Cy Moreau", "rel": "additional-reporting"},
                    {"name": "Di Park", "rel": "subject"},
                ],
                renditions=[
                    {"name": "web", "href": "https://old.example/2024/03/04/harbour/"},
                    {"name": "print", "href": "https://old.example/print.pdf"},
                ],
                associations=[
                    {
                        "uri": "urn:story:2",
                        "type": "text",
                        "headlines": [{"value": "Tide tables"}],
                        "renditions": [{"name": "web", "href": "https://tides.example/h"}],
                    },
                    {"uri": "https://other.example/s", "type": "text", "headlines": []},
                    {"uri": "urn:story:3", "type": "text", "headlines": [{"value": "No link"}]},
                ],
            )
        )
        article = parsed.article
        self.assertEqual((article.section, article.tags), ("World", ("Ports",)))
        self.assertEqual(article.authors, ("Ana Silva", "Bo Ivanova", "Cy Moreau"))
        self.assertEqual(article.roles, ("author", "photographer", "additional"))
        self.assertEqual(article.slug, "harbour-reopens")
        self.assertEqual(article.old_paths, ("/2024/03/04/harbour/",))
        self.assertEqual(
            [(link.title, link.url) for link in article.related_links],
            [("Tide tables", "https://tides.example/h")],
        )


class NinjsCommandTests(DeskEditTestCase):
    def import_ninjs(self, *paths_and_options):
        return self.run_command("--format", "ninjs", *paths_and_options)

    def test_imports_items_with_counts_and_provenance(self):
        out, error = self.import_ninjs(LIST, SINGLE)
        self.assertEqual(error.returncode, 1)
        self.assertIn("2 of 8 files or items failed", str(error))
        self.assertIn("Imported: 6 created, 0 updated, 0 unchanged, 2 failed, 0 conflict.", out)
        self.assertIn("Skipped 1: a picture item, not a story (1).", out)
        self.assertIn("list.json#item-7: uri: missing", out)
        run = ImportRun.objects.get()
        self.assertEqual((run.created, run.failed), (6, 2))
        self.assertIn("--format ninjs", run.command)
        record = ImportedFile.objects.get(article__source=QUAY_WALL)
        self.assertTrue(record.path.endswith("single.json#item-1"))
        article = Article.objects.for_detail().get(source=QUAY_WALL)
        self.assertTrue(article.is_published())
        self.assertEqual(
            [b.author.name for b in article.bylines.all()], ["Ana Müller", "Tom Reyes"]
        )
        self.assertEqual(sorted(article.tags.names()), ["Infrastructure", "Roads"])
        self.assertEqual(
            article.lead_caption.picture.alt_text, "A jagged crack in a wall of grey stone blocks"
        )

    def test_rerun_is_unchanged_and_a_new_version_updates_in_place(self):
        self.import_ninjs(SINGLE)
        out, error = self.import_ninjs(SINGLE)
        self.assertIsNone(error)
        self.assertIn("0 created, 0 updated, 1 unchanged", out)
        before = Article.objects.get(source=QUAY_WALL)
        data = json.loads(SINGLE.read_text())
        data["version"] = "4"
        data["bodies"][0]["value"] += "<p>Traffic is diverted along Mill Lane.</p>"
        out, _ = self.import_ninjs(self.write("v4.json", json.dumps(data)))
        self.assertIn("0 created, 1 updated, 0 unchanged", out)
        after = Article.objects.get(source=QUAY_WALL)
        self.assertEqual(after.pk, before.pk)
        self.assertIn("Mill Lane", after.body)

    def test_an_article_unpublished_here_is_a_conflict_until_overwritten(self):
        """An admin action is a change made here, as a save of the form is."""
        self.import_ninjs(SINGLE)
        article = Article.objects.get(source=QUAY_WALL)
        self.client.force_login(self.editor)
        self.client.post(
            "/admin/articles/article/", {"action": "unpublish", "_selected_action": [article.pk]}
        )
        kept = desk_version(article)
        self.assertEqual(kept["row"][3], Article.Status.UNPUBLISHED)
        data = json.loads(SINGLE.read_text())
        data["version"] = "4"
        data["bodies"][0]["value"] += "<p>Traffic is diverted along Mill Lane.</p>"
        v4 = self.write("v4.json", json.dumps(data))
        out, error = self.import_ninjs("--json", v4)
        self.assertEqual(error.returncode, 3)
        (line,) = [json.loads(line) for line in out.splitlines()]
        self.assertEqual((line["ok"], line["action"]), (True, "conflict"))
        self.assertEqual(desk_version(article), kept)
        out, error = self.import_ninjs("--overwrite", v4)
        self.assertIsNone(error)
        self.assertIn("0 created, 1 updated", out)
        article.refresh_from_db()
        self.assertIn("Mill Lane", article.body)
        self.assertEqual(article.status, Article.Status.UNPUBLISHED)  # never more public

    def test_a_canceled_item_takes_its_article_down(self):
        self.import_ninjs(SINGLE)
        data = json.loads(SINGLE.read_text())
        data["pubstatus"] = "canceled"
        self.import_ninjs(self.write("kill.json", json.dumps(data)))
        article = Article.objects.get(source=QUAY_WALL)
        self.assertEqual(article.status, Article.Status.UNPUBLISHED)
        self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 404)

    def test_a_rerun_as_drafts_leaves_published_articles_published(self):
        self.import_ninjs(SINGLE)
        data = json.loads(SINGLE.read_text())
        data["bodies"][0]["value"] += "<p>Traffic is diverted along Mill Lane.</p>"
        out, error = self.import_ninjs("--status", "draft", self.write("v2.json", json.dumps(data)))
        self.assertIsNone(error)
        self.assertIn("0 created, 1 updated", out)
        article = Article.objects.get(source=QUAY_WALL)
        self.assertEqual(article.status, Article.Status.PUBLISHED)
        self.assertIn("Mill Lane", article.body)

    def test_a_new_schedule_from_the_source_moves_the_article(self):
        soon, later = (timezone.now() + timedelta(days=days) for days in (1, 30))
        data = json.loads(item(firstcreated=soon.isoformat(), bodies=[BODY], **READY))
        self.import_ninjs(self.write("a.json", json.dumps(data)))
        data["firstcreated"] = later.isoformat()
        self.import_ninjs(self.write("b.json", json.dumps(data)))
        article = Article.objects.get()
        self.assertEqual(article.publish_at, later)
        self.assertFalse(article.is_published())

    def test_control_characters_in_names_and_odd_values_are_handled(self):
        data = json.loads(
            item(
                people=[{"name": "Ann\u0007 Bee", "rel": "author"}],
                subjects=[
                    {"name": "Har\u007fbour", "rel": "tag"},
                    {"name": "W\u0001orld", "rel": "section"},
                ],
                renditions=[{"name": "web", "href": "http://[oops/"}],
                associations=[{"type": "picture", "descriptions": [{"value": "Dusk\u0008."}]}],
                bodies=[BODY],
                descriptions=READY["descriptions"],
            )
        )
        bad = json.loads(item(uri="urn:test:2", firstcreated="0001-01-01T00:00:00+01:00"))
        out, error = self.import_ninjs(self.write("odd.json", json.dumps([data, bad])))
        self.assertIn("firstcreated: '0001-01-01T00:00:00+01:00' is not a date and time", out)
        self.assertEqual(error.returncode, 1)
        article = Article.objects.for_detail().get()
        self.assertEqual([b.author.name for b in article.bylines.all()], ["Ann Bee"])
        self.assertEqual(list(article.tags.names()), ["Harbour"])
        self.assertEqual(article.section.name, "World")
        self.assertEqual(article.lead_caption.text, "Dusk.")
        out, error = self.import_ninjs(self.write("again.json", json.dumps([data])))
        self.assertIsNone(error)
        self.assertIn("1 unchanged", out)

    def test_json_nested_too_deeply_is_refused(self):
        out, error = self.import_ninjs(self.write("deep.json", "[" * 100_000 + "]" * 100_000))
        self.assertEqual(error.returncode, 1)
        self.assertIn("nested too deeply", out)
        self.assertFalse(Article.objects.exists())

    def test_an_empty_tag_option_is_refused(self):
        _, error = self.import_ninjs("--tag", " ", SINGLE)
        self.assertIn("--tag needs a name", str(error))
        self.assertFalse(Article.objects.exists())

    def test_dry_run_json_writes_nothing(self):
        out, error = self.import_ninjs("--dry-run", "--json", SINGLE)
        self.assertIsNone(error)
        (line,) = [json.loads(line) for line in out.splitlines()]
        self.assertEqual((line["ok"], line["action"]), (True, "created"))
        self.assertEqual(line["article"]["status"], "published")
        self.assertEqual(line["article"]["tags"], ["Infrastructure", "Roads"])
        self.assertIn("no --media folder given", line["warnings"][0])
        self.assertFalse(Article.objects.exists())
        self.assertFalse(ImportRun.objects.exists())

    def test_malformed_json_fails_whole_and_nothing_is_written(self):
        out, error = self.import_ninjs(self.write("feed.json", SINGLE.read_text()[:-40]))
        self.assertEqual(error.returncode, 1)
        self.assertIn("feed.json: not valid JSON", out)
        self.assertFalse(Article.objects.exists())
        self.assertFalse(Author.objects.exists())

    def test_a_folder_is_read_for_json_files(self):
        self.write("wire/a.json", SINGLE.read_text())
        self.write("wire/notes.txt", "not ninjs")
        out, error = self.import_ninjs(self.folder / "wire")
        self.assertIsNone(error)
        self.assertIn("1 created", out)
        _, error = self.import_ninjs(self.folder / "wire" / "notes.txt")
        self.assertIsNotNone(error)
        (self.folder / "empty").mkdir()
        out, _ = self.import_ninjs(self.folder / "empty")
        self.assertIn("folder holds no .json files", out)

    def test_a_usable_item_lacking_a_standfirst_comes_in_as_a_draft(self):
        lacking = {field: value for field, value in READY.items() if field != "descriptions"}
        path = self.write("a.json", item(bodies=[BODY], **lacking))
        out, error = self.import_ninjs("--json", path)
        self.assertIsNone(error)
        (line,) = [json.loads(line) for line in out.splitlines()]
        self.assertEqual(line["article"]["status"], "published")  # at its source
        self.assertEqual(
            line["warnings"],
            [
                "kept as a draft: publishing needs a standfirst",
                "section 'City' is not created for an article that is not published: choose "
                "its section when publishing it",
            ],
        )
        self.assertEqual(Article.objects.get().status, Article.Status.DRAFT)
        out, error = self.import_ninjs(self.write("b.json", item(uri="urn:test:2", **READY)))
        self.assertIsNone(error)
        self.assertNotIn("kept as a draft", out)
        self.assertTrue(Article.objects.get(source="ninjs:urn:test:2").is_published())

    def test_pictures_from_media_by_file_name(self):
        renditions = self.folder / "renditions"
        write_picture(renditions / "quay-wall.jpg", size=(1600, 900))
        out, error = self.import_ninjs("--media", renditions, SINGLE)
        self.assertIsNone(error)
        self.assertNotIn("not found", out)
        lead = Article.objects.get(source=QUAY_WALL).lead_caption
        self.assertEqual((lead.picture.image_width, lead.picture.image_height), (1600, 900))
        self.assertEqual(lead.picture.credit, "Harbour Wire/Lee Park")
        self.assertTrue(lead.picture.renditions["files"])


@override_settings(ARTICLES_PUBLISH_CHECKS=WIRE_CHECKS)
class ImportedWireSurfaceTests(TestCase):
    """Embargoed, withheld and canceled items, and the editor's notes, never reach readers."""

    @classmethod
    def setUpTestData(cls):
        out = io.StringIO()
        try:
            call_command("import_articles", "--format", "ninjs", LIST, SINGLE, stdout=out)
        except CommandError as error:  # list.json holds two bad items
            cls.error = error
        cls.output = out.getvalue()

    def test_hidden_items_show_nowhere(self):
        self.assertIn("6 created", self.output)
        self.assertIn("2 of 8 files or items failed", str(self.error))
        hidden = Article.objects.filter(source__in=[f"ninjs:{uri}" for uri in HIDDEN])
        self.assertEqual(hidden.count(), 3)
        self.assertFalse(any(article.is_published() for article in hidden))
        secrets = [*HIDDEN.values(), "SECRET-EDNOTE-TOKEN"]
        secrets += list(hidden.values_list("headline", flat=True))
        urls = ["/", "/feeds/rss/", "/feeds/atom/", "/feeds/json/", "/search/?q=SECRET"]
        urls += ["/sitemap-articles.xml", "/news-sitemap.xml"]
        urls += [article.get_absolute_url() for article in Article.objects.all()]
        for url in urls:
            content = self.client.get(url).content.decode()
            for secret in secrets:
                with self.subTest(url=url, secret=secret):
                    self.assertNotIn(secret, content)
        self.assertContains(self.client.get("/"), "Tram fares to rise by 5% in April")


NINJS_FIELDS = [
    "uri", "type", "pubstatus", "headlines", "headline", "descriptions", "description_text",
    "bodies", "body_html", "body_text", "by", "people", "subjects", "keywords", "associations",
    "renditions", "firstcreated", "versioncreated", "embargoed", "role", "value", "contenttype",
    "name", "rel", "href", "width", "alt_text", "copyrightholder", "byline", "subject", "person",
    "headline_main", "body_main", "body_xhtml", "body_richtext", "description_html", "language",
    "mimetype",
]  # fmt: skip
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(NINJS_FIELDS) | st.text(max_size=5), children, max_size=6)
    ),
    max_leaves=30,
)


class NinjsPropertyTests(SimpleTestCase):
    @settings(max_examples=400, deadline=None)
    @given(JSON_VALUES)
    def test_any_json_parses_or_raises_the_documented_error(self, value):
        try:
            items = parse_ninjs(json.dumps(value))
        except ArticleFormatError:
            return
        for parsed in items:
            self.assertTrue(parsed.article or parsed.error or parsed.skipped)
            if parsed.article:
                self.assertTrue(parsed.article.headline)


class NinjsVersion1Tests(SimpleTestCase):
    """Items in the names of IPTC's ninjs 1.x schemas: ``byline``, ``subject``, ``person``, the
    ``headline_*``, ``description_*`` and ``body_*`` patterns, associations by name."""

    def test_byline_subject_body_xhtml_and_a_picture_in_1x_names(self):
        ferry = parse_ninjs(VERSION_1.read_bytes())[0]
        article = ferry.article
        self.assertEqual(ferry.warnings, ())
        self.assertEqual(article.headline, "Fährleute legen Arbeit am Hafen nieder")
        self.assertEqual(article.dek, "Bis Donnerstag fahren keine Fähren zu den Inseln.")
        self.assertEqual(article.authors, ("Lena Graf", "Timo Brandt"))  # not the person about
        self.assertEqual(article.section, "Region")
        self.assertEqual(article.tags, ("Verkehr",))  # the subject with only a code is dropped
        self.assertEqual(
            article.body_html,
            "<p>Die Fährleute im Hafen streiken seit dem frühen Morgen.</p><p>Bis Donnerstag "
            "fahren keine Fähren zu den Inseln, teilte die Reederei mit.</p>",
        )  # the XHTML, not the plain text beside it
        self.assertEqual(article.language, "de")
        self.assertEqual(
            article.captions,
            (
                ParsedCaption(
                    text="Ein leerer Anleger am Dienstagmorgen.",
                    credit="Jonas Weber/dpa",
                    image_urls=(
                        "https://wire.example.net/media/ferry-pier.jpg",
                        "https://wire.example.net/media/ferry-pier-small.jpg",
                    ),
                ),
            ),
        )

    def test_headline_main_body_main_and_body_richtext_of_1_6_and_later(self):
        lighthouse, tide_gauge = (item.article for item in parse_ninjs(VERSION_1.read_bytes())[1:])
        self.assertEqual(lighthouse.headline, "Lighthouse keeper's cottage to become a museum")
        self.assertEqual(lighthouse.authors, ("Priya Nair", "Tomás Ferreira"))
        self.assertEqual(lighthouse.tags, ("Heritage",))
        self.assertEqual(lighthouse.language, "en-GB")
        self.assertTrue(lighthouse.body_html.startswith("<p>The cottage at the foot"))
        self.assertEqual(tide_gauge.headline, "New tide gauge installed at the harbour mouth")
        self.assertIsNone(tide_gauge.body_html)
        self.assertEqual(
            tide_gauge.paragraphs,
            ("The gauge reports the water level every minute.", "Its readings are public."),
        )
        self.assertEqual(tide_gauge.authors, ("Harbour Wire",))  # a credit alone is the author
        self.assertEqual(tide_gauge.language, "")

    def test_each_text_field_of_1x_is_read_in_its_order(self):
        cases = {
            # 1.x field(s) of an item: (headline, dek, paragraphs, body_html)
            json.dumps({"headline_extra": "Extra"}): ("Extra", "", (), None),
            json.dumps({"headline": "A", "headline_main": "B"}): ("A", "", (), None),
            json.dumps({"headline_main": "B", "description_html": "<p>Dek &amp; more</p>"}): (
                "B",
                "Dek & more",
                (),
                None,
            ),
            json.dumps({"headline_main": "B", "body_custom": "<p>Markup</p>"}): (
                "B",
                "",
                (),
                "<p>Markup</p>",
            ),
            json.dumps({"headline_main": "B", "body_text": "Plain", "body_main": "Other"}): (
                "B",
                "",
                ("Plain",),
                None,
            ),
        }
        for fields, (headline, dek, paragraphs, body_html) in cases.items():
            with self.subTest(fields):
                (parsed,) = parse_ninjs(f'{{"uri": "urn:test:1", {fields[1:]}')
                article = parsed.article
                self.assertEqual(
                    (article.headline, article.dek, article.paragraphs, article.body_html),
                    (headline, dek, paragraphs, body_html),
                )


class NinjsAgencyItemTests(SimpleTestCase):
    """ninjs 2.x as agencies send it: text in descriptions, whole HTML documents as bodies,
    several people in ``by``, a language."""

    def test_an_item_whose_only_text_is_a_description_of_role_text(self):
        school = parse_ninjs(AGENCY.read_bytes())[0]
        self.assertEqual(school.warnings, ())
        self.assertEqual(
            school.article.paragraphs,
            ("Eleverna på ön får en egen färja från hösten.", "Den tar fyrtio passagerare."),
        )
        self.assertEqual(school.article.dek, "")  # the text is not also the standfirst
        self.assertEqual(school.article.authors, ("Karin Lund",))
        self.assertEqual(school.article.language, "sv")

    def test_a_whole_html_document_gives_its_body_without_the_repeated_headline(self):
        crane = parse_ninjs(AGENCY.read_bytes())[1].article
        self.assertEqual(
            crane.body_html,
            "<article><section><p>The crane has stood on the east quay since 1912.</p>"
            "<p>Volunteers will repaint it over the summer.</p></section></article>",
        )
        self.assertEqual(crane.authors, ("Ana Silva", "Ben Okafor", "Jan van der Berg"))
        self.assertEqual((crane.section, crane.tags), ("City", ("Heritage",)))

    def test_only_a_first_heading_equal_to_the_headline_is_dropped(self):
        cases = {
            "<h1>A headline</h1><p>Text.</p>": "<p>Text.</p>",
            "<p>Text.</p><h1>A headline</h1>": "<p>Text.</p><h1>A headline</h1>",
            "<h1>Another</h1><p>Text.</p>": "<h1>Another</h1><p>Text.</p>",
            "<html><head><title>T</title></head><p>Text.</p></html>": "<p>Text.</p>",
            "<body class='x'><h1 id='h'>a  HEADLINE</h1><p>Text.</p>": "<p>Text.</p>",
        }
        for html, expected in cases.items():
            with self.subTest(html):
                body = {"contenttype": "text/html", "value": html}
                (parsed,) = parse_ninjs(item(bodies=[body]))
                self.assertEqual(parsed.article.body_html, expected)

    def test_plain_text_is_split_at_line_breaks_without_the_repeated_headline(self):
        text = {"contenttype": "text/plain", "value": "A HEADLINE\nFirst.\nSecond."}
        nitf = {"contenttype": "application/xml", "value": "<nitf>Not a body.</nitf>"}
        (parsed,) = parse_ninjs(item(bodies=[nitf, text]))
        self.assertEqual(parsed.article.paragraphs, ("First.", "Second."))
        self.assertIsNone(parsed.article.body_html)

    def test_an_item_with_no_body_gets_a_warning(self):
        pier = parse_ninjs(AGENCY.read_bytes())[2]
        self.assertEqual((pier.article.paragraphs, pier.article.body_html), ((), None))
        self.assertEqual(pier.article.dek, "The pier reopens on Monday morning.")
        self.assertEqual(
            pier.warnings,
            (
                NO_BODY,
                "by: 'The Harbour Desk, with wires' not read as names: no author taken from it",
                "language: 'English (UK)' is not a language code (BCP 47): the site's "
                "language applies",
            ),
        )
        self.assertEqual((pier.article.authors, pier.article.language), ((), ""))
        (empty,) = parse_ninjs(item(bodies=[{"value": "  "}], body_html="<p></p>"))
        self.assertIn(NO_BODY, empty.warnings)

    def test_the_language_is_a_bcp_47_tag_in_its_usual_case(self):
        cases = {"de_DE": "de-DE", "ZH-hant-tw": "zh-Hant-TW", "es-419": "es-419", "": ""}
        for value, stored in cases.items():
            with self.subTest(value):
                (parsed,) = parse_ninjs(item(language=value))
                self.assertEqual(parsed.article.language, stored)
                self.assertFalse(any("language" in w for w in parsed.warnings))


# A by line as agencies write it, and the people it names, in order.
BY_LINES = {
    "Ana Silva": ("Ana Silva",),
    "By Ana Silva and Tom Reyes": ("Ana Silva", "Tom Reyes"),
    "Ana Silva, Tom Reyes and Li Wei": ("Ana Silva", "Tom Reyes", "Li Wei"),
    "Ana Silva & Tom Reyes": ("Ana Silva", "Tom Reyes"),
    "Von Lena Graf, dpa": ("Lena Graf",),
    "Von Lena Graf und Timo Brandt, dpa": ("Lena Graf", "Timo Brandt"),
    "Von der Leyen": ("Von der Leyen",),
    "By Ana Silva in Paris": ("Ana Silva",),
    "Ana Silva in Paris and Tom Reyes in Berlin": ("Ana Silva", "Tom Reyes"),
    "Ana Silva (Reuters)": ("Ana Silva",),
    "By Ana Silva, Associated Press": ("Ana Silva",),
    "Karin Lund/TT": ("Karin Lund",),
    "Jan van der Berg and Ana de la Cruz": ("Jan van der Berg", "Ana de la Cruz"),
    "Reuters": ("Reuters",),
    "(AP)": ("AP",),
    "Ana Silva; Tom Reyes": ("Ana Silva", "Tom Reyes"),
    "ana silva": ("ana silva",),
    "The Harbour Desk, with wires": (),
    "A" * 61: (),  # longer than a name
}
GIVEN_NAMES = ["Ana", "Tom", "Lena", "Kwame", "Priya", "Jonas", "Mei", "Zofia", "Tomás", "Li"]
SURNAMES = [
    "Silva",
    "Reyes",
    "Graf",
    "Mensah",
    "Nair",
    "Berg",
    "Lund",
    "Okafor",
    "Müller",
    "O'Neill",
]
PARTICLES = ["", "van", "van der", "de", "de la", "von", "da", "dos", "ter", "bin"]
NAMES = st.builds(
    lambda given, particle, surname: " ".join(filter(None, [given, particle, surname])),
    st.sampled_from(GIVEN_NAMES),
    st.sampled_from(PARTICLES),
    st.sampled_from(SURNAMES),
)


class ByLineTests(SimpleTestCase):
    """``by`` names people with the text importer's byline rule (``rules.split_byline``)."""

    def test_by_lines_name_their_people_without_agencies_and_places(self):
        for by, people in BY_LINES.items():
            with self.subTest(by):
                self.assertEqual(tuple(by_names(by)), people)
                self.assertEqual(set(by_names(by).values()) - {"author"}, set())

    def test_later_parts_give_roles_as_the_export_writes_them(self):
        self.assertEqual(
            by_names("Ana Silva and Tom Reyes; additional reporting by Li Wei"),
            {"Ana Silva": "author", "Tom Reyes": "author", "Li Wei": "additional"},
        )
        self.assertEqual(
            by_names("Ana Silva; photographs by Bo Ivanova"),
            {"Ana Silva": "author", "Bo Ivanova": "photographer"},
        )

    def test_people_come_before_by(self):
        (parsed,) = parse_ninjs(
            item(by="Tom Reyes and Li Wei", people=[{"name": "Ana Silva", "rel": "author"}])
        )
        self.assertEqual(parsed.article.authors, ("Ana Silva",))

    @settings(max_examples=300, deadline=None)
    @given(
        st.lists(NAMES, min_size=1, max_size=4, unique=True),
        st.sampled_from(["", "By ", "Von "]),
        st.sampled_from(["", ", dpa", " (Reuters)", " in Paris", "/TT", ", Associated Press"]),
    )
    def test_names_listed_with_credits_come_back_whole(self, names, opening, credit):
        """Never split inside a name with particles ("Ana van der Berg"), whatever surrounds it."""
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        self.assertEqual(list(by_names(f"{opening}{listed}{credit}")), names)

    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=80))
    def test_never_an_empty_name(self, by):
        for name in by_names(by):
            self.assertTrue(name.strip())
            self.assertEqual(name, " ".join(name.split()))


@override_settings(ARTICLES_PUBLISH_CHECKS=WIRE_CHECKS)
class NinjsLanguageTests(DeskEditTestCase):
    """The item's language is the article's: stored, shown to readers, exported again."""

    def import_ninjs(self, *paths_and_options):
        return self.run_command("--format", "ninjs", *paths_and_options)

    def test_an_imported_language_is_stored_and_shown_on_the_page(self):
        out, error = self.import_ninjs(VERSION_1)
        self.assertIsNone(error, out)
        ferry = Article.objects.get(source="ninjs:urn:newsroom-tests:wire:2024:ferry-strike")
        self.assertEqual(ferry.language, "de")
        self.assertEqual(ferry.content_language(), "de")
        tide_gauge = Article.objects.get(source="ninjs:urn:newsroom-tests:wire:2024:tide-gauge")
        self.assertEqual(tide_gauge.language, "")  # none given: the site's
        self.assertEqual(tide_gauge.content_language(), site_language())

        page = self.client.get(ferry.get_absolute_url()).content.decode()
        story = re.search(r'<article class="story"[^>]*>', page)[0]
        self.assertEqual(story, '<article class="story" lang="de">')
        (news_article, _) = [
            json.loads(data)
            for data in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)
        ]
        self.assertEqual(news_article["inLanguage"], "de")
        page = self.client.get(tide_gauge.get_absolute_url()).content.decode()
        self.assertEqual(
            re.search(r'<article class="story"[^>]*>', page)[0], '<article class="story">'
        )

        front = self.client.get("/").content.decode()
        links = re.findall(rf'<a href="{ferry.get_absolute_url()}"[^>]*>', front)
        self.assertIn(f'<a href="{ferry.get_absolute_url()}" hreflang="de">', links)

    def test_the_editor_sees_and_may_change_the_language_under_filing(self):
        article = make_article(language="de")
        self.client.force_login(self.editor)
        url = f"/admin/articles/article/{article.pk}/change/"
        form = self.client.get(url).context["adminform"]
        filing = {name: options["fields"] for name, options in form.fieldsets}["Filing"]
        self.assertIn("language", filing)
        self.assertEqual(form.form["language"].value(), "de")
        self.assertEqual(self.edit_in_the_admin(article, language="pt_br").language, "pt-BR")
        data = article_form(slug=article.slug, opened_version=article.edit_version)
        response = self.client.post(url, data | {"language": "Portuguese"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("language", response.context["adminform"].form.errors)

    def test_the_export_writes_the_language_and_its_import_reads_it_back(self):
        section, author = make_section(name="World", slug="world"), make_author(name="Ana Silva")
        make_article(headline="Hafen öffnet", language="de", section=section, authors=[author])
        make_article(headline="Harbour opens", section=section, authors=[author])
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "export.json"
            call_command(
                "export_articles",
                output=str(path),
                site_url="https://a.example",
                stderr=io.StringIO(),
            )
            items = json.loads(path.read_text(encoding="utf-8"))
            self.assertEqual(
                {i["headlines"][0]["value"]: i["language"] for i in items},
                {"Hafen öffnet": "de", "Harbour opens": site_language()},
            )
            Article.objects.all().delete()
            out, error = self.import_ninjs(path)
        self.assertIsNone(error, out)
        self.assertEqual(Article.objects.get(headline="Hafen öffnet").language, "de")
        self.assertEqual(Article.objects.get(headline="Harbour opens").language, site_language())

    def test_an_item_without_a_body_or_language_code_is_imported_with_warnings(self):
        out, error = self.import_ninjs("--json", AGENCY)
        self.assertIsNone(error, out)
        lines = {line["file"].rsplit("#", 1)[1]: line for line in map(json.loads, out.splitlines())}
        self.assertEqual(lines["item-3"]["action"], "created")
        self.assertIn(NO_BODY, lines["item-3"]["warnings"])
        pier = Article.objects.get(source="ninjs:urn:newsroom-tests:wire:2024:pier-notice")
        self.assertEqual((pier.body, pier.language), ("", ""))
        crane = Article.objects.get(source="ninjs:urn:newsroom-tests:wire:2024:dock-crane")
        self.assertNotIn("<title>", crane.body)
        self.assertEqual(crane.body.count("Oldest dock crane"), 0)
        self.assertNotIn("warnings", lines["item-2"])
