"""Captioned pictures: an article's lead image and the others, with their renditions."""

import logging
from functools import partial

from django.db import models, transaction
from django.db.models import Q

from .. import images
from ..fields import GeneratedName
from .validation import FOCAL_VALIDATORS, IMAGE_VALIDATORS

logger = logging.getLogger(__name__)


class Caption(models.Model):
    """A captioned image; the first one (lowest order) is the article's lead image.

    Saving a new image or focal point makes its renditions (``articles.images``): sizes and
    crops described in ``renditions``, so that pages, feeds and structured data show them
    without a query; the files of the ones they replace are deleted once the change commits.
    """

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="captions")
    image = models.ImageField(
        upload_to=GeneratedName("captions"),
        blank=True,
        width_field="image_width",
        height_field="image_height",
        validators=IMAGE_VALIDATORS,
        help_text="Optional: imported captions may arrive before their image.",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    focal_x = models.FloatField(
        "focal point across",
        default=0.5,
        validators=FOCAL_VALIDATORS,
        help_text="Where the subject of the picture is, from 0 (left edge) to 1 (right edge); "
        "0.5 is the middle. Crops for story lists and social networks keep it in view.",
    )
    focal_y = models.FloatField(
        "focal point down",
        default=0.5,
        validators=FOCAL_VALIDATORS,
        help_text="Where the subject of the picture is, from 0 (top) to 1 (bottom); 0.5 is "
        "the middle.",
    )
    renditions = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="The sizes and crops made from the image (see articles/images.py).",
    )
    text = models.TextField(blank=True)
    credit = models.CharField(max_length=255, blank=True, help_text="e.g. Reuters/Jane Doe")
    alt_text = models.CharField(
        max_length=255, blank=True, help_text="What the image shows, for readers who cannot see it."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="articles_caption_focal_point_in_image",
            )
        ]

    def __str__(self):
        return self.text[:80] or self.alt_text or f"Caption {self.pk}"

    def save(self, *args, **kwargs):
        self.text = self.text.strip()
        self.credit = self.credit.strip()
        update_fields = kwargs.get("update_fields")
        stale = []
        if update_fields is None or {"image", "focal_x", "focal_y"} & set(update_fields):
            stale = self.update_renditions()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "renditions"}
        super().save(*args, **kwargs)
        if stale:
            transaction.on_commit(partial(images.delete_files, stale), using=kwargs.get("using"))

    def update_renditions(self):
        """Make the renditions of the image for its focal point, unless ``renditions`` already
        describes them; returns the names of the files replaced, to delete after the commit.

        An image that cannot be read gets none (pages show the original), and a warning."""
        source = self.image.name if self.image else ""
        focal = [float(self.focal_x), float(self.focal_y)]
        current = self.renditions or {}
        if current.get("source", "") == source and (not source or current.get("focal") == focal):
            return []
        # Store a new upload now, as save() would, so that renditions are named after it.
        self._meta.get_field("image").pre_save(self, self.pk is None)
        source = self.image.name if self.image else ""
        try:
            self.renditions = images.make_renditions(source, focal=focal) if source else {}
        except images.UnusableImage as error:
            logger.warning("No renditions of %s for caption %s: %s", source, self.pk, error)
            self.renditions = {}
        kept = set(images.file_names(self.renditions))
        return [name for name in images.file_names(current) if name not in kept]

    def rendition(self, ratio="original", fmt="jpeg", width=None):
        """The widest rendition of ``ratio`` ("original", "16x9", "4x3" or "1x1") in ``fmt``
        ("jpeg", a PNG for pictures with transparency; or "webp") not wider than ``width``
        (the narrowest if none is; the widest if ``width`` is None): an ``images.Rendition``
        with ``url``, ``width``, ``height``, ``mime_type`` and ``bytes``. None without an image,
        or while its renditions are not made (images saved before they existed)."""
        data = self.renditions if self.image else {}
        return images.find(data, ratio=ratio, fmt=fmt, width=width)

    def social_images(self):
        """The widest JPEG (or PNG) of the 16:9, 4:3 and 1:1 crops, for structured data and
        social cards; [] without an image or renditions."""
        return [found for ratio in images.CROPS if (found := self.rendition(ratio))]

    @property
    def pictures(self):
        """Each ratio as templates show it (``caption.pictures.4x3``, an ``images.Picture``):
        the renditions, or the original image in every ratio until they are made; {} without
        an image. Reads no database and no storage."""
        if not self.image:
            return {}
        if not self.renditions.get("files"):
            original = images.Picture(self.image.url, self.image_width, self.image_height)
            return dict.fromkeys(images.RATIOS, original)
        return images.Pictures(images.renditions_in(self.renditions))
