import json
from dataclasses import replace
from datetime import UTC, datetime
from unittest import mock

from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import SimpleTestCase, TestCase

from articles.importers import loader
from articles.importers.loader import (
    ImportItem,
    claimant,
    import_action,
    load_article,
    load_articles,
    predict_articles,
    publication_needs,
    render_body,
)
from articles.importers.ninjs_format import parse_ninjs
from articles.importers.parser import Block, ParsedCaption, parse_article
from articles.models import (
    Article,
    Author,
    Caption,
    ImportedFile,
    ImportRun,
    Picture,
    Section,
)

from .factories import image_file, make_section

TEXT = """Harbour ferry returns after month-long repairs
Ana Müller and Tom Reyes
Passengers board the morning ferry at Pier 4 on March 2. /Harbour Daily/Lee Park

Passengers board the morning ferry at Pier 4 on March 2. /Harbour Daily/Lee Park

The city's oldest ferry line carried passengers again on Monday after a month of repairs.

Officials said the crossing would run every twenty minutes at peak hours.


Bridge tolls to rise in spring

Can the old pier survive another winter?

Repairs cost more than planned. The hull needed new plating below the waterline.


What comes next

A second boat is due back in service in June, the operator said.

Share this article
"""


def load(text=TEXT, *, dek="", **options):
    """Load ``text`` (with a standfirst ``dek``, which the text format cannot carry)."""
    options = {"source": "/imports/ferry.txt", "checksum": "abc"} | options
    return load_article(replace(parse_article(text), dek=dek), **options)


