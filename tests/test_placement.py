"""Captions found inside the text keep their place in the story, in each import format
(``articles/importers/placement.py``): the parses mark the place, the loader puts the picture
there."""

import io
import json
import re
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import SimpleTestCase, TestCase

from articles.importers import placement
from articles.importers.loader import render_body
from articles.importers.ninjs_format import parse_ninjs
from articles.importers.parser import parse_article
from articles.importers.wxr import parse_wxr
from articles.models import Article
from articles.sanitizer import sanitize_html

from .factories import write_picture
from .test_import_wxr import wxr_attachment, wxr_document, wxr_item

TEXT = """Harbour reopens after the storm
Jane Doe

Cranes stand idle at the terminal on Monday. /Harbour Press/Ana Lens

The harbour reopened on Monday, eleven days after the storm closed its gates.

Port officials said the first ship through carried grain and machine parts.

Dock workers gather on the quay before dawn. /Harbour Press/Bo Lens

The harbour master said the inner basin had been dredged overnight.
"""


class PlacementTests(SimpleTestCase):
    def test_a_marked_caption_becomes_its_picture_with_the_articles_caption(self):
        body = '<p>a</p>\n<figure data-caption="1"></figure>\n<p>b</p>'
        placed = placement.place(body, {1: (42, "Workers & the quay <at dawn>")})
        self.assertEqual(
            placed,
            '<p>a</p>\n<figure data-picture="42"><figcaption>Workers &amp; the quay '
            "&lt;at dawn&gt;</figcaption></figure>\n<p>b</p>",
        )
        self.assertEqual(sanitize_html(placed), placed)

    def test_a_marker_without_a_picture_leaves_nothing(self):
        body = '<p>a</p>\n<figure data-caption="1"></figure>\n<p>b</p>'
        self.assertEqual(placement.place(body, {}), "<p>a</p>\n<p>b</p>")

    def test_markers_before_any_text_are_removed(self):
        body = '<figure data-caption="0"></figure>\n<p>a</p>\n<figure data-caption="1"></figure>'
        self.assertEqual(
            placement.without_leading(body), '<p>a</p>\n<figure data-caption="1"></figure>'
        )


class TextFormatTests(SimpleTestCase):
    def test_a_caption_mid_body_keeps_its_place_and_the_lead_stays_out_of_the_body(self):
        parsed = parse_article(TEXT)
        self.assertEqual(
            [c.credit for c in parsed.captions], ["Harbour Press/Ana Lens", "Harbour Press/Bo Lens"]
        )
        self.assertEqual(
            render_body(parsed.blocks),
            "<p>The harbour reopened on Monday, eleven days after the storm closed its gates.</p>\n"
            "<p>Port officials said the first ship through carried grain and machine parts.</p>\n"
            '<figure data-caption="1"></figure>\n'
            "<p>The harbour master said the inner basin had been dredged overnight.</p>",
        )


class WordPressTests(SimpleTestCase):
    def body_of(self, content, **fields):
        items = [
            wxr_attachment(5, "quay.jpg", "Workers on the quay", parent=10, caption="The quay"),
            wxr_attachment(6, "cranes.jpg", "Two cranes", parent=10),
            wxr_item(10, "Reopened", content, **fields),
        ]
        (item,) = [i for i in parse_wxr(wxr_document(items).encode()) if i.article]
        return item.article

    def test_a_caption_shortcode_mid_body_keeps_its_place(self):
        article = self.body_of(
            "The harbour reopened.\n\n"
            '[caption id="attachment_5" align="alignnone" width="800"]<img class="wp-image-5" '
            'src="https://survey.example.org/wp-content/uploads/quay.jpg" alt="Workers"> '
            "Workers on the quay[/caption]\n\nThe basin was dredged."
        )
        self.assertEqual(article.captions[0].text, "Workers on the quay")
        self.assertEqual(
            article.body_html,
            '<p>The harbour reopened.</p>\n<figure data-caption="0"></figure>\n'
            "<p>The basin was dredged.</p>",
        )

    def test_image_blocks_keep_the_place_where_they_first_showed(self):
        article = self.body_of(
            '<!-- wp:image {"id":5} -->\n<figure class="wp-block-image"><img src="https://'
            'survey.example.org/wp-content/uploads/quay.jpg" class="wp-image-5" alt="W"/>'
            "<figcaption>Before dawn</figcaption></figure>\n<!-- /wp:image -->\n\n"
            "<!-- wp:paragraph -->\n<p>The harbour reopened.</p>\n<!-- /wp:paragraph -->\n\n"
            '<!-- wp:image {"id":5} -->\n<figure class="wp-block-image"><img src="https://'
            'survey.example.org/wp-content/uploads/quay.jpg" class="wp-image-5" alt="W"/>'
            "</figure>\n<!-- /wp:image -->\n\n"
            '<!-- wp:image {"id":6} -->\n<figure class="wp-block-image"><img src="https://'
            'survey.example.org/wp-content/uploads/cranes.jpg" class="wp-image-6" alt="C"/>'
            "<figcaption>Cranes</figcaption></figure>\n<!-- /wp:image -->\n\n"
            "<!-- wp:paragraph -->\n<p>The basin was dredged.</p>\n<!-- /wp:paragraph -->",
            meta={"_thumbnail_id": "6"},
        )
        # The featured picture (cranes) is the first caption, and keeps its place in the text.
        # The quay was first shown before any text: it is not placed, there or where it shows
        # again (a picture is one caption, placed where it first showed).
        self.assertEqual([c.text for c in article.captions], ["Cranes", "Before dawn"])
        self.assertEqual(
            article.body_html,
            '<p>The harbour reopened.</p>\n<figure data-caption="0"></figure>\n'
            "<p>The basin was dredged.</p>",
        )


