"""The rules that read a scraped article, each a small function of one line or a few.

The parser (parser.py) applies them in order; each is pure and tested on its own. The judgement
between a teaser and a subheading is made here, explicitly:

- a *paragraph* is body text: a line that ends a sentence, or that is too long for a headline;
- a *teaser* (a related-story link) reads like a headline: short, and either a question, or
  marked with a label (``In depth: …``), or one of a run of two or more such lines (long
  headlines too), or a line after a label line (``READ MORE:``, ``Related``);
- a *subheading* is a single short line with no closing punctuation that the body continues
  after, or, in an explainer (two or more questions each followed by their answer), a question;
- *furniture* is what the page printed around the story: known labels anywhere, and everything
  after the story's last paragraph.
"""

import re

from ..sanitizer import strip_control_characters

# Trailing white space: any Unicode space (the no-break space that scrapers copy from HTML, an
# ideographic space) and the byte-order mark.
_EDGE_SPACE = re.compile(r"^[\s\ufeff]+|[\s\ufeff]+$")
_BINARY = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_CLOSERS = "\"'”’»)]"
_SENTENCE_END = ".…!?"
_CREDIT = re.compile(r"(?<=\S)\s+/\s*(?P<credit>[^/\s][^/]*(?:/[^/]+)*?)/?$")
# A quotation closed by a comma or mark, then more words: '“We will win,” she said'.
_SPEECH = re.compile(r"[,!?][\"”’»]\s+\w")
_BY = re.compile(r"^by\s+", re.IGNORECASE)
# "in Madrid" or "in Paris, France": a one-word region after the comma, since "in Madrid,
# John Roe" names a second person.
_PLACE = re.compile(r"\s+(?:in|IN)\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*(?:,\s*[A-Z][\w.'’-]*)?$")
# Commas, pipes, "and" and "&" (an Oxford comma too: "A, B, and C"; "AND" in a capitals byline).
_NAME_SPLIT = re.compile(r"\s*[,|]\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*", re.IGNORECASE)
_LABEL = re.compile(r"^(?P<label>[A-Z][\w'’ -]{1,30}):\s+(?P<title>\S.*)$")
# Lowercase particles that stand as words inside a name: "Ludwig van Beethoven", "Ursula von der
# Leyen", "Luiz Inácio Lula da Silva", "Pablo Ruiz y Picasso", "Mohammed bin Salman".
NAME_PARTICLES = frozenset(
    "abu al ap av bin bint binti da das de degli dei del della delle der des di do dos du el ibn"
    " la las le lo los op te ten ter van vom von y zu".split()
)
# Lowercase particles joined to the capitalised word after them: "al-Mughrabi", "el-Sisi",
# "d'Emilio", "dell'Orto".
_JOINED_PARTICLE = re.compile(
    r"^(?:(?:a[dlnrstz]|ash|el|abd|abu|bin|ibn|ben|bint|ul|ud|ur)-"
    r"|(?:d|l|dall|dell|dalla|della|degl|nell|sant)['’])(?=\w)"
)
_NAME_PUNCTUATION = "'’.-"
# Capitalised words that a name never holds, but a title-case heading or label often does
# ("Death Toll Rises In The North", "Live Updates").
_NOT_NAME_WORDS = frozenset(
    "the of in on at to for with from into by is are was were has have had would could should"
    " does did not how why what who when where which after before over under amid against about"
    " this that these those its their our your live updates breaking exclusive analysis opinion"
    " explainer watch video photos pictures gallery latest".split()
)
NAME_MAX_WORDS = 7  # "María de los Ángeles García López" has six
NAME_MAX_CAPITALISED = 5

