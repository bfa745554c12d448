"""Read a WordPress export file (WXR 1.0 to 1.2) into ``ParsedItem``s: pure, no database.

Each post (``wp:post_type`` ``post``) becomes an article:

- the title is the headline, the excerpt the standfirst, ``wp:post_name`` the slug;
- ``content:encoded`` is the body: WordPress's block comments (``<!-- wp:paragraph -->``) are
  dropped, text between blank lines becomes paragraphs where it is not block HTML already (as
  WordPress's ``wpautop`` shows it), and pictures (``[caption]`` shortcodes, ``<figure>``s with
  an ``<img>``, bare ``<img>``s) become captions, after the featured picture (``_thumbnail_id``);
  a picture's caption, alt text and credit come from its attachment where the page has none;
- the authors are the post's Co-Authors Plus terms in order, else ``dc:creator``, each login
  shown as its display name from the channel's ``wp:author`` list (or a guest author's);
- the first category is the section (not WordPress's default "Uncategorized"); the others and
  the post's tags are tags;
- the status maps to ours (``STATUSES``), with ``wp:post_date_gmt`` as the publication time of
  published and scheduled posts; a password-protected post is imported as a draft;
- the post's address (``<link>``) is kept as an old path, to redirect to the new one.

Pages, attachments (read as the pictures of posts), menu items and other types are not imported,
nor are trashed posts and auto-drafts. The XML is parsed by defusedxml with DTDs forbidden, so
entities (billion laughs) and external references are refused before anything is expanded;
items are read as a stream, each dropped from the tree once read, though the file's bytes and
its parsed items are held until the file is done (``ARTICLES_IMPORT_MAX_EXPORT_BYTES`` bounds
them).
"""

import html
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import unquote

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse

from . import rules
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
_WP_NAMESPACE = re.compile(r"^http://wordpress\.org/export/1\.[0-9]+/(excerpt/)?$")
# Each match stops at the next opener: an unclosed one is not scanned to the end of the post
# again and again (quadratic on a large hostile body).
_COMMENT = re.compile(r"<!--(?:(?!<!--).)*?-->", re.DOTALL)
_CAPTION_SHORTCODE = re.compile(
    r"\[caption([^\]]*)\]((?:(?!\[caption).)*?)\[/caption\]", re.DOTALL | re.I
)
_CAPTION_ATTRIBUTE = re.compile(r"""\bcaption=(["'])(.*?)\1""", re.DOTALL)
_LEADING_PICTURE = re.compile(
    r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL | re.I
)
# Shortcodes of media WordPress renders itself; their output is not in the export.
_MEDIA_SHORTCODE = re.compile(
    r"\[(gallery|embed|video|audio|playlist)\b[^\]]*\](?:(?:(?!\[\1\b).)*?\[/\1\])?", re.DOTALL
)
_BLANK_LINES = re.compile(r"\n\s*\n")
_BLOCK_START = re.compile(
    r"^<(?:p|h[1-6]|ul|ol|li|dl|dd|dt|blockquote|figure|div|table|pre|hr|section|article|"
    r"aside|header|footer|address|details|form|iframe|script|style|noscript)\b",
    re.I,
)
_EMPTY_LINK = re.compile(r"<a\b[^>]*>\s*</a>", re.I)
_EMPTY_PARAGRAPH = re.compile(r"<p\b[^>]*>(?:\s|&nbsp;|<br\s*/?>)*</p>", re.I)
TABLE_CELLS = {"td", "th"}
_ATTACHMENT_CLASS = re.compile(r"\bwp-image-(\d+)\b")
_WP_DATETIME = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Attachment:
    """A picture of the export: where it was published, and what describes it."""

    url: str
    caption: str = ""
    alt_text: str = ""
    credit: str = ""


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
    channel, authors, items, open_tags = {}, [], [], []
    try:
        for event, element in iterparse(io.BytesIO(data), ("start", "end"), forbid_dtd=True):
            name = qualified_name(element.tag)
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
                items.append(_record(element))
                element.clear()
            elif name == "wp:author":
                authors.append({qualified_name(c.tag): (c.text or "").strip() for c in element})
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


def qualified_name(tag):
    """``wp:post_id`` for ``{http://wordpress.org/export/1.2/}post_id``, whatever the WXR
    version; a name without a known namespace stays as it is."""
    if not tag.startswith("{"):
        return tag
    uri, local = tag[1:].split("}", 1)
    if prefix := NAMESPACES.get(uri):
        return f"{prefix}:{local}"
    if match := _WP_NAMESPACE.match(uri):
        return f"{'excerpt' if match[1] else 'wp'}:{local}"
    return tag


def _record(element):
    """An item's fields: text of each simple element, ``categories`` as (domain, nicename,
    name) triples in order, ``meta`` as a dict of its postmeta (the first of each key)."""
    record = {"categories": [], "meta": {}}
    for child in element:
        name = qualified_name(child.tag)
        if name == "category":
            record["categories"].append(
                (child.get("domain", ""), child.get("nicename", ""), _plain(child.text or ""))
            )
        elif name == "wp:postmeta":
            meta = {qualified_name(c.tag): c.text or "" for c in child}
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
    if not post_id:
        return ParsedItem(ref, error="no <wp:post_id>: the post cannot be told apart from others")
    if not export.site:
        return ParsedItem(ref, error="the channel has no <wp:base_blog_url> or <link>")
    identity = f"wxr:{export.site}/?p={post_id}"
    try:
        article, warnings = _article(record, export)
    except ArticleFormatError as error:
        return ParsedItem(ref, identity, error=str(error))
    return ParsedItem(ref, identity, article=article, warnings=tuple(warnings))


