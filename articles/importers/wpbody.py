"""A WordPress post's ``content:encoded`` as the body of an article: pure, no database.

As WordPress shows a post (``the_content``):

- block-editor content (``<!-- wp:… -->`` comments) keeps each block's HTML as it is, its
  comments dropped; an embed block becomes a link card (``shortcodes.link_card``), the
  footnotes block is left out (the footnotes come at the end, see below), and classic text
  between blocks and a shortcode block's text get paragraphs as classic content does;
- classic content gets its shortcodes and auto-embeds rendered (``shortcodes``), then
  paragraphs and line breaks (``wpautop``);
- then ``Tidy`` reads the result as a browser would (implied end tags, stray tags ignored)
  and writes it back as blocks only: pictures taken out (they become the article's captions;
  a figure's place is marked with the number of its first picture, ``placement``),
  ``h1`` made ``h2``, no text outside a block, no empty paragraph, no ``<br>`` directly inside
  a list, table or row, ``<pre>`` text kept to the character, tags the body does not keep
  unwrapped (their text stays) or dropped with their content (scripts, styles, forms, media
  players), and a frame replaced by a link card;
- WordPress 6.3+ footnotes (the ``footnotes`` post meta, JSON) become a numbered list at the
  end, each note linked from the ``<sup>`` that refers to it and back.
"""

import html
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

from . import placement, rules, shortcodes
from .wpautop import wpautop

# Each match stops at the next opener: an unclosed one is not scanned to the end of the post
# again and again (quadratic on a large hostile body).
_COMMENT = re.compile(r"<!--(?:(?!<!--).)*?-->", re.DOTALL)
# A block's delimiter, as WordPress's block parser reads one.
_BLOCK_DELIMITER = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<namespace>[a-z][a-z0-9_-]*/)?(?P<name>[a-z][a-z0-9_-]*)\s+"
    r"(?P<attrs>\{(?:[^}<]+|\}+(?=\})|(?!\}\s+/?-->)[^<])*+\}\s+)?(?P<void>/)?-->"
)  # WordPress writes "<" in attributes as \u003c: a scan for one stops at the next tag
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption>", re.I | re.S)
_ATTACHMENT_CLASS = re.compile(r"\bwp-image-(\d+)\b")
_SPACES = re.compile(r"[ \t\n\r\f]+")
_BR = re.compile(r"<br> ?")
_DOUBLE_BR = re.compile(r"<br>\n(?: ?<br>\n)+")
_EDGE = re.compile(r"^(?:[ \t\n\r\f]|<br>)+|(?:[ \t\n\r\f]|<br>)+$")
_TAGS = re.compile(r"<[^>]*>")
_DIGITS = re.compile(r"^[1-9][0-9]{0,3}$")
_OUR_FOOTNOTE_ID = re.compile(r"^fn(?:ref)?-[1-9][0-9]{0,3}$")

VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
# Elements whose start closes an open <p> (HTML's parsing rules), and what stops the search.
CLOSES_PARAGRAPH = HEADINGS | frozenset(
    "address article aside blockquote center details dialog dir div dl dd dt fieldset "
    "figcaption figure footer form header hgroup hr li main menu nav ol p pre section "
    "summary table ul".split()
)
SCOPE = frozenset("table td th caption object template button".split())
# Elements nested deeper are read as text of the one they are in (browsers stop at 512).
MAX_DEPTH = 100
# What the body keeps: these blocks, with these inside them.
INLINE = frozenset("a strong em s sub sup code".split())
RENAMED = {"b": "strong", "i": "em", "strike": "s", "del": "s", "tt": "code", "kbd": "code"}
RENAMED |= {"samp": "code", "h1": "h2"}
# Dropped with everything inside them: nothing a reader could read without a script or form.
DROPPED = frozenset(
    "script style template noscript object embed param svg math canvas select option "
    "datalist textarea button input audio video source track map area head title meta link "
    "base colgroup col".split()
)
# Blocks the body does not keep: their content stays, as blocks of its own.
UNWRAPPED = frozenset(
    "div section article aside header footer nav main address center details summary dl dt "
    "dd hgroup fieldset legend form menu dir dialog search li tr td th thead tbody tfoot "
    "caption figcaption".split()
)
BLOCKS = frozenset("p ul ol blockquote pre table hr figure iframe".split()) | HEADINGS | UNWRAPPED