class LoadArticleTests(TestCase):
    def test_new_file_creates_a_complete_article(self):
        result = load()
        article = Article.objects.for_detail().get()
        self.assertEqual(result.action, "created")
        self.assertEqual(article.headline, "Harbour ferry returns after month-long repairs")
        self.assertEqual(article.slug, "harbour-ferry-returns-after-month-long-repairs")
        self.assertEqual(
            [b.author.name for b in article.bylines.all()], ["Ana Müller", "Tom Reyes"]
        )
        self.assertEqual(
            [(c.text, c.picture.credit) for c in article.captions.all()],
            [
                (
                    "Passengers board the morning ferry at Pier 4 on March 2.",
                    "Harbour Daily/Lee Park",
                )
            ],
        )
        self.assertEqual(
            [(link.title, link.url) for link in article.related_links.all()],
            [
                ("Bridge tolls to rise in spring", ""),
                ("Can the old pier survive another winter?", ""),
            ],
        )
        self.assertIn("<h2>What comes next</h2>", article.body)
        self.assertNotIn("Share this article", article.body)
        self.assertEqual(article.status, Article.Status.DRAFT)
        self.assertEqual((article.source, article.source_checksum), ("/imports/ferry.txt", "abc"))

    def test_slugs_of_non_ascii_headlines_are_readable(self):
        text = TEXT.replace("Harbour ferry returns", "Türkiye’s ferry to Çeşme returns", 1)
        article = load(text).article
        self.assertEqual(article.slug, "turkiyes-ferry-to-cesme-returns-after-month-long-repairs")
        self.assertEqual(article.headline[:7], "Türkiye")

    def test_same_source_and_checksum_is_unchanged(self):
        load()
        result = load()
        self.assertEqual(result.action, "unchanged")
        self.assertEqual(Article.objects.count(), 1)

    def test_changed_file_updates_in_place_and_keeps_caption_images(self):
        article = load().article
        article.lead_caption.picture.image.save("ferry.jpg", image_file())
        image_name = article.lead_caption.picture.image.name
        result = load(TEXT.replace("every twenty minutes", "every half hour"), checksum="def")
        self.assertEqual((result.action, result.article.pk), ("updated", article.pk))
        article.refresh_from_db()
        self.assertIn("every half hour", article.body)
        self.assertEqual(article.lead_caption.picture.image.name, image_name)
        self.assertEqual(article.bylines.count(), 2)
        self.assertEqual(article.related_links.count(), 2)

    def test_authors_are_matched_by_name_across_articles(self):
        load()
        load(
            TEXT.replace("Ana Müller and Tom Reyes", "Kim Ode and ANA Müller"),
            source="/imports/b.txt",
        )
        self.assertEqual(
            sorted(Author.objects.values_list("name", flat=True)),
            ["Ana Müller", "Kim Ode", "Tom Reyes"],
        )

    def test_published_status_section_and_tags(self):
        section = make_section(slug="city")
        result = load(
            dek="The ferry runs again.",
            status=Article.Status.PUBLISHED,
            section=section,
            tags=["Ferries"],
        )
        article = result.article
        self.assertEqual(result.warnings, ())
        self.assertTrue(article.is_published())
        self.assertEqual(article.section, section)
        self.assertEqual(list(article.tags.names()), ["Ferries"])

    def test_same_headline_gets_a_distinct_slug(self):
        first = load().article
        second = load(source="/imports/copy.txt").article
        self.assertEqual(second.slug, first.slug + "-2")

    def test_invalid_article_is_refused(self):
        too_long = TEXT.replace("Harbour ferry returns", "Harbour " * 40, 1)
        with self.assertRaises(ValidationError) as caught:
            load(too_long)
        self.assertIn("headline", caught.exception.message_dict)
        self.assertFalse(Article.objects.exists())

    def test_failure_midway_leaves_nothing_behind(self):
        """The article and its authors are written before its links are built; all go together."""
        with (
            mock.patch("articles.importers.loader._links", side_effect=RuntimeError),
            self.assertRaises(RuntimeError),
        ):
            load()
        self.assertFalse(Article.objects.exists())
        self.assertFalse(Author.objects.exists())

    def test_an_article_changed_since_its_import_is_left_alone_unless_overwritten(self):
        article = load().article
        article.headline = "Headline from the desk"
        article.save()
        changed = TEXT.replace("every twenty minutes", "every half hour")
        result = load(changed, checksum="def")
        self.assertEqual((result.action, result.article.pk), ("conflict", article.pk))
        article.refresh_from_db()
        self.assertEqual(
            (article.headline, article.source_checksum), ("Headline from the desk", "abc")
        )
        self.assertEqual(load_articles([item(changed, checksum="def")])[0].action, "conflict")
        result = load(changed, checksum="def", overwrite=True)
        self.assertEqual(result.action, "updated")
        article.refresh_from_db()
        self.assertIn("every half hour", article.body)
        self.assertFalse(article.changed_since_import())

    def test_the_version_recorded_is_the_one_after_all_the_imports_writes(self):
        """The loader's own writes may each advance the version (a caption or correction saved
        with the article): none of them is a change made here."""
        real_mark = loader._mark_imported

        def advance_and_mark(articles):
            pks = [article.pk for article in articles]
            Article.objects.filter(pk__in=pks).update(edit_version=F("edit_version") + 2)
            real_mark(articles)

        with mock.patch.object(loader, "_mark_imported", advance_and_mark):
            load_articles([item()])
            load(TEXT.replace("every twenty minutes", "every half hour"), checksum="def")
        article = Article.objects.get()
        self.assertEqual(article.imported_version, article.edit_version)
        self.assertFalse(article.changed_since_import())

    def test_body_is_escaped(self):
        html = render_body([Block(Block.PARAGRAPH, "<script>x</script> & {{ 7|add:7 }}")])
        self.assertEqual(html, "<p>&lt;script&gt;x&lt;/script&gt; &amp; {{ 7|add:7 }}</p>")


def item(text=TEXT, source="/imports/ferry.txt", checksum="abc", dek=""):
    return ImportItem(replace(parse_article(text), dek=dek), source, checksum)


