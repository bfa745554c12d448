"""Articles, their ordered bylines, captions and related links, and the sections that file them.

What "published" means is defined once, in ``ArticleQuerySet.published()``; every public view,
feed and sitemap asks that method.
"""

import logging
import math
import secrets
from functools import cached_property, partial

import reversion
from django.conf import settings
from django.core import signing
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Greatest
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from . import embedded, images, languages
from .fields import IMAGE_EXTENSIONS, GeneratedName, HttpURLField
from .publishing import missing_for_publication
from .sanitizer import EDITOR_EXTENSIONS, sanitize_html, strip_control_characters
from .validators import http_url_q, validate_image_file, validate_image_size

PREVIEW_SIGNER = signing.TimestampSigner(salt="articles.preview")
WORDS_PER_MINUTE = 230
RELATED_CANDIDATES = 200
IMAGE_VALIDATORS = [
    FileExtensionValidator(IMAGE_EXTENSIONS),
    validate_image_size,
    validate_image_file,
]
FOCAL_VALIDATORS = [MinValueValidator(0.0), MaxValueValidator(1.0)]

logger = logging.getLogger(__name__)


def http_url_constraint(field, model):
    """A database check that ``field`` is empty or an http(s) URL, whatever wrote the row."""
    return models.CheckConstraint(
        condition=http_url_q(field), name=f"articles_{model}_{field}_http_only"
    )


class SectionQuerySet(models.QuerySet):
    def public(self):
        """Sections a public article is filed in. Every section has a page (the navigation
        lists them all); only these have feeds, as authors and tags (``AuthorQuerySet``)."""
        return self.filter(Exists(Article.objects.filter(published_q(), section=OuterRef("pk"))))


