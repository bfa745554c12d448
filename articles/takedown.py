"""The pictures of a withdrawn article leave public media; reinstated, they come back.

``hide_pictures(article)`` moves each caption's uploaded image and every file of its renditions
(and the article's own social image with its renditions, kept in the same way) from the
default storage (served at ``MEDIA_URL``) to the private storage
(``private_storage()``, which nothing serves), at the same names. The caption keeps what it
had in ``renditions`` as ``{"hidden": {"image": name, "renditions": {...}}}`` and its
``image`` is emptied: every page, feed, card, API item and structured data then shows a
caption without a picture, the staff preview included. ``show_pictures(article)`` moves the
files back and restores the fields: the pictures return at the addresses they had.

Both are idempotent, and finish what an interrupted run left: a file is moved only while it
is still where it leaves from. Rows are written with ``QuerySet.update()``, which sends no
signal (no rendition made again, no revision, no search entry rewritten); the content version
of the caches is replaced once they commit, as after any change. The article's row is locked
meanwhile, so two runs for one article take turns. Call them after the status change commits
(``transaction.on_commit``); ``sync_pictures()`` decides from the saved status, after a
restore from a revision has written captions past ``save()``.

Renditions are named after their source and focal point (``images.directory_for``), and each
upload gets a name of its own: only captions naming the same upload share files (copies of
rows). Such a file is copied rather than moved while a caption of another article still uses
it where it is: that article's picture is at the same address.
"""

import logging
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import caching, conf, images
from .models import Article, Caption
from .models.social import refresh_renditions

HIDDEN = "hidden"  # the key of ``Caption.renditions`` that holds a hidden picture
SOCIAL_FIELDS = ("social_image", "social_image_renditions")

logger = logging.getLogger(__name__)


def private_storage():
    """Where hidden pictures are kept: ``ARTICLES_PRIVATE_MEDIA_ROOT``, by default the folder
    ``private-media`` beside ``MEDIA_ROOT``. No address of the site serves it, and it may not
    be inside ``MEDIA_ROOT``, which the web server does serve."""
    media = Path(settings.MEDIA_ROOT)
    root = Path(conf.get("ARTICLES_PRIVATE_MEDIA_ROOT") or media.parent / "private-media")
    if root.resolve().is_relative_to(media.resolve()):
        raise ImproperlyConfigured(
            f"ARTICLES_PRIVATE_MEDIA_ROOT ({root}) is inside MEDIA_ROOT, which is served."
        )
    return FileSystemStorage(location=root)


def hidden_picture(caption):
    """``{"image": name, "renditions": {...}}`` if the caption's picture is hidden, else None."""
    return (caption.renditions or {}).get(HIDDEN)


def hide_pictures(article):
    """Take the pictures of ``article`` out of public media. Call it once the article is
    withdrawn: no public page shows them then, whatever the order of rows and files."""
    private, changed = private_storage(), False
    with transaction.atomic():
        for caption in _locked_captions(article):
            picture = hidden_picture(caption)
            if picture is None:
                if not caption.image:
                    continue
                picture = {"image": caption.image.name, "renditions": caption.renditions or {}}
                Caption.objects.filter(pk=caption.pk).update(image="", renditions={HIDDEN: picture})
                changed = True
            shown, same_crops = _sharers(caption, picture["image"], hidden=False)
            _move(picture["image"], default_storage, private, keep=shown)
            for name in images.file_names(picture["renditions"]):
                _move(name, default_storage, private, keep=same_crops)
        changed |= _hide_social_image(article, private)
        if changed:
            transaction.on_commit(caching.content_changed)


def show_pictures(article):
    """Bring the pictures of ``article`` back to public media: files first, then rows, so that
    no page points at a file not there yet.

    Renditions whose files are in neither storage (deleted with their caption while hidden,
    before a revision brought it back) are made again. A caption that shows an image missing
    from public media but kept in private media (restored from a revision) is mended too."""
    private, changed = private_storage(), False
    with transaction.atomic():
        for caption in _locked_captions(article):
            picture = hidden_picture(caption)
            if picture is None and not (caption.image and private.exists(caption.image.name)):
                continue  # shown, as it should be
            name = picture["image"] if picture else caption.image.name
            renditions = (picture["renditions"] if picture else caption.renditions) or {}
            hidden_elsewhere, same_crops = _sharers(caption, name, hidden=True)
            _move(name, private, default_storage, keep=hidden_elsewhere)
            for rendition in images.file_names(renditions):
                _move(rendition, private, default_storage, keep=same_crops)
            if not images.files_exist(renditions):
                renditions = _remake(caption, name)
                if not same_crops:  # copies left in private media by the deleted caption
                    _delete(private, images.file_names(renditions))
            Caption.objects.filter(pk=caption.pk).update(image=name, renditions=renditions)
            changed = True
        changed |= _show_social_image(article, private)
        if changed:
            transaction.on_commit(caching.content_changed)


def sync_pictures(article_id):
    """Hide or show the pictures of the article ``article_id`` as its saved status says:
    hidden while it is withdrawn. Read under the lock of the article's row, the status is the
    latest, whichever of two runs goes first."""
    with transaction.atomic():
        saved = Article.objects.select_for_update().filter(pk=article_id)
        status = saved.values_list("status", flat=True).first()
        if status is not None:
            withdrawn = status == Article.Status.WITHDRAWN
            (hide_pictures if withdrawn else show_pictures)(Article(pk=article_id))


