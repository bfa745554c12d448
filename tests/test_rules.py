"""Each parsing rule on its own, on the cases the format README describes."""

from django.test import SimpleTestCase
from hypothesis import assume, given
from hypothesis import strategies as st

from articles.importers import rules

# Capitalised words that are not labels, agencies or affiliations ("Emily Post" is read as an
# affiliation after a name): the words of generated names.
NAME_WORDS = st.from_regex(r"[A-Z][a-z]{2,9}", fullmatch=True).filter(
    lambda word: (
        word.casefold() not in rules.AGENCIES | rules._AFFILIATION_WORDS
        and word.casefold() not in rules._NOT_NAME_WORDS
    )
)
# Forms of capitalised names: plain, an initial, an apostrophe, a hyphen, Mc, joined particles.
NAME_CORES = st.one_of(
    NAME_WORDS,
    st.from_regex(r"[A-Z]\.", fullmatch=True),
    NAME_WORDS.map(lambda word: f"O'{word}"),
    st.tuples(NAME_WORDS, NAME_WORDS).map("-".join),
    NAME_WORDS.map(lambda word: f"Mc{word}"),
    st.tuples(st.sampled_from(["al-", "el-", "d'", "dell'"]), NAME_WORDS).map("".join),
)


@st.composite
def names(draw):
    """A first name, then capitalised words each perhaps after particles ("van der"), ending
    in a surname (a closing stop is the byline's own: "By Ann Lee."), within the length of a
    name (``rules.NAME_MAX_WORDS`` words, 60 characters)."""
    words = [draw(NAME_WORDS)]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        particles = draw(st.lists(st.sampled_from(sorted(rules.NAME_PARTICLES)), max_size=2))
        words += [*particles, draw(NAME_CORES)]
    name = " ".join(words)
    assume(len(words) <= rules.NAME_MAX_WORDS and len(name) <= 60 and not name.endswith("."))
    return name