class Section(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(
        blank=True, help_text="One or two sentences for the section page."
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Position in the site navigation, lowest first."
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section_detail", kwargs={"slug": self.slug})


class AuthorQuerySet(models.QuerySet):
    def public(self):
        """Authors a public article names: only they have a page, feeds, an API view and a
        sitemap entry (an author named only by drafts, an import's wire reporter, is not shown)."""
        public = Byline.objects.filter(published_q("article__"), author=OuterRef("pk"))
        return self.filter(Exists(public))


class Author(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    job_title = models.CharField(max_length=200, blank=True)
    bio = models.TextField("short bio", blank=True, help_text="Two or three plain sentences.")
    photo = models.ImageField(
        upload_to=GeneratedName("authors"), blank=True, validators=IMAGE_VALIDATORS
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The staff account of this author, if they have one.",
    )
    website = HttpURLField(blank=True)
    x_handle = models.CharField("X handle", max_length=50, blank=True)
    bluesky_handle = models.CharField(max_length=100, blank=True)

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [http_url_constraint("website", "author")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author_detail", kwargs={"slug": self.slug})


class TaggedArticle(TaggedItemBase):
    """Tags through a real foreign key, so revision history and joins can see them."""

    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="articles_taggedarticle_unique"
            )
        ]
        # A tag's articles from the index alone (the tag page).
        indexes = [models.Index(fields=["tag", "content_object"], name="articles_tagged_tag_idx")]


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles the public may see: status published and a publication time now or past."""
        return self.filter(published_q())

    def published_since(self, moment):
        """Public articles published at ``moment`` or later (the news sitemap's window)."""
        return self.published().filter(publish_at__gte=moment)

    def next_going_live(self, moment):
        """When the next article becomes public after ``moment``: the nearer of the next
        scheduled publication and the next end of an embargo, each read from its index; None
        if nothing is waiting. Embargoes are taken whatever the status: an end that comes early
        costs a cached page a render, never a stale page."""
        scheduled = self.filter(status=Article.Status.PUBLISHED, publish_at__gt=moment)
        embargoed = self.filter(embargo_until__gt=moment)
        found = [
            *scheduled.order_by("publish_at").values_list("publish_at", flat=True)[:1],
            *embargoed.order_by("embargo_until").values_list("embargo_until", flat=True)[:1],
        ]
        return min(found) if found else None

    def keep_version_and_status(self, version, status):
        """Write back the version and status a restore must keep (reversion writes every
        field of the old version, these included): the restore then claims the next version,
        and never publishes or reinstates."""
        return self.update(edit_version=version, status=status)

    def in_state(self, state):
        """Articles in the editorial ``state`` (an ``Article.State``), the list's filter."""
        return self.filter(state_q(state))

    def upcoming(self):
        """Published articles not public yet, scheduled or embargoed, by the time they go live."""
        return (
            self.filter(state_q(Article.State.SCHEDULED) | state_q(Article.State.EMBARGOED))
            .annotate(goes_live=Greatest("publish_at", Coalesce("embargo_until", "publish_at")))
            .order_by("goes_live", "pk")
        )

    def for_listing(self):
        """What a list of articles shows: section, byline, lead caption and tags, in 4 queries."""
        return self.select_related("section").prefetch_related(*listing_lookups())

    def for_detail(self):
        """Everything an article page shows, in a fixed number of queries."""
        return self.select_related("section").prefetch_related(*detail_lookups())

    def by_author(self, author):
        """Articles with ``author`` in their byline, found from the byline's index: an
        author's page then costs the same in any archive."""
        return self.filter(pk__in=Byline.objects.filter(author=author).values("article"))

    def tagged(self, tag):
        """Articles that carry ``tag``, found from the tagging's index."""
        return self.filter(pk__in=TaggedArticle.objects.filter(tag=tag).values("content_object"))

    def owned_by(self, user):
        """Articles ``user`` created or is bylined on (``Article.is_owned_by()``), found from
        the index of each: "created or bylined" as one OR over a join reads every article."""
        created = Article.objects.filter(created_by=user).order_by().values("pk")
        bylined = Byline.objects.filter(author__user=user).order_by().values("article")
        return self.filter(pk__in=created.union(bylined))

    def with_embedded(self):
        """Articles with their section, and their tags, captions and byline as JSON in the
        same query, for ``Article.load_details()``."""
        return self.select_related("section").annotate(
            embedded_tags=embedded.tags(Article, TaggedArticle, Tag),
            embedded_captions=embedded.captions(Article, Caption),
            embedded_bylines=embedded.bylines(Article, Byline, Author),
        )

    def related_to(self, article):
        """Other articles like ``article``: those sharing most of its tags first, then those of
        its section, newest first within each. Uses its prefetched tags.

        The candidates are the newest ``RELATED_CANDIDATES`` articles sharing a tag and of the
        section, so that a tag or section with a large archive costs no more than a small one.
        """
        tag_ids = [tag.pk for tag in article.tag_list]
        sharing = (
            TaggedArticle.objects.filter(tag__in=tag_ids)
            .order_by("-content_object")
            .values("content_object")[:RELATED_CANDIDATES]
        )
        candidates = sharing
        if article.section_id:
            same_section = (
                Article.objects.filter(section=article.section_id, status=Article.Status.PUBLISHED)
                .order_by("-publish_at")
                .values("pk")[:RELATED_CANDIDATES]
            )
            # One list of ids: "in this OR in that" would make PostgreSQL read every article.
            # (Each side wrapped: SQLite allows no LIMIT directly inside a UNION.)
            ids = Article.objects.order_by().values("pk")
            candidates = ids.filter(pk__in=sharing).union(ids.filter(pk__in=same_section))
        shared_tags = (
            TaggedArticle.objects.filter(content_object=OuterRef("pk"), tag__in=tag_ids)
            .order_by()
            .values("content_object")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            self.exclude(pk=article.pk)
            .filter(pk__in=candidates)
            .annotate(shared_tags=Coalesce(Subquery(shared_tags), 0))
            .order_by("-shared_tags", "-publish_at")
        )


def listing_lookups():
    """The prefetches of a story card: byline with authors, captions, tags."""
    return [
        Prefetch("bylines", queryset=Byline.objects.select_related("author")),
        "captions",
        "tags",
    ]


def related_links_lookup():
    return Prefetch("related_links", queryset=RelatedLink.objects.select_related("target"))


def detail_lookups():
    """The prefetches of an article page: a card's, and related links with their targets."""
    return [*listing_lookups(), related_links_lookup()]


def published_q(prefix=""):
    """The published rule as a ``Q``, for use inside other queries (``Exists``, joins): status
    published, publication time reached, and no embargo still running."""
    now = timezone.now()
    return Q(**{f"{prefix}status": Article.Status.PUBLISHED, f"{prefix}publish_at__lte": now}) & (
        Q(**{f"{prefix}embargo_until__isnull": True}) | Q(**{f"{prefix}embargo_until__lte": now})
    )


def state_q(state):
    """The rule of each editorial state as a ``Q``; ``Article.state()`` is the same for one
    article in memory. Embargoed wins over scheduled: an embargo still running holds the
    article whatever its publication time."""
    now = timezone.now()
    published = Q(status=Article.Status.PUBLISHED)
    embargoed = published & Q(embargo_until__gt=now)
    if state == Article.State.LIVE:
        return published_q()
    if state == Article.State.EMBARGOED:
        return embargoed
    if state == Article.State.SCHEDULED:
        return published & Q(publish_at__gt=now) & ~Q(embargo_until__gt=now)
    return Q(status=state)


def public_tags():
    """Tags a public article carries: only they have a page, feeds, an API view and a sitemap
    entry, as ``AuthorQuerySet.public()`` for authors (taggit's ``Tag`` has no manager of ours)."""
    public = TaggedArticle.objects.filter(published_q("content_object__"), tag=OuterRef("pk"))
    return Tag.objects.filter(Exists(public))


def article_path(date, slug):
    """The public address of the article of ``slug`` published on ``date``."""
    return reverse(
        "articles:article_detail",
        kwargs={
            "year": date.year,
            "month": f"{date.month:02d}",
            "day": f"{date.day:02d}",
            "slug": slug,
        },
    )


def new_preview_token():
    return secrets.token_urlsafe(16)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        WITHDRAWN = "withdrawn", "Withdrawn (legal)"

    class State(models.TextChoices):
        """What an article is for readers and the desk: a status, with published split by
        whether readers see it yet."""

        DRAFT = "draft", "Draft"
        IN_REVIEW = "review", "In review"
        SCHEDULED = "scheduled", "Scheduled"
        EMBARGOED = "embargoed", "Embargoed"
        LIVE = "live", "Live"
        UNPUBLISHED = "unpublished", "Unpublished"
        WITHDRAWN = "withdrawn", "Withdrawn (legal)"

    headline = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=255,
        unique_for_date="publish_at",
        help_text="The last part of the address; unique among the articles of one day.",
    )
    dek = models.TextField(
        "standfirst", blank=True, help_text="One or two sentences under the headline."
    )
    body = ProseEditorField(
        extensions=EDITOR_EXTENSIONS,
        sanitize=sanitize_html,
        blank=True,
        help_text="Sanitized on every save: scripts, styles and unsafe links are removed.",
    )
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    authors = models.ManyToManyField(Author, through="Byline", related_name="articles")
    byline_override = models.CharField(
        max_length=255,
        blank=True,
        help_text='Shown instead of the author names, e.g. "Jane Doe in Madrid". '
        "Author pages, feeds and structured data still use the byline.",
    )
    language = models.CharField(
        max_length=languages.MAX_LENGTH,
        blank=True,
        validators=[languages.validate_language_tag],
        help_text='The language of the text as a BCP 47 code, e.g. "de" or "pt-BR"; empty for '
        "the site's own. Readers' browsers and search engines are told it.",
    )
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="Published articles appear at this time; a future time schedules them. "
        "Left empty, publishing sets it to now.",
    )
    embargo_until = models.DateTimeField(
        "embargo until",
        null=True,
        blank=True,
        help_text="Never public before this time, whatever the status and publication time.",
    )
    publish_date = models.DateField(
        null=True, editable=False, help_text="The local date of publish_at, used in the address."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revised_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the latest correction or update was published; pages show it as "
        "the update time, which typo fixes do not move.",
    )
    edit_version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Counts saves, so that a stale edit is detected."
    )
    source = models.CharField(
        max_length=500,
        blank=True,
        db_index=True,  # the partial unique index below cannot serve "source = %s" lookups
        help_text="For imported articles: the file it came from.",
    )
    source_checksum = models.CharField(max_length=64, blank=True, editable=False)
    imported_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="The edit version the last import left the article at: a save since is a "
        "change made here, which re-importing a changed source does not overwrite.",
    )
    preview_token = models.CharField(
        max_length=32,
        default=new_preview_token,
        editable=False,
        help_text="Part of every share-able preview link; changing it revokes them all.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    import_run = models.ForeignKey(
        "ImportRun",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="articles",
        help_text="The import run that last wrote this article.",
    )

    tags = TaggableManager(through=TaggedArticle, blank=True)
    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        get_latest_by = "publish_at"
        permissions = [("publish_article", "Can publish and unpublish articles")]
        indexes = [
            # Lists in their order, with the embargo: a page's ids come from the index alone.
            models.Index(
                fields=["status", "-publish_at", "-id", "embargo_until"],
                name="articles_listing_idx",
            ),
            models.Index(
                fields=["section", "status", "-publish_at", "-id", "embargo_until"],
                name="articles_section_listing_idx",
            ),
            # The admin's list, every status, in the same order: whole and by section.
            models.Index(fields=["-publish_at", "-id"], name="articles_newest_idx"),
            models.Index(
                fields=["section", "-publish_at", "-id"], name="articles_section_newest_idx"
            ),
            # The page cache asks for the next embargo to end (caching.next_publication).
            models.Index(
                fields=["embargo_until"],
                name="articles_embargo_idx",
                condition=Q(embargo_until__isnull=False),
            ),
            # Whether articles found by id (a tag's, an author's) are public, from the index
            # alone: counting a tag's articles reads no article row.
            models.Index(
                fields=["id", "status", "publish_at", "embargo_until"],
                name="articles_public_by_id_idx",
            ),
            # What changed after a moment (the API's ?since=, ninjs.changed_since_q): one index
            # per time that makes a new version, the embargo's and publish_at's above.
            models.Index(fields=["updated_at"], name="articles_updated_at_idx"),
            models.Index(
                fields=["revised_at"],
                name="articles_revised_at_idx",
                condition=Q(revised_at__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["publish_date", "slug"], name="articles_article_unique_slug_per_day"
            ),
            models.UniqueConstraint(
                fields=["source"],
                condition=~Q(source=""),
                name="articles_article_unique_source",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, by=None, **kwargs):
        """The one write of an article, whoever makes it (the form, an action, a restore, an
        import): it claims the next version, refusing with ``EditConflict`` if the version this
        instance was read at is no longer the saved one (someone saved since), and records a
        change of status by ``by`` in the status history."""
        self.normalize()
        if self.pk is not None:
            self.claim_next_version()
        self.edit_version += 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "publish_date", "edit_version"}
        super().save(*args, **kwargs)
        self._keep_old_address()
        previous, self._loaded_status = getattr(self, "_loaded_status", None), self.status
        Transition.record(self, previous, by=by)
        if (previous == self.Status.WITHDRAWN) != (self.status == self.Status.WITHDRAWN):
            transaction.on_commit(
                partial(pictures_follow_status, self.pk), using=kwargs.get("using")
            )

    def get_absolute_url(self):
        if self.publish_date is None:
            return reverse("articles:article_preview", kwargs={"pk": self.pk})
        return article_path(self.publish_date, self.slug)

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._saved_address = (
            article.__dict__.get("publish_date"),
            article.__dict__.get("slug"),
        )
        article._loaded_status = article.__dict__.get("status")
        return article

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using, fields, from_queryset)
        if fields is None or "status" in fields:
            self._loaded_status = self.status
        if fields is None or {"publish_date", "slug"} <= set(fields):
            self._saved_address = (self.publish_date, self.slug)

    def claim_next_version(self):
        """Move the saved version from this instance's to the next, or raise ``EditConflict``:
        one compare-and-set, so two writers who read the same version cannot both save."""
        saved = Article.objects.filter(pk=self.pk)
        if saved.filter(edit_version=self.edit_version).update(edit_version=F("edit_version") + 1):
            return
        current = saved.values_list("edit_version", flat=True).first()
        if current is not None:
            raise EditConflict(self, current)

    def _keep_old_address(self):
        """After a change of slug or date, the old address redirects here (see the view)."""
        old_date, old_slug = getattr(self, "_saved_address", (None, None))
        self._saved_address = (self.publish_date, self.slug)
        if old_date is None or (old_date, old_slug) == self._saved_address:
            return
        ArticleRedirect.objects.filter(old_path=self.get_absolute_url()).delete()
        ArticleRedirect.objects.update_or_create(
            old_path=article_path(old_date, old_slug), defaults={"article": self}
        )

    def normalize(self):
        """Clean and derive the row's own fields. ``save()`` calls it; bulk writers must too."""
        self.headline = strip_control_characters(self.headline).strip()
        self.dek = strip_control_characters(self.dek).strip()
        self.body = sanitize_html(self.body)
        self.language = languages.language_tag(self.language)
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            self.publish_at = timezone.now()
        self.publish_date = self.local_publish_at.date() if self.publish_at else None

    def content_language(self):
        """The language of the text as a BCP 47 tag: its own, else the site's."""
        return self.language or languages.site_language()

    @property
    def local_publish_at(self):
        """``publish_at`` in the newsroom's time zone, which dates the article's address."""
        return timezone.localtime(self.publish_at, timezone.get_default_timezone())

    def is_published(self):
        """The same rule as ``ArticleQuerySet.published()``, for one article in memory."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= now
            and (self.embargo_until is None or self.embargo_until <= now)
        )

    is_published.boolean = True

    def state(self):
        """The article's ``Article.State``, by the rule of ``state_q()``."""
        if self.status != self.Status.PUBLISHED:
            return self.State(self.status)
        now = timezone.now()
        if self.embargo_until is not None and self.embargo_until > now:
            return self.State.EMBARGOED
        if self.publish_at is not None and self.publish_at > now:
            return self.State.SCHEDULED
        return self.State.LIVE

    def changed_since_import(self):
        """Saved here (the admin, an action, a restore) since an import last wrote it."""
        return self.edit_version != self.imported_version

    def is_scheduled(self):
        return self.state() == self.State.SCHEDULED

    def load_details(self):
        """Fetch what the article page shows beyond the row, if not yet fetched: the page does
        so only when its cached story has to be rendered again. Tags, captions and byline
        fetched with the row (``with_embedded()``) cost no query; related links (and
        corrections, if any) are prefetched."""
        lookups = detail_lookups() if self.embedded is None else [related_links_lookup()]
        prefetch_related_objects([self], *lookups)
        if self.revised_at:  # corrections exist: one more query
            prefetch_related_objects([self], "corrections")

    @cached_property
    def embedded(self):
        """The tags, captions and byline fetched with the row (``with_embedded()``), as objects;
        None when the row was fetched without them."""
        if not hasattr(self, "embedded_tags"):
            return None
        return {
            "tags": embedded.objects(Tag, self.embedded_tags),
            "captions": embedded.objects(Caption, self.embedded_captions),
            "bylines": embedded.byline_objects(Byline, Author, self.embedded_bylines),
        }

    @property
    def tag_list(self):
        """The tags, from the row (``with_embedded()``) or the prefetch (``for_listing()``)."""
        return self.embedded["tags"] if self.embedded is not None else list(self.tags.all())

    @property
    def caption_list(self):
        """The captions in order, as ``tag_list``."""
        if self.embedded is not None:
            return self.embedded["captions"]
        return list(self.captions.all())

    def word_count(self):
        return len(strip_tags(self.body).split())

    def reading_minutes(self):
        """Minutes to read the body at an adult's pace, at least one."""
        return max(1, math.ceil(self.word_count() / WORDS_PER_MINUTE))

    def goes_live_at(self):
        """When a published but not yet public article becomes public (publication time or
        embargo, whichever is later); None otherwise."""
        if self.status != self.Status.PUBLISHED or self.publish_at is None:
            return None
        live = max(filter(None, [self.publish_at, self.embargo_until]))
        return live if live > timezone.now() else None

    def note_revision(self):
        """Set ``revised_at`` from the corrections, and count a new version: a correction
        added or removed anywhere (not only through the article's form) changes what readers
        and syndication partners get (``ninjs.version_time()``)."""
        self.revised_at = self.corrections.aggregate(latest=Max("published_at"))["latest"]
        self.updated_at = timezone.now()
        Article.objects.filter(pk=self.pk).update(
            revised_at=self.revised_at,
            updated_at=self.updated_at,
            edit_version=F("edit_version") + 1,
        )
        self.refresh_from_db(fields=["edit_version"])

    def publish(self, *, at=None, by=None):
        """Make the article public at ``at`` (default: the time already set, or now)."""
        self.publish_at = at or self.publish_at or timezone.now()
        self.move_to(self.Status.PUBLISHED, by=by)

    def publish_now(self, *, by=None):
        """Make the article public now: a publication time still to come becomes now. An
        embargo still holds (``goes_live_at()`` says until when)."""
        now = timezone.now()
        self.publish(at=min(self.publish_at or now, now), by=by)

    def unpublish(self, *, by=None):
        self.move_to(self.Status.UNPUBLISHED, by=by)

    def withdraw(self, *, by=None):
        """Take the article down for legal reasons: its address answers 410 Gone, and its
        pictures leave public media. Only ``reinstate()`` brings it back."""
        self.move_to(self.Status.WITHDRAWN, by=by)

    def reinstate(self, *, by=None):
        """Bring a withdrawn article back to the public, at its address and time, with its
        pictures; the pre-publish checks apply."""
        if self.status != self.Status.WITHDRAWN:
            raise ValueError(f"“{self}” is not withdrawn.")
        self.publish_at = self.publish_at or timezone.now()
        self.change_status(self.Status.PUBLISHED, by=by)

    def submit_for_review(self, *, by=None):
        self.move_to(self.Status.IN_REVIEW, by=by)

    def move_to(self, status, *, by=None):
        """Save the article in ``status`` (history records who moved it): a withdrawn
        article moves only by ``reinstate()``."""
        if self.status == self.Status.WITHDRAWN and status != self.Status.WITHDRAWN:
            raise WithdrawnArticle(
                f"“{self}” is withdrawn (legal): only reinstating it brings it back."
            )
        self.change_status(status, by=by)

    def change_status(self, status, *, by=None):
        """Save the article in ``status``; making it public needs the pre-publish checks
        (``ArticleNotReady`` names what it lacks)."""
        if status == self.Status.PUBLISHED and (missing := missing_for_publication(self)):
            raise ArticleNotReady(self, missing)
        self.status = status
        self.save(update_fields=["status", "publish_at", "updated_at"], by=by)

    def share_link(self):
        """A preview address for people without an account; it expires (setting
        ``ARTICLES_PREVIEW_MAX_AGE``) and dies with ``revoke_share_links()``."""
        signature = PREVIEW_SIGNER.sign(f"{self.pk}.{self.preview_token}")
        return reverse("articles:article_shared_preview", kwargs={"signature": signature})

    def revoke_share_links(self):
        self.preview_token = new_preview_token()
        self.save(update_fields=["preview_token"])

    def is_owned_by(self, user):
        """Created by ``user``, or bylined to the author profile linked to ``user``."""
        return self.created_by_id == user.pk or self.bylines.filter(author__user=user).exists()

    @property
    def byline_list(self):
        """The byline in order, with the authors, as ``tag_list``."""
        if self.embedded is not None:
            return self.embedded["bylines"]
        return list(self.bylines.all())

    @property
    def byline_authors(self):
        """The byline's authors (role author), in order: the creators that feeds and
        structured data name. The others (a photographer, additional reporting) contribute."""
        return [byline for byline in self.byline_list if byline.is_author]

    @property
    def byline_contributors(self):
        return [byline for byline in self.byline_list if not byline.is_author]

    @property
    def visible_related_links(self):
        """Related links a reader may see: none that would reveal an article that is not public."""
        return [link for link in self.related_links.all() if link.display_title]

    @property
    def lead_caption(self):
        """The first caption, which is the lead image of the article (or None)."""
        captions = self.caption_list
        return captions[0] if captions else None


