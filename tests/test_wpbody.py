"""A WordPress post's content as an article's body (articles/importers/wpbody.py): block-editor
content, the tidy pass that leaves blocks only, footnotes, and properties over any text."""

import json
import re

from django.test import SimpleTestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.importers.wpbody import Picture, Tidy, parse_blocks, read_body
from articles.sanitizer import sanitize_html

from .test_wpautop import CONTENT, Structure

# A shortcode left in the text: [name], [name attr="…"], [/name].
RAW_SHORTCODE = re.compile(r"\[/?[a-z][\w-]*(?:\s[^\]]*)?/?\]")
CODE = re.compile(r"<pre>.*?</pre>|<code>.*?</code>", re.S)


def body(content, **options):
    return read_body(content, **options).html


def tidy(html):
    return Tidy().run(html)


class TidyTests(SimpleTestCase):
    """What WordPress leaves to the browser, written out: blocks only."""

    def test_headings_h1_becomes_h2_and_empty_ones_go(self):
        self.assertEqual(
            body("<h1>One</h1><h2>Two</h2><h5>Five</h5><h6>Six</h6><h3> </h3>"),
            "<h2>One</h2>\n<h2>Two</h2>\n<h5>Five</h5>\n<h6>Six</h6>",
        )

    def test_no_empty_paragraph(self):
        self.assertEqual(
            body("<p>&nbsp;</p><p><br></p><p> <a href='/x'></a> </p><p>Text</p><p></p>"),
            "<p>Text</p>",
        )

    def test_no_break_or_text_directly_in_a_list(self):
        self.assertEqual(
            tidy("<ul><br><li>a</li><br />\n<li>b<br></li>c<ul><li>d</li></ul></ul>"),
            "<ul>\n<li>a</li>\n<li>\n<p>b<br>\nc</p>\n<ul>\n<li>d</li>\n</ul>\n</li>\n</ul>",
        )

    def test_unclosed_items_and_cells_close_as_a_browser_closes_them(self):
        self.assertEqual(
            body("<ul><li>a<li>b</ul><table><tr><td>1<td>2<tr><td>3</table>"),
            "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<table>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>"
            "\n</tr>\n<tr>\n<td>3</td>\n</tr>\n</tbody>\n</table>",
        )

    def test_a_table_keeps_its_head_body_spans_and_caption(self):
        self.assertEqual(
            body(
                "<table><caption>Depths</caption><colgroup><col></colgroup><thead><tr><th>Berth"
                '</th></tr></thead><tbody><tr><td colspan="2" onclick="x()">North</td></tr>'
                "</tbody><tfoot><tr><td>Total</td></tr></tfoot></table>"
            ),
            "<figure>\n<table>\n<thead>\n<tr>\n<th>Berth</th>\n</tr>\n</thead>\n<tbody>\n<tr>"
            '\n<td colspan="2">North</td>\n</tr>\n<tr>\n<td>Total</td>\n</tr>\n</tbody>\n'
            "</table>\n<figcaption>Depths</figcaption>\n</figure>",
        )

    def test_what_a_table_cannot_hold_comes_before_it(self):
        self.assertEqual(
            tidy("<table>Stray <tr><td>1</td> text</tr></table>"),
            "<p>Stray text</p>\n<table>\n<tbody>\n<tr>\n<td>1</td>\n</tr>\n</tbody>\n</table>",
        )

    def test_pre_keeps_its_text_to_the_character(self):
        self.assertEqual(
            body("<pre>\n  a &lt; b\n\n\tc<br>d  </pre><pre>   </pre>"),
            "<pre>  a &lt; b\n\n\tc\nd  </pre>",
        )
        self.assertEqual(
            body('<pre class="wp-block-code"><code>&lt;?php echo 1; ?&gt;</code></pre>'),
            "<pre><code>&lt;?php echo 1; ?&gt;</code></pre>",
        )

    def test_containers_are_unwrapped_and_scripts_dropped(self):
        self.assertEqual(
            body(
                "<div class='x'>Loose text<section><p>Para</p></section></div>"
                "<script>alert(1)</script><style>p{}</style><form><input>Label</form>"
                "<span>inline</span> <b>bold</b> <i>it</i> <strike>gone</strike>"
            ),
            "<p>Loose text</p>\n<p>Para</p>\n<p>Label</p>\n"
            "<p>inline <strong>bold</strong> <em>it</em> <s>gone</s></p>",
        )

    def test_figures_without_pictures_keep_their_content(self):
        self.assertEqual(
            body(
                '<figure class="wp-block-pullquote"><blockquote><p>Deep.</p><cite>Ana</cite>'
                "</blockquote></figure><figure><figcaption>Only a caption</figcaption></figure>"
            ),
            "<blockquote>\n<p>Deep.</p>\n<p>Ana</p>\n</blockquote>\n<p>Only a caption</p>",
        )

    def test_pictures_leave_the_body_and_a_figure_marks_its_place(self):
        """A figure's place is marked with the number of its first picture (``placement``);
        a picture inside a paragraph has no place of its own."""
        found = read_body(
            '<p>A <a href="/a.jpg"><img src="/a-300x200.jpg" alt="A" class="wp-image-4"></a>'
            'b</p><figure><img src="/c.jpg"><img src="/d.jpg"><figcaption>C</figcaption></figure>'
        )
        self.assertEqual(found.html, '<p>A b</p>\n<figure data-caption="1"></figure>')
        self.assertEqual(
            found.pictures,
            (
                Picture(src="/a-300x200.jpg", alt_text="A", attachment_id="4"),
                Picture(src="/c.jpg", caption="C"),
                Picture(src="/d.jpg"),
            ),
        )

    def test_code_in_pre_keeps_php(self):
        self.assertEqual(body("<pre><?php echo 1; ?></pre>"), "<pre>&lt;?php echo 1; ?&gt;</pre>")

    def test_deep_nesting_is_bounded(self):
        html = body("<div>" * 5000 + "deep" + "</div>" * 5000)
        self.assertEqual(html, "<p>deep</p>")


