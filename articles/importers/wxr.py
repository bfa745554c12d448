"""Read a WordPress export file (WXR 1.0 to 1.2) into ``ParsedItem``s: pure, no database.

Each post (``wp:post_type`` ``post``) becomes an article:

- the title is the headline, the excerpt the standfirst, ``wp:post_name`` the slug;
- ``content:encoded`` is the body, as WordPress shows it (``wpbody``: blocks, shortcodes and
  embeds, paragraphs by WordPress's ``wpautop`` rules, footnotes); its pictures (``[caption]``
  shortcodes, ``<figure>``s with an ``<img>``, bare ``<img>``s, galleries) become captions,
  after the featured picture (``_thumbnail_id``); a picture shown twice is one caption, with the
  words any of its showings gave; a picture's caption, alt text and credit come from its
  attachment where the page has none; a picture's figure inside the text keeps its place
  there (``placement``), not one before any text;
- a post without a title gets the start of its text as its headline (or "Untitled"), with a
  warning; a post is known by its ``wp:post_id``, else by its ``guid``;
- the authors are the post's Co-Authors Plus terms in order, else ``dc:creator``, each login
  shown as its display name from the channel's ``wp:author`` list (or a guest author's);
- the first category is the section (not WordPress's default "Uncategorized"); the others and
  the post's tags are tags, all of them (a post with none has none: an update removes them);
- the status maps to ours (``STATUSES``), with ``wp:post_date_gmt`` as the publication time of
  published and scheduled posts; a password-protected post is imported as a draft;
- the post's address (``<link>``) is kept as an old path, to redirect to the new one.

The export's namespace is the one the file declares for ``wp:`` (as WordPress's importer reads
it), whatever its version (1.0 to 1.2, http or https).

Pages, attachments (read as the pictures of posts), menu items and other types are not imported,
nor are trashed posts and auto-drafts. The XML is parsed by defusedxml with DTDs forbidden, so
entities (billion laughs) and external references are refused before anything is expanded;
items are read as a stream, each dropped from the tree once read, though the file's bytes and
its parsed items are held until the file is done (``ARTICLES_IMPORT_MAX_EXPORT_BYTES`` bounds
them).
"""

import io
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import unquote

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse

from ..sanitizer import strip_control_characters
from . import placement, rules
from .parser import (
    DRAFT,
    FIRST_YEAR,
    IN_REVIEW,
    LAST_YEAR,
    OLD_PATH_MAX_LENGTH,
    PUBLISHED,
    ArticleFormatError,
    ParsedArticle,
    ParsedCaption,
    ParsedItem,
    in_range,
    old_path,
    unique,
)
from .wpbody import Picture, read_body

# WordPress's post statuses, as ours; a status not listed (a plugin's) is imported as a draft.
STATUSES = {
    "publish": PUBLISHED,
    "future": PUBLISHED,  # with its publication time ahead: scheduled
    "draft": DRAFT,
    "pending": IN_REVIEW,
    "private": DRAFT,
}
SKIPPED_STATUSES = {"trash": "in the trash", "auto-draft": "an empty draft WordPress made itself"}
DATED_STATUSES = {"publish", "future"}
# Item types read for what they tell about posts, and not reported as skipped.
SUPPORT_TYPES = {"attachment", "guest-author", "revision"}
DEFAULT_CATEGORY = "uncategorized"

NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
# The export namespaces of every WXR version, if the file does not bind the wp: prefix itself.
_WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/[0-9]+\.[0-9]+/(excerpt/)?$")
DECLARED_PREFIXES = {"wp", "excerpt"}
_WP_DATETIME = "%Y-%m-%d %H:%M:%S"
# A headline made from the text of an untitled post: its first words, up to this many characters.
HEADLINE_FROM_TEXT_CHARS = 70
UNTITLED = "Untitled"
IDENTITY_MAX_LENGTH = 500  # Article.source


@dataclass(frozen=True)
class Attachment:
    """A picture of the export: where it was published, and what describes it."""

    url: str
    caption: str = ""
    alt_text: str = ""
    credit: str = ""
    parent: str = ""  # the post it was uploaded to: [gallery] without ids shows those
    order: int = 0  # its menu_order, by which such a gallery is ordered


@dataclass(frozen=True)
class Export:
    """What the channel says about the site, and every item as a record of its fields."""

    site: str
    authors: dict  # login: display name
    attachments: dict  # post id: Attachment
    items: list


def parse_wxr(data):
    """The items of the WordPress export ``data`` (bytes), in file order: a ``ParsedItem`` for
    each post, and a skipped one for each page, trashed post or item of another type.

    Raises ``ArticleFormatError`` if the file is not well-formed XML, declares a DTD or
    entities, or is not a WordPress export.
    """
    export = read_export(data)
    return [
        _item(index, record, export)
        for index, record in enumerate(export.items, 1)
        if record.get("wp:post_type") not in SUPPORT_TYPES
    ]


