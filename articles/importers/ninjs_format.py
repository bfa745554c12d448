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
  is dropped;
- ``language`` is the article's (a BCP 47 tag; anything else is dropped with a warning);
- ``pubstatus`` maps to the status (``STATUSES``; *usable* when absent, as the standard says),
  ``firstcreated`` (else ``versioncreated``) is the publication time, ``embargoed`` the embargo;
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
from datetime import UTC, datetime

from . import rules
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
SECTION_RELATIONS = {"section"}
DEK_ROLES = {"summary", "abstract", "standfirst", "lead", ""}
ALT_ROLES = {"alt", "alttext", "alt-text", "alternative", "alternativetext"}
ORIGINAL_RENDITIONS = {"original", "baseimage", "highres", "master"}
SOURCE_MAX_LENGTH = 490  # Article.source, less the "ninjs:" prefix


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
        return ParsedItem(ref, f"ninjs:{uri}", article=_article(item))
    except ArticleFormatError as error:
        return ParsedItem(ref, error=str(error))


def _article(item):
    headline = rules.normalize_space(_text(item, "headlines", "main") or _string(item, "headline"))
    if not headline:
        raise ArticleFormatError("headlines: no headline (nor headline)")
    pubstatus = _string(item, "pubstatus") or "usable"
    if pubstatus not in STATUSES:
        raise ArticleFormatError(f"pubstatus: {pubstatus!r} is not one of {', '.join(STATUSES)}")
    html, text = _body(item)
    authors = _authors(item)
    return ParsedArticle(
        headline=headline,
        authors=tuple(authors),
        roles=tuple(authors.values()),
        captions=_pictures(item),
        blocks=tuple(Block(Block.PARAGRAPH, p) for p in _paragraphs(text)),
        dropped=(),
        dek=_dek(item),
        section=_section(item),
        tags=tuple(_tags(item)),
        status=STATUSES[pubstatus],
        published_at=_datetime(item, "firstcreated") or _datetime(item, "versioncreated"),
        embargo_until=_datetime(item, "embargoed"),
        body_html=html,
        slug=_string(item, "slugline"),
        old_paths=tuple(_web_paths(item)),
        links=_links(item),
    )


def _body(item):
    """``(html, None)`` for an HTML body, else ``(None, plain text)``."""
    bodies = _objects(item, "bodies")
    ranked = sorted(bodies, key=lambda body: _string(body, "role", "bodies") not in ("main", ""))
    for body in ranked:
        if "html" in _string(body, "contenttype", "bodies"):
            return _string(body, "value", "bodies"), None
    if html := _string(item, "body_html"):
        return html, None
    if ranked:
        return None, _string(ranked[0], "value", "bodies")
    return None, _string(item, "body_text")


def _paragraphs(text):
    if not text:
        return []
    paragraphs = (rules.normalize_space(part) for part in text.replace("\r\n", "\n").split("\n\n"))
    return [paragraph for paragraph in paragraphs if paragraph]


def _dek(item):
    for description in _objects(item, "descriptions"):
        if _string(description, "role", "descriptions").casefold() in DEK_ROLES:
            return rules.normalize_space(_string(description, "value", "descriptions"))
    return rules.normalize_space(_string(item, "description_text"))


def _authors(item):
    """The names of the byline, in order, each with its byline role: the ``people`` related
    to the item as authors or contributors, else the names ``by`` gives."""
    authors = {}
    for person in _objects(item, "people"):
        relation = _string(person, "rel", "people") or _string(person, "role", "people")
        name = rules.normalize_space(_string(person, "name", "people"))
        if name and (role := BYLINE_ROLES.get(_relation(relation))):
            authors.setdefault(name, role)
    if not authors and (by := rules.normalize_space(_string(item, "by"))):
        names = rules.split_byline(by) or [by.removeprefix("By ").removeprefix("by ")]
        authors = dict.fromkeys(names, "author")
    return authors


def _relation(value):
    """The last word of a relation, which may be a URI or a QCode: ``author`` of
    ``http://cv.example.org/rel/author`` or ``rel:author``."""
    return value.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].casefold()


def _section(item):
    """The name of the first subject related to the item as its section."""
    for subject in _objects(item, "subjects"):
        if _relation(_string(subject, "rel", "subjects")) in SECTION_RELATIONS:
            return rules.normalize_space(_string(subject, "name", "subjects"))
    return ""


def _tags(item):
    names = [
        _string(subject, "name", "subjects")
        for subject in _objects(item, "subjects")
        if _relation(_string(subject, "rel", "subjects")) not in SECTION_RELATIONS
    ]
    keywords = item.get("keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise ArticleFormatError("keywords: expected a list of strings")
    return unique(name for name in map(rules.normalize_space, [*names, *keywords]) if name)


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
        or _string(r, "name", "renditions") == "web"
    ]


def _links(item):
    """Related links: the associated stories (of type text) with a headline and a web address
    (their HTML rendition, else their URI)."""
    links = []
    for story in _associations(item):
        if _string(story, "type", "associations") != "text":
            continue
        title = rules.normalize_space(_text(story, "headlines", "main"))
        pages = _web_pages(story, "associations: renditions")
        url = next((u for u in [*pages, _string(story, "uri", "associations")] if _is_web(u)), None)
        if title and url:
            links.append(ParsedLink(title, url))
    return tuple(links)


def _is_web(url):
    return url.casefold().startswith(("http://", "https://"))


def _pictures(item):
    """Captions of the associated pictures, the featured one first."""
    associations = _associations(item)
    pictures = [a for a in associations if _string(a, "type", "associations") in PICTURE_TYPES]
    pictures.sort(key=lambda a: _string(a, "name", "associations") != FEATURED)
    return tuple(_caption(picture) for picture in pictures)


def _caption(picture):
    field = "associations"
    descriptions = _objects(picture, "descriptions")
    alt = next(
        (
            _string(d, "value", field)
            for d in descriptions
            if _string(d, "role", field).casefold() in ALT_ROLES
        ),
        _string(picture, "alt_text", field),
    )
    caption = next(
        (
            _string(d, "value", field)
            for d in descriptions
            if _string(d, "role", field).casefold() not in ALT_ROLES
        ),
        "",
    )
    caption = (
        caption
        or _string(picture, "description_text", field)
        or _text(picture, "headlines", "main")
        or _string(picture, "headline", field)
    )
    credit = (
        _string(picture, "by", field)
        or _string(picture, "copyrightholder", field)
        or _string(picture, "copyrightnotice", field)
    )
    return ParsedCaption(
        text=rules.normalize_space(caption),
        credit=rules.normalize_space(credit) or None,
        alt_text=rules.normalize_space(alt),
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


def _text(item, field, role):
    """The value of the entry of ``role`` in the list ``field`` of role/value objects, else of
    the first entry."""
    entries = _objects(item, field)
    for entry in entries:
        if _string(entry, "role", field) == role:
            return _string(entry, "value", field)
    return _string(entries[0], "value", field) if entries else ""


def _objects(item, field):
    """The list of objects ``field`` (empty if absent); raises for anything else."""
    value = item.get(field)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise ArticleFormatError(f"{field}: expected a list of objects, got {_kind(value)}")
    return value


def _string(item, field, within=""):
    """The string ``field`` (empty if absent), without NUL characters (JSON allows them, no
    database column does); raises for anything else."""
    value = item.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        where = f"{within}: {field}" if within else field
        raise ArticleFormatError(f"{where}: expected a string, got {_kind(value)}")
    return value.replace("\x00", "")


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