AGENCIES = frozenset(
    name.casefold()
    for name in (
        "Reuters",
        "AFP",
        "Agence France-Presse",
        "AP",
        "Associated Press",
        "The Associated Press",
        "Xinhua",
        "Bloomberg",
        "dpa",
        "EFE",
        "ANSA",
        "Kyodo",
        "Yonhap",
        "TASS",
        "UPI",
        "PA",
        "PA Media",
        "Press Association",
        "ANI",
        "PTI",
        "IANS",
        "Anadolu",
        "Anadolu Agency",
        "CGTN",
        "BBC News",
        "CNN",
        "Al Jazeera",
        "Sputnik",
        "Interfax",
        "Kyodo News",
        "NTB",
        "TT",
        "Ritzau",
        "Lusa",
        "Europa Press",
        "AAP",
        "CNA",
        "Bernama",
        "Antara",
        "Agencies",
        "Wire services",
        "Staff",
        "Staff Reporter",
    )
)
# Words that mark an affiliation rather than a name: "Jane Doe, Associated Press".
_AFFILIATION_WORDS = frozenset(
    [
        "press",
        "news",
        "agency",
        "agencies",
        "times",
        "post",
        "journal",
        "herald",
        "tribune",
        "correspondent",
        "reporter",
        "editor",
        "writer",
        "staff",
        "bureau",
        "network",
        "media",
        "radio",
        "television",
        "tv",
        "service",
        "services",
        "wire",
        "online",
        "daily",
        "weekly",
        "gazette",
        "telegraph",
        "guardian",
        "chronicle",
        "observer",
    ]
)

# A line that is only a label over related-story links: the label is dropped and the line(s)
# after it are teasers, even one.
_TEASER_LABEL = re.compile(
    r"^(?:read (?:more|next|also)|also read|see also|further reading"
    r"|related(?: stories| articles| news| coverage| content| links| reading)?"
    r"|more(?: on this(?: story| topic)?| stories| coverage)?"
    r"|recommended(?: reading| stories| for you)?|you (?:may|might) also (?:like|be interested in))"
    r"[\s:.!»›>→-]*$",
    re.IGNORECASE,
)

_FURNITURE = re.compile(
    r"^(?:"
    r"search trends|trending(?: now| topics)?|most (?:read|popular|viewed)|recommended(?: for you)?"
    r"|advertisement|ad|sponsored(?: content)?|story continues below(?: advertisement)?"
    r"|scroll (?:down )?to continue(?: reading)?|continue reading|read more|read next|read also"
    r"|also read|see also|related(?: stories| articles| news| topics| coverage)?|more on this story"
    r"|more from \S.*|share(?: this)?(?: article| story| page)?(?: on \w+)?|share via \S.*"
    r"|share on (?:facebook|twitter|x|whatsapp|linkedin|email)|tweet|email|print|comments?"
    r"|(?:click|tap) here\b.*|follow us\b.*|sign up\b.*|subscribe\b.*|download (?:our|the) app\b.*"
    r"|(?:©|\(c\)|copyright)\s*.*|all rights reserved\.?|source:\s*.*|sources:\s*.*"
    r"|topics?:\s*.*|tags?:\s*.*|filed under:?\s*.*|keywords?:\s*.*|photo(?:s)?:\s*.*"
    r"|editing by .*|reporting by .*|\(?(?:edited|writing) by .*"
    r")[\s.:!]*$",
    re.IGNORECASE,
)
# Labels that only introduce a teaser ("Read more: Title"): the label itself is furniture.
_FURNITURE_LABELS = frozenset(
    [
        "read more",
        "read also",
        "also read",
        "see also",
        "related",
        "more",
        "recommended",
        "watch",
        "listen",
        "latest",
    ]
)

HEADLINE_MAX_WORDS = 16
HEADLINE_MAX_CHARS = 140
# A teaser may be longer than a headline: news sites' link titles run to 200 characters.
TEASER_MAX_WORDS = 32
TEASER_MAX_CHARS = 240
# "What happens next?", "Why does it matter?": short questions any story's section can ask.
STOCK_QUESTION_MAX_WORDS = 5
_QUESTION_WORDS = frozenset(
    ["what", "why", "who", "whom", "whose", "how", "when", "where", "which"]
)
BYLINE_MAX_CHARS = 120


def clean_line(line):
    """The line without control characters and surrounding white space (no-break spaces too)."""
    return _EDGE_SPACE.sub("", strip_control_characters(line))


def normalize_space(text):
    """Runs of white space inside a line become one space."""
    return " ".join(text.split())


