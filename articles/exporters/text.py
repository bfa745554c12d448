"""Articles as plain text in the format ``import_articles`` reads (see importers/parser.py).

One article a file: the headline, the byline, each caption (with its credit after " /"), then
the body's paragraphs and subheadings, with the related links as a run of "Read more:" teasers
before the last paragraph, where the parser looks for them. The format has no place for the
standfirst, section, tags, dates, images or link addresses; a ninjs export keeps those.
"""

from html.parser import HTMLParser

from ..ninjs import and_list

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
    for caption in article.caption_list:
        if caption.text and caption.picture.credit:
            blocks.append(f"{caption.text} /{caption.picture.credit}")
        elif caption.text:
            blocks += [caption.text, caption.text]  # a caption without credit is printed twice
    body = body_blocks(article.body)
    links = [f"Read more: {link.title}" for link in article.related_links.all() if link.title]
    if links and body:
        body.insert(len(body) - 1, "\n".join(links))
    return "\n\n".join(blocks + body) + "\n"