class BlockEditorTests(SimpleTestCase):
    def test_blocks_are_read_with_their_attributes(self):
        blocks = parse_blocks(
            '<!-- wp:heading {"level":3} --><h3>H</h3><!-- /wp:heading -->text'
            "<!-- wp:separator /--><!-- wp:group --><div><!-- wp:paragraph --><p>P</p>"
            "<!-- /wp:paragraph --></div><!-- /wp:group --><!-- /wp:stray -->"
        )
        self.assertEqual(
            [(b.name, b.attrs) if not isinstance(b, str) else b for b in blocks],
            [
                ("core/heading", {"level": 3}),
                "text",
                ("core/separator", {}),
                ("core/group", {}),
            ],
        )

    def test_a_block_post(self):
        content = (
            '<!-- wp:heading {"level":1} -->\n<h1 class="wp-block-heading">Survey</h1>\n'
            "<!-- /wp:heading -->\n\n"
            '<!-- wp:list -->\n<ul class="wp-block-list"><!-- wp:list-item -->\n<li>One'
            '<!-- wp:list {"ordered":true} -->\n<ol class="wp-block-list"><!-- wp:list-item -->'
            "\n<li>Nested</li>\n<!-- /wp:list-item --></ol>\n<!-- /wp:list --></li>\n"
            "<!-- /wp:list-item --></ul>\n<!-- /wp:list -->\n\n"
            '<!-- wp:preformatted -->\n<pre class="wp-block-preformatted">a\n  b [foo]</pre>\n'
            "<!-- /wp:preformatted -->\n\n"
            "Classic text between blocks\nwith a break.\n\n"
            '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=x","type":"video",'
            '"providerNameSlug":"youtube"} -->\n<figure class="wp-block-embed"><div class='
            '"wp-block-embed__wrapper">\nhttps://www.youtube.com/watch?v=x\n</div><figcaption>'
            "The survey boat</figcaption></figure>\n<!-- /wp:embed -->\n\n"
            "<!-- wp:shortcode -->\n[note]Shortcode text\nover two lines[/note]\n"
            "<!-- /wp:shortcode -->\n\n"
            "<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->\n\n"
            '<!-- wp:separator -->\n<hr class="wp-block-separator"/>\n<!-- /wp:separator -->'
        )
        found = read_body(content)
        self.assertEqual(
            found.html,
            "<h2>Survey</h2>\n<ul>\n<li>\n<p>One</p>\n<ol>\n<li>Nested</li>\n</ol>\n</li>\n</ul>"
            "\n<pre>a\n  b [foo]</pre>\n<p>Classic text between blocks<br>\nwith a break.</p>\n"
            '<figure>\n<p class="embed"><a href="https://www.youtube.com/watch?v=x"><strong>'
            "YouTube</strong> https://www.youtube.com/watch?v=x</a></p>\n<figcaption>The survey "
            "boat</figcaption>\n</figure>\n<p>Shortcode text<br>\nover two lines</p>\n<hr>",
        )
        self.assertEqual(found.warnings, ("shortcode [note] removed (kept its text)",))

    def test_a_block_gallery_moves_its_pictures_to_the_captions(self):
        found = read_body(
            '<!-- wp:gallery {"linkTo":"none"} -->\n<figure class="wp-block-gallery has-nested-'
            'images"><!-- wp:image {"id":5} -->\n<figure class="wp-block-image"><img src="/5.jpg"'
            ' alt="Five" class="wp-image-5"/><figcaption>Fifth</figcaption></figure>\n'
            '<!-- /wp:image -->\n\n<!-- wp:image {"id":6} -->\n<figure class="wp-block-image">'
            '<img src="/6.jpg" alt="" class="wp-image-6"/></figure>\n<!-- /wp:image -->'
            '<figcaption class="blocks-gallery-caption">Both</figcaption></figure>\n'
            "<!-- /wp:gallery -->"
        )
        self.assertEqual(found.html, "<p>Both</p>")
        self.assertEqual(
            [(p.attachment_id, p.caption) for p in found.pictures], [("5", "Fifth"), ("6", "")]
        )
        self.assertIn("gallery of 2 pictures", found.warnings[0])


