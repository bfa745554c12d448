"""Read ninjs (IPTC's News in JSON, 2.x, with the 1.x names too) into ``ParsedItem``s: pure, no
database.

A file holds one item (an object) or a list of them. What is read, per item:

- ``uri`` identifies the item (required); items of ``type`` other than text or composite
  (a bare picture, audio) are skipped;
- the headline is ``headlines`` (role ``main`` first), else 1.x ``headline``, ``headline_main``
  or another ``headline_*``; the standfirst the ``descriptions`` of role summary or abstract, or
  without a role, else 1.x ``description_text`` (or ``description_html``, its tags dropped);
- the body is the first HTML of: ``bodies`` (role ``main`` first), 1.x ``body_html``,
  ``body_xhtml``, ``body_richtext`` or another ``body_*`` holding markup; else the first plain
  text of: ``bodies``, 1.x ``body_text``, ``body_main`` or another ``body_*``; else a
  description of role ``text`` (a teaser some agencies send instead of a body). Plain text
  becomes paragraphs at blank lines (at line breaks if it has no blank line). A body that is a
  whole HTML document gives its ``<body>`` only, and a first heading (``<h1>``, or the first
  paragraph of plain text) that repeats the headline is dropped. An item with none of these
  is imported with an empty body and a warning;
- the authors are the ``people`` (1.x ``person``) related as author, creator or writer, else
  the names ``by`` (1.x ``byline``) gives: see ``by_names()``;
- ``subjects`` (1.x ``subject``) related as ``section`` name the section (as the export writes
  it), the other subjects with a name and ``keywords`` are tags; a subject with only a code
  is dropped; an item with neither field carries no tags (an update keeps the article's);
- ``language`` is the article's (a BCP 47 tag; anything else is dropped with a warning);
- ``pubstatus`` maps to the status (``STATUSES``; *usable* when absent, as the standard says),
  ``firstcreated`` is the publication time (else ``versioncreated``, which dates a new article
  only: every version has its own), ``embargoed`` the embargo;
- pictures are the ``associations`` of type picture or graphic (``featuremedia`` first): the
  caption is their description (1.x ``description_text``) or headline, the alt text a
  description of role ``alt`` (or ``alt_text``), the credit ``by`` (1.x ``byline``) or the
  copyright, and ``image_urls`` their renditions' hrefs, the original then the widest first.

``ednote`` (a note for the receiving newsroom, never for readers) is never read; nor are
``located``, ``title``, ``genres``, ``places``, ``organisations``, ``events``, ``urgency``,
``usageterms`` and the item's own copyright, which have no place in an article.
Each item is checked on its own: a field of the wrong type fails that item with a message that
names the field; the file as a whole fails only if it is not JSON, or holds no items.
"""

import json
import re
from datetime import UTC, datetime
from html import unescape

from django.utils.html import strip_tags

from .. import languages
from ..sanitizer import strip_control_characters
from . import placement, rules
from .parser import (
    DRAFT,
    FIRST_YEAR,
    LAST_YEAR,
    OLD_PATH_MAX_LENGTH,
    PUBLISHED,
    UNPUBLISHED,
    ArticleFormatError,
    Block,
    ParsedArticle,
    ParsedCaption,
    ParsedItem,
    ParsedLink,
    in_range,
    old_path,
    unique,
)

STATUSES = {"usable": PUBLISHED, "withheld": DRAFT, "canceled": UNPUBLISHED}
IMPORTED_TYPES = {"text", "composite"}
PICTURE_TYPES = {"picture", "graphic"}
FEATURED = "featuremedia"
# The relations of people to an item that make a byline, and the byline role of each (the
# values of Byline.Role); this app's own export writes the last two.
BYLINE_ROLES = {
    "author": "author",
    "creator": "author",
    "writer": "author",
    "byline": "author",
    "additional-reporting": "additional",
    "photographer": "photographer",
}
# What opens a later part of a by line ("A and B; additional reporting by C"), and the role of
# the names after it: the first two are what the export writes (ninjs.by_statement).
BY_PHRASES = {
    "additional reporting by": "additional",
    "photographs by": "photographer",
    "photos by": "photographer",
}
SECTION_RELATIONS = {"section"}
DEK_ROLES = {"summary", "abstract", "standfirst", "lead", ""}
# Descriptions that are the text itself, or its beginning: a body when the item has no other.
TEXT_DESCRIPTION_ROLES = {"text", "body"}
ALT_ROLES = {"alt", "alttext", "alt-text", "alternative", "alternativetext"}
ORIGINAL_RENDITIONS = {"original", "baseimage", "highres", "master"}
SOURCE_MAX_LENGTH = 490  # Article.source, less the "ninjs:" prefix
# ninjs 1.x names text fields by pattern (headline_*, description_*, body_*): the known names
# first, in this order, then the others in the item's order.
HEADLINE_FIELDS = ("headline", "headline_main")
DEK_FIELDS = ("description_text", "description_html", "description_xhtml")
HTML_BODY_FIELDS = ("body_html", "body_xhtml", "body_richtext")
TEXT_BODY_FIELDS = ("body_text", "body_main")
NO_BODY = (
    "no body: imported with an empty body (no text in bodies, body_html, body_xhtml, body_text "
    "or another body_*, nor a description of role text)"
)

