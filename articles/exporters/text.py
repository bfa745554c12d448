"""Articles as plain text in the format ``import_articles`` reads (see importers/parser.py).

One article a file: the headline, the byline, each caption (with its credit after " /"), then
the body's paragraphs and subheadings, with the related links as a run of "Read more:" teasers
before the last paragraph, where the parser looks for them. A picture placed inside the story
has its caption written at its place there, not at the top. The format has no place for the
standfirst, section, tags, dates, images or link addresses; a ninjs export keeps those.
"""

from html import unescape
from html.parser import HTMLParser

from django.utils.html import strip_tags

from ..reader import body
from ..reader.ninjs import and_list

BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "dt", "dd"}


class _BodyBlocks(HTMLParser):
    """The text of each paragraph, subheading and other block of body HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks, self.text = [], []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.flush()
        elif tag == "br":
            self.text.append(" ")

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.flush()

    def handle_data(self, data):
        self.text.append(data)

    def flush(self):
        if text := " ".join("".join(self.text).split()):
            self.blocks.append(text)
        self.text = []


def body_blocks(html):
    parser = _BodyBlocks()
    parser.feed(html)
    parser.close()
    parser.flush()
    return parser.blocks


def article_text(article):
    """The text file of ``article`` (with its bylines, captions and related links prefetched)."""
    header = [article.headline]
    if names := [byline.author.name for byline in article.byline_list]:
        header.append(and_list(names))  # "A, B and C", as the parser splits a byline
    blocks = ["\n".join(header)]
    placed = set(body.picture_ids(article.body))
    for caption in article.caption_list:
        if caption.picture_id not in placed:  # else written where the story shows it
            blocks += caption_lines(caption.text, caption.picture.credit)
    story = story_blocks(article)
    links = [f"Read more: {link.title}" for link in article.related_links.all() if link.title]
    if links and story:
        story.insert(len(story) - 1, "\n".join(links))
    return "\n\n".join(blocks + story) + "\n"


def caption_lines(text, credit):
    """A caption as the parser reads one: its words, then its credit after " /"."""
    if text and credit:
        return [f"{text} /{credit}"]
    return [text, text] if text else []  # a caption without credit is printed twice


def story_blocks(article):
    """The body's blocks, with the caption of each picture placed in it where it stands (the
    story's own caption, else the picture's), so that an import puts the picture back there."""
    pictures, html = body.pictures_of(article), article.body
    blocks, start = [], 0
    for found in body.FIGURE.finditer(html):
        blocks += body_blocks(html[start : found.start()])
        picture = pictures.get(int(found["id"]))
        text = " ".join(unescape(strip_tags(found["caption"] or "")).split())
        if picture is not None:
            blocks += caption_lines(text or picture.caption, picture.credit)
        start = found.end()
    return blocks + body_blocks(html[start:])