# Lowercase words that are not name particles: a sentence's verbs and nouns.
PROSE_WORDS = st.from_regex(r"[a-z]{2,10}", fullmatch=True).filter(
    lambda word: word not in rules.NAME_PARTICLES
)


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

    def test_bylines_with_particles_initials_and_joined_names(self):
        cases = {
            "By Nidal al-Mughrabi and Mohammed Salem": ("Nidal al-Mughrabi", "Mohammed Salem"),
            "Paulo Santalucia and Frances d'Emilio": ("Paulo Santalucia", "Frances d'Emilio"),
            "Ursula von der Leyen": ("Ursula von der Leyen",),
            "Jean-Claude van Damme and Paolo dell'Orto": (
                "Jean-Claude van Damme",
                "Paolo dell'Orto",
            ),
            "Luiz Inácio Lula da Silva": ("Luiz Inácio Lula da Silva",),
            "María de los Ángeles García López": ("María de los Ángeles García López",),
            "Pablo Ruiz y Picasso": ("Pablo Ruiz y Picasso",),
            "Mohammed bin Salman, Ahmad ibn Fadlan and Abu Bakr al-Siddiq": (
                "Mohammed bin Salman",
                "Ahmad ibn Fadlan",
                "Abu Bakr al-Siddiq",
            ),
            "Maria dos Santos & Ana das Neves": ("Maria dos Santos", "Ana das Neves"),
            "Gerard ter Horst and Anne ten Brink": ("Gerard ter Horst", "Anne ten Brink"),
            "Abdel Fattah el-Sisi": ("Abdel Fattah el-Sisi",),
            "By J. R. R. Tolkien": ("J. R. R. Tolkien",),
            "By J.R.R. Tolkien": ("J.R.R. Tolkien",),
            "Ronan McCarthy and Angus MacLeod": ("Ronan McCarthy", "Angus MacLeod"),
            "Conor O’Brien in Dublin": ("Conor O’Brien",),
            "Émile Zola, Øystein Berg and Łukasz Nowak": (
                "Émile Zola",
                "Øystein Berg",
                "Łukasz Nowak",
            ),
            "Jane Doe, John Roe, and Ann Lee": ("Jane Doe", "John Roe", "Ann Lee"),
            "BY NIDAL AL-MUGHRABI AND JOHN ROE IN GAZA": ("NIDAL AL-MUGHRABI", "JOHN ROE"),
            "By Paulo Santalucia and Frances d'Emilio, Associated Press": (
                "Paulo Santalucia",
                "Frances d'Emilio",
            ),
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
            # Headings and subheadings, in sentence case and title case.
            "Death toll rises in the north",
            "Death Toll Rises In The North",
            "What Happens Next",
            "A New Dawn",
            "Live Updates",
            "In Pictures",
            "Talks in Vienna",
            "Mayor and council clash",
            "De Gaulle and the war",
            "Le Pen leads the polls",
            "By the numbers",
            # Particles and joined particles only make a name between capitalised words.
            "Jane van",
            "van Gogh",
            "al-Mughrabi and Salem",
            "Nidal al-mughrabi",
            "Who is affected?",
            "Nidal al-Mughrabi said.",
        ):
            with self.subTest(line=line):
                self.assertIsNone(rules.split_byline(line))

    @given(names(), names(), st.booleans())
    def test_any_by_a_and_b_gives_two_authors(self, first, second, with_by):
        line = f"{'By ' if with_by else ''}{first} and {second}"
        assume(len(line) <= rules.BYLINE_MAX_CHARS)
        self.assertEqual(rules.split_byline(line), (first, second))

    @given(NAME_WORDS, st.lists(PROSE_WORDS, min_size=1, max_size=12), st.sampled_from(".!?"))
    def test_a_sentence_is_never_a_byline(self, first, words, stop):
        """A capitalised word and lowercase words that are not particles, closed by a stop."""
        self.assertIsNone(rules.split_byline(f"{first} {' '.join(words)}{stop}"))


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

    def test_long_headlines_make_a_teaser_run(self):
        long_titles = [
            "The hidden cost of cooling our cities as summers grow hotter and heatwaves last "
            "longer every year across the continent",
            "Meet the volunteers who spend their weekends rescuing neglected street trees in "
            "the old town",
        ]
        self.assertFalse(rules.is_headline_like(long_titles[0]))
        self.assertTrue(rules.is_paragraph(long_titles[0]))
        self.assertTrue(rules.is_teaser_title(long_titles[0]))
        self.assertTrue(rules.is_teaser_run(long_titles))
        self.assertTrue(rules.is_teaser_run([long_titles[0], "Bridge tolls to rise"]))
        self.assertFalse(rules.is_teaser_run([long_titles[0], "It rained all day."]))
        self.assertFalse(rules.is_teaser_title(" ".join(["Word"] * 40)))
        self.assertFalse(rules.is_teaser_title("He said the long-awaited plan would go ahead."))

    def test_teaser_labels(self):
        for line in (
            "READ MORE:",
            "Read more:",
            "Read more",
            "Related:",
            "RELATED",
            "Related stories",
            "See also:",
            "MORE:",
            "More on this story",
            "Read next »",
            "You may also like",
        ):
            with self.subTest(line=line):
                self.assertTrue(rules.is_teaser_label(line))
                self.assertTrue(rules.is_furniture(line))
        for line in (
            "Related topics",  # a list of tags, not of stories
            "More rain is forecast for Thursday.",
            "Read more about it",
            "Moreover",
            "Related: Bridge tolls to rise",  # a labelled teaser on one line
        ):
            with self.subTest(line=line):
                self.assertFalse(rules.is_teaser_label(line))

    def test_questions_answered_in_an_explainer(self):
        answer = "A surcharge on tickets bought between midnight and 5am."
        self.assertTrue(rules.is_answered_question("Who will pay it?", answer))
        self.assertFalse(rules.is_answered_question("Who will pay it?", None))
        self.assertFalse(rules.is_answered_question("Who will pay it?", "Another short line"))
        self.assertFalse(rules.is_answered_question("The case for", answer))
        self.assertFalse(rules.is_answered_question("Explainer: Who pays?", answer))
        self.assertTrue(rules.is_explainer(["What is the levy?", "Who will pay it?"]))
        self.assertFalse(rules.is_explainer(["Will the new line cut traffic on the ring road?"]))

    def test_stock_questions(self):
        for line in (
            "What happens next?",
            "Why does it matter?",
            "Who is affected?",
            "What's next?",
            "How did we get here?",
        ):
            with self.subTest(line=line):
                self.assertTrue(rules.is_stock_question(line))
        for line in (
            "Which food has the worst environmental impact?",  # too long: another story
            "What is Brexit?",  # a proper noun names the subject
            "Can the pier survive?",
            "What happens next",
        ):
            with self.subTest(line=line):
                self.assertFalse(rules.is_stock_question(line))

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