def _article(record, export):
    """The article of a post record, and warnings about what it left out or changed."""
    warnings = []
    headline = _plain(record.get("title", ""))
    if not headline:
        raise ArticleFormatError("no title (<title> is empty)")
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
    body, pictures, dropped = read_body(record.get("content:encoded", ""))
    captions = _captions(record, pictures, export.attachments)
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
        dropped=tuple(dropped),
        dek=_plain(record.get("excerpt:encoded", "")),
        section=categories[0] if categories else "",
        tags=tuple(unique(tags)),
        status=status,
        published_at=published_at,
        slug=unquote(record.get("wp:post_name", "").strip()),
        old_paths=(old,) if old else (),
        body_html=body,
    )
    return article, warnings


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
    """The featured picture, then the body's, without repeats; each filled in from its
    attachment where the page gave no caption, alt text or credit."""
    featured = record["meta"].get("_thumbnail_id", "").strip()
    if featured in attachments:
        pictures = [Picture(attachment_id=featured), *pictures]
    captions, seen = [], set()
    for picture in pictures:
        attachment = attachments.get(picture.attachment_id) or Attachment(url="")
        urls = tuple(unique(url for url in (attachment.url, picture.src) if url))
        if not urls or picture.attachment_id in seen or urls[0] in seen:
            continue
        seen.update({urls[0], picture.attachment_id} - {""})
        captions.append(
            ParsedCaption(
                text=picture.caption or attachment.caption,
                credit=attachment.credit or None,
                alt_text=picture.alt_text or attachment.alt_text,
                image_urls=urls,
            )
        )
    return tuple(captions)


@dataclass(frozen=True)
class Picture:
    """A picture the body showed (or the featured one): its ``<img>`` and caption, and the
    attachment it names (``wp-image-123``), if any."""

    src: str = ""
    alt_text: str = ""
    caption: str = ""
    attachment_id: str = ""


def read_body(content):
    """``(html, pictures, dropped)`` of a post's ``content:encoded``: the body HTML without
    block comments and pictures, paragraphs made from blank lines; the pictures in order; and
    the media shortcodes dropped (their output is not in the export)."""
    content = _COMMENT.sub("", content.replace("\r\n", "\n"))
    content = _CAPTION_SHORTCODE.sub(_caption_figure, content)
    dropped = [match.group(0) for match in _MEDIA_SHORTCODE.finditer(content)]
    content = _MEDIA_SHORTCODE.sub("", content)
    reader = _BodyReader()
    reader.feed(autop(content))
    reader.close()
    body = _EMPTY_PARAGRAPH.sub("", _EMPTY_LINK.sub("", "".join(reader.out)))
    return _BLANK_LINES.sub("\n", body).strip(), reader.pictures, dropped


def autop(content):
    """Paragraphs from blank-line-separated text, as WordPress shows it: each block that does
    not start with block HTML becomes a ``<p>``, its single line breaks ``<br>``s."""
    blocks = []
    for block in _BLANK_LINES.split(content):
        block = block.strip()
        if not block:
            continue
        if _BLOCK_START.match(block):
            blocks.append(block)
        else:
            blocks.append("<p>" + block.replace("\n", "<br>\n") + "</p>")
    return "\n".join(blocks)


def _caption_figure(match):
    """A ``[caption]`` shortcode as the ``<figure>`` WordPress renders for it."""
    attributes, inner = match.group(1), match.group(2)
    picture = _LEADING_PICTURE.match(inner)
    image, text = (picture.group(1), picture.group(2)) if picture else ("", inner)
    if not text.strip() and (attribute := _CAPTION_ATTRIBUTE.search(attributes)):
        text = attribute.group(2)
    return f"<figure>{image}<figcaption>{text}</figcaption></figure>"


class _BodyReader(HTMLParser):
    """Writes body HTML back without comments and pictures, collecting the pictures.

    A ``<figure>`` holding an ``<img>`` is a picture (its ``<figcaption>`` the caption); a
    figure without one (a table, a quotation, an embed) keeps its content in the body. An
    ``<img>`` outside a figure is a picture on its own.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.pictures = [], []
        self._figures = []  # per open figure: [output before it, picture fields or None]
        self._caption = None  # the text of the figcaption being read

    def handle_starttag(self, tag, attrs):
        if tag == "figure":
            self._figures.append([self.out, None])
            self.out = []
        elif tag == "img":
            attrs = dict(attrs)
            found = _ATTACHMENT_CLASS.search(attrs.get("class") or "")
            picture = {
                "src": (attrs.get("src") or "").strip(),
                "alt_text": _plain(attrs.get("alt") or ""),
                "attachment_id": found.group(1) if found else "",
            }
            if self._figures and self._figures[-1][1] is None:
                self._figures[-1][1] = picture
            else:
                self.pictures.append(Picture(**picture))
        elif tag == "figcaption":
            self._caption = []
            self.out.append("<p>")
        else:
            self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        if tag == "img":
            self.handle_starttag(tag, attrs)
        else:
            self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag == "figure" and self._figures:
            before, picture = self._figures.pop()
            if picture is None:
                before.extend(self.out)
            else:
                caption = rules.normalize_space("".join(self._caption or ()))
                self.pictures.append(Picture(caption=caption, **picture))
            self.out, self._caption = before, None
        elif tag == "figcaption":
            self.out.append("</p>")
        elif tag in TABLE_CELLS:
            # The editor has no tables, so the sanitizer drops their tags: keep cells apart.
            self.out.append(f"</{tag}>\n")
        elif tag != "img":
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self._caption is not None:
            self._caption.append(data)
        self.out.append(html.escape(data, quote=False))


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
