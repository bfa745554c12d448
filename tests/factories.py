"""Plain helpers that make saved model instances with sensible defaults."""

import io
import itertools
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Author, Byline, Caption, RelatedLink, Section

_numbers = itertools.count(1)


def now():
    return timezone.now()


def yesterday():
    return timezone.now() - timedelta(days=1)


def tomorrow():
    return timezone.now() + timedelta(days=1)


def make_section(**overrides):
    number = next(_numbers)
    fields = {"name": f"Section {number}", "slug": f"section-{number}"} | overrides
    return Section.objects.create(**fields)


def make_author(**overrides):
    number = next(_numbers)
    fields = {"name": f"Author {number}", "slug": f"author-{number}"} | overrides
    return Author.objects.create(**fields)


def make_article(*, authors=(), tags=(), **overrides):
    """A published article from yesterday, unless ``status``/``publish_at`` say otherwise."""
    number = next(_numbers)
    fields = {
        "headline": f"Headline {number}",
        "slug": f"headline-{number}",
        "dek": f"Standfirst {number}.",
        "body": f"<p>Body of article {number}.</p>",
        "status": Article.Status.PUBLISHED,
        "publish_at": yesterday(),
    } | overrides
    article = Article.objects.create(**fields)
    for order, author in enumerate(authors):
        Byline.objects.create(article=article, author=author, order=order)
    if tags:
        article.tags.add(*tags)
    return article


def make_caption(article, **overrides):
    fields = {"text": "A caption.", "credit": "Agency/Photographer"} | overrides
    return Caption.objects.create(article=article, **fields)


def make_related_link(article, **overrides):
    fields = {"title": "Another story", "url": "https://example.com/story"} | overrides
    return RelatedLink.objects.create(article=article, **fields)


def image_file(name="photo.jpg", size=(64, 48), format="JPEG"):
    """An uploadable image made with Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{format.lower()}")


def make_ready_article(**overrides):
    """An article with all that publishing asks for: headline, author, section, standfirst."""
    fields = {"section": make_section(), "authors": [make_author()]} | overrides
    return make_article(**fields)
