"""Cached pages: any change of what readers see makes every cached page stale, once the change
commits (``caching.content_changed``). Search: an article's search entry is rewritten, once,
after the commit of a change of anything it holds. Writes that send no signals (bulk inserts)
call ``articles_written()``, which does both. Text: control characters never reach the
database. Pictures: a library picture's renditions follow it (deleted with it, made by a task
for a large image, made again when ``loaddata`` brings it back), the articles showing it count
as changed when it changes, and an article's social image's renditions follow the article.

Every receiver of the app's models is here."""

from functools import partial

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag

from . import caching, images, tasks
from .editorial import takedown
from .models import (
    Article,
    Author,
    Byline,
    Caption,
    Correction,
    FrontSlot,
    Picture,
    RelatedLink,
    Section,
    TaggedArticle,
)
from .reader import search
from .sanitizer import strip_control_characters

CONTENT_MODELS = (Article, Author, Section, Byline, Caption, Picture, RelatedLink, Correction, Tag)


def strip_control_characters_from_text(instance, **kwargs):
    """C0 control characters (tab and line breaks excepted) are invisible, and feeds and
    XML cannot carry them: no text field of the content keeps them, whoever saves it."""
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(field, models.CharField | models.TextField) and isinstance(value, str):
            setattr(instance, field.attname, strip_control_characters(value))


for model in CONTENT_MODELS:
    pre_save.connect(
        strip_control_characters_from_text, sender=model, dispatch_uid=f"text-cleaned-{model}"
    )


@receiver(pre_save, sender=Tag)
def give_tag_a_slug(instance, **kwargs):
    """A tag named without a letter or digit ("#", "!!!") gets the slug "tag" (taggit adds
    "_1", "_2"… if it is taken): taggit would leave it empty, which no address can hold."""
    if not instance.slug:
        instance.slug = "tag"


def content_changed(using=None, **kwargs):
    transaction.on_commit(caching.content_changed, using=using)


def articles_written(article_ids, using=None):
    """What the signals would have done for articles written in bulk (``bulk_create``,
    ``update``): their search entries rewritten and the content version moved, once the
    transaction commits."""
    search.reindex_after_commit(article_ids, using=using)
    content_changed(using=using)


# A front re-ordered, an article pinned or unpinned: readers see it at once.
for model in (*CONTENT_MODELS, TaggedArticle, FrontSlot):
    post_save.connect(content_changed, sender=model, dispatch_uid=f"content-saved-{model}")
    post_delete.connect(content_changed, sender=model, dispatch_uid=f"content-deleted-{model}")


def _deleted_with_its_article(origin):
    """Whether a deletion started from articles: their entries go with them, and rewriting one
    now would bring back the entry of an article about to be deleted."""
    return isinstance(origin, Article) or getattr(origin, "model", None) is Article


@receiver(post_save, sender=Article)
def reindex_article(instance, update_fields=None, **kwargs):
    if update_fields is None or {"headline", "dek", "body"} & set(update_fields):
        search.reindex_after_commit([instance.pk])


@receiver(post_save, sender=Byline)
@receiver(post_delete, sender=Byline)
def reindex_byline_article(instance, origin=None, **kwargs):
    if not _deleted_with_its_article(origin):
        search.reindex_after_commit([instance.article_id])


@receiver(post_save, sender=TaggedArticle)
@receiver(post_delete, sender=TaggedArticle)
def reindex_tagged_article(instance, origin=None, **kwargs):
    if not _deleted_with_its_article(origin):
        search.reindex_after_commit([instance.content_object_id])


def note_rename(sender, instance, update_fields=None, **kwargs):
    """Note a change of name or slug (which the articles' pages, search entries and ninjs
    show), so that saving anything else, a bio or a description, rewrites none of them."""
    instance._renamed = (
        instance.pk is not None
        and (update_fields is None or {"name", "slug"} & set(update_fields))
        and not sender.objects.filter(
            pk=instance.pk, name=instance.name, slug=instance.slug
        ).exists()
    )


for model in (Author, Section, Tag):
    pre_save.connect(note_rename, sender=model, dispatch_uid=f"rename-noted-{model.__name__}")


@receiver(post_save, sender=Author)
def reindex_renamed_author(instance, **kwargs):
    if instance._renamed:
        renamed(Byline.objects.filter(author=instance).values_list("article", flat=True))


@receiver(post_save, sender=Tag)
def reindex_renamed_tag(instance, **kwargs):
    if instance._renamed:
        renamed(TaggedArticle.objects.filter(tag=instance).values_list("content_object", flat=True))


@receiver(post_save, sender=Section)
def date_renamed_section(instance, **kwargs):
    if instance._renamed:
        Article.objects.filter(section=instance).update(updated_at=timezone.now())


def renamed(article_ids):
    """The articles of ``article_ids`` (a query) show a renamed author or tag: their search
    entries are rewritten, and they count as changed (the read API's ``?since=``)."""
    search.reindex_after_commit(article_ids)
    Article.objects.filter(pk__in=article_ids).update(updated_at=timezone.now())