_MARKUP = re.compile(r"\s*<[a-zA-Z!]")  # text that starts with a tag, a comment or a doctype
# Tags are matched up to the next "<" at most, and each closing tag searched once from its
# opening, so that a body full of unclosed tags costs linear time.
_BODY_OPEN = re.compile(r"<body\b[^<>]*>", re.IGNORECASE)
_BODY_CLOSE = re.compile(r"</body\s*>", re.IGNORECASE)
_HEAD_OPEN = re.compile(r"<head\b[^<>]*>", re.IGNORECASE)
_HEAD_CLOSE = re.compile(r"</head\s*>", re.IGNORECASE)
_DOCUMENT_TAGS = re.compile(r"<!doctype[^<>]*>|</?(?:html|head|body)\b[^<>]*>", re.IGNORECASE)
# Superdesk's marks around an association shown in the body (its name is the id).
_EMBED = re.compile(
    r'<!--\s*EMBED START \w+ \{\s*id\s*:\s*"(?P<name>[^"]+)"\s*\}\s*-->'
    r"(?:(?!<!--\s*EMBED START).)*?"
    r'<!--\s*EMBED END \w+ \{\s*id\s*:\s*"(?P=name)"\s*\}\s*-->',
    re.DOTALL,
)
# Each match stops at the next opener, so that unclosed ones are not scanned again and again.
_FIGURE = re.compile(
    r"<figure\b[^<>]*>(?:(?!</?figure\b).)*</figure\s*>", re.DOTALL | re.IGNORECASE
)
_IMG_SRC = re.compile(r"""<img\b[^<>]*?\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_H1_OPEN = re.compile(r"<h1\b[^<>]*>", re.IGNORECASE)
_H1_CLOSE = re.compile(r"</h1\s*>", re.IGNORECASE)
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
_VON = re.compile(r"von\s+", re.IGNORECASE)
_BY = re.compile(r"^by\s+", re.IGNORECASE)
_UND = re.compile(r"\s+und\s+")
_SEPARATOR = re.compile(r"[,;&|/]|\s(?:and|und)\s")
FALLBACK_NAME_MAX_CHARS = 60  # a by line the byline rule cannot read: one name, if this short


def parse_ninjs(data):
    """The items of the ninjs document ``data`` (UTF-8 bytes, or text), in order.

    Raises ``ArticleFormatError`` if it is not UTF-8 JSON, or holds no ninjs object.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ArticleFormatError(f"not UTF-8 text: {error}") from None
    try:
        document = json.loads(data)
    except json.JSONDecodeError as error:
        raise ArticleFormatError(f"not valid JSON: {error}") from None
    except RecursionError:
        raise ArticleFormatError("not ninjs: JSON nested too deeply") from None
    items = document if isinstance(document, list) else [document]
    if not items:
        raise ArticleFormatError("an empty list: no ninjs items")
    return [_item(index, item) for index, item in enumerate(items, 1)]


def _item(index, item):
    ref = f"item-{index}"
    if not isinstance(item, dict):
        return ParsedItem(ref, error=f"expected a ninjs object, got {_kind(item)}")
    try:
        uri = _string(item, "uri")
        if not uri:
            raise ArticleFormatError("uri: missing (every ninjs item needs one)")
        if len(uri) > SOURCE_MAX_LENGTH:
            raise ArticleFormatError(f"uri: longer than {SOURCE_MAX_LENGTH} characters")
        kind = _string(item, "type") or "text"
        if kind not in IMPORTED_TYPES:
            return ParsedItem(ref, f"ninjs:{uri}", skipped=f"a {kind} item, not a story")
        warnings = []
        article = _article(item, warnings)
        return ParsedItem(ref, f"ninjs:{uri}", article=article, warnings=tuple(warnings))
    except ArticleFormatError as error:
        return ParsedItem(ref, error=str(error))


def _article(item, warnings):
    """The article of ``item``; what it leaves out without failing is added to ``warnings``."""
    headline = _headline(item)
    if not headline:
        raise ArticleFormatError("headlines: no headline (nor headline, headline_main)")
    pubstatus = _string(item, "pubstatus") or "usable"
    if pubstatus not in STATUSES:
        raise ArticleFormatError(f"pubstatus: {pubstatus!r} is not one of {', '.join(STATUSES)}")
    html, text = _body(item)
    pictures = _picture_associations(item)
    if html is not None:
        html = _placed(_without_headline(_document_body(html), headline), pictures)
    paragraphs = _paragraphs(text, headline)
    if not paragraphs and not _plain_text(html or ""):
        warnings.append(NO_BODY)
    authors = _authors(item, warnings)
    return ParsedArticle(
        headline=headline,
        authors=tuple(authors),
        roles=tuple(authors.values()),
        captions=tuple(_caption(picture) for picture in pictures),
        blocks=tuple(Block(Block.PARAGRAPH, p) for p in paragraphs),
        dropped=(),
        dek=_dek(item),
        section=_section(item),
        tags=_tags(item),
        status=STATUSES[pubstatus],
        published_at=_datetime(item, "firstcreated") or _datetime(item, "versioncreated"),
        dated_by_version=_datetime(item, "firstcreated") is None,
        embargo_until=_datetime(item, "embargoed"),
        body_html=html,
        slug=_string(item, "slugline"),
        old_paths=tuple(_web_paths(item)),
        links=_links(item),
        language=_language(item, warnings),
    )


def _headline(item):
    """The main headline (2.x), else the 1.x headline, headline_main or another headline_*."""
    headlines = _objects(item, "headlines")
    ranked = sorted(headlines, key=lambda entry: _string(entry, "role", "headlines") != "main")
    for entry in ranked:
        if value := _plain(entry, "headlines"):
            return value
    for field in _pattern_fields(item, "headline", HEADLINE_FIELDS):
        if value := rules.normalize_space(_string(item, field)):
            return value
    return ""


def _body(item):
    """``(html, None)`` for an HTML body, else ``(None, plain text)``: see the module's rules."""
    bodies = _objects(item, "bodies")
    ranked = sorted(bodies, key=lambda body: _string(body, "role", "bodies") not in ("main", ""))
    fields = _pattern_fields(item, "body", HTML_BODY_FIELDS + TEXT_BODY_FIELDS)
    for body in ranked:
        if _is_html(body, "bodies"):
            return _string(body, "value", "bodies"), None
    for field in fields:
        value = _string(item, field)
        if value.strip() and (field in HTML_BODY_FIELDS or _MARKUP.match(value)):
            return value, None
    for body in ranked:
        if _is_text(body, "bodies") and (value := _string(body, "value", "bodies")).strip():
            return None, value
    for field in fields:
        if (value := _string(item, field)).strip():
            return None, value
    for description in _objects(item, "descriptions"):
        role = _string(description, "role", "descriptions").casefold()
        if role in TEXT_DESCRIPTION_ROLES:
            value = _string(description, "value", "descriptions")
            return (value, None) if _is_html(description, "descriptions") else (None, value)
    return None, ""


def _is_html(entry, field):
    """An entry of ``bodies`` or ``descriptions`` whose content type is HTML or XHTML, or that
    has no content type and starts with a tag."""
    contenttype = _string(entry, "contenttype", field).casefold()
    if contenttype:
        return "html" in contenttype
    return bool(_MARKUP.match(_string(entry, "value", field)))


def _is_text(entry, field):
    """An entry of ``bodies`` that is plain text (not HTML, nor XML such as NITF)."""
    contenttype = _string(entry, "contenttype", field).casefold()
    return contenttype.startswith("text/plain") if contenttype else not _is_html(entry, field)


def _document_body(html):
    """What a whole HTML document holds in its ``<body>``; other HTML as it is."""
    if opening := _BODY_OPEN.search(html):
        closings = list(_BODY_CLOSE.finditer(html, opening.end()))
        html = html[opening.end() : closings[-1].start() if closings else len(html)]
    elif (head := _HEAD_OPEN.search(html)) and (end := _HEAD_CLOSE.search(html, head.end())):
        html = html[: head.start()] + html[end.end() :]
    return _DOCUMENT_TAGS.sub("", html)


def _without_headline(html, headline):
    """``html`` without a leading ``<h1>`` that repeats the headline (in any case and
    spacing): the page shows the headline above the body."""
    opening = _H1_OPEN.search(html)
    if opening is None or _plain_text(html[: opening.start()]):
        return html
    closing = _H1_CLOSE.search(html, opening.end())
    if closing and _same_text(_plain_text(html[opening.end() : closing.start()]), headline):
        return html[: opening.start()] + html[closing.end() :]
    return html


def _paragraphs(text, headline):
    """Plain text as paragraphs: split at blank lines, else at line breaks; a first paragraph
    that repeats the headline is dropped."""
    if not text:
        return []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts = text.split("\n\n") if "\n\n" in text else text.split("\n")
    paragraphs = [paragraph for part in parts if (paragraph := rules.normalize_space(part))]
    if paragraphs and _same_text(paragraphs[0], headline):
        paragraphs.pop(0)
    return paragraphs


def _same_text(text, other):
    return rules.normalize_space(text).casefold() == rules.normalize_space(other).casefold()


def _dek(item):
    for description in _objects(item, "descriptions"):
        if _string(description, "role", "descriptions").casefold() in DEK_ROLES:
            return _plain(description, "descriptions")
    for field in DEK_FIELDS:
        value = _string(item, field)
        if value := _plain_text(value) if "html" in field else rules.normalize_space(value):
            return value
    return ""


def _language(item, warnings):
    value = _string(item, "language")
    tag = languages.language_tag(value)
    if value.strip() and not tag:
        warnings.append(
            f"language: {value[:40]!r} is not a language code (BCP 47): the site's language applies"
        )
    return tag


def _authors(item, warnings):
    """The names of the byline, in order, each with its byline role: the ``people`` (1.x
    ``person``) related to the item as authors or contributors, else the names that ``by``
    (1.x ``byline``) gives."""
    authors = {}
    for field in ("people", "person"):
        for person in _objects(item, field):
            relation = _string(person, "rel", field) or _string(person, "role", field)
            name = rules.normalize_space(_string(person, "name", field))
            if name and (role := BYLINE_ROLES.get(_relation(relation))):
                authors.setdefault(name, role)
    if authors:
        return authors
    by = rules.normalize_space(_string(item, "by") or _string(item, "byline"))
    if by:
        authors = by_names(by)
        if not authors:
            warnings.append(f"by: {by[:80]!r} not read as names: no author taken from it")
    return authors


def by_names(by):
    """The people a ``by`` line names, in order, each with its byline role (a dict); empty if
    it names none that can be told apart.

    Each part of the line (parts are separated by ";") is read by the text importer's byline
    rule (``rules.split_byline``: "By A", "A and B", "A, B and C", "A in Paris", "A, Associated
    Press"; places and affiliations dropped, name particles kept), after these steps:

    - a part after the first that opens with "additional reporting by" or "photographs by" (as
      the export writes them) gives its names that role; every other name is an author;
    - a credit in parentheses is dropped ("Jane Doe (Reuters)");
    - "Von" (German for "by") opens a byline as "By" does, unless a lower-case particle follows
      ("Von der Leyen" is a name); "und" joins names as "and" does; a slash separates as a comma
      does ("Karl Berg/TT");
    - an agency alone ("Reuters", "dpa") is the author, as the credit of an agency's item;
    - a part the rule does not read is one name as it stands, unless it holds a separator (a
      comma, "and", "&", "/") or is longer than a name (``FALLBACK_NAME_MAX_CHARS``), when it
      gives none.
    """
    names = {}
    for number, part in enumerate(by.split(";")):
        part, role = rules.normalize_space(part), "author"
        for phrase, phrase_role in BY_PHRASES.items():
            if number and part.casefold().startswith(phrase):
                part, role = part[len(phrase) :].strip(), phrase_role
                break
        for name in split_by(part):
            names.setdefault(name, role)
    return names


def split_by(text):
    """The names one part of a ``by`` line gives (see ``by_names()``), or ``()``."""
    text = rules.normalize_space(text)
    text = rules.normalize_space(_PARENTHESES.sub("", text)) or text.strip("() ")
    if (von := _VON.match(text)) and text[von.end() : von.end() + 1].isupper():
        text = f"By {text[von.end() :]}"
    text = _UND.sub(" and ", text.replace("/", ", "))
    if names := rules.split_byline(text):
        return tuple(names)
    bare = _BY.sub("", text, count=1)
    if not bare or len(bare) > FALLBACK_NAME_MAX_CHARS or _SEPARATOR.search(bare):
        return ()
    return (bare,)


def _relation(value):
    """The last word of a relation, which may be a URI or a QCode: ``author`` of
    ``http://cv.example.org/rel/author`` or ``rel:author``."""
    return value.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].casefold()