def ninjs_item(body_html):
    """A ninjs story whose pictures are the quay, the cranes (featured) and the ships."""

    def picture(name, href, caption):
        return {
            "name": name,
            "uri": f"urn:picture:{name}",
            "type": "picture",
            "descriptions": [{"role": "caption", "value": caption}],
            "by": "Wire/Photographer",
            "renditions": [{"name": "original", "href": href, "width": 1600}],
        }

    return {
        "uri": "urn:story:1",
        "type": "text",
        "headlines": [{"role": "main", "value": "Harbour reopens"}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": body_html}],
        "associations": [
            picture("editor_1", "https://wire.example.org/quay.jpg", "The quay"),
            picture("featuremedia", "https://wire.example.org/cranes.jpg", "Cranes"),
            picture("editor_2", "https://wire.example.org/ships.jpg", "Ships"),
        ],
    }


NINJS_BODY = (
    "<p>The harbour reopened.</p>\n"
    '<!-- EMBED START Image {id: "editor_1"} -->\n<figure><img src="https://wire.example.'
    'org/quay.jpg" alt="Quay"><figcaption>The quay</figcaption></figure>\n'
    '<!-- EMBED END Image {id: "editor_1"} -->\n'
    "<p>Ships waited outside.</p>\n"
    '<figure><img src="https://wire.example.org/ships.jpg" alt="Ships"></figure>\n'
    "<p>The basin was dredged.</p>"
)


class NinjsTests(SimpleTestCase):
    def item(self, body_html):
        (parsed,) = parse_ninjs(json.dumps(ninjs_item(body_html)))
        return parsed.article

    def test_associations_referenced_in_the_body_keep_their_place(self):
        article = self.item(NINJS_BODY)
        self.assertEqual([c.text for c in article.captions], ["Cranes", "The quay", "Ships"])
        self.assertEqual(
            article.body_html,
            "<p>The harbour reopened.</p>\n\n"
            '<figure data-caption="1"></figure>\n\n'
            "<p>Ships waited outside.</p>\n\n"
            '<figure data-caption="2"></figure>\n\n'
            "<p>The basin was dredged.</p>",
        )

    def test_a_figure_of_no_association_stays_as_it_is(self):
        body = '<p>a</p><figure><img src="https://elsewhere.example.org/x.jpg"></figure>'
        self.assertEqual(self.item(body).body_html, body)


class LoaderTests(TestCase):
    """Through ``import_articles``: the caption's picture of the library stands where the
    caption stood, and the page draws it there."""

    def setUp(self):
        self.folder = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def run_import(self, *arguments):
        call_command("import_articles", *map(str, arguments), stdout=io.StringIO())

    def test_a_text_file_keeps_its_mid_body_caption_in_place(self):
        path = self.folder / "harbour.txt"
        path.write_text(TEXT, encoding="utf-8")
        self.run_import(path)
        article = Article.objects.get()
        lead, placed = article.captions.all()
        self.assertNotIn(f'data-picture="{lead.picture_id}"', article.body)
        self.assertIn(
            "carried grain and machine parts.</p>\n"
            f'<figure data-picture="{placed.picture_id}"><figcaption>Dock workers gather on the '
            "quay before dawn.</figcaption></figure>\n<p>The harbour master",
            article.body,
        )
        # on a re-import of a changed file, the place follows the text
        path.write_text(TEXT.replace("machine parts.", "machine parts and post."), "utf-8")
        self.run_import(path)
        article.refresh_from_db()
        self.assertIn(f'and post.</p>\n<figure data-picture="{placed.picture_id}">', article.body)

    def test_ninjs_pictures_stand_where_the_body_shows_them(self):
        media = self.folder / "media"
        for width, name in enumerate(("quay", "cranes", "ships"), start=1400):
            write_picture(media / f"{name}.jpg", size=(width, 900))  # three different files
        path = self.folder / "story.json"
        path.write_text(json.dumps(ninjs_item(NINJS_BODY)), encoding="utf-8")
        with self.settings(ARTICLES_PUBLISH_CHECKS=("headline",)):
            self.run_import("--format", "ninjs", "--media", media, path)
        article = Article.objects.get()
        cranes, quay, ships = (caption.picture for caption in article.captions.all())
        self.assertEqual(
            re.findall(r'data-picture="(\d+)"', article.body), [str(quay.pk), str(ships.pk)]
        )
        html = self.client.get(article.get_absolute_url()).content.decode()
        story = html[html.index('<div class="story__body">') :]
        self.assertLess(story.index("The harbour reopened."), story.index(">The quay<"))
        self.assertLess(story.index(">The quay<"), story.index("Ships waited outside."))
        self.assertLess(story.index("Ships waited outside."), story.index(">Ships<"))
        self.assertEqual(story.count("figure--in-body"), 2)
        self.assertIn("figure--lead", html)  # the featured cranes lead the story
