"""Pictures of the library placed inside an article's body, as readers get them.

The body holds ``<figure data-picture="42">`` with at most a ``<figcaption>`` (the editor's
StoryPicture, or an importer keeping a caption's place; ``sanitizer.py`` keeps nothing else on
a figure). When a page, a feed, the API or structured data shows the body, the pictures of all
the bodies at hand are read in one query (``attach_pictures()``), and each figure becomes the
picture with its renditions, ``srcset`` and ``sizes`` as the lead picture has them, loaded
lazily, with its caption (the figure's own, else the picture's) and credit. A picture that is
no longer in the library, or has no file yet, leaves nothing in its place.
"""

import dataclasses
import re

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from ..models import Picture

FIGURE = re.compile(
    r'<figure data-picture="(?P<id>[1-9][0-9]*)">\s*'
    r"(?:<figcaption>(?P<caption>.*?)</figcaption>\s*)?</figure>",
    re.DOTALL,
)
# The width the picture takes in the text column: what a lead picture that is not the lead has.
SIZES = "(max-width: 44rem) calc(100vw - 2rem), 42rem"


def picture_ids(html):
    """The ids of the pictures ``html`` places, in reading order, each once."""
    return list(dict.fromkeys(int(match["id"]) for match in FIGURE.finditer(html or "")))


def attach_pictures(articles):
    """Give each of ``articles`` its ``body_pictures`` (id -> ``Picture``): one query for all
    of them, none if no body places a picture."""
    articles = list(articles)
    placed = [picture_ids(article.body) for article in articles]
    wanted = {pk for ids in placed for pk in ids}
    found = Picture.objects.in_bulk(wanted) if wanted else {}
    for article, ids in zip(articles, placed, strict=True):
        article.body_pictures = {pk: found[pk] for pk in ids if pk in found}
    return articles


def pictures_of(article):
    """The pictures ``article``'s body places, in reading order, attached before or read now."""
    if not hasattr(article, "body_pictures"):
        attach_pictures([article])
    return article.body_pictures


def shown(article):
    """The pictures of the body that readers see (in the library, with a file), in order."""
    return [picture for picture in pictures_of(article).values() if picture.image]


def render(article, *, absolute=None):
    """``article.body`` with each placed picture drawn; ``absolute`` (a function of a URL)
    makes the picture's addresses absolute, for feeds and the API."""
    pictures = pictures_of(article)

    def figure(match):
        picture = pictures.get(int(match["id"]))
        if picture is None or not picture.image:
            return ""
        ratio = picture.pictures["original"]
        if absolute is not None:
            ratio = absolute_picture(ratio, absolute)
        context = {"image": picture, "picture": ratio, "sizes": SIZES, "caption": match["caption"]}
        return render_to_string("articles/includes/_body_picture.html", context).strip()

    return mark_safe(FIGURE.sub(figure, article.body or ""))  # noqa: S308 (sanitized, rendered)


def absolute_picture(picture, absolute):
    """An ``images.Picture`` whose ``src`` and ``srcset``s are absolute addresses."""

    def srcset(value):
        return ", ".join(
            " ".join([absolute(url), *width])
            for url, *width in (entry.split() for entry in value.split(",") if entry.strip())
        )

    return dataclasses.replace(
        picture,
        src=absolute(picture.src),
        srcset=srcset(picture.srcset),
        webp_srcset=srcset(picture.webp_srcset),
    )


def captions_around(article):
    """The page's lead caption (or None) and the captions shown after the body: those whose
    picture the body already shows are not shown twice."""
    in_body = {picture.pk for picture in shown(article)}
    captions = article.caption_list
    lead = captions[0] if captions and captions[0].picture_id not in in_body else None
    return lead, [caption for caption in captions[1:] if caption.picture_id not in in_body]