@dataclass(frozen=True)
class Picture:
    """A picture the body showed (or the featured one): its ``<img>`` and caption, and the
    attachment it names (``wp-image-123``), if any."""

    src: str = ""
    alt_text: str = ""
    caption: str = ""
    attachment_id: str = ""


@dataclass(frozen=True)
class Body:
    """The body HTML of a post, the pictures it showed (in order), the shortcodes removed
    (their opening tags) and warnings about what changed."""

    html: str
    pictures: tuple = ()
    dropped: tuple = ()
    warnings: tuple = ()


def read_body(content, *, footnotes="", encoded_code=False, gallery=None):
    """The ``Body`` of a post's ``content:encoded``.

    ``footnotes`` is the post's ``footnotes`` meta (JSON), ``encoded_code`` whether
    SyntaxHighlighter stored its code encoded (``_syntaxhighlighter_encoded``), ``gallery`` a
    function from a ``[gallery]`` shortcode to the attachment ids of its pictures.
    """
    warnings, galleries = [], []

    def gallery_pictures(shortcode):
        ids = gallery(shortcode) if gallery else []
        galleries.append([Picture(attachment_id=i) for i in ids])
        return ""

    context = shortcodes.Context(encoded_code=encoded_code, gallery=gallery_pictures)
    content = content.replace("\r\n", "\n").replace("\r", "\n")
    # The two private-use characters that mark text set aside (shortcodes.Context.keep).
    content = content.replace("\ue000", "").replace("\ue001", "")
    if "<!-- wp:" in content:
        rendered = _render_blocks(parse_blocks(content), context, top=True)
    else:
        rendered = _classic(content, context)
    notes = _footnotes(footnotes, warnings)
    tidied = Tidy(notes)
    body = tidied.run(rendered)
    pictures = list(tidied.pictures)
    for found in galleries:
        pictures += found
    for count in [*tidied.galleries, *(len(found) for found in galleries)]:
        warnings.append(
            f"gallery of {count} picture{'s' if count != 1 else ''}: its pictures are the "
            "article's captions, as the body holds no pictures"
            if count
            else "gallery with no picture found in the export: removed"
        )
    return Body(
        body,
        tuple(pictures),
        tuple(context.dropped),
        tuple(warnings + context.warnings()),
    )


def _classic(text, context):
    """Classic-editor content as WordPress shows it: shortcodes, then paragraphs."""
    return wpautop(context.restore(shortcodes.render(_uncommented(text), context)))


def _uncommented(text):
    """``text`` without its comments; what is left of one is not closed, and is text (a
    browser would hide the rest of the post; a parser would look for its end again at each)."""
    return _COMMENT.sub("", text).replace("<!--", "&lt;!--")


@dataclass
class BlockNode:
    """A block of block-editor content: its name (``core/paragraph``), attributes, and what
    it holds (HTML, and inner blocks)."""

    name: str
    attrs: dict = field(default_factory=dict)
    children: list = field(default_factory=list)


def parse_blocks(text):
    """The top-level blocks and classic text (strings) of block-editor content."""
    root = BlockNode("")
    stack, position = [root], 0
    for match in _BLOCK_DELIMITER.finditer(text):
        if match.start() > position:
            stack[-1].children.append(text[position : match.start()])
        position = match.end()
        name = (match["namespace"] or "core/") + match["name"]
        if match["closer"]:
            names = [node.name for node in stack[1:]]
            if name in names:  # a closing delimiter without its opening one is ignored
                del stack[len(names) - names[::-1].index(name) :]
            continue
        try:
            attrs = json.loads(match["attrs"] or "{}")
        except ValueError:
            attrs = {}
        node = BlockNode(name, attrs if isinstance(attrs, dict) else {})
        stack[-1].children.append(node)
        if not match["void"] and len(stack) <= MAX_DEPTH:  # deeper: its content is its parent's
            stack.append(node)
    if text[position:]:
        stack[-1].children.append(text[position:])
    return root.children


