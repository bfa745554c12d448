"""Shortcodes and embeds of WordPress posts (articles/importers/shortcodes.py), each as the
body of an imported article shows it (``read_body``)."""

from django.test import SimpleTestCase

from articles.importers import shortcodes
from articles.importers.wpbody import Picture, read_body


def body(content, **options):
    return read_body(content, **options).html


def card(url, label):
    return f'<p class="embed"><a href="{url}"><strong>{label}</strong> {url}</a></p>'


class CodeShortcodeTests(SimpleTestCase):
    """SyntaxHighlighter's shortcodes become <pre><code>, escaped once however stored."""

    def test_encoded_code_is_decoded_then_escaped_once(self):
        content = (
            '[sourcecode language="xml"]&lt;?xml version="1.0"?&gt;\n&lt;a b="1"/&gt;[/sourcecode]'
        )
        expected = '<pre><code>&lt;?xml version="1.0"?&gt;\n&lt;a b="1"/&gt;</code></pre>'
        self.assertEqual(body(content), expected)
        self.assertEqual(body(content, encoded_code=True), expected)

    def test_code_encoded_twice_by_the_visual_editor(self):
        self.assertEqual(
            body("[code]&amp;lt;?xml version=&quot;1.0&quot;?&amp;gt;[/code]"),
            '<pre><code>&lt;?xml version="1.0"?&gt;</code></pre>',
        )

    def test_raw_code_is_escaped(self):
        self.assertEqual(
            body('[php]<?php echo "<b>&amp;</b>"; ?>[/php]'),
            '<pre><code>&lt;?php echo "&lt;b&gt;&amp;amp;&lt;/b&gt;"; ?&gt;</code></pre>',
        )

    def test_the_visual_editors_breaks_and_paragraphs_are_lines(self):
        self.assertEqual(
            body("[python]x = 1<br />\ny = x &lt; 2</p>\n<p>print(y)[/python]"),
            "<pre><code>x = 1\ny = x &lt; 2\n\nprint(y)</code></pre>",
        )

    def test_every_language_form_and_its_brackets(self):
        for name in ("sourcecode", "code", "source", "csharp", "javascript", "php", "python"):
            with self.subTest(name):
                self.assertEqual(
                    body(f'[{name} lang="x"]\nitems[0] = [gallery][foo]\n  end\n[/{name}]'),
                    "<pre><code>items[0] = [gallery][foo]\n  end</code></pre>",
                )

    def test_code_in_a_paragraph_splits_it(self):
        self.assertEqual(
            body("Run this: [bash]ls -l[/bash] and wait."),
            "<p>Run this:</p>\n<pre><code>ls -l</code></pre>\n<p>and wait.</p>",
        )

    def test_a_bare_language_word_is_prose(self):
        self.assertEqual(body("Grade [c] or [text]."), "<p>Grade [c] or [text].</p>")

    def test_pre_and_code_elements_keep_their_brackets(self):
        self.assertEqual(
            body('<pre>[foo]\n[gallery ids="1"]</pre>\n\nUse <code>[bar x=1]</code>.'),
            '<pre>[foo]\n[gallery ids="1"]</pre>\n<p>Use <code>[bar x=1]</code>.</p>',
        )


class EmbedTests(SimpleTestCase):
    def test_an_address_alone_on_a_line_is_a_card(self):
        for url, label in (
            ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "YouTube"),
            ("https://youtu.be/dQw4w9WgXcQ", "YouTube"),
            ("https://vimeo.com/76979871", "Vimeo"),
            ("https://twitter.com/harbour/status/1234567890", "X"),
            ("https://x.com/harbour/status/1234567890", "X"),
        ):
            with self.subTest(url):
                self.assertEqual(
                    body(f"Before.\n{url}\nAfter."),
                    f"<p>Before.</p>\n{card(url, label)}\n<p>After.</p>",
                )
                self.assertEqual(body(f"<p>{url}</p>"), card(url, label))

    def test_other_addresses_and_addresses_in_text_stay(self):
        self.assertEqual(
            body("https://example.com/report\n\nSee https://youtu.be/x here."),
            "<p>https://example.com/report</p>\n<p>See https://youtu.be/x here.</p>",
        )

    def test_the_embed_shortcode(self):
        self.assertEqual(
            body('[embed width="500"]https://vimeo.com/1[/embed]'),
            card("https://vimeo.com/1", "Vimeo"),
        )
        self.assertEqual(
            body("[embed]https://maps.example.org/harbour?x=1&amp;y=2[/embed]"),
            card("https://maps.example.org/harbour?x=1&amp;y=2", "maps.example.org"),
        )

    def test_jetpacks_forms(self):
        self.assertEqual(
            body("[youtube=https://www.youtube.com/watch?v=abc]"),
            card("https://www.youtube.com/watch?v=abc", "YouTube"),
        )
        self.assertEqual(body("[vimeo 123456]"), card("https://vimeo.com/123456", "Vimeo"))
        self.assertEqual(
            body("[tweet 1234567890]"), card("https://twitter.com/i/status/1234567890", "X")
        )

    def test_video_and_audio_files_are_cards(self):
        self.assertEqual(
            body('[video width="640" mp4="https://blog.example.net/harbour.mp4"][/video]'),
            card("https://blog.example.net/harbour.mp4", "Video"),
        )
        self.assertEqual(
            body('[audio src="https://blog.example.net/horn.mp3"]'),
            card("https://blog.example.net/horn.mp3", "Audio"),
        )

    def test_a_frame_is_a_card_without_the_frame(self):
        html = body(
            '<p>Watch:</p><iframe src="https://www.youtube.com/embed/abc" width="560"></iframe>'
        )
        self.assertEqual(
            html, "<p>Watch:</p>\n" + card("https://www.youtube.com/embed/abc", "YouTube")
        )

    def test_a_gist_is_a_link(self):
        url = "https://gist.github.com/harbour/0123abcd"
        link = f'<p><a href="{url}">{url}</a></p>'
        for content in (f"[gist]{url}[/gist]", f"[gist {url}]", '[gist id="harbour/0123abcd"]'):
            with self.subTest(content):
                self.assertEqual(body(content), link)
        found = read_body("[gist]https://evil.example/x[/gist]")
        self.assertEqual(found.html, "<p>https://evil.example/x</p>")
        self.assertEqual(found.warnings, ("shortcode [gist] removed (kept its text)",))


