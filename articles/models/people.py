"""Authors, and their place in an article's byline."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse

from ..fields import GeneratedName, HttpURLField
from .states import published_q
from .validation import IMAGE_VALIDATORS, http_url_constraint


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


class Byline(models.Model):
    """One author's place in an article's byline."""

    class Role(models.TextChoices):
        AUTHOR = "author", "Author"
        ADDITIONAL_REPORTING = "additional", "Additional reporting"
        PHOTOGRAPHER = "photographer", "Photographer"

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="bylines")
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