def _render_blocks(nodes, context, *, top=False):
    out = []
    for node in nodes:
        if isinstance(node, str):
            if top and node.strip():
                out.append(_classic(node, context))  # classic text between blocks
            else:
                out.append(context.restore(shortcodes.render(_uncommented(node), context)))
            continue
        name = node.name
        if name == "core/embed" or name.startswith("core-embed/"):
            out.append(_embed_block(node))
        elif name in ("core/code", "core/preformatted"):
            out.append("".join(child for child in node.children if isinstance(child, str)))
        elif name in ("core/shortcode", "core/freeform"):
            out.append(_classic(_inner_text(node), context))
        elif name not in ("core/footnotes", "core/more", "core/nextpage"):
            out.append(_render_blocks(node.children, context))
    return "\n".join(out)


def _inner_text(node):
    return "".join(
        child if isinstance(child, str) else _inner_text(child) for child in node.children
    )


def _embed_block(node):
    """An embed block as a link card, with the block's caption under it."""
    inner = _inner_text(node)
    url = str(node.attrs.get("url") or "").strip()
    if not shortcodes.is_url(url):
        url = next((w for w in _TAGS.sub(" ", inner).split() if shortcodes.is_url(w)), "")
    if not url:
        return ""
    slug = str(node.attrs.get("providerNameSlug") or "")
    label = shortcodes.provider(url) or slug.replace("-", " ").title() or None
    card = shortcodes.link_card(url, label).strip()
    caption = _FIGCAPTION.search(inner)
    if caption and caption.group(1).strip():
        return f"<figure>{card}<figcaption>{caption.group(1)}</figcaption></figure>"
    return card


@dataclass(frozen=True)
class Footnote:
    number: int
    content: str


def _footnotes(meta, warnings):
    """The footnotes of the ``footnotes`` meta, by the id the body's references use."""
    if not meta.strip():
        return {}
    try:
        notes = json.loads(meta)
        found = {
            str(note["id"]): Footnote(number, str(note.get("content") or ""))
            for number, note in enumerate(notes, 1)
        }
    except (ValueError, TypeError, KeyError, AttributeError):
        warnings.append("footnotes not readable (the footnotes meta is not WordPress's JSON)")
        return {}
    return found


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag, attrs=None):
        self.tag, self.attrs, self.children = tag, dict(attrs or ()), []


