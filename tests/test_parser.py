"""The parser against fixture files written for this project, and its properties on any input.

``SimpleTestCase`` refuses database queries, so these tests also hold the parser to being pure.
"""

import contextlib
import json
from pathlib import Path

from django.test import SimpleTestCase
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from articles.importers import rules
from articles.importers.parser import ArticleFormatError, Block, decode, parse_article

from .test_rules import names

FIXTURES = Path(__file__).parent / "importers" / "fixtures"


class FixtureTests(SimpleTestCase):
    def test_every_fixture_parses_to_its_expected_json(self):
        files = sorted(FIXTURES.glob("*.txt"))
        self.assertGreaterEqual(len(files), 20)
        for path in files:
            expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
            with self.subTest(fixture=path.name):
                if "error" in expected:
                    with self.assertRaisesMessage(ArticleFormatError, expected["error"]):
                        parse_article(path.read_bytes())
                else:
                    self.assertEqual(parse_article(path.read_bytes()).as_dict(), expected)

    def test_blocks_keep_reading_order(self):
        parsed = parse_article((FIXTURES / "mirror-sample.txt").read_bytes())
        kinds = [block.kind for block in parsed.blocks]
        self.assertEqual(kinds[0], Block.CAPTION)
        self.assertEqual(kinds[5:8], [Block.RELATED_LINK] * 3)
        self.assertEqual(kinds[-3], Block.SUBHEADING)

    def test_encodings_are_reported(self):
        self.assertEqual(parse_article((FIXTURES / "bom.txt").read_bytes()).encoding, "utf-8-sig")
        self.assertEqual(parse_article((FIXTURES / "cp1252.txt").read_bytes()).encoding, "cp1252")
        self.assertEqual(parse_article((FIXTURES / "crlf.txt").read_bytes()).encoding, "utf-8")

    def test_given_encoding_is_used(self):
        data = "Zürich bans cars from the old town\nTraffic will be banned.\n".encode("latin-1")
        self.assertEqual(parse_article(data, encoding="latin-1").headline[:6], "Zürich")
        with self.assertRaisesMessage(ArticleFormatError, "unknown encoding"):
            parse_article(data, encoding="no-such-codec")
        with self.assertRaisesMessage(ArticleFormatError, "cannot decode as utf-16"):
            decode(b"\xff\xfe\x00", "utf-16")

    def test_undecodable_bytes_are_refused(self):
        with self.assertRaisesMessage(ArticleFormatError, "cannot decode as utf-8 or cp1252"):
            parse_article(b"Headline\n\x81\x8d\x8f body bytes undefined in cp1252.\n")

    def test_text_input_is_accepted(self):
        parsed = parse_article("Headline here\nBy Ann Lee\nA paragraph of body text.\n")
        self.assertEqual((parsed.headline, parsed.authors), ("Headline here", ("Ann Lee",)))

    def test_a_stock_question_heads_its_answer_and_a_lone_story_question_is_a_teaser(self):
        body = (
            "Ferry fares rise\nAna Lopez\nFares rose on Monday.\n\n{question}\n\nA vote is due.\n"
        )
        parsed = parse_article(body.format(question="What happens next?"))
        self.assertEqual(parsed.subheadings, ("What happens next?",))
        parsed = parse_article(body.format(question="Will the island ferry survive the winter?"))
        self.assertEqual(parsed.subheadings, ())
        self.assertEqual(parsed.related_links[0].title, "Will the island ferry survive the winter?")

    def test_a_teaser_label_with_no_title_after_it_is_dropped(self):
        parsed = parse_article("Ferry fares rise\n\nFares rose.\n\nRead more:\n\nA vote is due.\n")
        self.assertEqual(parsed.related_links, ())
        self.assertEqual(parsed.dropped, ("Read more:",))
        self.assertEqual(parsed.paragraphs, ("Fares rose.", "A vote is due."))

    def test_a_lone_long_title_is_still_a_paragraph(self):
        """Only a run of long titles is read as teasers; one alone may be a paragraph that lost
        its full stop."""
        long_line = (
            "The council said the new levy would be reviewed after a year and that riders with "
            "a student pass would not pay it"
        )
        parsed = parse_article(
            f"Ferry fares rise\n\nFares rose.\n\n{long_line}\n\nA vote is due.\n"
        )
        self.assertEqual(parsed.paragraphs, ("Fares rose.", long_line, "A vote is due."))


def all_text(parsed):
    """Every string the parse kept, in any field."""
    texts = [parsed.headline, *parsed.dropped]
    texts += [block.text for block in parsed.blocks]
    texts += [block.credit for block in parsed.blocks if block.credit]
    return " ".join(texts)


class PropertyTests(SimpleTestCase):
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.binary(max_size=2000))
    def test_any_bytes_parse_or_raise_the_documented_error(self, data):
        with contextlib.suppress(ArticleFormatError):
            self.assertTrue(parse_article(data).paragraphs)

    @settings(max_examples=300, deadline=None)
    @given(st.text(max_size=2000))
    def test_any_text_parses_or_raises_the_documented_error(self, text):
        with contextlib.suppress(ArticleFormatError):
            self.assertTrue(parse_article(text).paragraphs)

    @settings(max_examples=100, deadline=None)
    @given(names(), names(), st.integers(min_value=0, max_value=1))
    def test_a_byline_of_two_names_gives_two_authors(self, first, second, blank_lines):
        """After the headline, in its block or in one of its own."""
        byline = f"By {first} and {second}"
        assume(len(byline) <= rules.BYLINE_MAX_CHARS)
        text = f"Ferry fares rise\n{chr(10) * blank_lines}{byline}\nFares rose on Monday.\n"
        self.assertEqual(parse_article(text).authors, (first, second))

    @settings(max_examples=200, deadline=None)
    @given(
        st.lists(
            st.text(
                alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]),
                min_size=1,
                max_size=120,
            ),
            min_size=2,
            max_size=30,
        ),
        st.lists(st.integers(min_value=1, max_value=3), min_size=30, max_size=30),
    )
    def test_no_body_text_is_lost(self, lines, gaps):
        """Every word of every line, except a byline's and a repeated caption's, is kept."""
        text = "".join(line + "\n" * gap for line, gap in zip(lines, gaps, strict=False))
        try:
            parsed = parse_article(text)
        except ArticleFormatError:
            return
        kept = set(all_text(parsed).split())
        byline = {word for name in parsed.authors for word in name.split()}
        for line in lines[1:] if parsed.authors else lines:
            for word in rules.clean_line(line).split():
                # A byline's closing stop is not part of the name ("By Ann Lee." → Ann Lee).
                in_byline = word.rstrip(".,;:") in byline
                self.assertTrue(word in kept or in_byline, (word, line, parsed))