@receiver(post_delete, sender=Picture)
def delete_picture_renditions(instance, using, **kwargs):
    """A deleted picture's renditions go once the deletion commits. Its uploaded image stays:
    a revision of an article may name it (and ``loaddata`` bring it back)."""
    if names := images.file_names(instance.renditions):
        transaction.on_commit(partial(images.delete_files, names), using=using)


@receiver(post_save, sender=Picture)
def make_large_renditions_later(instance, raw, using, update_fields=None, **kwargs):
    """The renditions that ``save()`` left to a task (a large image) are made by a worker,
    enqueued once the save commits (a worker must find the picture)."""
    changed = update_fields is None or {"image", "focal_x", "focal_y"} & set(update_fields)
    if not raw and changed and instance.renders_later():
        enqueue = partial(tasks.make_picture_renditions.enqueue, instance.pk)
        transaction.on_commit(enqueue, using=using)


@receiver(post_save, sender=Picture)
def remake_restored_renditions(instance, raw, using, **kwargs):
    """``loaddata`` writes pictures raw, past ``save()``: make again renditions whose files
    were deleted since, or that were never made."""
    if raw and instance.image and not images.files_exist(instance.renditions):
        instance.renditions = {}
        instance.update_renditions()
        Picture.objects.using(using).filter(pk=instance.pk).update(renditions=instance.renditions)


@receiver(post_delete, sender=Article)
def delete_social_image_renditions(instance, using, **kwargs):
    """A deleted article's social image renditions go as a caption's do; the upload stays."""
    if names := images.file_names(instance.social_image_renditions):
        transaction.on_commit(partial(images.delete_files, names), using=using)


@receiver(post_save, sender=Article)
def remake_restored_social_renditions(instance, raw, using, **kwargs):
    """As ``remake_restored_renditions()``, for the article's social image; not while its
    upload is hidden (``takedown``), whose renditions are hidden with it."""
    image = instance.social_image
    if (
        raw
        and image
        and default_storage.exists(image.name)
        and not images.files_exist(instance.social_image_renditions)
    ):
        instance.social_image_renditions = {}
        instance.update_social_renditions()
        Article.objects.using(using).filter(pk=instance.pk).update(
            social_image_renditions=instance.social_image_renditions
        )


@receiver(post_save, sender=Picture)
def date_changed_picture(instance, created, raw, **kwargs):
    """The articles showing a changed picture (its credit, alt text, file or crops) count as
    changed for the read API's ``?since=``."""
    if not created and not raw:
        Article.objects.filter(captions__picture=instance).update(updated_at=timezone.now())


# Takedown: pictures follow the articles that show them (``editorial/takedown.py``).


@receiver(post_delete, sender=Picture)
def delete_hidden_picture_renditions(instance, using, **kwargs):
    """A picture deleted while it is hidden: its renditions go from private media once the
    deletion commits, as a shown one's go from public media. Its image stays, as a shown
    one's does."""
    picture = takedown.hidden_picture(instance)
    if picture and (names := images.file_names(picture["renditions"])):
        transaction.on_commit(partial(takedown.delete_hidden_files, names), using=using)


@receiver(post_delete, sender=Article)
def delete_hidden_social_renditions(instance, using, **kwargs):
    """The same for an article deleted while its social image is hidden."""
    picture = takedown.hidden_social_image(instance)
    if picture and (names := images.file_names(picture["renditions"])):
        transaction.on_commit(partial(takedown.delete_hidden_files, names), using=using)


@receiver(post_save, sender=Article)
def follow_restored_status(sender, instance, raw, using, update_fields=None, **kwargs):
    """A restore from a revision writes the article raw, past ``save()``; and a social image
    can be uploaded to a withdrawn article. Once that commits, its pictures follow the status
    it has then."""
    new_social_image = (
        instance.social_image
        and (update_fields is None or "social_image" in update_fields)
        and instance.is_withdrawn()
    )
    if raw or new_social_image:
        transaction.on_commit(partial(takedown.sync_pictures, instance.pk), using=using)


@receiver(post_save, sender=Caption)
def follow_new_use(sender, instance, raw, using, **kwargs):
    """A picture put in a withdrawn article, a hidden picture put in another article, or a
    caption restored from a revision: once that commits, the picture follows the articles
    that show it then."""
    if raw or instance.article.is_withdrawn() or takedown.hidden_picture(instance.picture):
        transaction.on_commit(partial(takedown.sync_picture, instance.picture_id), using=using)


@receiver(post_delete, sender=Caption)
def follow_removed_use(sender, instance, using, **kwargs):
    """A picture taken out of an article may be left to withdrawn articles only: hidden
    then (looked for only when a withdrawn article's caption shows it)."""
    if Picture.objects.filter(pk=instance.picture_id).in_withdrawn_articles().exists():
        transaction.on_commit(partial(takedown.sync_picture, instance.picture_id), using=using)


@receiver(post_save, sender=Picture)
def hide_new_upload(sender, instance, created, raw, using, update_fields=None, **kwargs):
    """A new image uploaded to a picture that only withdrawn articles show is hidden once the
    upload commits."""
    if raw or (
        not created and instance.image and (update_fields is None or "image" in update_fields)
    ):
        transaction.on_commit(partial(takedown.sync_picture, instance.pk), using=using)
