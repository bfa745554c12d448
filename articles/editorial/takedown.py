"""The pictures of a withdrawn article leave public media; reinstated, they come back.

A picture of the library follows the articles that show it: it is hidden while every article
showing it is withdrawn, and stays public while another article, not withdrawn, shows it.
Hiding moves the picture's uploaded image and every file of its renditions from the default
storage (served at ``MEDIA_URL``) to the private storage (``private_storage()``, which nothing
serves), at the same names. The picture keeps what it had in ``renditions`` as
``{"hidden": {"image": name, "renditions": {...}}}`` and its ``image`` is emptied: every page,
feed, card, API item and structured data then shows its captions without a picture, the staff
preview included. Showing moves the files back and restores the fields: the picture returns at
the addresses it had. An article's own social image (``Article.social_image``) is hidden and
shown with the article in the same way, kept in ``social_image_renditions``.

Both are idempotent, and finish what an interrupted run left: a file is moved only while it
is still where it leaves from. Rows are written with ``QuerySet.update()``, which sends no
signal (no rendition made again, no search entry rewritten); the content version of the caches
is replaced once they commit, as after any change. The rows of the article and of the picture
are locked meanwhile, so two runs take turns. Call them after the status change commits
(``transaction.on_commit``); ``sync_pictures()`` and ``sync_picture()`` decide from the saved
statuses, after a restore from a revision has written rows past ``save()``.

Renditions are named after their source and focal point (``images.directory_for``), and each
upload gets a name of its own: only pictures naming the same upload share files (the captions
of older versions, made into a picture each by the library's migration). Such a file is copied
rather than moved while another picture still uses it where it is.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction

from .. import caching, conf, images
from ..models import Article, Picture
from ..models.social import refresh_renditions

HIDDEN = "hidden"  # the key of ``Picture.renditions`` that holds a hidden picture
SOCIAL_FIELDS = ("social_image", "social_image_renditions")


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


def hidden_picture(picture):
    """``{"image": name, "renditions": {...}}`` if ``picture`` is hidden, else None."""
    return (picture.renditions or {}).get(HIDDEN)


def hide_pictures(article):
    """Take the pictures of ``article`` out of public media, except those another article
    shows while it is not withdrawn. Call it once the article is withdrawn: no public page
    shows them then, whatever the order of rows and files."""
    with transaction.atomic():
        others = Article.objects.exclude(pk=article.pk)  # their captions and bodies
        kept = Picture.objects.kept_public_by(others).values("pk")
        changed = [_hide(picture) for picture in _locked_pictures(article).exclude(pk__in=kept)]
        changed.append(_hide_social_image(article, private_storage()))
        if any(changed):
            transaction.on_commit(caching.content_changed)


def show_pictures(article):
    """Bring the pictures of ``article`` back to public media: files first, then rows, so that
    no page points at a file not there yet. Renditions whose files are in neither storage
    are made again. Call it once the article is no longer withdrawn."""
    with transaction.atomic():
        changed = [_show(picture) for picture in _locked_pictures(article)]
        changed.append(_show_social_image(article, private_storage()))
        if any(changed):
            transaction.on_commit(caching.content_changed)


def sync_pictures(article_id):
    """Hide or show the pictures of the article ``article_id`` as its saved status says:
    hidden while it is withdrawn. Read under the lock of the article's row, the status is the
    latest, whichever of two runs goes first."""
    with transaction.atomic():
        saved = Article.objects.select_for_update().filter(pk=article_id).only("status").first()
        if saved is not None:
            (hide_pictures if saved.is_withdrawn() else show_pictures)(saved)


def sync_picture(picture_id):
    """Hide or show one picture as the articles showing it are: hidden while only withdrawn
    articles show it, shown while another does. A picture no article shows any more stays as
    it is: one taken out of a withdrawn article stays hidden until an article shows it."""
    with transaction.atomic():
        picture = Picture.objects.select_for_update().filter(pk=picture_id).first()
        if picture is None:
            return
        one = Picture.objects.filter(pk=picture_id)
        if one.kept_public_by().exists():
            changed = _show(picture)
        elif one.shown_by(Article.objects.all()).exists():  # by withdrawn articles only
            changed = _hide(picture)
        else:
            return
        if changed:
            transaction.on_commit(caching.content_changed)


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


def _locked_pictures(article):
    """The pictures of ``article``, its row and theirs locked until the transaction ends."""
    list(Article.objects.select_for_update().filter(pk=article.pk).values_list("pk"))
    return Picture.objects.used_by([article.pk]).select_for_update().order_by("pk")


def _hide(picture):
    """Move ``picture`` to private media; whether its row changed."""
    private, changed = private_storage(), False
    hidden = hidden_picture(picture)
    if hidden is None:
        if not picture.image:
            return False
        hidden = {"image": picture.image.name, "renditions": picture.renditions or {}}
        Picture.objects.filter(pk=picture.pk).update(image="", renditions={HIDDEN: hidden})
        changed = True
    shown, same_crops = _sharers(picture, hidden["image"], hidden=False)
    _move(hidden["image"], default_storage, private, keep=shown)
    for name in images.file_names(hidden["renditions"]):
        _move(name, default_storage, private, keep=same_crops)
    return changed


def _show(picture):
    """Move ``picture`` back to public media; whether its row changed. A picture that shows
    an image missing from public media but kept in private media (an interrupted run) is
    mended too."""
    hidden, private = hidden_picture(picture), private_storage()
    if hidden is None:
        if not (picture.image and private.exists(picture.image.name)):
            return False  # shown, as it should be
        name, renditions = picture.image.name, picture.renditions or {}
    else:
        name, renditions = hidden["image"], hidden["renditions"] or {}
    hidden_elsewhere, same_crops = _sharers(picture, name, hidden=True)
    _move(name, private, default_storage, keep=hidden_elsewhere)
    for rendition in images.file_names(renditions):
        _move(rendition, private, default_storage, keep=same_crops)
    if not images.files_exist(renditions):
        renditions = picture.make_renditions(name)
        if not same_crops:  # copies left in private media
            _delete(private, images.file_names(renditions))
    Picture.objects.filter(pk=picture.pk).update(image=name, renditions=renditions)
    return True


def _sharers(picture, name, *, hidden):
    """Whether other pictures show (``hidden=False``) or hide the upload ``name``, and whether
    one of them has the same focal point, so the same rendition files."""
    lookup = f"renditions__{HIDDEN}__image" if hidden else "image"
    others = Picture.objects.exclude(pk=picture.pk).filter(**{lookup: name})
    focal_points = set(others.values_list("focal_x", "focal_y"))
    return bool(focal_points), (picture.focal_x, picture.focal_y) in focal_points


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


def delete_hidden_files(names):
    """Delete the files ``names`` from private media (renditions of a hidden picture deleted)."""
    _delete(private_storage(), names)


def hidden_social_image(article):
    """``{"image": name, "renditions": {...}}`` if the social image of ``article`` is hidden."""
    return (article.social_image_renditions or {}).get(HIDDEN)
