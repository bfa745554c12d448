"""The picture library and its uses: a ``Picture`` is uploaded once with its credit, alt text,
focal point and renditions; a ``Caption`` places it in an article (the first one, lowest order,
is the article's lead image) with a caption of its own."""

import hashlib
import logging
from functools import partial

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from .. import conf, images
from ..fields import GeneratedName
from .states import Status
from .validation import FOCAL_VALIDATORS, IMAGE_VALIDATORS

logger = logging.getLogger(__name__)


def placed_in_body(articles, picture):
    """Those of ``articles`` whose body places ``picture`` (an id, or ``OuterRef("pk")``) as
    ``<figure data-picture="…">`` (see ``articles/reader/body.py``)."""
    marker = Concat(Value('data-picture="'), Cast(picture, models.CharField()), Value('"'))
    return articles.filter(body__contains=marker)


def articles_model():
    return apps.get_model("articles", "Article")


class PictureQuerySet(models.QuerySet):
    def shown_by(self, articles):
        """Pictures that one of ``articles`` (a queryset of articles) shows, in a caption or
        in its body."""
        in_captions = Caption.objects.filter(article__in=articles.values("pk")).values("picture")
        return self.filter(Q(pk__in=in_captions) | Exists(placed_in_body(articles, OuterRef("pk"))))

    def used_by(self, article_ids):
        """Pictures that one of the articles ``article_ids`` shows."""
        return self.shown_by(articles_model().objects.filter(pk__in=article_ids))

    def kept_public_by(self, articles=None):
        """Pictures that one of ``articles`` (any article if None) shows while it is not
        withdrawn: their files stay in public media whatever becomes of the other articles
        showing them."""
        articles = articles_model().objects.all() if articles is None else articles
        return self.shown_by(articles.exclude(status=Status.WITHDRAWN))

    def in_withdrawn_articles(self):
        """Pictures that a caption of a withdrawn article shows (an index lookup)."""
        withdrawn = Caption.objects.filter(article__status=Status.WITHDRAWN)
        return self.filter(pk__in=withdrawn.values("picture"))


