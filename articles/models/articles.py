"""Articles, the sections that file them, their tags and related links.

What "published" means is defined once (``models/states.py``), asked through
``ArticleQuerySet.published()`` by every public view, feed and sitemap.
"""

import math
import secrets
from functools import cached_property, partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
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
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from .. import embedded, images, languages
from ..editorial.publishing import missing_for_publication
from ..fields import GeneratedName, HttpURLField
from ..sanitizer import EDITOR_EXTENSIONS, sanitize_html, strip_control_characters
from .media import Caption, Picture
from .people import Author, Byline
from .review import ReviewNote
from .social import SocialImage, refresh_renditions
from .states import State, Status, published_q, state_q
from .validation import IMAGE_VALIDATORS, http_url_constraint
from .workflow import Transition

PREVIEW_SIGNER = signing.TimestampSigner(salt="articles.preview")
WORDS_PER_MINUTE = 230
RELATED_CANDIDATES = 200


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

    def on_front(self, section=None):
        """Public articles pinned on the front of ``section`` (the home page's: None), by
        position, each with its ``front_position``. Asked of ``published()`` on every read, so
        an article that stops being public leaves its slot at once; an expired pin is ignored,
        and an article is there at most once (at its first slot)."""
        from .fronts import FrontSlot  # fronts.py imports this module (Section)

        slots = FrontSlot.objects.pinned().on_front_of(section)
        position = slots.filter(article=OuterRef("pk")).order_by("position").values("position")
        return (
            self.published()
            .filter(pk__in=slots.values("article"))
            .annotate(front_position=Subquery(position[:1]))
            .order_by("front_position", "-publish_at")
        )

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

    def waiting_for(self, user):
        """Articles in review that name ``user`` as their reviewer, the longest waiting first."""
        return self.in_state(State.IN_REVIEW).filter(reviewer=user).order_by("updated_at", "pk")

    def returned_to(self, user):
        """Drafts that ``user`` owns and someone else last moved back from review, the most
        recently returned first; each with ``returned_at``, ``returned_by_id`` and the text
        of that person's latest review note on it (``return_note``, None without one)."""
        last_move = Transition.objects.filter(article=OuterRef("pk")).order_by("-at", "-id")
        notes = ReviewNote.objects.filter(article=OuterRef("pk"), author=OuterRef("returned_by_id"))
        return (
            self.owned_by(user)
            .in_state(State.DRAFT)
            .annotate(
                returned_from=Subquery(last_move.values("from_status")[:1]),
                returned_by_id=Subquery(last_move.values("user")[:1]),
                returned_at=Subquery(last_move.values("at")[:1]),
            )
            .filter(returned_from=Status.IN_REVIEW)
            .exclude(returned_by_id=user.pk)
            .annotate(return_note=Subquery(notes.order_by("-created_at", "-id").values("text")[:1]))
            .order_by("-returned_at", "-pk")
        )

    def with_embedded(self):
        """Articles with their section, and their tags, captions and byline as JSON in the
        same query, for ``Article.load_details()``."""
        return self.select_related("section").annotate(
            embedded_tags=embedded.tags(Article, TaggedArticle, Tag),
            embedded_captions=embedded.captions(Article, Caption, Picture),
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
    """The prefetches of a story card: byline with authors, captions with pictures, tags."""
    return [
        Prefetch("bylines", queryset=Byline.objects.select_related("author")),
        Prefetch("captions", queryset=Caption.objects.select_related("picture")),
        "tags",
    ]


def related_links_lookup():
    return Prefetch("related_links", queryset=RelatedLink.objects.select_related("target"))


def detail_lookups():
    """The prefetches of an article page: a card's, and related links with their targets."""
    return [*listing_lookups(), related_links_lookup()]


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
    Status = Status
    State = State

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
    seo_title = models.CharField(
        "search title",
        max_length=200,
        blank=True,
        help_text="The title of the page in search results, if it should differ from the "
        "headline; empty: the headline.",
    )
    social_title = models.CharField(
        max_length=200,
        blank=True,
        help_text="The title of the article when it is shared on social networks; empty: the "
        "search title, else the headline.",
    )
    seo_description = models.CharField(
        "search and social description",
        max_length=300,
        blank=True,
        help_text="One or two sentences under the title in search results and shared links; "
        "empty: the standfirst.",
    )
    social_image = models.ImageField(
        upload_to=GeneratedName("social"),
        blank=True,
        width_field="social_image_width",
        height_field="social_image_height",
        validators=IMAGE_VALIDATORS,
        help_text="The picture of shared links and search results, cropped to 16:9 around its "
        "middle; empty: the lead picture. At least 1200 pixels wide looks sharp everywhere.",
    )
    social_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    social_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    social_image_alt = models.CharField(
        "social image alt text",
        max_length=255,
        blank=True,
        help_text="What the social image shows, for readers who cannot see it.",
    )
    social_image_renditions = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="The sizes and crops made from the social image (see articles/images.py).",
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
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who is asked to review it (someone who may publish): while the article is "
        "in review, it waits on their dashboard.",
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
        update_fields = kwargs.get("update_fields")
        stale = []
        if update_fields is None or "social_image" in update_fields:
            stale = self.update_social_renditions()
        if update_fields is not None:
            derived = {"publish_date", "edit_version", "social_image_renditions"}
            kwargs["update_fields"] = {*update_fields, *derived}
        super().save(*args, **kwargs)
        if stale:
            transaction.on_commit(partial(images.delete_files, stale), using=kwargs.get("using"))
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

    def clean(self):
        if self.social_image and not self.social_image_alt.strip():
            raise ValidationError(
                {"social_image_alt": "Describe the social image for readers who cannot see it."},
                code="social_image_without_alt_text",
            )

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

    def update_social_renditions(self):
        """Make the renditions of the social image, unless they are made; returns the names
        of the files replaced, to delete once the save commits."""
        # Store a new upload now, as save() would, so that renditions are named after it.
        self._meta.get_field("social_image").pre_save(self, self.pk is None)
        self.social_image_renditions, stale = refresh_renditions(
            self.social_image.name or "", self.social_image_renditions
        )
        return stale

    def normalize(self):
        """Clean and derive the row's own fields. ``save()`` calls it; bulk writers must too."""
        self.headline = strip_control_characters(self.headline).strip()
        self.dek = strip_control_characters(self.dek).strip()
        for name in ("seo_title", "social_title", "seo_description", "social_image_alt"):
            setattr(self, name, strip_control_characters(getattr(self, name)).strip())
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

    def is_withdrawn(self):
        """Taken down: its address answers 410 Gone, its pictures are out of public media."""
        return self.status == self.Status.WITHDRAWN

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
            "captions": embedded.caption_objects(Caption, Picture, self.embedded_captions),
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

    def submit_for_review(self, *, by=None, reviewer=None):
        """Ask for a review: by ``reviewer`` if named, else by whoever was named before."""
        if reviewer is not None:
            self.reviewer = reviewer
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
        self.save(update_fields=["status", "publish_at", "updated_at", "reviewer"], by=by)

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

    # What search engines and social networks show of the article: each falls back to what
    # the article already has, so that the fields of "Search and social" are all optional.
    # The page's <title>, its meta tags, Open Graph, the Twitter card and JSON-LD ask these.

    @property
    def search_title(self):
        """The title of the page and of search results: the search title, else the headline."""
        return self.seo_title or self.headline

    @property
    def share_title(self):
        """The title of a shared link: the social title, else ``search_title``."""
        return self.social_title or self.search_title

    @property
    def search_description(self):
        """The description of search results and shared links: its own, else the standfirst."""
        return self.seo_description or self.dek

    @property
    def social_picture(self):
        """The picture of search results, shared links and structured data: the social image
        (once its renditions are made), else the lead caption's picture, else None. Either
        is a ``SocialImage``: its crops (``social_images()``), ``alt_text``, ``text`` and
        ``credit``."""
        if self.social_image and images.file_names(self.social_image_renditions):
            return SocialImage(self.social_image_renditions, self.social_image_alt)
        lead = self.lead_caption
        if lead is None or not lead.picture.image:
            return None
        picture = lead.picture
        return SocialImage(picture.renditions, picture.alt_text, lead.text, picture.credit)


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
    from ..editorial import takedown  # takedown moves the files of captions: it imports this module

    takedown.sync_pictures(article_id)


class ArticleRedirect(models.Model):
    """An address an article had before its slug or date changed; it answers 301 forever."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    old_path = models.CharField(max_length=300, unique=True)

    def __str__(self):
        return f"{self.old_path} → {self.article}"


class RelatedLink(models.Model):
    """A link to another story: an outside URL, an article of ours, or (imported) a bare title."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="related_links")
    title = models.CharField(max_length=255, blank=True)
    url = HttpURLField("URL", max_length=500, blank=True)
    target = models.ForeignKey(
        "Article",
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