class LoadArticlesInBulkTests(TestCase):
    def test_bulk_load_writes_what_single_loads_write(self):
        single = load(source="/imports/one.txt").article
        bulk = load_articles([item(source="/imports/two.txt")])[0].article

        def content(article):
            article = Article.objects.for_detail().get(pk=article.pk)
            return (
                article.headline,
                article.body,
                [(b.author_id, b.order) for b in article.bylines.all()],
                [(c.text, c.picture.credit, c.order) for c in article.captions.all()],
                [(link.title, link.url, link.order) for link in article.related_links.all()],
            )

        self.assertEqual(content(bulk), content(single))
        self.assertEqual(bulk.slug, single.slug + "-2")

    def test_a_batch_in_a_fixed_number_of_queries(self):
        """Guards against a query per article, author, caption or link in the bulk path: with its
        authors and tag known, a batch takes a savepoint, the source and slug lookups, the
        article, author and tag lookups, six bulk inserts (the captions' pictures and the
        transitions too), the search entries (bylines, tags and articles read back, one
        upsert), the version the import leaves the articles at, and the release (18)."""
        load_articles([item(source="/imports/first.txt")], tags=["Ferries"])
        for size in (3, 30):
            items = [
                item(TEXT.replace("Harbour", f"Harbour {n}", 1), source=f"/imports/{size}-{n}.txt")
                for n in range(size)
            ]
            with self.subTest(size=size), self.assertNumQueries(18):
                load_articles(items, tags=["Ferries"])
        self.assertEqual(Article.objects.count(), 34)
        self.assertEqual(len({a.slug for a in Article.objects.all()}), 34)

    def test_results_keep_order_and_report_each_outcome(self):
        load()
        results = load_articles(
            [
                item(source="/imports/new.txt"),
                item(),
                item(TEXT.replace("every twenty", "every ten"), checksum="changed"),
                item(TEXT.replace("Harbour ferry returns", "Harbour " * 40, 1), source="/x.txt"),
            ]
        )
        self.assertEqual([r.action for r in results], ["created", "unchanged", "updated", "failed"])
        self.assertIn("headline", results[3].error)
        self.assertEqual(Article.objects.count(), 2)

    def test_a_conflict_in_the_batch_falls_back_to_one_file_at_a_time(self):
        """Two parses of one source in a batch break the bulk insert on the unique source."""
        results = load_articles([item(), item(checksum="other")])
        self.assertEqual([r.action for r in results], ["created", "updated"])
        self.assertEqual(Article.objects.get().source_checksum, "other")

    def test_authors_are_shared_across_the_batch(self):
        load_articles([item(source=f"/imports/{n}.txt") for n in range(5)])
        self.assertEqual(Author.objects.count(), 2)

    def test_many_same_headlines_in_one_batch_get_distinct_slugs(self):
        results = load_articles([item(source=f"/imports/same-{n}.txt") for n in range(25)])
        self.assertEqual({r.action for r in results}, {"created"})
        self.assertEqual(len({a.slug for a in Article.objects.all()}), 25)


class ImportActionTests(SimpleTestCase):
    """``SimpleTestCase`` refuses queries: the decision reads only the article given."""

    def test_each_outcome(self):
        imported = Article(source_checksum="abc", edit_version=3, imported_version=3)
        edited = Article(source_checksum="abc", edit_version=5, imported_version=3)
        cases = [
            (None, "abc", False, "created"),
            (imported, "abc", False, "unchanged"),
            (edited, "abc", False, "unchanged"),
            (edited, "abc", True, "unchanged"),
            (imported, "def", False, "updated"),
            (edited, "def", False, "conflict"),
            (edited, "def", True, "updated"),
        ]
        for article, checksum, overwrite, action in cases:
            with self.subTest(article=article and article.edit_version, checksum=checksum):
                self.assertEqual(import_action(article, checksum, overwrite=overwrite), action)

    def test_a_post_another_export_claims_is_a_conflict_even_with_overwrite(self):
        imported = Article(source_checksum="abc", edit_version=3, imported_version=3)
        claimed = "export.xml#post-12"
        for article, checksum in ((None, "abc"), (imported, "abc"), (imported, "def")):
            for overwrite in (False, True):
                with self.subTest(article=article, checksum=checksum, overwrite=overwrite):
                    self.assertEqual(
                        import_action(article, checksum, overwrite=overwrite, claimed_by=claimed),
                        "conflict",
                    )

    def test_a_newer_dated_export_of_a_site_is_the_same_series(self):
        """WordPress names its exports after the site and the day: a newer one follows."""
        article = Article(source="wxr:https://site.example/?p=12")
        article.imported_from = "gazette.WordPress.2024-06-01.xml#post-12"
        for origin, other in (
            ("gazette.WordPress.2025-01-31.xml#post-12", ""),
            ("downloads/gazette.wordpress.2025-01-31 (1).xml#post-12", ""),
            ("staging.WordPress.2025-01-31.xml#post-12", article.imported_from),
        ):
            with self.subTest(origin):
                post = ImportItem(parse_article(TEXT), article.source, "abc", origin=origin)
                self.assertEqual(claimant(post, article, {}), other)

    def test_the_claim_is_the_file_name_the_article_was_last_imported_from(self):
        article = Article(source="wxr:https://site.example/?p=12")
        article.imported_from = "exports/export.xml#post-12"
        post = ImportItem(parse_article(TEXT), article.source, "abc", origin="other.xml#post-12")
        cases = [
            (post, article, {}, "exports/export.xml#post-12"),
            (replace(post, origin="/srv/export.xml#post-12"), article, {}, ""),  # another folder
            (replace(post, origin="export (1).xml#post-12"), article, {}, ""),  # a second copy
            (replace(post, origin=""), article, {}, ""),  # not a WordPress post
            (post, None, {article.source: "export.xml#post-12"}, "export.xml#post-12"),  # the run's
            (post, None, {article.source: "other.xml#post-12"}, ""),
            (post, None, {}, ""),
        ]
        for item, found, claims, other in cases:
            with self.subTest(origin=item.origin, claims=claims, found=found):
                self.assertEqual(claimant(item, found, claims), other)


