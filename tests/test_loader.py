from dataclasses import replace
from unittest import mock

from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import SimpleTestCase, TestCase

from articles.importers import loader
from articles.importers.loader import (
    ImportItem,
    import_action,
    load_article,
    load_articles,
    publication_needs,
    render_body,
)
from articles.importers.parser import Block, ParsedCaption, parse_article
from articles.models import Article, Author, Caption, Section

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
            [(c.text, c.credit) for c in article.captions.all()],
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
        article.lead_caption.image.save("ferry.jpg", image_file())
        image_name = article.lead_caption.image.name
        result = load(TEXT.replace("every twenty minutes", "every half hour"), checksum="def")
        self.assertEqual((result.action, result.article.pk), ("updated", article.pk))
        article.refresh_from_db()
        self.assertIn("every half hour", article.body)
        self.assertEqual(article.lead_caption.image.name, image_name)
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
        real_reindex = loader.search.reindex

        def reindex_and_advance(pks):
            real_reindex(pks)
            Article.objects.filter(pk__in=pks).update(edit_version=F("edit_version") + 2)

        with mock.patch.object(loader.search, "reindex", reindex_and_advance):
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
                [(c.text, c.credit, c.order) for c in article.captions.all()],
                [(link.title, link.url, link.order) for link in article.related_links.all()],
            )

        self.assertEqual(content(bulk), content(single))
        self.assertEqual(bulk.slug, single.slug + "-2")

    def test_a_batch_in_a_fixed_number_of_queries(self):
        """Guards against a query per article, author, caption or link in the bulk path: with its
        authors and tag known, a batch takes a savepoint, the source and slug lookups, the
        article, author and tag lookups, five bulk inserts (transitions too), the search entries
        (bylines, tags and articles read back, one upsert), the version the import leaves the
        articles at, and the release (17)."""
        load_articles([item(source="/imports/first.txt")], tags=["Ferries"])
        for size in (3, 30):
            items = [
                item(TEXT.replace("Harbour", f"Harbour {n}", 1), source=f"/imports/{size}-{n}.txt")
                for n in range(size)
            ]
            with self.subTest(size=size), self.assertNumQueries(17):
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


class PublishChecksTests(TestCase):
    """What an import would make public meets the pre-publish checks (articles/publishing.py)."""

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
        pictured = [Caption(image="captions/ferry.jpg", image_width=8, image_height=6, alt_text="")]
        self.assertEqual(
            publication_needs(bare, article, captions=pictured),
            ["alt text on every captioned image"],
        )
        described = [
            Caption(
                image="captions/ferry.jpg",
                image_width=8,
                image_height=6,
                alt_text="A ferry at dawn",
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