class Picture(models.Model):
    """A picture of the library, uploaded once and shown by any number of captions.

    Saving a new image or focal point makes its renditions (``update_renditions()``, see
    ``articles.images``): sizes and crops described in ``renditions``, so that pages, feeds and
    structured data show them without a query; the files of the ones they replace are deleted
    once the change commits. A large image's are left to a task (``renders_later()``): the
    save stores the upload, pages show the original image until the task has made them
    (``finish_renditions()``). An imported picture may have no image yet: its file has not
    arrived, and the importer attaches it when it does.
    """

    image = models.ImageField(
        upload_to=GeneratedName("pictures"),
        blank=True,
        width_field="image_width",
        height_field="image_height",
        validators=IMAGE_VALIDATORS,
        help_text="Imported pictures may arrive before their file.",
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
    checksum = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        db_index=True,
        help_text="SHA-256 of the image file: an import that brings the same file again reuses "
        "this picture.",
    )
    caption = models.TextField(
        blank=True, help_text="The caption articles show with it unless they give their own."
    )
    credit = models.CharField(max_length=255, blank=True, help_text="e.g. Reuters/Jane Doe")
    alt_text = models.CharField(
        max_length=255, blank=True, help_text="What the image shows, for readers who cannot see it."
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PictureQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        get_latest_by = "uploaded_at"
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="articles_picture_focal_point_in_image",
            )
        ]

    def __str__(self):
        return self.caption[:80] or self.alt_text or f"Picture {self.pk}"

    def save(self, *args, **kwargs):
        self.caption = self.caption.strip()
        self.credit = self.credit.strip()
        update_fields = kwargs.get("update_fields")
        stale = []
        if update_fields is None or {"image", "focal_x", "focal_y"} & set(update_fields):
            stale = self.update_renditions(later=self.is_large())
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "renditions", "checksum"}
        super().save(*args, **kwargs)
        if stale:
            transaction.on_commit(partial(images.delete_files, stale), using=kwargs.get("using"))

    def update_renditions(self, *, later=False):
        """Make the renditions of the image for its focal point, unless ``renditions`` already
        describes them; returns the names of the files replaced, to delete after the commit.

        One call does the whole work, so that it can run apart from the request. An image that
        cannot be read gets none (pages show the original), and a warning. With ``later``, a
        new upload is stored and nothing is made: the renditions of the image it replaces go
        (pages show the new original meanwhile), those of the same image with another focal
        point stay until ``finish_renditions()`` replaces them."""
        if self.renditions_made():
            return []
        current = self.renditions or {}
        # Store a new upload now, as save() would, so that renditions are named after it.
        self._meta.get_field("image").pre_save(self, self.pk is None)
        if (self.image.name if self.image else "") != current.get("source", ""):
            self.checksum = file_checksum(self.image) if self.image else ""
        source = self.image.name if self.image else ""
        if later:
            self.renditions = current if current.get("source", "") == source else {}
        else:
            self.renditions = self.make_renditions(source)
        kept = set(images.file_names(self.renditions))
        return [name for name in images.file_names(current) if name not in kept]

    def renditions_made(self):
        """Whether ``renditions`` describes the image (none: nothing to make) and its focal
        point."""
        source = self.image.name if self.image else ""
        current = self.renditions or {}
        return current.get("source", "") == source and (
            not source or current.get("focal") == self.focal()
        )

    def focal(self):
        return [float(self.focal_x), float(self.focal_y)]

    def make_renditions(self, source):
        """The renditions of the stored image ``source``; none, with a warning, if it cannot
        be read."""
        try:
            return images.make_renditions(source, focal=self.focal()) if source else {}
        except images.UnusableImage as error:
            logger.warning("No renditions of %s for picture %s: %s", source, self.pk, error)
            return {}

    def is_large(self):
        """Whether the image has more pixels than ``ARTICLES_BACKGROUND_RENDITIONS_PIXELS``
        (None: no image is): its renditions are made by a task, not while the editor waits."""
        limit = conf.get("ARTICLES_BACKGROUND_RENDITIONS_PIXELS")
        pixels = (self.image_width or 0) * (self.image_height or 0)
        return bool(self.image) and limit is not None and pixels > limit

    def renders_later(self):
        """Whether a task is to make the renditions: the image is large and they are not made
        (``save()`` left them; ``articles.tasks.make_picture_renditions`` makes them)."""
        return self.is_large() and not self.renditions_made()

    def finish_renditions(self):
        """Make the renditions ``save()`` left to a task and save them through ``save()``, so
        that the pages showing the picture change at once; the files they replace go once that
        commits. Made from a picture read before an image or focal point saved since (or a
        takedown, which empties ``image``), they are thrown away: that change has its own."""
        made_for = (self.image.name, self.focal_x, self.focal_y)
        before = self.renditions
        stale = self.update_renditions()
        if self.renditions == before:
            return
        with transaction.atomic():
            saved = Picture.objects.select_for_update().filter(pk=self.pk)
            if saved.values_list("image", "focal_x", "focal_y").first() != made_for:
                self.discard_renditions()
                return
            self.save(update_fields=["renditions", "checksum"])
            transaction.on_commit(partial(images.delete_files, stale))

    def discard_renditions(self):
        """Delete the files of ``renditions``, made but never saved; unless another picture
        of the same upload (the library's migration made some) may name them."""
        made = images.file_names(self.renditions)
        shared = Picture.objects.exclude(pk=self.pk).filter(renditions__source=self.image.name)
        if made and not shared.exists():
            images.delete_files(made)

    def articles(self):
        """The articles that show the picture, in a caption or in their body."""
        Article = articles_model()
        in_captions = Caption.objects.filter(picture=self.pk).values("article")
        return Article.objects.filter(
            Q(pk__in=in_captions) | Q(pk__in=placed_in_body(Article.objects, self.pk).values("pk"))
        )

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
        """Each ratio as templates show it (``picture.pictures.4x3``, an ``images.Picture``):
        the renditions, or the original image in every ratio until they are made; {} without
        an image. Reads no database and no storage."""
        if not self.image:
            return {}
        if not self.renditions.get("files"):
            original = images.Picture(self.image.url, self.image_width, self.image_height)
            return dict.fromkeys(images.RATIOS, original)
        return images.Pictures(images.renditions_in(self.renditions))


def file_checksum(file):
    """The SHA-256 of an image file's content, read in chunks; "" if it cannot be read."""
    digest = hashlib.sha256()
    try:
        file.open("rb")  # reading its dimensions may have closed it
        file.seek(0)
        for chunk in file.chunks():
            digest.update(chunk)
        file.seek(0)
    except OSError:
        return ""
    return digest.hexdigest()


class Caption(models.Model):
    """A picture of the library placed in an article, with the caption of this use; the first
    one (lowest order) is the article's lead image."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="captions")
    picture = models.ForeignKey(
        Picture,
        on_delete=models.PROTECT,
        related_name="captions",
        help_text="A picture of the library; a picture in use cannot be deleted.",
    )
    text = models.TextField(
        blank=True, help_text="The caption here; left empty, the picture's own caption."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.text[:80] or f"Caption {self.pk}"

    def save(self, *args, **kwargs):
        self.text = self.text.strip()
        if not self.text and self.picture_id:
            self.text = self.picture.caption
        super().save(*args, **kwargs)

    def rendition(self, ratio="original", fmt="jpeg", width=None):
        """The picture's rendition (``Picture.rendition()``)."""
        return self.picture.rendition(ratio, fmt=fmt, width=width)

    def social_images(self):
        """The picture's crops for structured data and social cards."""
        return self.picture.social_images()

    @property
    def pictures(self):
        """The picture's ratios as templates show them (``Picture.pictures``)."""
        return self.picture.pictures
