"""The rules that read a scraped article, each a small function of one line or a few.

The parser (parser.py) applies them in order; each is pure and tested on its own. The judgement
between a teaser and a subheading is made here, explicitly:

- a *paragraph* is body text: a line that ends a sentence, or that is too long for a headline;
- a *teaser* (a related-story link) reads like a headline: short, and either a question, or
  marked with a label (``In depth: …``), or one of a run of two or more such lines;
- a *subheading* is a single short line with no closing punctuation that the body continues
  after;
- *furniture* is what the page printed around the story: known labels anywhere, and everything
  after the story's last paragraph.
"""

import re

# C0 and C1 control characters except tab and newline: never text, and C0 is invalid in XML.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
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
_PLACE = re.compile(r"\s+in\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*(?:,\s*[A-Z][\w.'’-]*)?$")
_NAME_SPLIT = re.compile(r"\s*[,|]\s*|\s+and\s+|\s*&\s*")
_LABEL = re.compile(r"^(?P<label>[A-Z][\w'’ -]{1,30}):\s+(?P<title>\S.*)$")
_NAME_WORD = re.compile(
    r"^(?:[A-Z][\w'’.-]*|(?:de|da|dos|das|del|della|di|du|van|von|der|den|la|le|al|el|bin|ibn|ter)"
    r"|[A-Z]\.)$",
    re.UNICODE,
)

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
BYLINE_MAX_CHARS = 120


def clean_line(line):
    """The line without control characters and surrounding white space (no-break spaces too)."""
    return _EDGE_SPACE.sub("", _CONTROL.sub("", line))


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


def is_headline_like(text):
    """Short, starting like a title, and not a finished statement (a question is allowed)."""
    if not text or word_count(text) > HEADLINE_MAX_WORDS or len(text) > HEADLINE_MAX_CHARS:
        return False
    first = text.lstrip(_CLOSERS + "“‘«([")[:1]
    if not first or not (first.isupper() or first.isdigit()) or _SPEECH.search(text):
        return False
    return is_question(text) or not ends_sentence(text) and not text.endswith((",", ";", ":"))


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


def is_teaser_run(lines):
    """Two or more consecutive headline-like lines read as links to other stories."""
    return len(lines) >= 2 and all(is_headline_like(line) for line in lines)


def is_subheading(text, next_text):
    """A short line with no closing punctuation, not a teaser, with body text after it."""
    return (
        is_headline_like(text)
        and not ends_sentence(text)
        and not is_teaser(text)
        and next_text is not None
        and is_paragraph(next_text)
    )


def is_furniture(text):
    """A leftover of the page (share prompts, labels, copyright and source lines…)."""
    return bool(_FURNITURE.match(text))


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
    words = {word.strip(".").casefold() for word in text.split()}
    return _is_agency(text) or bool(words & _AFFILIATION_WORDS) or bool(words & AGENCIES)


def _is_name(text):
    words = text.split()
    if not 1 <= len(words) <= 5 or len(text) > 60:
        return False
    if len(words) == 1:
        return _is_agency(text)
    return all(_NAME_WORD.match(word) for word in words) and words[0][:1].isupper()


def split_byline(line):
    """The names a byline line gives, in order, or ``None`` if the line is not a byline.

    Handles ``By Jane Doe``, ``Jane Doe and John Roe``, ``Jane Doe, John Roe and Ann Lee``,
    ``Jane Doe in Madrid`` (place dropped), ``Jane Doe, Associated Press`` (affiliation dropped)
    and an agency alone (``Reuters``), which becomes the author when no person is named.
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
