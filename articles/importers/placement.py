"""Captions that stood inside the text keep their place in the story: pure, no database.

A format's parse marks where such a caption stood in its body HTML with ``marker(position)``,
``position`` being the caption's in ``ParsedArticle.captions``. A caption before any text of
the body is not marked (``without_leading()``): it leads the story, or follows it, as before.
Once the captions' pictures are in the library, the loader puts each there (``place()``): a
``<figure data-picture>`` holding the article's caption, which pages, feeds and the API draw
(``articles/reader/body.py``). A marker whose caption has no picture is removed.
"""

import html
import re

MARKER = re.compile(r'<figure data-caption="(?P<position>[0-9]+)"></figure>\n?')
_LEADING = re.compile(r'^(?:\s*<figure data-caption="[0-9]+"></figure>)+\s*')


def marker(position):
    """The mark of the caption at ``position``, as a block of the body."""
    return f'<figure data-caption="{position}"></figure>'


def positions(body_html):
    """The positions of the captions ``body_html`` marks, in reading order."""
    return [int(found["position"]) for found in MARKER.finditer(body_html or "")]


def renumber(body_html, numbers):
    """The markers of ``body_html`` numbered anew (``numbers``: old number to position); one
    without a new number, or marking a caption already placed, is removed."""
    placed = set()

    def renumbered(found):
        position = numbers.get(int(found["position"]))
        if position is None or position in placed:
            return ""
        placed.add(position)
        return marker(position) + "\n"

    return MARKER.sub(renumbered, body_html)


def without_leading(body_html):
    """``body_html`` without the markers that come before any of its text."""
    return _LEADING.sub("", body_html, count=1)


def place(body_html, pictures):
    """``body_html`` with each marker replaced by its picture: ``pictures`` maps a caption's
    position to ``(picture id, caption text)``; markers of other positions are removed."""

    def figure(found):
        picture = pictures.get(int(found["position"]))
        if picture is None:
            return ""
        pk, caption = picture
        inner = f"<figcaption>{html.escape(caption, quote=False)}</figcaption>" if caption else ""
        return f'<figure data-picture="{pk}">{inner}</figure>\n'

    return MARKER.sub(figure, body_html or "")