class PublishChecksTests(TestCase):
    """What an import would make public meets the pre-publish checks
    (articles/editorial/publishing.py)."""

    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(slug="city")

    def test_a_new_article_lacking_a_section_is_kept_as_a_draft_with_a_warning(self):
        warning = "kept as a draft: publishing needs a section"
        single = load(dek="The ferry runs again.", status=Article.Status.PUBLISHED)
        (bulk,) = load_articles(
            [item(source="/imports/bulk.txt", dek="The ferry runs again.")],
            status=Article.Status.PUBLISHED,
        )
        for result in (single, bulk):
            with self.subTest(result.article.source):
                self.assertEqual((result.action, result.warnings), ("created", (warning,)))
                article = Article.objects.get(pk=result.article.pk)
                self.assertEqual((article.status, article.publish_at), ("draft", None))
                self.assertEqual(article.transitions.get().to_status, "draft")

    def test_every_need_is_named_in_the_order_of_the_setting(self):
        result = load(status=Article.Status.PUBLISHED)
        self.assertEqual(
            result.warnings, ("kept as a draft: publishing needs a section, a standfirst",)
        )
        with self.settings(ARTICLES_PUBLISH_CHECKS=["dek", "section"]):
            result = load(status=Article.Status.PUBLISHED, source="/imports/other.txt")
        self.assertEqual(
            result.warnings, ("kept as a draft: publishing needs a standfirst, a section",)
        )

    def test_with_what_publishing_needs_a_batch_is_published(self):
        results = load_articles(
            [item(source=f"/imports/{n}.txt", dek="The ferry runs again.") for n in range(3)],
            status=Article.Status.PUBLISHED,
            section=self.section,
        )
        self.assertEqual([r.warnings for r in results], [(), (), ()])
        self.assertEqual(Article.objects.published().count(), 3)

    def test_an_update_that_would_leave_a_public_article_without_an_author_fails(self):
        article = load(
            dek="The ferry runs again.", status=Article.Status.PUBLISHED, section=self.section
        ).article
        before = Article.objects.filter(pk=article.pk).values().get()
        authorless = TEXT.replace("Ana Müller and Tom Reyes\n", "")
        message = "not updated: a published article needs at least one author in the byline"
        with self.assertRaisesMessage(ValidationError, message):
            load(authorless, checksum="def")
        (result,) = load_articles([item(authorless, checksum="def")])
        self.assertEqual((result.action, result.error), ("failed", message))
        self.assertEqual(Article.objects.filter(pk=article.pk).values().get(), before)
        self.assertEqual(article.bylines.count(), 2)
        self.assertTrue(article.is_published())

    def test_an_update_of_a_draft_or_taking_an_article_down_is_not_checked(self):
        draft = load().article
        load(TEXT.replace("Ana Müller and Tom Reyes\n", ""), checksum="def")
        self.assertEqual(draft.bylines.count(), 0)
        public = load(
            dek="The ferry runs again.",
            status=Article.Status.PUBLISHED,
            section=self.section,
            source="/imports/public.txt",
        ).article
        gone = replace(parse_article(TEXT), authors=(), status=Article.Status.UNPUBLISHED)
        result = load_article(gone, source="/imports/public.txt", checksum="def")
        self.assertEqual(result.action, "updated")
        public.refresh_from_db()
        self.assertEqual(public.status, Article.Status.UNPUBLISHED)