def read_export(data):
    """The ``Export`` in ``data``; see ``parse_wxr`` for the errors."""
    channel, authors, items, open_tags, declared = {}, [], [], [], {}
    events = ("start", "end", "start-ns")
    try:
        for event, element in iterparse(io.BytesIO(data), events, forbid_dtd=True):
            if event == "start-ns":
                prefix, uri = element
                if prefix in DECLARED_PREFIXES:
                    declared[uri] = prefix
                continue
            name = qualified_name(element.tag, declared)
            if event == "start":
                if not open_tags and name != "rss":
                    raise ArticleFormatError(
                        f"not a WordPress export: the root element is <{name}>, not <rss>"
                    )
                open_tags.append(name)
                continue
            open_tags.pop()
            if open_tags[-1:] != ["channel"]:
                continue
            if name == "item":
                items.append(_record(element, declared))
                element.clear()
            elif name == "wp:author":
                authors.append(
                    {qualified_name(c.tag, declared): (c.text or "").strip() for c in element}
                )
                element.clear()
            elif len(element) == 0:
                channel[name] = (element.text or "").strip()
    except DefusedXmlException as error:
        raise ArticleFormatError(
            f"refused: the file declares a DTD or entities ({type(error).__name__}), which a "
            "WordPress export never does"
        ) from None
    except ParseError as error:
        raise ArticleFormatError(f"not well-formed XML: {error}") from None
    if "wp:wxr_version" not in channel:
        raise ArticleFormatError("not a WordPress export: the channel has no <wp:wxr_version>")
    site = channel.get("wp:base_blog_url") or channel.get("link", "")
    return Export(
        site=site.rstrip("/"),
        authors=_author_names(authors, items),
        attachments=_attachments(items),
        items=items,
    )


def qualified_name(tag, declared=None):
    """``wp:post_id`` for ``{https://wordpress.org/export/1.2/}post_id``: by the namespaces
    the file ``declared`` for the ``wp`` and ``excerpt`` prefixes (uri: prefix), else those of
    any WXR version; a name without a known namespace stays as it is."""
    if not tag.startswith("{"):
        return tag
    uri, local = tag[1:].split("}", 1)
    if prefix := (NAMESPACES.get(uri) or (declared or {}).get(uri)):
        return f"{prefix}:{local}"
    if match := _WP_NAMESPACE.match(uri):
        return f"{'excerpt' if match[1] else 'wp'}:{local}"
    return tag


def _record(element, declared):
    """An item's fields: text of each simple element, ``categories`` as (domain, nicename,
    name) triples in order, ``meta`` as a dict of its postmeta (the first of each key)."""
    record = {"categories": [], "meta": {}}
    for child in element:
        name = qualified_name(child.tag, declared)
        if name == "category":
            record["categories"].append(
                (child.get("domain", ""), child.get("nicename", ""), _plain(child.text or ""))
            )
        elif name == "wp:postmeta":
            meta = {qualified_name(c.tag, declared): c.text or "" for c in child}
            if key := meta.get("wp:meta_key", "").strip():
                record["meta"].setdefault(key, meta.get("wp:meta_value", ""))
        elif len(child) == 0:
            record[name] = child.text or ""
    return record


def _author_names(authors, items):
    """Display names by login: the channel's authors, and Co-Authors Plus guest authors."""
    names = {}
    for author in authors:
        login = author.get("wp:author_login", "")
        full = " ".join(
            filter(None, [author.get("wp:author_first_name"), author.get("wp:author_last_name")])
        )
        if login:
            names[login] = _plain(author.get("wp:author_display_name") or full) or login
    for record in items:
        meta = record["meta"]
        if record.get("wp:post_type") == "guest-author" and meta.get("cap-user_login"):
            display = _plain(meta.get("cap-display_name") or record.get("title", ""))
            names.setdefault(meta["cap-user_login"].strip(), display)
    return names


def _attachments(items):
    """The export's pictures by post id."""
    found = {}
    for record in items:
        if record.get("wp:post_type") != "attachment" or not record.get("wp:post_id"):
            continue
        meta = record["meta"]
        found[record["wp:post_id"].strip()] = Attachment(
            url=(record.get("wp:attachment_url") or record.get("guid") or "").strip(),
            caption=_plain(record.get("excerpt:encoded", "")),
            alt_text=_plain(meta.get("_wp_attachment_image_alt", "")),
            credit=_plain(meta.get("_media_credit", ""))
            or serialized_string(meta.get("_wp_attachment_metadata", ""), "credit")
            or serialized_string(meta.get("_wp_attachment_metadata", ""), "copyright"),
            parent=record.get("wp:post_parent", "").strip(),
            order=_integer(record.get("wp:menu_order", "")),
        )
    return found