class _TreeBuilder(HTMLParser):
    """An HTML fragment as a tree, built as a browser builds it where it matters here: the
    end tags HTML implies (a block closes an open paragraph, an item the previous item, a row
    or cell the previous one), and end tags without a start tag ignored."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root")
        self.stack = [self.root]
        self._open = Counter()  # the tags of the open elements, to skip a search for none

    def _close(self, tags, boundaries):
        if not any(self._open[tag] for tag in tags):
            return
        for index in range(len(self.stack) - 1, 0, -1):
            tag = self.stack[index].tag
            if tag in tags:
                self._open.subtract(node.tag for node in self.stack[index:])
                del self.stack[index:]
                return
            if tag in boundaries:
                return

    def handle_starttag(self, tag, attrs):
        if tag in CLOSES_PARAGRAPH:
            self._close({"p"}, SCOPE)
        if tag == "li":
            self._close({"li"}, {"ul", "ol", "table", "td", "th", "blockquote", "figure"})
        elif tag in ("dt", "dd"):
            self._close({"dt", "dd"}, {"dl", "table", "td", "th"})
        elif tag == "tr":
            self._close({"tr"}, {"table", "thead", "tbody", "tfoot"})
        elif tag in ("td", "th"):
            self._close({"td", "th"}, {"tr", "table"})
        elif tag in ("thead", "tbody", "tfoot"):
            self._close({"thead", "tbody", "tfoot"}, {"table"})
        elif tag in HEADINGS and self.stack[-1].tag in HEADINGS:
            self._open[self.stack.pop().tag] -= 1
        elif tag == "a":
            self._close({"a"}, SCOPE)
        if len(self.stack) > MAX_DEPTH:
            return
        node = _Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)
            self._open[tag] += 1

    def handle_startendtag(self, tag, attrs):
        # <br />, <img />; a self-closed element of another kind (<span />) is empty.
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._close({tag}, set())

    def handle_endtag(self, tag):
        if tag == "br":  # </br> is read as <br>
            self.handle_starttag("br", [])
            return
        boundaries = set() if tag in ("table", "tr", "td", "th", "tbody", "thead") else SCOPE
        self._close({tag}, boundaries - {tag})

    def handle_data(self, data):
        children = self.stack[-1].children
        if children and isinstance(children[-1], str):
            children[-1] += data
        else:
            children.append(data)

    def handle_pi(self, data):
        # <?php … ?> in code is code: kept as text there, dropped elsewhere as a browser does.
        if any(node.tag in ("pre", "code") for node in self.stack):
            self.handle_data(f"<?{data}>")


def parse_html(fragment):
    builder = _TreeBuilder()
    builder.feed(fragment)
    builder.close()
    return builder.root


def _escape(text):
    return html.escape(text, quote=False)


def _has_text(fragment):
    return bool(html.unescape(_TAGS.sub("", fragment)).strip())


def _classes(node):
    return (node.attrs.get("class") or "").split()


class Tidy:
    """Body HTML written back as blocks only (see the module docstring); the pictures it
    held are in ``pictures``, the picture counts of its galleries in ``galleries``."""

    def __init__(self, footnotes=None):
        self.footnotes = footnotes or {}
        self.pictures, self.galleries = [], []
        self._referenced = set()

    def run(self, fragment):
        blocks = self.flow(parse_html(_uncommented(fragment)).children)
        if notes := self._notes():
            blocks.append(notes)
        return "\n".join(blocks)

    # Blocks

    def flow(self, children, paragraph=""):
        """Blocks from a mix of blocks and inline content: each run of inline content is a
        paragraph (with the attributes ``paragraph``), if it holds any text."""
        blocks, run = [], []
        for child in children:
            if isinstance(child, str) or RENAMED.get(child.tag, child.tag) not in BLOCKS:
                run.append(child)
                continue
            self._paragraph(run, blocks, paragraph)
            run = []
            blocks += self.block(child)
        self._paragraph(run, blocks, paragraph)
        return blocks

    def _paragraph(self, run, blocks, attributes):
        # Two line breaks in a row end a paragraph, as WordPress reads them.
        for text in self.inline(run, paragraphs=True) if run else ():
            blocks.append(f"<p{attributes}>{text}</p>")

    def block(self, node):
        tag = RENAMED.get(node.tag, node.tag)
        if tag == "p":
            return self.flow(node.children, ' class="embed"' if "embed" in _classes(node) else "")
        if tag in HEADINGS:
            text = self.inline(node.children)
            return [f"<{tag}>{text}</{tag}>"] if text else []
        if tag in ("ul", "ol"):
            return self.list_block(node, tag)
        if tag == "blockquote":
            blocks = self.flow(node.children)
            return [_container("blockquote", blocks)] if blocks else []
        if tag == "pre":
            return self.pre(node)
        if tag == "table":
            return self.table(node)
        if tag == "hr":
            return ["<hr>"]
        if tag == "figure":
            return self.figure(node)
        if tag == "iframe":
            src = (node.attrs.get("src") or "").strip()
            return [shortcodes.link_card(src).strip()] if shortcodes.is_url(src) else []
        return self.flow(node.children)  # UNWRAPPED

    def list_block(self, node, tag):
        items = []  # [attributes, children] of each item
        for child in node.children:
            if isinstance(child, str):
                if not child.strip():
                    continue
            elif child.tag in DROPPED or child.tag == "br":
                continue
            elif child.tag == "li":
                name = child.attrs.get("id") or ""
                items.append([f' id="{name}"' if _OUR_FOOTNOTE_ID.match(name) else "", []])
                items[-1][1] += child.children
                continue
            if items:  # a nested list, or anything else between items, joins the item before
                items[-1][1].append(child)
            else:
                items.append(["", [child]])
        rendered = []
        for attributes, children in items:
            if content := self.cell(children):
                rendered.append(f"<li{attributes}>{content}</li>")
        if not rendered:
            return []
        attributes = ""
        if tag == "ol" and _DIGITS.match(node.attrs.get("start") or ""):
            attributes += f' start="{node.attrs["start"]}"'
        if tag == "ol" and "footnotes" in _classes(node):
            attributes += ' class="footnotes"'
        return [_container(tag, rendered, attributes)]

    def cell(self, children):
        """The content of an item or a cell: inline, or blocks if it holds any."""
        if all(isinstance(c, str) or RENAMED.get(c.tag, c.tag) not in BLOCKS for c in children):
            return self.inline(children)
        blocks = self.flow(children)
        return "\n" + "\n".join(blocks) + "\n" if blocks else ""

    def pre(self, node):
        children = [c for c in node.children if not (isinstance(c, str) and not c.strip())]
        code = len(children) == 1 and not isinstance(children[0], str)
        code = code and children[0].tag == "code"
        text = "".join(_text(child) for child in node.children)
        # A browser reads no line break at the start of a <pre> (nor does the sanitizer keep one).
        text = text.lstrip("\n")
        if not text.strip():
            return []
        inner = f"<code>{_escape(text)}</code>" if code else _escape(text)
        return [f"<pre>{inner}</pre>"]

    def table(self, node):
        head, body, foot, fostered, captions = [], [], [], [], []

        def rows(children, into):
            implied = None  # the row HTML implies around cells written straight into a table
            for child in children:
                if isinstance(child, str):
                    if child.strip():
                        fostered.append(child)
                    continue
                if child.tag in ("td", "th"):
                    if implied is None:
                        implied = []
                        into.append(implied)
                    implied.append(child)
                    continue
                implied = None
                if child.tag == "tr":
                    into.append(child.children)
                elif child.tag in ("thead", "tbody", "tfoot"):
                    rows(child.children, {"thead": head, "tbody": body, "tfoot": foot}[child.tag])
                elif child.tag == "caption":
                    captions.append(self.inline(child.children))
                elif child.tag not in DROPPED and child.tag != "br":
                    fostered.append(child)

        rows(node.children, body)
        head = [r for r in (self.row(cells, fostered) for cells in head) if r]
        body = [r for r in (self.row(cells, fostered) for cells in [*body, *foot]) if r]
        blocks = self.flow(fostered)  # what a table cannot hold is shown before it
        if not body:
            head, body = [], head
        if not body:
            return blocks
        table = _container(
            "table", [*([_container("thead", head)] if head else []), _container("tbody", body)]
        )
        if captions and captions[0]:
            table = _container("figure", [table, f"<figcaption>{captions[0]}</figcaption>"])
        return [*blocks, table]

    def row(self, children, fostered):
        cells = []
        for child in children:
            if isinstance(child, str) or child.tag not in ("td", "th"):
                if not isinstance(child, str) or child.strip():
                    fostered.append(child)  # text between cells is shown before the table
                continue
            attributes = "".join(
                f' {name}="{child.attrs[name]}"'
                for name in ("colspan", "rowspan")
                if _DIGITS.match(child.attrs.get(name) or "") and child.attrs[name] != "1"
            )
            cells.append(f"<{child.tag}{attributes}>{self.cell(child.children)}</{child.tag}>")
        return _container("tr", cells) if cells else ""

    def figure(self, node):
        captions = [c for c in node.children if not isinstance(c, str) and c.tag == "figcaption"]
        rest = [c for c in node.children if c not in captions]
        images = list(_images(rest))
        if images:
            caption = rules.normalize_space(_text(captions[0])) if captions else ""
            first = len(self.pictures)
            for number, image in enumerate(images):
                self._picture(image, caption if number == 0 else "")
            for child in rest:
                for nested in _figures(child):
                    self.figure(nested)
            return [placement.marker(first)]
        before = len(self.pictures)
        blocks = self.flow(rest)
        if "gallery" in " ".join(_classes(node)) and len(self.pictures) > before:
            self.galleries.append(len(self.pictures) - before)
            blocks = [block for block in blocks if not placement.MARKER.fullmatch(block)]
        caption = self.inline(captions[0].children) if captions else ""
        if not blocks:
            return [f"<p>{caption}</p>"] if caption else []
        if not caption:
            return blocks
        return [_container("figure", [*blocks, f"<figcaption>{caption}</figcaption>"])]

    # Inline content

    def inline(self, nodes, paragraphs=False):
        """Inline HTML of ``nodes``, white space tidied, or ``""`` if it holds no text; with
        ``paragraphs``, the paragraphs that its double line breaks separate (elsewhere one
        line break stands for two)."""
        fragment = _BR.sub("<br>\n", _SPACES.sub(" ", "".join(self._inline(nodes))))
        pieces = _DOUBLE_BR.split(fragment)
        if not paragraphs:
            pieces = ["<br>\n".join(pieces)]
        pieces = [_EDGE.sub("", piece) for piece in pieces]
        found = [piece for piece in pieces if _has_text(piece)]
        return found if paragraphs else "".join(found)

    def _inline(self, nodes):
        out = []
        for node in nodes:
            if isinstance(node, str):
                out.append(_escape(node))
                continue
            tag = RENAMED.get(node.tag, node.tag)
            if tag == "br":
                out.append("<br>")
            elif tag == "img":
                self._picture(node)
            elif tag in DROPPED:
                continue
            elif tag == "iframe":
                src = (node.attrs.get("src") or "").strip()
                if shortcodes.is_url(src):
                    out.append(f'<a href="{html.escape(src)}">{_escape(src)}</a>')
            elif tag == "sup" and "data-fn" in node.attrs:
                out.append(self._reference(node))
            elif tag in INLINE:
                out.append(self._element(tag, node))
            elif tag == "q":
                out += ["“", *self._inline(node.children), "”"]
            elif tag in BLOCKS:  # a block where only inline content goes (in a heading)
                out += [" ", *self._inline(node.children), " "]
            else:
                out += self._inline(node.children)
        return out

    def _element(self, tag, node):
        inner = "".join(self._inline(node.children))
        attributes = ""
        if tag == "a":
            href = (node.attrs.get("href") or "").strip()
            if not href or not _has_text(inner):
                return inner if _has_text(inner) else ""
            attributes = f' href="{html.escape(href)}"'
        elif tag == "sup" and _OUR_FOOTNOTE_ID.match(node.attrs.get("id") or ""):
            attributes = f' id="{node.attrs["id"]}"'
        if not _has_text(inner):
            return inner
        return f"<{tag}{attributes}>{inner}</{tag}>"

    def _picture(self, node, caption=""):
        attrs = node.attrs
        found = _ATTACHMENT_CLASS.search(attrs.get("class") or "")
        self.pictures.append(
            Picture(
                src=(attrs.get("src") or "").strip(),
                alt_text=rules.normalize_space(attrs.get("alt") or ""),
                caption=caption,
                attachment_id=found.group(1) if found else "",
            )
        )

    # Footnotes

    def _reference(self, node):
        """A footnote reference: the note's number, linked to the note."""
        note = self.footnotes.get(node.attrs["data-fn"])
        if note is None:
            text = rules.normalize_space(_text(node))
            return f"<sup>{_escape(text)}</sup>" if text else ""
        anchor = "" if note.number in self._referenced else f' id="fnref-{note.number}"'
        self._referenced.add(note.number)
        return f'<sup{anchor}><a href="#fn-{note.number}">{note.number}</a></sup>'

    def _notes(self):
        items = []
        for note in sorted(self.footnotes.values(), key=lambda note: note.number):
            text = self.inline(parse_html(note.content).children)
            back = ""
            if note.number in self._referenced:
                back = f' <a href="#fnref-{note.number}">↩</a>'
            if text or back:
                items.append(f'<li id="fn-{note.number}">{text}{back}</li>')
        return _container("ol", items, ' class="footnotes"') if items else ""


def _container(tag, blocks, attributes=""):
    return f"<{tag}{attributes}>\n" + "\n".join(blocks) + f"\n</{tag}>"


def _text(node):
    """The text of ``node``, line breaks as newlines (for ``<pre>`` and captions)."""
    if isinstance(node, str):
        return node
    if node.tag == "br":
        return "\n"
    if node.tag in DROPPED:
        return ""
    text = "".join(_text(child) for child in node.children)
    return text + "\n" if node.tag in BLOCKS and node.tag != "iframe" else text


def _images(nodes):
    """The ``<img>``s among ``nodes``, outside nested figures and captions."""
    for node in nodes:
        if isinstance(node, str) or node.tag in ("figure", "figcaption"):
            continue
        if node.tag == "img":
            yield node
        else:
            yield from _images(node.children)


def _figures(node):
    if isinstance(node, str):
        return
    if node.tag == "figure":
        yield node
    else:
        for child in node.children:
            yield from _figures(child)