def _subjects(item):
    """``(name, relation)`` of the subjects (1.x ``subject``) that have a name."""
    for field in ("subjects", "subject"):
        for subject in _objects(item, field):
            if name := rules.normalize_space(_string(subject, "name", field)):
                yield name, _relation(_string(subject, "rel", field))


def _section(item):
    """The name of the first subject related to the item as its section."""
    return next((name for name, rel in _subjects(item) if rel in SECTION_RELATIONS), "")


def _tags(item):
    """The tags of the subjects and keywords; None if the item has neither field: it says
    nothing of tags (an update keeps the article's), where an empty list says "none"."""
    if all(item.get(field) is None for field in ("subjects", "subject", "keywords")):
        return None
    names = [name for name, rel in _subjects(item) if rel not in SECTION_RELATIONS]
    keywords = item.get("keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise ArticleFormatError("keywords: expected a list of strings")
    return tuple(unique(n for n in map(rules.normalize_space, [*names, *keywords]) if n))


def _web_paths(item):
    """The paths of the item's web pages, to redirect from."""
    for href in _web_pages(item, "renditions"):
        path = old_path(href)
        if path and len(path) <= OLD_PATH_MAX_LENGTH:
            yield path


def _web_pages(holder, field):
    """The addresses of the renditions of an item or picture that are web pages (HTML, or
    named web)."""
    return [
        _string(r, "href", "renditions")
        for r in _renditions(holder, field)
        if "html" in _string(r, "contenttype", "renditions")
        or "html" in _string(r, "mimetype", "renditions")  # the 1.x name
        or _string(r, "name", "renditions") == "web"
    ]


def _links(item):
    """Related links: the associated stories (of type text) with a headline and a web address
    (their HTML rendition, else their URI)."""
    links = []
    for story in _associations(item):
        if _string(story, "type", "associations") != "text":
            continue
        title = _headline(story)
        pages = _web_pages(story, "associations: renditions")
        url = next((u for u in [*pages, _string(story, "uri", "associations")] if _is_web(u)), None)
        if title and url:
            links.append(ParsedLink(title, url))
    return tuple(links)


def _is_web(url):
    return url.casefold().startswith(("http://", "https://"))


def _picture_associations(item):
    """The associated pictures, the featured one first: the article's captions, in order."""
    associations = _associations(item)
    pictures = [a for a in associations if _string(a, "type", "associations") in PICTURE_TYPES]
    pictures.sort(key=lambda a: _string(a, "name", "associations") != FEATURED)
    return pictures


def _placed(html, pictures):
    """``html`` with the place of each associated picture it shows marked (``placement``):
    a block between Superdesk's EMBED marks naming the association, or a ``<figure>`` whose
    ``<img>`` is one of the picture's renditions. ``pictures`` are the associations in the
    order of the captions; a picture shown before any text leads the story instead."""
    names = {_string(p, "name", "associations"): n for n, p in enumerate(pictures)}
    urls = {url: n for n, p in reversed(list(enumerate(pictures))) for url in _rendition_urls(p)}
    placed = set()

    def mark(found, position):
        if position is None or position in placed:
            return found[0]
        placed.add(position)
        return f"\n{placement.marker(position)}\n"

    html = _EMBED.sub(lambda found: mark(found, names.get(found["name"])), html)

    def figure(found):
        image = _IMG_SRC.search(found[0])
        return mark(found, urls.get(unescape(image[1]).strip()) if image else None)

    return placement.without_leading(_FIGURE.sub(figure, html))


def _caption(picture):
    field = "associations"
    descriptions = _objects(picture, "descriptions")
    alt = next(
        (
            _plain(d, field)
            for d in descriptions
            if _string(d, "role", field).casefold() in ALT_ROLES
        ),
        rules.normalize_space(_string(picture, "alt_text", field)),
    )
    caption = next(
        (
            _plain(d, field)
            for d in descriptions
            if _string(d, "role", field).casefold() not in ALT_ROLES
        ),
        "",
    )
    caption = caption or _dek(picture) or _headline(picture)
    credit = (
        _string(picture, "by", field)
        or _string(picture, "byline", field)  # the 1.x name
        or _string(picture, "copyrightholder", field)
        or _string(picture, "copyrightnotice", field)
    )
    return ParsedCaption(
        text=caption,
        credit=rules.normalize_space(credit) or None,
        alt_text=alt,
        image_urls=_rendition_urls(picture),
    )


def _rendition_urls(picture):
    """The hrefs of a picture's renditions: the original first, then the widest."""
    ranked = sorted(
        _renditions(picture, "associations: renditions"),
        key=lambda r: (
            _string(r, "name", "renditions").casefold() not in ORIGINAL_RENDITIONS,
            -_number(r, "width"),
        ),
    )
    urls = [_string(r, "href", "renditions") for r in ranked]
    return tuple(dict.fromkeys(url for url in urls if url))


def _as_list(holder, field):
    """``field`` of ``holder`` as a list: ninjs 1.x keeps associations and renditions in an
    object by name, which becomes each one's ``name``."""
    value = holder.get(field) or []
    if isinstance(value, dict):
        return [
            {"name": name, **entry} if isinstance(entry, dict) else entry
            for name, entry in value.items()
        ]
    return value


def _associations(item):
    """The associations of an item, as a list (ninjs 1.x keeps them by name)."""
    associations = _as_list(item, "associations")
    if not isinstance(associations, list):
        raise ArticleFormatError(f"associations: expected a list, got {_kind(associations)}")
    for position, association in enumerate(associations, 1):
        if not isinstance(association, dict):
            raise ArticleFormatError(
                f"associations[{position}]: expected an object, got {_kind(association)}"
            )
    return associations


def _renditions(holder, field):
    """The renditions of an item or picture, as a list (ninjs 1.x keeps them by name)."""
    renditions = _as_list(holder, "renditions")
    if not isinstance(renditions, list) or not all(isinstance(r, dict) for r in renditions):
        raise ArticleFormatError(f"{field}: expected a list of objects")
    return renditions


def _pattern_fields(item, prefix, known):
    """The names of the 1.x text fields of ``prefix`` that ``item`` has (``body_*``): those
    of ``known`` in that order, then the others in the item's order."""
    others = [name for name in item if name.startswith(f"{prefix}_") and name not in known]
    return [name for name in known if name in item] + others


def _plain(entry, field):
    """The value of an entry of ``headlines`` or ``descriptions`` as plain text."""
    value = _string(entry, "value", field)
    return _plain_text(value) if _is_html(entry, field) else rules.normalize_space(value)


def _plain_text(html):
    return rules.normalize_space(unescape(strip_tags(html)))


def _objects(item, field):
    """The list of objects ``field`` (empty if absent); raises for anything else."""
    value = item.get(field)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise ArticleFormatError(f"{field}: expected a list of objects, got {_kind(value)}")
    return value


def _string(item, field, within=""):
    """The string ``field`` (empty if absent), without control characters (JSON allows them, no
    database column does); raises for anything else."""
    value = item.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        where = f"{within}: {field}" if within else field
        raise ArticleFormatError(f"{where}: expected a string, got {_kind(value)}")
    return strip_control_characters(value)


def _number(item, field):
    value = item.get(field)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else 0


def _datetime(item, field):
    """The aware date and time ``field`` (ISO 8601; UTC if it gives no offset), or None."""
    value = _string(item, field).strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
        return in_range(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    except ValueError:
        raise ArticleFormatError(
            f"{field}: {value!r} is not a date and time (ISO 8601, e.g. 2024-03-04T08:30:00Z, "
            f"years {FIRST_YEAR} to {LAST_YEAR})"
        ) from None


def _kind(value):
    return {dict: "an object", list: "a list", str: "a string", bool: "true or false"}.get(
        type(value), "a number" if isinstance(value, int | float) else "null"
    )