def _item(index, record, export):
    post_type = record.get("wp:post_type") or "post"
    post_id = record.get("wp:post_id", "").strip()
    ref = f"{post_type}-{post_id}" if post_id else f"item-{index}"
    status = record.get("wp:status", "").strip()
    if post_type != "post":
        return ParsedItem(ref, skipped=f"a {post_type}: only posts are imported")
    if status in SKIPPED_STATUSES:
        return ParsedItem(ref, skipped=f"a post {SKIPPED_STATUSES[status]}")
    if not export.site:
        return ParsedItem(ref, error="the channel has no <wp:base_blog_url> or <link>")
    identity = _identity(record, export.site)
    if not identity:
        return ParsedItem(
            ref, error="no <wp:post_id> or <guid>: the post cannot be told apart from others"
        )
    if len(identity) > IDENTITY_MAX_LENGTH:
        return ParsedItem(ref, error=f"<guid> too long (over {IDENTITY_MAX_LENGTH} characters)")
    try:
        article, warnings = _article(record, export)
    except ArticleFormatError as error:
        return ParsedItem(ref, identity, error=str(error))
    return ParsedItem(ref, identity, article=article, warnings=tuple(warnings))


def _identity(record, site):
    """What identifies a post across runs: the site and its post id, else its ``guid``
    (WordPress's permanent id of a post, often ``https://site/?p=12``)."""
    if post_id := record.get("wp:post_id", "").strip():
        return f"wxr:{site}/?p={post_id}"
    if guid := " ".join(record.get("guid", "").split()):
        return f"wxr:{site} guid:{guid}"
    return ""


def _article(record, export):
    """The article of a post record, and warnings about what it left out or changed."""
    warnings = []
    wp_status = record.get("wp:status", "").strip()
    status = STATUSES.get(wp_status)
    if status is None:
        status = DRAFT
        warnings.append(f"WordPress status {wp_status!r} is not known here: imported as a draft")
    published_at = None
    if wp_status in DATED_STATUSES:
        published_at = _published_at(record)
        if record.get("wp:post_password", "").strip():
            status = DRAFT
            warnings.append("password-protected in WordPress: imported as a draft")
    body = read_body(
        record.get("content:encoded", ""),
        footnotes=record["meta"].get("footnotes", ""),
        encoded_code=bool(record["meta"].get("_syntaxhighlighter_encoded", "").strip()),
        gallery=lambda shortcode: _gallery(shortcode, record, export.attachments),
    )
    warnings += body.warnings
    headline = strip_control_characters(_plain(record.get("title", ""))).strip()
    if not headline:
        headline = strip_control_characters(headline_from_text(body.html)).strip()
        warnings.append(
            f"no title: the headline is made from the start of the text ({headline!r})"
            if headline
            else f"no title and no text: the headline is {UNTITLED!r}"
        )
        headline = headline or UNTITLED
    captions, numbers = _captions(record, body.pictures, export.attachments)
    categories = [
        name
        for domain, nicename, name in record["categories"]
        if domain == "category" and name and nicename != DEFAULT_CATEGORY
    ]
    tags = categories[1:] + [n for d, _, n in record["categories"] if d == "post_tag" and n]
    old = old_path(record.get("link", ""))
    if old and len(old) > OLD_PATH_MAX_LENGTH:
        warnings.append(f"old address over {OLD_PATH_MAX_LENGTH} characters: not redirected")
        old = None
    article = ParsedArticle(
        headline=headline,
        authors=_authors(record, export.authors),
        captions=captions,
        blocks=(),
        dropped=body.dropped,
        dek=_plain(record.get("excerpt:encoded", "")),
        section=categories[0] if categories else "",
        tags=tuple(unique(tags)),
        status=status,
        published_at=published_at,
        slug=unquote(record.get("wp:post_name", "").strip()),
        old_paths=(old,) if old else (),
        body_html=placement.without_leading(placement.renumber(body.html, numbers)),
    )
    return article, warnings


def headline_from_text(body_html):
    """A headline for an untitled post: the first words of its text, cut at a word before
    ``HEADLINE_FROM_TEXT_CHARS`` characters (with an ellipsis), or ``""`` without text."""
    first = next((line for line in body_html.split("\n") if _plain(line)), "")
    text = _plain(first)
    if len(text) <= HEADLINE_FROM_TEXT_CHARS:
        return text
    cut = text[: HEADLINE_FROM_TEXT_CHARS + 1].rsplit(" ", 1)[0].rstrip(" ,;:–—-")
    return (cut or text[:HEADLINE_FROM_TEXT_CHARS]) + "…"