def ends_sentence(text):
    """True if the text ends like a sentence, looking past closing quotes and brackets."""
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def is_question(text):
    return text.rstrip(_CLOSERS).endswith("?")


def word_count(text):
    return len(text.split())


def _reads_like_title(text):
    """Starting like a title, and not a finished statement (a question is allowed)."""
    first = text.lstrip(_CLOSERS + "“‘«([")[:1]
    if not first or not (first.isupper() or first.isdigit()) or _SPEECH.search(text):
        return False
    return is_question(text) or not ends_sentence(text) and not text.endswith((",", ";", ":"))


def is_headline_like(text):
    """Short, starting like a title, and not a finished statement (a question is allowed)."""
    if not text or word_count(text) > HEADLINE_MAX_WORDS or len(text) > HEADLINE_MAX_CHARS:
        return False
    return _reads_like_title(text)


def is_teaser_title(text):
    """A line that may be the title of another story: headline-like, or a long headline (up to
    ``TEASER_MAX_WORDS``), which alone reads as a paragraph but in a run is a teaser."""
    if not text or word_count(text) > TEASER_MAX_WORDS or len(text) > TEASER_MAX_CHARS:
        return False
    return _reads_like_title(text)


def is_paragraph(text):
    """Body text: a line that is not headline-like."""
    return not is_headline_like(text)


def split_label(text):
    """``("In depth", "Title")`` for a labelled teaser ``In depth: Title``, else ``None``."""
    match = _LABEL.match(text)
    if match is None or word_count(match["label"]) > 4:
        return None
    return match["label"], match["title"]


def is_teaser(text):
    """A single line that is a teaser on its own: a headline-like question or labelled line."""
    return is_headline_like(text) and (is_question(text) or split_label(text) is not None)


def teaser_title(text):
    """The link title of a teaser: a pure "read more" label is dropped, others are kept."""
    labelled = split_label(text)
    if labelled and labelled[0].casefold() in _FURNITURE_LABELS:
        return labelled[1]
    return text


def is_teaser_label(text):
    """A line that only labels the related-story links after it (``READ MORE:``, ``Related``)."""
    return bool(_TEASER_LABEL.match(text))


def is_teaser_run(lines):
    """Two or more consecutive title-like lines (long ones too) read as links to other stories."""
    return len(lines) >= 2 and all(is_teaser_title(line) for line in lines)


def is_subheading(text, next_text):
    """A short line with no closing punctuation, not a teaser, with body text after it."""
    return (
        is_headline_like(text)
        and not ends_sentence(text)
        and not is_teaser(text)
        and next_text is not None
        and is_paragraph(next_text)
    )


def is_answered_question(text, next_text):
    """A headline-like question, unlabelled, with body text after it: the heading of its answer
    in an explainer (see ``is_explainer()``), else a teaser unless it is a stock question."""
    return (
        is_headline_like(text)
        and is_question(text)
        and split_label(text) is None
        and next_text is not None
        and is_paragraph(next_text)
    )


def is_explainer(questions):
    """Two or more answered questions in one article make it an explainer (questions and
    answers): each question is a subheading, not a link to another story."""
    return len(questions) >= 2


def is_stock_question(text):
    """A short question with no proper noun that heads a section of any story ("What happens
    next?", "Why does it matter?", "Who is affected?") rather than naming another story."""
    words = text.rstrip(_CLOSERS).rstrip("?").split()
    if not is_question(text) or not 1 <= len(words) <= STOCK_QUESTION_MAX_WORDS:
        return False
    first = re.split(r"['’]", words[0])[0].casefold()
    return first in _QUESTION_WORDS and not any(word[:1].isupper() for word in words[1:])


def is_furniture(text):
    """A leftover of the page (share prompts, labels, copyright and source lines…)."""
    return bool(_FURNITURE.match(text)) or is_teaser_label(text)