class OtherShortcodeTests(SimpleTestCase):
    def test_unknown_shortcodes_keep_their_text_and_are_named_once(self):
        found = read_body(
            '[pullquote align="right"]The channel is 14 m deep.[/pullquote]\n\n'
            "[su_box title=x][su_note]Keep [b]clear[/b][/su_note][/su_box]\n\n"
            '[contact-form-7 id="12"] [toc] [divider/] [pullquote]Again.[/pullquote]'
        )
        self.assertEqual(
            found.html,
            "<p>The channel is 14 m deep.</p>\n<p>Keep clear</p>\n<p>Again.</p>",
        )
        self.assertEqual(
            found.warnings,
            tuple(
                f"shortcode [{name}] removed (kept its text)"
                for name in (
                    "pullquote",
                    "su_box",
                    "su_note",
                    "b",
                    "contact-form-7",
                    "toc",
                    "divider",
                )
            ),
        )
        self.assertEqual(found.dropped[0], '[pullquote align="right"]')

    def test_bracketed_prose_is_not_a_shortcode(self):
        text = "He said [sic] that [the mayor] and [1] agreed; a[i] = b[j]."
        self.assertEqual(body(text), f"<p>{text}</p>")
        self.assertEqual(read_body(text).warnings, ())

    def test_a_stray_closing_tag_goes(self):
        self.assertEqual(body("Text[/note] more."), "<p>Text more.</p>")

    def test_escaped_shortcodes_are_text(self):
        self.assertEqual(
            body("Write [[gallery]] or [[caption]x[/caption]]."),
            "<p>Write [gallery] or [caption]x[/caption].</p>",
        )

    def test_caption(self):
        found = read_body(
            '[caption id="attachment_7" width="300"]<a href="/big.jpg"><img class="wp-image-7" '
            'src="/small.jpg" alt="Boats" /></a> Boats at <em>dawn</em>.[/caption]\n\nText.'
        )
        # Its place is marked (importers/placement.py); before any text, the WordPress reader
        # drops the mark, and the picture leads.
        self.assertEqual(found.html, '<figure data-caption="0"></figure>\n<p>Text.</p>')
        self.assertEqual(
            found.pictures,
            (
                Picture(
                    src="/small.jpg", alt_text="Boats", caption="Boats at dawn.", attachment_id="7"
                ),
            ),
        )
        attribute = read_body('[caption caption="From the attribute"]<img src="/a.jpg">[/caption]')
        self.assertEqual(attribute.pictures[0].caption, "From the attribute")

    def test_gallery_pictures_are_handed_over(self):
        asked = []

        def gallery(shortcode):
            asked.append(shortcode.attrs)
            return ["5", "6"]

        found = read_body('One.\n\n[gallery ids="5,6" columns="2"]\n\nTwo.', gallery=gallery)
        self.assertEqual(found.html, "<p>One.</p>\n<p>Two.</p>")
        self.assertEqual(asked, [{"ids": "5,6", "columns": "2"}])
        self.assertEqual(found.pictures, (Picture(attachment_id="5"), Picture(attachment_id="6")))
        self.assertEqual(
            found.warnings,
            (
                "gallery of 2 pictures: its pictures are the article's captions, as the body "
                "holds no pictures",
            ),
        )
        self.assertEqual(
            read_body("[gallery]").warnings,
            ("gallery with no picture found in the export: removed",),
        )

    def test_attributes_as_wordpress_reads_them(self):
        self.assertEqual(
            shortcodes.parse_attributes(""" ids="1,2" Columns='3' link=file "quoted" bare """),
            ({"ids": "1,2", "columns": "3", "link": "file"}, ("quoted", "bare")),
        )