class FootnoteTests(SimpleTestCase):
    NOTES = json.dumps(
        [
            {"content": "Measured at <em>low</em> tide.", "id": "a1"},
            {"content": "Port figures.", "id": "b2"},
            {"content": "", "id": "c3"},
        ]
    )

    def test_references_and_the_list_link_to_each_other(self):
        found = read_body(
            '<!-- wp:paragraph -->\n<p>Deep<sup data-fn="a1" class="fn"><a href="#a1" '
            'id="a1-link">1</a></sup> and wide<sup data-fn="b2" class="fn"><a href="#b2" '
            'id="b2-link">2</a></sup>, deep again<sup data-fn="a1" class="fn"><a href="#a1">1'
            '</a></sup>, lost<sup data-fn="zz" class="fn"><a href="#zz">9</a></sup>.</p>\n'
            "<!-- /wp:paragraph -->\n\n<!-- wp:footnotes /-->",
            footnotes=self.NOTES,
        )
        self.assertEqual(
            found.html,
            '<p>Deep<sup id="fnref-1"><a href="#fn-1">1</a></sup> and wide<sup id="fnref-2">'
            '<a href="#fn-2">2</a></sup>, deep again<sup><a href="#fn-1">1</a></sup>, lost'
            "<sup>9</sup>.</p>\n"
            '<ol class="footnotes">\n<li id="fn-1">Measured at <em>low</em> tide. <a href="#fnref'
            '-1">↩</a></li>\n<li id="fn-2">Port figures. <a href="#fnref-2">↩</a></li>\n</ol>',
        )
        # The sanitizer keeps these ids and fragment links, and no other id.
        self.assertEqual(sanitize_html(found.html).count(' id="fn'), 4)
        self.assertNotIn("id=", sanitize_html('<p id="fn-1x">x</p><sup id="main">y</sup>'))

    def test_unreadable_footnotes_are_a_warning(self):
        found = read_body("<p>Text</p>", footnotes="{not json")
        self.assertEqual(found.html, "<p>Text</p>")
        self.assertIn("footnotes not readable", found.warnings[0])


# Any text WordPress might hold: markup, shortcodes, addresses, entities, blank lines.
PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<ul>",
        "<li>",
        "</li>",
        "</ul>",
        "<table><tr><td>",
        "</td></tr></table>",
        "<pre>",
        "</pre>",
        "<br>",
        "<br />",
        "<h1>",
        "</h1>",
        "<div>",
        "</div>",
        "<blockquote>",
        "<img src='/a.jpg'>",
        "[caption]",
        "[/caption]",
        "[foo]",
        "[/foo]",
        '[bar x="1"]',
        "[code]",
        "[/code]",
        "[gallery]",
        "[[baz]]",
        "\nhttps://youtu.be/abc\n",
        "&lt;",
        "&amp;",
        "&nbsp;",
        "<!--",
        "-->",
        "<!-- wp:paragraph -->",
        "<!-- /wp:paragraph -->",
        "\n",
        "\n\n",
        " ",
        "\ue0000\ue001",  # what marks text set aside, if a post held it
    ]
)
TEXT = st.lists(st.one_of(PIECES, st.text(alphabet="ab <>&[]/\n", max_size=8)), max_size=30).map(
    "".join
)


class BodyPropertyTests(SimpleTestCase):
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(TEXT)
    def test_any_text_gives_blocks_only_and_a_second_pass_changes_nothing(self, content):
        """No <br> directly in a list, table or row, no empty paragraph, no text outside a
        block, and the body read again is the same body where WordPress's would be: unless
        the body shows a shortcode's text (an escaped one, ``[[foo]]``, or brackets that met
        where tags were taken out), which a second reading renders, as WordPress would."""
        html = body(content)
        self.assertEqual(Structure(html).problems, [], html)
        if not RAW_SHORTCODE.search(CODE.sub("", html)):
            self.assertEqual(body(html), html, repr(content))
        self.assertEqual(Structure(sanitize_html(html)).problems, [], html)

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(CONTENT)
    def test_classic_content_keeps_its_pre_and_loses_no_word(self, content):
        html = body(content)
        self.assertEqual(Structure(html).problems, [], html)
        self.assertEqual(
            [text.lstrip("\n") for text in Structure(content).pre if text.strip()],
            Structure(html).pre,
        )
        words = lambda text: re.sub(r"<[^>]+>|\s+", " ", text).split()  # noqa: E731
        self.assertEqual(words(html.replace("<br>", " ")), words(content))
        self.assertIsNone(RAW_SHORTCODE.search(html))