def _gallery(shortcode, record, attachments):
    """The attachment ids of a ``[gallery]``'s pictures: its ``ids`` (or ``include``), else
    the pictures uploaded to the post, in their order (WordPress's default)."""
    listed = shortcode.attrs.get("ids") or shortcode.attrs.get("include") or ""
    if ids := [i.strip() for i in listed.split(",") if i.strip()]:
        return [i for i in ids if i in attachments]
    post_id = record.get("wp:post_id", "").strip()
    excluded = {i.strip() for i in shortcode.attrs.get("exclude", "").split(",")}
    children = [
        (attachment.order, int(key) if key.isdigit() else 0, key)
        for key, attachment in attachments.items()
        if post_id and attachment.parent == post_id and key not in excluded
    ]
    return [key for *_, key in sorted(children)]


def _integer(text):
    try:
        return int(text.strip())
    except ValueError:
        return 0


def _published_at(record):
    """When a published or scheduled post goes public: ``wp:post_date_gmt``, else the RSS
    ``pubDate`` (both in UTC); WordPress writes zeros for posts never dated."""
    gmt = record.get("wp:post_date_gmt", "").strip()
    if gmt and not gmt.startswith("0000"):
        try:
            return in_range(datetime.strptime(gmt, _WP_DATETIME).replace(tzinfo=UTC))
        except ValueError:
            raise ArticleFormatError(
                f"wp:post_date_gmt {gmt!r} is not a date (YYYY-MM-DD HH:MM:SS, years "
                f"{FIRST_YEAR} to {LAST_YEAR})"
            ) from None
    try:
        date = parsedate_to_datetime(record.get("pubDate", "").strip())
    except (TypeError, ValueError):
        date = None
    if date is None or date.tzinfo is None or date.year < 1971:
        raise ArticleFormatError("no publication date (wp:post_date_gmt or pubDate)")
    return date.astimezone(UTC)


def _authors(record, names):
    """The byline: Co-Authors Plus terms in order, else the post's creator, as display names."""
    logins = [name for domain, _, name in record["categories"] if domain == "author" and name]
    if not logins:
        logins = [record.get("dc:creator", "").strip()]
    return tuple(unique(names.get(login, login) for login in logins if login))


def _captions(record, pictures, attachments):
    """The featured picture, then the body's, each once, where it first showed; a picture
    shown twice keeps the caption and alt text of whichever showing gave them. Each is filled
    in from its attachment where no showing gave a caption, alt text or credit. Returns the
    captions, and the position of each of the body's pictures among them (by its number)."""
    featured = record["meta"].get("_thumbnail_id", "").strip()
    shift = 0
    if featured in attachments:
        pictures, shift = [Picture(attachment_id=featured), *pictures], 1
    found, keys = [], {}  # [Picture, Attachment, urls]; index by attachment id and url
    numbers = {}  # a body picture's number: the position of its caption
    for number, picture in enumerate(pictures, start=-shift):
        attachment = attachments.get(picture.attachment_id) or Attachment(url="")
        urls = tuple(unique(url for url in (attachment.url, picture.src) if url))
        if not urls:
            continue
        index = keys.get(picture.attachment_id) if picture.attachment_id else None
        index = keys.get(urls[0], index)
        if index is None:
            index = len(found)
            found.append([picture, attachment, urls])
        else:
            first = found[index][0]
            found[index][0] = replace(
                first,
                caption=first.caption or picture.caption,
                alt_text=first.alt_text or picture.alt_text,
            )
        keys.update({key: index for key in (urls[0], picture.attachment_id) if key})
        numbers[number] = index
    captions = tuple(
        ParsedCaption(
            text=picture.caption or attachment.caption,
            credit=attachment.credit or None,
            alt_text=picture.alt_text or attachment.alt_text,
            image_urls=urls,
        )
        for picture, attachment, urls in found
    )
    return captions, numbers


class _TextReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text = []

    def handle_data(self, data):
        self.text.append(data)


def _plain(fragment):
    """Plain text of an HTML fragment (a title, an excerpt): tags dropped, entities decoded,
    white space collapsed."""
    if "<" not in fragment and "&" not in fragment:
        return rules.normalize_space(fragment)
    reader = _TextReader()
    reader.feed(fragment)
    reader.close()
    return rules.normalize_space("".join(reader.text))


def serialized_string(value, key):
    """The string stored under ``key`` in PHP-serialized data (WordPress's attachment metadata
    holds the picture's IPTC credit so), or ``""``. PHP counts a string's length in bytes."""
    data = value.encode()
    marker = f's:{len(key.encode())}:"{key}";s:'.encode()
    start = data.find(marker)
    if start < 0:
        return ""
    start += len(marker)
    quote = data.find(b':"', start)
    try:
        length = int(data[start:quote])
    except ValueError:
        return ""
    return _plain(data[quote + 2 : quote + 2 + length].decode(errors="replace"))