class PublicationNeedsTests(SimpleTestCase):
    """``SimpleTestCase`` refuses queries: the decision reads only the parse and rows given."""

    parsed = replace(
        parse_article(TEXT),
        dek="The ferry runs again.",
        section="City",
        captions=(ParsedCaption("The ferry at dawn."),),
    )

    def test_a_new_article_is_checked_only_if_the_import_would_publish_it(self):
        bare = replace(self.parsed, dek="", section="")
        self.assertEqual(publication_needs(bare), [])  # a draft, the loader's default
        self.assertEqual(publication_needs(bare, status="published"), ["a section", "a standfirst"])
        published = replace(bare, status=Article.Status.PUBLISHED)
        self.assertEqual(publication_needs(published), ["a section", "a standfirst"])
        self.assertEqual(
            publication_needs(bare, status="published", section=Section(name="City")),
            ["a standfirst"],
        )
        for status in (Article.Status.DRAFT, Article.Status.IN_REVIEW):
            with self.subTest(status):  # the parse's own status wins
                self.assertEqual(
                    publication_needs(replace(bare, status=status), status="published"), []
                )

    def test_a_picture_offered_without_alt_text_is_a_need(self):
        needs = publication_needs(self.parsed, status="published", images={0: "ferry.jpg"})
        self.assertEqual(needs, ["alt text on every captioned image"])
        described = replace(self.parsed, captions=(ParsedCaption("Dawn.", alt_text="A ferry"),))
        self.assertEqual(publication_needs(described, status="published", images={0: "f"}), [])

    def test_an_update_counts_what_the_article_keeps(self):
        article = Article(status=Article.Status.PUBLISHED, dek="Kept standfirst.", section_id=1)
        bare = replace(self.parsed, dek="", section="")
        self.assertEqual(publication_needs(bare, article), [])
        pictured = [
            Caption(picture=Picture(image="captions/ferry.jpg", image_width=8, image_height=6))
        ]
        self.assertEqual(
            publication_needs(bare, article, captions=pictured),
            ["alt text on every captioned image"],
        )
        described = [
            Caption(
                picture=Picture(
                    image="captions/ferry.jpg",
                    image_width=8,
                    image_height=6,
                    alt_text="A ferry at dawn",
                )
            )
        ]
        self.assertEqual(publication_needs(bare, article, captions=described), [])
        self.assertEqual(
            publication_needs(replace(bare, authors=()), article),
            ["at least one author in the byline"],
        )
        draft = Article(status=Article.Status.DRAFT)
        self.assertEqual(publication_needs(replace(bare, authors=()), draft), [])
        canceled = replace(bare, authors=(), status=Article.Status.UNPUBLISHED)
        self.assertEqual(publication_needs(canceled, article), [])


HEADLINE = "Harbour ferry returns after month-long repairs"
PUBLISHED_FERRY = replace(
    parse_article(TEXT),
    dek="The ferry runs again.",
    status=Article.Status.PUBLISHED,
    published_at=datetime(2024, 3, 4, 8, 30, tzinfo=UTC),
)


def wire_item(**fields):
    """The parse of a ninjs item about the ferry, with ``fields``."""
    item = {"uri": "urn:wire:ferry", "headline": "Ferry returns", "body_text": "It runs again."}
    (parsed,) = parse_ninjs(json.dumps(item | fields).encode())
    return parsed.article


