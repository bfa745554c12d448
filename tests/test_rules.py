"""Each parsing rule on its own, on the cases the format README describes."""

from django.test import SimpleTestCase

from articles.importers import rules


class LineTests(SimpleTestCase):
    def test_clean_line_trims_spaces_and_no_break_spaces(self):
        self.assertEqual(rules.clean_line("  Text with trail \u00a0\u00a0 "), "Text with trail")
        self.assertEqual(rules.clean_line("Bell\x07 and\x1b escape"), "Bell and escape")

    def test_ends_sentence_looks_past_quotes(self):
        self.assertTrue(rules.ends_sentence('He said "no."'))
        self.assertTrue(rules.ends_sentence("Is it over?”"))
        self.assertFalse(rules.ends_sentence("Compromising NATO principles"))


class BylineTests(SimpleTestCase):
    def test_bylines(self):
        cases = {
            "Louise Greenwood": ("Louise Greenwood",),
            "By Jane Doe": ("Jane Doe",),
            "BY JANE DOE": ("JANE DOE",),
            "Jane Doe and John Roe": ("Jane Doe", "John Roe"),
            "Jane Doe, John Roe and Ann Lee": ("Jane Doe", "John Roe", "Ann Lee"),
            "Jane Doe in Madrid": ("Jane Doe",),
            "By Jane Doe and John Roe in New York": ("Jane Doe", "John Roe"),
            "Jane Doe, Associated Press": ("Jane Doe",),
            "Reuters": ("Reuters",),
            "Xinhua": ("Xinhua",),
            "Ludwig van Beethoven": ("Ludwig van Beethoven",),
            "Zoë Hartmann": ("Zoë Hartmann",),
            "Seán O'Brien & Aoife Ní Bhriain": ("Seán O'Brien", "Aoife Ní Bhriain"),
            "Jane Doe | Reuters": ("Jane Doe",),
            "Jean-Luc Picard in Paris, France": ("Jean-Luc Picard",),
            "Marie Curie, CGTN Europe": ("Marie Curie",),
            "Jane Doe in Madrid and John Roe in Paris": ("Jane Doe", "John Roe"),
            "Jane Doe in Madrid, John Roe and Ann Lee": ("Jane Doe", "John Roe", "Ann Lee"),
        }
        for line, names in cases.items():
            with self.subTest(line=line):
                self.assertEqual(rules.split_byline(line), names)

    def test_lines_that_are_not_bylines(self):
        for line in (
            "Russian President Vladimir Putin welcomes Turkish President Tayyip Erdogan.",
            "Russia has announced a second purchase of its missile-defense system.",
            "The river rose overnight",
            "Officials said",
            "",
            "A" * 200,
        ):
            with self.subTest(line=line):
                self.assertIsNone(rules.split_byline(line))


class CaptionTests(SimpleTestCase):
    def test_split_credit(self):
        self.assertEqual(
            rules.split_credit(
                "Putin welcomes Erdogan to Sochi on August 5, 2022."
                " /Sputnik/Vyacheslav Prokofyev/Pool"
            ),
            (
                "Putin welcomes Erdogan to Sochi on August 5, 2022.",
                "Sputnik/Vyacheslav Prokofyev/Pool",
            ),
        )
        self.assertEqual(
            rules.split_credit("A ship at dawn. / Reuters"), ("A ship at dawn.", "Reuters")
        )

    def test_slashes_in_prose_are_not_credits(self):
        for line in (
            "The 24/7 service runs on weekdays and weekends.",
            "Trains run between the towns /except on Sundays",
            "Prices rose. /This is a long sentence that keeps going well past what any credit line "
            "would hold, with many words in it and more.",
        ):
            with self.subTest(line=line):
                self.assertIsNone(rules.split_credit(line))


class TeaserAndSubheadingTests(SimpleTestCase):
    def test_headline_like(self):
        self.assertTrue(rules.is_headline_like("Meet the 'sappers' dealing with unexploded bombs"))
        self.assertTrue(rules.is_headline_like("Which food has the worst environmental impact?"))
        self.assertFalse(rules.is_headline_like("He declined to comment."))
        self.assertFalse(rules.is_headline_like("“We will win,” she said"))
        self.assertFalse(rules.is_headline_like('"Not again!" shouted the crowd'))
        self.assertFalse(rules.is_headline_like("lowercase start is a wrapped line"))
        self.assertFalse(rules.is_headline_like(" ".join(["word"] * 30)))

    def test_single_teasers_are_questions_or_labelled(self):
        self.assertTrue(rules.is_teaser("Which food has the worst environmental impact?"))
        self.assertTrue(rules.is_teaser("CGTN special: Cost-of-living crisis across Europe"))
        self.assertFalse(rules.is_teaser("Compromising NATO principles"))

    def test_teaser_run_needs_two_headline_like_lines(self):
        self.assertTrue(rules.is_teaser_run(["Bridge tolls to rise", "Can the pier survive?"]))
        self.assertFalse(rules.is_teaser_run(["Bridge tolls to rise"]))
        self.assertFalse(rules.is_teaser_run(["Bridge tolls to rise", "It rained all day."]))

    def test_subheading_needs_body_after_it(self):
        body = "Washington claims that the delivery compromises core principles."
        self.assertTrue(rules.is_subheading("Compromising NATO principles", body))
        self.assertFalse(rules.is_subheading("Compromising NATO principles", None))
        self.assertFalse(rules.is_subheading("Compromising NATO principles", "Another short line"))
        self.assertFalse(rules.is_subheading("Is NATO compromised?", body))

    def test_read_more_labels_are_dropped_from_teaser_titles(self):
        self.assertEqual(rules.teaser_title("Read more: The long road home"), "The long road home")
        self.assertEqual(rules.teaser_title("In depth: The long road"), "In depth: The long road")


class FurnitureTests(SimpleTestCase):
    def test_furniture(self):
        for line in (
            "Search Trends",
            "Share this article",
            "Share on Facebook",
            "Advertisement",
            "ADVERTISEMENT",
            "© 2026 Harbour Daily",
            "Copyright 2026 Reuters. All rights reserved.",
            "Source: Harbour Daily",
            "Topics: Museums, History",
            "Read more",
            "Story continues below advertisement",
        ):
            with self.subTest(line=line):
                self.assertTrue(rules.is_furniture(line))

    def test_story_lines_are_not_furniture(self):
        for line in (
            "Sources close to the talks said a deal was near.",
            "Advertising revenue fell by a third.",
            "Shares rose 4 percent in early trading.",
        ):
            with self.subTest(line=line):
                self.assertFalse(rules.is_furniture(line))

    def test_binary_text(self):
        self.assertTrue(rules.is_binary("abc\x00def"))
        self.assertTrue(rules.is_binary("\x01\x02\x03\x04" * 10))
        self.assertFalse(rules.is_binary("Plain text with a tab\tand new lines\n"))
