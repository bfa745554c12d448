"""An article's own picture for search results and shared links (``Article.social_image``).

Its renditions are made as a caption's are (``articles.images``), around the picture's middle,
and described in ``Article.social_image_renditions``; ``SocialImage`` offers them as a caption
offers its own, so that structured data and social cards read either the same way
(``Article.social_picture``).
"""

import logging
from dataclasses import dataclass

from .. import images

logger = logging.getLogger(__name__)

CENTRE = (0.5, 0.5)


@dataclass(frozen=True)
class SocialImage:
    """An article's social image as structured data reads a ``Caption``: its crops, and the
    text that describes it (a social image has no caption or credit of its own)."""

    renditions: dict
    alt_text: str
    text: str = ""
    credit: str = ""

    def rendition(self, ratio="original", fmt="jpeg", width=None):
        return images.find(self.renditions, ratio=ratio, fmt=fmt, width=width)

    def social_images(self):
        """The widest JPEG (or PNG) of the 16:9, 4:3 and 1:1 crops, as ``Caption``'s."""
        return [found for ratio in images.CROPS if (found := self.rendition(ratio))]


def refresh_renditions(source, current):
    """The renditions of the stored picture ``source`` (a name; "" for none) and the names of
    the files of ``current`` they replace, to delete once the change commits. ``current`` is
    kept when it already describes ``source`` (no new upload); an image that cannot be read
    gets none, with a warning, as a caption's does."""
    current = current or {}
    if current.get("source", "") == source:
        return current, []
    try:
        renditions = images.make_renditions(source, focal=CENTRE) if source else {}
    except images.UnusableImage as error:
        logger.warning("No renditions of the social image %s: %s", source, error)
        renditions = {}
    kept = set(images.file_names(renditions))
    return renditions, [name for name in images.file_names(current) if name not in kept]