class ReimportTests(TestCase):
    """An update makes the article what its source says, for what the source carries."""

    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(slug="city")

    def reload(self, parsed, checksum, **options):
        options = {"source": "/imports/ferry", "section": self.section} | options
        return load_article(parsed, checksum=checksum, **options)

    def tag_names(self):
        return sorted(Article.objects.get().tags.names())

    def test_the_tags_a_parse_carries_are_the_articles_with_the_runs(self):
        self.reload(replace(PUBLISHED_FERRY, tags=("Ferries", "Repairs")), "1")
        self.reload(replace(PUBLISHED_FERRY, tags=("Ferries",)), "2", tags=["Harbour"])
        self.assertEqual(self.tag_names(), ["Ferries", "Harbour"])
        self.reload(replace(PUBLISHED_FERRY, tags=()), "3")  # a source without tags: none
        self.assertEqual(self.tag_names(), [])

    def test_a_text_file_carries_no_tags_so_an_update_keeps_the_articles(self):
        self.assertIsNone(PUBLISHED_FERRY.tags)
        self.reload(PUBLISHED_FERRY, "1", tags=["Ferries"])
        Article.objects.get().tags.add("Repairs")  # by another import's run, say
        self.reload(PUBLISHED_FERRY, "2", tags=["Harbour"])
        self.assertEqual(self.tag_names(), ["Ferries", "Harbour", "Repairs"])

    def test_a_ninjs_item_carries_tags_only_with_subjects_or_keywords(self):
        subjects = [{"name": "City", "rel": "section"}, {"name": "Ports"}]
        self.assertEqual(wire_item(subjects=subjects).tags, ("Ports",))
        self.assertEqual(wire_item(subjects=subjects[:1]).tags, ())
        self.assertEqual(wire_item(keywords=[]).tags, ())
        self.assertIsNone(wire_item().tags)
        self.assertIsNone(wire_item(subjects=None).tags)
        self.reload(wire_item(subjects=subjects, keywords=["Harbour"]), "1", source="ninjs:f")
        self.reload(wire_item(keywords=["Harbour"]), "2", source="ninjs:f")
        self.assertEqual(self.tag_names(), ["Harbour"])  # Ports was removed at the source
        self.reload(wire_item(), "3", source="ninjs:f")
        self.assertEqual(self.tag_names(), ["Harbour"])  # says nothing of tags: kept
        self.reload(wire_item(subjects=subjects[:1]), "4", source="ninjs:f")
        self.assertEqual(self.tag_names(), [])

    def test_a_published_articles_new_date_is_applied_and_its_old_address_redirects(self):
        article = self.reload(PUBLISHED_FERRY, "1").article
        first = article.get_absolute_url()
        earlier = datetime(2024, 3, 2, 8, 30, tzinfo=UTC)
        self.assertEqual(
            self.reload(replace(PUBLISHED_FERRY, published_at=earlier), "2").action, "updated"
        )
        article.refresh_from_db()
        self.assertEqual(article.publish_at, earlier)
        self.assertTrue(article.is_published())
        self.assertEqual(
            article.get_absolute_url(),
            "/2024/03/02/harbour-ferry-returns-after-month-long-repairs/",
        )
        response = self.client.get(first)
        self.assertEqual(
            (response.status_code, response["Location"]), (301, article.get_absolute_url())
        )
        later = datetime(2099, 3, 2, 8, 30, tzinfo=UTC)  # moved to a time to come: it waits
        self.reload(replace(PUBLISHED_FERRY, published_at=later), "3")
        article.refresh_from_db()
        self.assertEqual((article.publish_at, article.is_scheduled()), (later, True))

    def test_a_ninjs_items_version_time_dates_a_new_article_only(self):
        wire = {"description_text": "It runs again.", "byline": "By Ana Müller"}
        first = wire_item(**wire, versioncreated="2024-03-04T08:30:00Z")
        self.assertTrue(first.dated_by_version)
        article = self.reload(first, "1", source="ninjs:f").article
        self.assertEqual(article.publish_at, datetime(2024, 3, 4, 8, 30, tzinfo=UTC))
        self.assertTrue(article.is_published())
        self.reload(wire_item(**wire, versioncreated="2024-03-05T10:00:00Z"), "2", source="ninjs:f")
        article.refresh_from_db()
        self.assertEqual(article.publish_at, datetime(2024, 3, 4, 8, 30, tzinfo=UTC))
        created = wire_item(**wire, firstcreated="2024-03-03T08:30:00Z")
        self.assertFalse(created.dated_by_version)
        self.reload(created, "3", source="ninjs:f")
        article.refresh_from_db()
        self.assertEqual(article.publish_at, datetime(2024, 3, 3, 8, 30, tzinfo=UTC))

    def test_a_new_date_that_another_article_has_the_slug_of_gets_a_numbered_slug(self):
        article = self.reload(PUBLISHED_FERRY, "1").article
        earlier = datetime(2024, 3, 2, 8, 30, tzinfo=UTC)
        self.reload(replace(PUBLISHED_FERRY, published_at=earlier), "1", source="/imports/other")
        self.reload(replace(PUBLISHED_FERRY, published_at=earlier), "2")
        article.refresh_from_db()
        self.assertEqual(article.slug, "harbour-ferry-returns-after-month-long-repairs-2")

    def test_a_draft_keeps_its_date_and_a_changed_section_and_standfirst_are_applied(self):
        draft = replace(PUBLISHED_FERRY, status=None, section="Harbour")
        make_section(name="Harbour", slug="harbour")
        article = self.reload(draft, "1").article
        self.assertEqual(article.status, Article.Status.DRAFT)
        moved = replace(draft, published_at=datetime(2024, 3, 2, tzinfo=UTC), dek="New.")
        self.reload(replace(moved, section="City"), "2")
        article.refresh_from_db()
        self.assertEqual(article.publish_at, PUBLISHED_FERRY.published_at)
        self.assertEqual((article.section, article.dek), (self.section, "New."))
        self.reload(replace(moved, section="", dek=""), "3")  # empty: not given
        article.refresh_from_db()
        self.assertEqual((article.section, article.dek), (self.section, "New."))