class EditConflict(Exception):
    """An article was saved from a version that is no longer the saved one: saving it would
    silently undo the change made since."""

    def __init__(self, article, current_version):
        self.article, self.current_version = article, current_version
        super().__init__(
            f"Article {article.pk} was read at version {article.edit_version} and is now at "
            f"version {current_version}: it was changed since."
        )


class ArticleNotReady(Exception):
    """An article lacks what the pre-publish checks ask for (``missing``, phrases)."""

    def __init__(self, article, missing):
        self.article, self.missing = article, missing
        super().__init__(f"“{article}” needs {', '.join(missing)}.")


class WithdrawnArticle(Exception):
    """A move out of the withdrawn (legal) status other than ``Article.reinstate()``."""


def pictures_follow_status(article_id):
    """Move an article's pictures out of public media on a withdrawal, back on reinstatement
    (as its status is when this runs: two quick moves may run in either order)."""
    from . import takedown  # takedown moves the files of captions: it imports this module

    takedown.sync_pictures(article_id)


class ArticleRedirect(models.Model):
    """An address an article had before its slug or date changed; it answers 301 forever."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    old_path = models.CharField(max_length=300, unique=True)

    def __str__(self):
        return f"{self.old_path} → {self.article}"


class Correction(models.Model):
    """A dated, typed note of a substantive change, shown with the article."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"
        EDITORS_NOTE = "editors_note", "Editor's note"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=14, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(help_text="What was wrong or what changed, in a sentence or two.")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["published_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.published_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.article.note_revision()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.article.note_revision()
        return result


class Transition(models.Model):
    """A change of an article's status: who made it, when, from which status to which."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=12, choices=Article.Status, blank=True)
    to_status = models.CharField(max_length=12, choices=Article.Status)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        get_latest_by = "at"

    def __str__(self):
        before = self.get_from_status_display() or "new"
        return f"{before} → {self.get_to_status_display()}"

    @classmethod
    def latest_withdrawals(cls, articles):
        """{article id: its latest move to withdrawn (with its user)} of ``articles``."""
        moves = cls.objects.filter(article__in=articles, to_status=Article.Status.WITHDRAWN)
        return {move.article_id: move for move in moves.select_related("user").order_by("at")}

    @classmethod
    def record(cls, article, previous, *, by=None):
        """Record ``article``'s move from ``previous`` to its current status, if it moved."""
        if previous != article.status:
            cls.objects.create(
                article=article, user=by, from_status=previous or "", to_status=article.status
            )


class Byline(models.Model):
    """One author's place in an article's byline."""

    class Role(models.TextChoices):
        AUTHOR = "author", "Author"
        ADDITIONAL_REPORTING = "additional", "Additional reporting"
        PHOTOGRAPHER = "photographer", "Photographer"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    role = models.CharField(max_length=12, choices=Role, default=Role.AUTHOR)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author", "role"], name="articles_byline_unique_author_role"
            )
        ]
        # An author's articles from the index alone (the author page).
        indexes = [models.Index(fields=["author", "article"], name="articles_byline_author_idx")]

    def __str__(self):
        if self.is_author:
            return self.author.name
        return f"{self.author.name} ({self.get_role_display().lower()})"

    @property
    def is_author(self):
        return self.role == self.Role.AUTHOR