def split_credit(text):
    """``(caption, credit)`` for a photo caption ending in `` /Credit``, else ``None``.

    The caption must end a sentence before the slash, and the credit must be short and not a
    sentence, so that a slash inside ordinary prose is not mistaken for a credit.
    """
    if " /" not in text:
        return None
    # A credit holds no "//", so it starts after the last one: searching from there keeps this
    # linear (trying every " /" of a long line before a "//" took minutes; 2026-11).
    match = _CREDIT.search(text, text.rfind("//") + 1)
    if match is None or "\n" in text[: match.start()]:
        return None
    caption, credit = text[: match.start()], match["credit"].strip().strip("/").strip()
    if not credit or len(credit) > 120 or word_count(credit) > 12:
        return None
    if not ends_sentence(caption):
        return None
    return caption, credit


def _is_agency(text):
    return text.casefold() in AGENCIES


def _is_affiliation(text):
    # A particle is part of a name, never an agency ("Rhys ap Gruffydd" is not "AP").
    words = {word.strip(".").casefold() for word in text.split() if word not in NAME_PARTICLES}
    return _is_agency(text) or bool(words & _AFFILIATION_WORDS) or bool(words & AGENCIES)


def _name_word_kind(word):
    """``"particle"`` for a lowercase particle (``van``), ``"name"`` for a capitalised word, an
    initial or a particle joined to one (``O'Brien``, ``Jean-Luc``, ``J.``, ``al-Mughrabi``,
    ``d'Emilio``), else ``None``."""
    if word in NAME_PARTICLES:
        return "particle"
    core = _JOINED_PARTICLE.sub("", word, count=1)
    if (
        core[:1].isupper()
        and all(char.isalpha() or char in _NAME_PUNCTUATION for char in core)
        and word.strip(_NAME_PUNCTUATION).casefold() not in _NOT_NAME_WORDS
    ):
        return "name"
    return None


def _is_name(text):
    """A person's name: capitalised words with particles between them, first and last words
    capitalised; or an agency alone."""
    words = text.split()
    if not 1 <= len(words) <= NAME_MAX_WORDS or len(text) > 60:
        return False
    if len(words) == 1:
        return _is_agency(text)
    kinds = [_name_word_kind(word) for word in words]
    # A bare capital opens a heading ("A New Dawn"), an initial has its stop ("J. Doe").
    opens_name = len(words[0]) > 1 or words[0].endswith(".")
    return (
        None not in kinds
        and kinds[0] == kinds[-1] == "name"
        and kinds.count("name") <= NAME_MAX_CAPITALISED
        and opens_name
    )


def split_byline(line):
    """The names a byline string gives, in order, or ``None`` if it is not a byline.

    Handles ``By Jane Doe``, ``Jane Doe and John Roe``, ``Jane Doe, John Roe and Ann Lee``,
    ``Jane Doe in Madrid`` (place dropped), ``Jane Doe, Associated Press`` (affiliation dropped)
    and an agency alone (``Reuters``), which becomes the author when no person is named. Names
    may hold particles (``Nidal al-Mughrabi``, ``Frances d'Emilio``, ``Ursula von der Leyen``),
    initials (``J. R. R. Tolkien``), apostrophes and hyphens. Public: the ninjs importer splits
    its ``by`` strings with it.
    """
    text = normalize_space(line)
    if not text or len(text) > BYLINE_MAX_CHARS or ends_sentence(text) and text[-1] != ".":
        return None
    had_by = bool(_BY.match(text))
    text = _PLACE.sub("", _BY.sub("", text).rstrip("."))
    if _is_agency(text):
        return (text,)
    parts = [part for part in _NAME_SPLIT.split(text) if part]
    names, affiliations = [], []
    for part in parts:
        part = _PLACE.sub("", part).strip()
        if _is_name(part) and not (_is_affiliation(part) and names):
            names.append(part)
        elif _is_affiliation(part) and (names or had_by):
            affiliations.append(part)
        else:
            return None
    if not names:
        return None
    people = [name for name in names if not _is_agency(name)]
    return tuple(people or names)


def is_byline(line):
    return split_byline(line) is not None


def is_binary(text):
    """Text with NUL characters, or where control characters are more than 5% of it."""
    if "\x00" in text:
        return True
    return len(_BINARY.findall(text)) > max(2, len(text) // 20)
