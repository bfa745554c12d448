"""Parse a scraped plain-text article into a ``ParsedArticle``: pure, no database.

The format, top to bottom: the headline (first non-empty line); a byline when the next line names
people or an agency; photo captions ending in a credit after `` /`` (scrapers often print one twice
in a row); body paragraphs separated by blank lines (wire copy may hard-wrap one over several
lines); runs of related-story teasers; subheadings; and page furniture, which is dropped. The
rules for each part are in ``rules.py``.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from urllib.parse import unquote, urlsplit

from ..sanitizer import strip_control_characters
from . import rules

# Blank lines that end a teaser run: scrapers mark a new part of the page with two or more.
SECTION_GAP = 2

# The statuses a parse may ask for: values of ``Article.Status``, which this module does not
# import (it imports nothing from the database layer).
DRAFT, IN_REVIEW, PUBLISHED, UNPUBLISHED = "draft", "review", "published", "unpublished"


OLD_PATH_MAX_LENGTH = 300  # ArticleRedirect.old_path
FIRST_YEAR, LAST_YEAR = 1900, 9998  # publication dates read from a source


class ArticleFormatError(ValueError):
    """The input is not an article; the message says which rule failed."""


def _clean_fields(parse, *names):
    """Control characters dropped from the named fields (strings, or tuples of them) of a
    frozen parse. XML allows DEL, JSON allows every one; the models drop them on save, and a
    name read with one would then match nothing stored."""
    for name in names:
        value = getattr(parse, name)
        if isinstance(value, tuple):
            value = tuple(strip_control_characters(part) for part in value)
        elif value:
            value = strip_control_characters(value)
        object.__setattr__(parse, name, value)


@dataclass(frozen=True)
class ParsedCaption:
    """A caption, and for formats that name one, the picture it belongs to: ``image_urls`` are
    where the picture was published, best first (the loader looks for them under ``--media``)."""

    text: str
    credit: str | None = None
    alt_text: str = ""
    image_urls: tuple[str, ...] = ()

    def __post_init__(self):
        _clean_fields(self, "text", "credit", "alt_text")

    def as_dict(self):
        data = {"text": self.text, "credit": self.credit}
        if self.alt_text:
            data["alt_text"] = self.alt_text
        if self.image_urls:
            data["image_urls"] = list(self.image_urls)
        return data


@dataclass(frozen=True)
class ParsedLink:
    title: str
    url: str | None = None

    def __post_init__(self):
        _clean_fields(self, "title", "url")


@dataclass(frozen=True)
class Block:
    """One piece of the body, in reading order."""

    PARAGRAPH: ClassVar[str] = "paragraph"
    SUBHEADING: ClassVar[str] = "subheading"
    CAPTION: ClassVar[str] = "caption"
    RELATED_LINK: ClassVar[str] = "related_link"

    kind: str
    text: str
    credit: str | None = None


@dataclass(frozen=True)
class ParsedArticle:
    """An article as a parser read it. The fields after ``encoding`` are the metadata that
    structured formats (WXR, ninjs) carry and scraped text does not; their defaults mean
    "not given", and the loader then leaves the article's own value alone."""

    headline: str
    authors: tuple[str, ...]
    captions: tuple[ParsedCaption, ...]
    blocks: tuple[Block, ...]
    dropped: tuple[str, ...]
    encoding: str = "utf-8"
    dek: str = ""
    section: str = ""  # a section name, created if no section has it
    # None: the format carries no tags (an update leaves the article's); () means "no tags".
    tags: tuple[str, ...] | None = None
    status: str | None = None  # one of DRAFT, IN_REVIEW, PUBLISHED, UNPUBLISHED
    published_at: datetime | None = None  # aware; in the future for a scheduled article
    # published_at is the time of this version, not of the publication (ninjs without
    # firstcreated): it dates a new article, and an update keeps the article's date.
    dated_by_version: bool = False
    embargo_until: datetime | None = None
    slug: str = ""  # the source's own slug, kept if it is free
    old_paths: tuple[str, ...] = ()  # addresses the article had on the old site
    roles: tuple[str, ...] = ()  # each author's byline role, where the format gives them
    links: tuple[ParsedLink, ...] = ()  # related links given apart from the body, with addresses
    body_html: str | None = None  # the body as HTML, for formats that carry it (else blocks)
    language: str = ""  # a BCP 47 tag (languages.language_tag), for formats that give one

    def __post_init__(self):
        _clean_fields(self, "headline", "authors", "dek", "section", "tags", "slug")

    @property
    def related_links(self):
        teasers = (ParsedLink(b.text) for b in self.blocks if b.kind == Block.RELATED_LINK)
        return (*teasers, *self.links)

    @property
    def subheadings(self):
        return tuple(b.text for b in self.blocks if b.kind == Block.SUBHEADING)

    @property
    def paragraphs(self):
        return tuple(b.text for b in self.blocks if b.kind == Block.PARAGRAPH)

    def as_dict(self):
        """The parse as JSON-ready data; metadata fields appear only when given."""
        data = {
            "headline": self.headline,
            "authors": list(self.authors),
            "captions": [caption.as_dict() for caption in self.captions],
            "related_links": [
                {"title": link.title, "url": link.url} for link in self.related_links
            ],
            "subheadings": list(self.subheadings),
            "paragraphs": list(self.paragraphs),
            "dropped": list(self.dropped),
        }
        metadata = {
            "dek": self.dek,
            "section": self.section,
            "tags": list(self.tags or ()),
            "status": self.status,
            "published_at": self.published_at and self.published_at.isoformat(),
            "embargo_until": self.embargo_until and self.embargo_until.isoformat(),
            "slug": self.slug,
            "old_paths": list(self.old_paths),
            "roles": list(self.roles),
            "body_html": self.body_html,
            "language": self.language,
        }
        data.update((key, value) for key, value in metadata.items() if value)
        return data


