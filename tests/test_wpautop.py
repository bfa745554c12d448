"""WordPress's paragraph pass (articles/importers/wpautop.py): the cases WordPress's own autop
tests describe, in our words, and properties over generated classic-editor content."""

import re
from html.parser import HTMLParser

from django.test import SimpleTestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.importers.wpautop import html_split, replace_in_html_tags, wpautop

BLOCKS = (
    "table thead tfoot caption col colgroup tbody tr td th div dl dd dt ul ol li pre form map "
    "area address math style p h1 h2 h3 h4 h5 h6 fieldset legend section article aside hgroup "
    "header footer nav figure details menu summary"
).split()
INLINES = (
    "a em strong small s cite q dfn abbr data time code var samp kbd sub sup i b u mark span "
    "del ins noscript select"
).split()
# Where a line break has no business: between list items, rows and cells.
CONTAINERS = {"ul", "ol", "table", "thead", "tbody", "tfoot", "tr"}


def autop(text):
    return wpautop(text).strip()


class Structure(HTMLParser):
    """What the properties look at in a piece of HTML: line breaks right inside a list, table
    or row, empty paragraphs, text outside any element, and each <pre>'s text."""

    def __init__(self, html):
        super().__init__(convert_charrefs=False)
        self.stack, self.problems, self.pre = [], [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            if self.stack and self.stack[-1][0] in CONTAINERS:
                self.problems.append(f"<br> directly inside <{self.stack[-1][0]}>")
            return
        if tag == "pre":
            self.pre.append("")
        self.stack.append([tag, ""])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag != "br":
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        while self.stack:
            name, text = self.stack.pop()
            if self.stack:
                self.stack[-1][1] += text
            if name == "p" and not text.strip():
                self.problems.append("empty <p>")
            if name == tag:
                break

    def handle_data(self, data):
        if not self.stack:
            if data.strip():
                self.problems.append(f"text outside a block: {data.strip()[:30]!r}")
            return
        self.stack[-1][1] += data
        if any(name == "pre" for name, _ in self.stack):
            self.pre[-1] += data

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")


class WpautopTests(SimpleTestCase):
    """WordPress's autop tests (tests/phpunit/tests/formatting/autop.php), case by case."""

    def test_a_post_gets_paragraphs_line_breaks_and_untouched_lists(self):
        text = (
            "\nWelcome aboard.  Read this first.\n\nBefore you sail:\n<ul>\n"
            '<li><a href="/tides">Check the tides</a></li>\n</ul>\n'
            "Tides change twice a day.\nThe harbour office posts them.\nAsk at the desk.\n\n"
            "Then enjoy the crossing:\n<ol>\n<li>Board</li>\n<li>Sit</li>\n</ol>\n"
            "Thank you for sailing with us.\n"
        )
        self.assertEqual(
            wpautop(text),
            "<p>Welcome aboard.  Read this first.</p>\n<p>Before you sail:</p>\n<ul>\n"
            '<li><a href="/tides">Check the tides</a></li>\n</ul>\n'
            "<p>Tides change twice a day.<br />\nThe harbour office posts them.<br />\n"
            "Ask at the desk.</p>\n<p>Then enjoy the crossing:</p>\n<ol>\n<li>Board</li>\n"
            "<li>Sit</li>\n</ol>\n<p>Thank you for sailing with us.</p>\n",
        )

    def test_pre_elements_are_left_alone(self):
        code = "if (depth &lt; 12) {\n\n    close(&quot;berth&quot;);\n}\n"
        self.assertEqual(autop(f"<pre>{code}</pre>"), f"<pre>{code}</pre>")
        self.assertEqual(
            autop(f"Look at this code\n\n<pre>{code}</pre>\n\nIsn't that neat?"),
            f"<p>Look at this code</p>\n<pre>{code}</pre>\n<p>Isn't that neat?</p>",
        )
        breaks = "Line1<br />Line2<br>Line3<br/>Line4\nLine 5\nLine 6"
        self.assertEqual(
            autop(f"Code:\n\n<pre>{breaks}</pre>\n\nDone."),
            f"<p>Code:</p>\n<pre>{breaks}</pre>\n<p>Done.</p>",
        )

    def test_several_pre_elements_and_upper_case(self):
        self.assertEqual(
            autop("<pre>a\n\nb</pre>\ntext\n<PRE>c\nd</PRE>"),
            "<pre>a\n\nb</pre>\n<p>text</p>\n<PRE>c\nd</PRE>",
        )

    def test_no_line_break_after_an_input(self):
        text = 'Name: <input type="text" name="n" /><br />Pass: <input type="password" />'
        self.assertEqual(autop(text), f"<p>{text}</p>")

    def test_no_paragraph_or_break_around_a_videos_sources_and_tracks(self):
        video = (
            '<video width="640" controls="controls">\n\t<source type="video/mp4" src="a.mp4" />'
            '\n\n\t<!-- for other browsers -->\n\t<source src="a.webm" />\n'
            '\t<track kind="subtitles" src="a.srt" />\n</video>'
        )
        self.assertEqual(
            autop(f"One.\n\n{video}\n\nTwo."),
            '<p>One.</p>\n<p><video width="640" controls="controls"><source type="video/mp4" '
            'src="a.mp4" /><!-- for other browsers --><source src="a.webm" /><track '
            'kind="subtitles" src="a.srt" /></video></p>\n<p>Two.</p>',
        )

    def test_no_paragraph_or_break_around_an_objects_params(self):
        flash = '<object width="400">\n\t<param name="src" value="x.swf" />\n\n</object>'
        self.assertEqual(
            autop(f"One.\n\n{flash}\n\nTwo."),
            '<p>One.</p>\n<p><object width="400"><param name="src" value="x.swf" /></object>'
            "</p>\n<p>Two.</p>",
        )

    def test_no_break_in_a_select(self):
        text = (
            'Port: <select name="p"><option value="1">North</option><option>South</option></select>'
        )
        self.assertEqual(autop(text), f"<p>{text}</p>")

    def test_block_elements_are_blocks(self):
        """Whatever the white space between them, and with attributes or self-closed."""
        for separator in ("\n\n", ""):
            with self.subTest(separator=separator):
                text = separator.join(f"<{tag}>foo</{tag}>" for tag in BLOCKS)
                self.assertEqual(autop(text), "\n".join(f"<{tag}>foo</{tag}>" for tag in BLOCKS))
        self.assertEqual(
            autop("".join(f"<{tag}/>" for tag in BLOCKS)),
            "\n".join(f"<{tag}/>" for tag in BLOCKS),
        )
        self.assertEqual(
            autop("".join(f"<{tag} attr='value'>foo</{tag}>" for tag in BLOCKS)),
            "\n".join(f"<{tag} attr='value'>foo</{tag}>" for tag in BLOCKS),
        )

    def test_a_blockquotes_content_gets_paragraphs_not_the_blockquote(self):
        self.assertEqual(
            autop("<blockquote>foo</blockquote>"), "<blockquote><p>foo</p></blockquote>"
        )

    def test_inline_elements_stay_inline(self):
        text = "\n\n".join(f"<{tag}>foo</{tag}>" for tag in INLINES)
        self.assertEqual(autop(text), "\n".join(f"<p><{tag}>foo</{tag}></p>" for tag in INLINES))

    def test_newlines_inside_tags_and_comments_are_not_breaks(self):
        for text in (
            "Hello <a\nhref='world'>",
            "Hello <!-- a\nhref='world' -->",
            "Hello <!-- <object>\n<param>\n<param>\n<embed>\n</embed>\n</object>\n -->",
            "Hello <![CDATA[ a\nhttps://youtu.be/x\n ]]>",
            "Hello <![CDATA[ <!-- a\nhttps://youtu.be/x\n a\n9 ]]> -->",
        ):
            with self.subTest(text):
                self.assertEqual(wpautop(text), f"<p>{text}</p>\n")

    def test_a_line_break_after_a_br_is_not_doubled(self):
        self.assertEqual(
            autop("\nline 1<br>\nline 2<br/>\nline 3<br />\nline 4\nline 5\n"),
            "<p>line 1<br />\nline 2<br />\nline 3<br />\nline 4<br />\nline 5</p>",
        )

    def test_two_brs_make_a_paragraph(self):
        self.assertEqual(
            autop("\nline 1<br>\n<br/>\nline 2<br/>\n<br />\n"), "<p>line 1</p>\n<p>line 2</p>"
        )

    def test_text_before_a_block_is_a_paragraph(self):
        self.assertEqual(autop("a<div>b</div>"), "<p>a</p>\n<div>b</div>")

    def test_no_extra_closing_paragraph_in_a_figure(self):
        figure = '<figure><img src="a.jpg" /><figcaption>Caption</figcaption></figure>'
        self.assertEqual(autop(figure), figure)
        self.assertEqual(
            autop('<figure>\n<img src="a.jpg" />\n<figcaption>Caption</figcaption>\n</figure>'),
            '<figure>\n<img src="a.jpg" /><figcaption>Caption</figcaption></figure>',
        )

    def test_an_hr_is_not_a_paragraph(self):
        self.assertEqual(
            autop("paragraph1<hr>paragraph2"), "<p>paragraph1</p>\n<hr>\n<p>paragraph2</p>"
        )

    def test_svg_and_script_keep_their_newlines(self):
        svg = '<svg viewBox="0 0 10 10">\n\t<circle r="5"/>\n</svg>'
        script = '<script type="text/javascript">\n\tvar depth = 12;\n</script>'
        self.assertEqual(autop(svg), f"<p>{svg}</p>")
        self.assertEqual(autop(script), f"<p>{script}</p>")

    def test_a_table_is_not_a_run_of_line_breaks(self):
        table = "<table>\n<tr>\n<th>Berth</th>\n<td>North\nside</td>\n</tr>\n</table>"
        self.assertEqual(
            autop(table),
            "<table>\n<tr>\n<th>Berth</th>\n<td>North<br />\nside</td>\n</tr>\n</table>",
        )

    def test_empty_text(self):
        self.assertEqual(wpautop("  \n\n "), "")

    def test_html_split_and_replacement_inside_tags(self):
        self.assertEqual(
            html_split("a <!-- x\ny --> b <p\nclass=x>c"),
            ["a ", "<!-- x\ny -->", " b ", "<p\nclass=x>", "c"],
        )
        self.assertEqual(replace_in_html_tags("a\n<p\nx>\n", {"\n": " "}), "a\n<p x>\n")


# Classic-editor content: words, paragraphs, lists (nested), tables, headings and <pre>.
WORDS = st.text(alphabet="abcdefghij &;'\"", min_size=1, max_size=12).filter(str.strip)


def _escaped(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


LINES = st.lists(WORDS.map(_escaped), min_size=1, max_size=3).map("\n".join)
PARAGRAPH = LINES
HEADING = st.tuples(st.integers(1, 6), WORDS.map(_escaped)).map(
    lambda level: f"<h{level[0]}>{level[1]}</h{level[0]}>"
)
PRE = st.text(alphabet="ab \n\t{}();=<>&", min_size=1, max_size=40).map(
    lambda code: f"<pre>{_escaped(code)}</pre>"
)


def _list(items, ordered):
    tag = "ol" if ordered else "ul"
    return f"<{tag}>\n" + "\n".join(f"<li>{item}</li>" for item in items) + f"\n</{tag}>"


LIST = st.recursive(
    st.builds(_list, st.lists(WORDS.map(_escaped), min_size=1, max_size=4), st.booleans()),
    lambda inner: st.builds(
        _list,
        st.lists(st.tuples(WORDS.map(_escaped), inner).map("\n".join), min_size=1, max_size=3),
        st.booleans(),
    ),
    max_leaves=6,
)
TABLE = st.lists(st.lists(WORDS.map(_escaped), min_size=1, max_size=3), min_size=1, max_size=3).map(
    lambda rows: (
        "<table>\n"
        + "\n".join("<tr>\n" + "\n".join(f"<td>{c}</td>" for c in row) + "\n</tr>" for row in rows)
        + "\n</table>"
    )
)
CONTENT = st.lists(st.one_of(PARAGRAPH, HEADING, PRE, LIST, TABLE), min_size=1, max_size=6).flatmap(
    lambda blocks: st.sampled_from(["\n\n", "\n"]).map(lambda sep: sep.join(blocks))
)


class WpautopPropertyTests(SimpleTestCase):
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(CONTENT)
    def test_blocks_stay_blocks_and_pre_is_untouched(self, content):
        """No <br> directly inside a list, table or row, no empty paragraph, no text outside
        a block, <pre> as it was, and a second pass changes nothing (as with WordPress's)."""
        html = wpautop(content)
        found = Structure(html)
        self.assertEqual(found.problems, [], html)
        self.assertEqual(found.pre, Structure(content).pre)
        self.assertEqual(wpautop(html), html)
        self.assertEqual(len(re.findall("<pre>", html)), content.count("<pre>"))