def _hide_social_image(article, private):
    """``hide_pictures()`` for the article's own social image (its row locked): the image and
    its renditions kept in ``social_image_renditions`` as a caption keeps its own. Whether the
    row changed."""
    row = Article.objects.filter(pk=article.pk).values(*SOCIAL_FIELDS).first()
    if row is None:
        return False
    image, renditions = row.values()
    picture, changed = (renditions or {}).get(HIDDEN), False
    if picture is None:
        if not image:
            return False
        picture = {"image": image, "renditions": renditions or {}}
        Article.objects.filter(pk=article.pk).update(
            social_image="", social_image_renditions={HIDDEN: picture}
        )
        changed = True
    shown = Article.objects.exclude(pk=article.pk).filter(social_image=picture["image"]).exists()
    for name in [picture["image"], *images.file_names(picture["renditions"])]:
        _move(name, default_storage, private, keep=shown)
    return changed


def _show_social_image(article, private):
    """``show_pictures()`` for the article's own social image; whether the row changed."""
    row = Article.objects.filter(pk=article.pk).values(*SOCIAL_FIELDS).first()
    if row is None:
        return False
    image, renditions = row.values()
    picture = (renditions or {}).get(HIDDEN)
    if picture is None and not (image and private.exists(image)):
        return False  # shown, as it should be
    name = picture["image"] if picture else image
    renditions = (picture["renditions"] if picture else renditions) or {}
    hidden_elsewhere = (
        Article.objects.exclude(pk=article.pk)
        .filter(**{f"social_image_renditions__{HIDDEN}__image": name})
        .exists()
    )
    for file in [name, *images.file_names(renditions)]:
        _move(file, private, default_storage, keep=hidden_elsewhere)
    if not images.files_exist(renditions):
        renditions, _ = refresh_renditions(name, {})
    Article.objects.filter(pk=article.pk).update(
        social_image=name, social_image_renditions=renditions
    )
    return True


def _locked_captions(article):
    """The captions of ``article``, its row locked until the transaction ends."""
    list(Article.objects.select_for_update().filter(pk=article.pk).values_list("pk"))
    return Caption.objects.filter(article=article.pk).order_by("pk")


def _sharers(caption, name, *, hidden):
    """Whether captions of other articles show (``hidden=False``) or hide the upload ``name``,
    and whether one of them has the same focal point, so the same rendition files."""
    lookup = f"renditions__{HIDDEN}__image" if hidden else "image"
    others = Caption.objects.exclude(article=caption.article_id).filter(**{lookup: name})
    focal_points = set(others.values_list("focal_x", "focal_y"))
    return bool(focal_points), (caption.focal_x, caption.focal_y) in focal_points


def _remake(caption, name):
    """The renditions of the image ``name`` for the caption's focal point, made again; none,
    with a warning, if it cannot be read (as ``Caption.update_renditions()``)."""
    try:
        return images.make_renditions(name, focal=[float(caption.focal_x), float(caption.focal_y)])
    except images.UnusableImage as error:
        logger.warning("No renditions of %s for caption %s: %s", name, caption.pk, error)
        return {}


def _move(name, source, target, *, keep=False):
    """Put the file ``name`` of ``source`` in ``target`` at the same name, and take it out of
    ``source`` unless ``keep``. Whether it was in ``source`` (else there is nothing to do)."""
    if not source.exists(name):
        return False
    if target.exists(name):  # left by an interrupted run: storages would pick another name
        target.delete(name)
    with source.open(name, "rb") as file:
        stored = target.save(name, file)
    if stored != name:
        raise RuntimeError(f"The storage saved {name!r} as {stored!r}.")
    if not keep:
        source.delete(name)
    return True


def _delete(storage, names):
    for name in names:
        storage.delete(name)


@receiver(post_delete, sender=Caption)
def delete_hidden_renditions(instance, using, **kwargs):
    """A caption deleted while its picture is hidden: its renditions go from private media once
    the deletion commits, as a shown one's go from public media. Its image stays, for a
    revision to bring back (``show_pictures()`` then makes the renditions again)."""
    picture = hidden_picture(instance)
    if picture and (names := images.file_names(picture["renditions"])):
        transaction.on_commit(partial(_delete, private_storage(), names), using=using)


@receiver(post_delete, sender=Article)
def delete_hidden_social_renditions(instance, using, **kwargs):
    """The same for an article deleted while its social image is hidden."""
    picture = (instance.social_image_renditions or {}).get(HIDDEN)
    if picture and (names := images.file_names(picture["renditions"])):
        transaction.on_commit(partial(_delete, private_storage(), names), using=using)


@receiver(post_save, sender=Article)
@receiver(post_save, sender=Caption)
def follow_restored_status(sender, instance, raw, using, update_fields=None, **kwargs):
    """A restore from a revision writes the article and its captions raw, past ``save()``; and
    a picture can be uploaded to a caption, or as the social image, of a withdrawn article.
    Once that commits, the pictures follow the status the article has then."""
    article_id = instance.pk if sender is Article else instance.article_id
    field = "social_image" if sender is Article else "image"
    if not raw and not (
        getattr(instance, field)
        and (update_fields is None or field in update_fields)
        # the form's article: no query
        and (instance if sender is Article else instance.article).status == Article.Status.WITHDRAWN
    ):
        return
    transaction.on_commit(partial(sync_pictures, article_id), using=using)