class ClaimTests(TestCase):
    """A WordPress post is known by its site's address and post id, which two exports can both
    claim: an article is updated only from an export of the name it was imported from."""

    SOURCE = "wxr:https://site.example/?p=12"

    def post(self, origin, headline="Harbour ferry returns", checksum="1"):
        parsed = replace(parse_article(TEXT.replace("Harbour ferry returns", headline, 1)), tags=())
        return ImportItem(parsed, self.SOURCE, checksum, origin=origin)

    def imported(self, item):
        """Load ``item`` and record its file, as an import run does."""
        (result,) = load_articles([item])
        run = ImportRun.objects.create(command="import_articles")
        ImportedFile.objects.create(
            run=run, path=item.origin, action=result.action, article=result.article
        )
        return result.article

    def test_a_post_of_another_export_is_a_conflict_naming_it_and_changes_nothing(self):
        article = self.imported(self.post("exports/export.xml#post-12"))
        other = self.post("other.xml#post-12", "Lighthouse keeper retires", checksum="2")
        message = (
            "post-12 of other.xml claims the article imported from exports/export.xml#post-12: "
            "not merged (a newer export of a site keeps the file name of the one it follows)"
        )
        for overwrite in (False, True):
            for results in (
                predict_articles([other], overwrite=overwrite),
                load_articles([other], overwrite=overwrite),
            ):
                with self.subTest(overwrite=overwrite):
                    (result,) = results
                    self.assertEqual(
                        (result.action, result.article, result.error),
                        ("conflict", article, message),
                    )
        with self.assertNumQueries(3):  # the article with its provenance, in a savepoint
            load_article(other.parsed, source=self.SOURCE, checksum="2", origin=other.origin)
        article.refresh_from_db()
        self.assertEqual((article.headline, article.source_checksum), (HEADLINE, "1"))
        # The same export, read from another folder, updates it.
        newer = self.post("/srv/exports/export.xml#post-12", "Harbour ferry is back", checksum="3")
        self.assertEqual(load_articles([newer])[0].action, "updated")

    def test_of_two_exports_in_one_run_the_first_claims_the_post(self):
        first = self.post("export.xml#post-12")
        other = self.post("other.xml#post-12", "Lighthouse keeper retires", checksum="2")
        predicted = predict_articles([first, other])
        claims = {}
        across_batches = [
            *predict_articles([first], claims=claims),
            *predict_articles([other], claims=claims),
        ]
        results = load_articles([first, other])
        for outcome in (predicted, across_batches, results):
            self.assertEqual([r.action for r in outcome], ["created", "conflict"])
            self.assertIn(
                "post-12 of other.xml claims the article imported from export.xml#post-12",
                outcome[1].error,
            )
        self.assertEqual(results[1].article, results[0].article)
        self.assertEqual(Article.objects.get().headline, HEADLINE)

    def test_one_at_a_time_too_when_the_batch_falls_back(self):
        first = self.post("export.xml#post-12")
        broken = ImportItem(replace(first.parsed, headline="x" * 400), "/imports/broken", "9")
        other = self.post("other.xml#post-12", "Lighthouse keeper retires", checksum="2")
        with mock.patch.object(loader, "_load_in_bulk", side_effect=ValidationError("bulk")):
            results = load_articles([first, broken, other])
        self.assertEqual([r.action for r in results], ["created", "failed", "conflict"])
        self.assertEqual(Article.objects.get().headline, HEADLINE)