class Caption(models.Model):
    """A captioned image; the first one (lowest order) is the article's lead image.

    Saving a new image or focal point makes its renditions (``articles.images``): sizes and
    crops described in ``renditions``, so that pages, feeds and structured data show them
    without a query; the files of the ones they replace are deleted once the change commits.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="captions")
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
        self.text = strip_control_characters(self.text).strip()
        self.credit = strip_control_characters(self.credit).strip()
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


@receiver(post_delete, sender=Caption)
def delete_caption_renditions(instance, using, **kwargs):
    """A deleted caption's renditions go once the deletion commits. Its uploaded image stays:
    a revision may bring the caption back (and ``remake_restored_renditions()`` with it)."""
    if names := images.file_names(instance.renditions):
        transaction.on_commit(partial(images.delete_files, names), using=using)


@receiver(post_save, sender=Caption)
def remake_restored_renditions(instance, raw, using, **kwargs):
    """Reverting a revision (and ``loaddata``) writes captions raw, past ``save()``: make again
    renditions whose files were deleted since, or that were never made."""
    if raw and instance.image and not images.files_exist(instance.renditions):
        instance.renditions = {}
        instance.update_renditions()
        Caption.objects.using(using).filter(pk=instance.pk).update(renditions=instance.renditions)


class RelatedLink(models.Model):
    """A link to another story: an outside URL, an article of ours, or (imported) a bare title."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    title = models.CharField(max_length=255, blank=True)
    url = HttpURLField("URL", max_length=500, blank=True)
    target = models.ForeignKey(
        Article,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="An article of ours; used instead of the URL.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [http_url_constraint("url", "relatedlink")]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        """The title, else a public target's headline, else the URL; "" if none may be shown."""
        if self.title:
            return self.title
        if self.target is not None and self.target.is_published():
            return self.target.headline
        return self.url

    @property
    def href(self):
        """Where the link goes for readers: a public target article, the URL, or nowhere."""
        if self.target is not None and self.target.is_published():
            return self.target.get_absolute_url()
        return self.url or None

    @property
    def hreflang(self):
        """The language of the target article the link goes to, when it has one of its own."""
        if self.target is not None and self.target.is_published():
            return self.target.language
        return ""


class ImportRun(models.Model):
    """One run of ``import_articles``: when, how it was called, and what came of each file."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty if the run was interrupted."
    )
    command = models.TextField(help_text="The command line, as it was run.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The account the run acted as (--user); empty for an operator's run.",
    )
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    conflicts = models.PositiveIntegerField(
        default=0,
        help_text="Files not imported: their article was changed here since its last import.",
    )

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"Import #{self.pk} of {self.started_at:%Y-%m-%d %H:%M}"


class ImportedFile(models.Model):
    """The result of one file in an import run."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        UNCHANGED = "unchanged", "Unchanged"
        FAILED = "failed", "Failed"
        # Not imported: the article was changed here since its last import (see --overwrite).
        CONFLICT = "conflict", "Conflict"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(max_length=1000)
    checksum = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=10, choices=Action)
    error = models.TextField(blank=True)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )

    class Meta:
        ordering = ["run", "id"]

    def __str__(self):
        return f"{self.path}: {self.get_action_display().lower()}"


class SearchEntry(models.Model):
    """An article's text as search sees it: plain words, author names in byline order, tags.

    Written only by ``articles.search.reindex()``. The full-text index over these rows is
    database SQL from migration 0004 (an FTS5 table and triggers on SQLite, a generated
    ``document`` column on PostgreSQL): a migration that alters this table must keep it working.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    headline = models.TextField()
    dek = models.TextField(blank=True)
    authors = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self):
        return self.headline


# A revision of an article holds its byline, captions, links and tags, so restoring one brings
# them all back. Registered here, before the admin's VersionAdmin would register Article with its
# inlines only; the status history is not content, and a restore leaves it alone.
reversion.register(Correction)
reversion.register(Byline)
reversion.register(Caption)
reversion.register(RelatedLink)
reversion.register(TaggedArticle)
reversion.register(
    Article,
    follow=("bylines", "captions", "related_links", "corrections", "taggedarticle_set"),
)