def unique(names):
    """The names in order, without repeats in any case."""
    seen, found = set(), []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            found.append(name)
    return found


def in_range(moment):
    """``moment`` (aware), if its year is one an article may have: within a day of year 1 or
    9999 no time zone can hold it. Raises ``ValueError`` otherwise."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(f"{moment.year} is out of range")
    return moment


def old_path(link):
    """The path of an item's address on the old site, to redirect from: None for the
    ``/?p=123`` kind, which has no path of its own, or a path no request could match (control
    characters)."""
    try:
        parts = urlsplit(link.strip())
    except ValueError:  # no address at all ("http://[oops/")
        return None
    path = unquote(parts.path)
    if not path or path == "/" or parts.query or not path.isprintable():
        return None
    return path


@dataclass(frozen=True)
class ParsedItem:
    """One item of a file that holds many (a WordPress post, a ninjs item): its parse, or the
    reason it has none.

    ``ref`` names the item within its file (``post-12``); ``identity`` is what identifies it
    across runs and files (the site and post id, the ninjs uri). ``skipped`` is set for items
    deliberately not imported (a page, a trashed post), ``error`` for items that are broken.
    """

    ref: str
    identity: str = ""
    article: ParsedArticle | None = None
    error: str = ""
    skipped: str = ""
    warnings: tuple[str, ...] = ()


def decode(data, encoding=None):
    """``(text, encoding)``: the given encoding, else UTF-8 (with or without BOM), else cp1252."""
    if encoding:
        candidates = [encoding]
    elif b"\x00" in data:  # text in the encodings we detect never holds NUL bytes
        raise ArticleFormatError("binary content (NUL bytes), not a text file")
    elif data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    else:
        candidates = ["utf-8", "cp1252"]
    for candidate in candidates:
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
        except LookupError:
            raise ArticleFormatError(f"unknown encoding {candidate!r}") from None
    raise ArticleFormatError(f"cannot decode as {' or '.join(candidates)}")


def parse_article(data, *, encoding=None):
    """The article in ``data`` (text or bytes); raises ``ArticleFormatError`` if it is not one."""
    used = "utf-8"
    if isinstance(data, bytes):
        data, used = decode(data, encoding)
    if rules.is_binary(data):
        raise ArticleFormatError("binary content, not a text file")
    units = _units(data)
    if not units:
        raise ArticleFormatError("empty file")
    headline, *rest = units
    authors = ()
    if rest and rest[0].header and (names := rules.split_byline(rest[0].text)):
        authors, rest = names, rest[1:]
    blocks, dropped = _body(rest)
    if not any(block.kind == Block.PARAGRAPH for block in blocks):
        raise ArticleFormatError("only a headline, no body paragraphs")
    captions = tuple(
        ParsedCaption(block.text, block.credit) for block in blocks if block.kind == Block.CAPTION
    )
    return ParsedArticle(
        headline=headline.text,
        authors=authors,
        captions=captions,
        blocks=tuple(blocks),
        dropped=tuple(dropped),
        encoding=used,
    )


@dataclass(frozen=True)
class _Unit:
    """A line or a paragraph of the input, before it is classified."""

    text: str
    header: bool = False  # the line after the headline, where a byline stands
    gap: int = 0  # blank lines before it; two or more often start a teaser run or a section


def _units(text):
    """Blocks of non-blank lines as units; see ``_split_block``."""
    units, block, blanks = [], [], 0
    for raw in [*text.splitlines(), ""]:
        line = rules.clean_line(raw)
        if line:
            block.append(rules.normalize_space(line))
        elif block:
            if not units:
                split = _split_header
            elif len(units) == 1:  # the headline stood alone: the byline may open this block
                split = _split_after_headline
            else:
                split = _split_block
            units.extend(split(block, gap=blanks))
            block, blanks = [], 1
        else:
            blanks += 1
    return units


def _split_header(lines, *, gap):
    """The first block: headline, a byline candidate and captions each on their own line, then
    whatever body text follows them without a blank line."""
    return [_Unit(lines[0]), *_split_after_headline(lines[1:], gap=0)]


def _split_after_headline(lines, *, gap):
    """The lines after the headline, in its block or, when it stood alone, the next one: a
    byline candidate and captions each on their own line, then the body text after them."""
    units, rest = [], lines
    if rest and rules.is_byline(rest[0]):
        units.append(_Unit(rest[0], header=True, gap=gap))
        rest, gap = rest[1:], 0
    while rest and rules.split_credit(rest[0]):
        units.append(_Unit(rest[0], gap=gap))
        rest, gap = rest[1:], 0
    return units + (_split_block(rest, gap=gap) if rest else [])


def _split_block(lines, *, gap):
    """One unit per line for captions, teaser runs and furniture; else a paragraph (a
    hard-wrapped one joined with single spaces)."""
    if len(lines) > 1 and (
        all(rules.split_credit(line) for line in lines)
        or any(rules.is_furniture(line) for line in lines)
        or rules.is_teaser_run(lines)
    ):
        return [_Unit(line, gap=gap if i == 0 else 0) for i, line in enumerate(lines)]
    return [_Unit(" ".join(lines), gap=gap)]


def _body(units):
    """Classify the units after the headline and byline into blocks and dropped furniture."""
    last_paragraph = max(
        (i for i, unit in enumerate(units) if _is_body_text(unit.text)), default=-1
    )
    blocks, dropped = [], []
    questions = []  # where in ``blocks`` a lone question with its answer after it stands
    i = 0
    while i < len(units):
        text = units[i].text
        following = units[i + 1].text if i + 1 < len(units) else None
        caption = _caption(text, following)
        if _repeats_caption(blocks, text):
            i += 1
        elif caption is not None:
            blocks.append(caption)
            i += 1
        elif rules.is_teaser_label(text) and i < last_paragraph:
            # The label is dropped; the lines after it are teasers, even a single one.
            dropped.append(text)
            run = _headline_run(units, i + 1, last_paragraph)
            blocks.extend(Block(Block.RELATED_LINK, rules.teaser_title(t)) for t in run)
            i += 1 + len(run)
        elif rules.is_furniture(text) or i > last_paragraph:
            dropped.append(text)
            i += 1
        else:
            run = _headline_run(units, i, last_paragraph) or [text]
            after = units[i + len(run)].text if i + len(run) < len(units) else None
            if rules.is_teaser_run(run):
                blocks.extend(Block(Block.RELATED_LINK, rules.teaser_title(t)) for t in run)
            elif rules.is_subheading(text, after):
                blocks.append(Block(Block.SUBHEADING, text))
            elif rules.is_answered_question(text, after):
                questions.append(len(blocks))
                kind = Block.SUBHEADING if rules.is_stock_question(text) else Block.RELATED_LINK
                blocks.append(Block(kind, text))
            elif rules.is_teaser(text):
                blocks.append(Block(Block.RELATED_LINK, rules.teaser_title(text)))
            else:
                blocks.append(Block(Block.PARAGRAPH, text))
            i += len(run)
    if rules.is_explainer([blocks[k].text for k in questions]):
        for k in questions:
            blocks[k] = Block(Block.SUBHEADING, blocks[k].text)
    return blocks, dropped


def _is_body_text(text):
    return rules.is_paragraph(text) and not rules.is_furniture(text)


def _caption(text, following):
    """A caption block: a line with a credit, or a line the scraper printed twice in a row."""
    if split := rules.split_credit(text):
        return Block(Block.CAPTION, split[0], credit=split[1])
    if following == text and not rules.is_furniture(text):
        return Block(Block.CAPTION, text)
    return None


def _repeats_caption(blocks, text):
    """The scraper's second copy of the caption just read."""
    if not blocks or blocks[-1].kind != Block.CAPTION:
        return False
    previous = blocks[-1]
    return text in (previous.text, f"{previous.text} /{previous.credit}")


def _headline_run(units, start, last_paragraph):
    """The title-like (``rules.is_teaser_title()``), non-furniture lines from ``start`` up to
    the next other unit or the next double blank line."""
    run = []
    for unit in units[start : last_paragraph + 1]:
        if (
            run
            and unit.gap >= SECTION_GAP
            or not rules.is_teaser_title(unit.text)
            or rules.is_furniture(unit.text)
            or _caption(unit.text, None)
        ):
            break
        run.append(unit.text)
    return run
