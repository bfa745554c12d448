"""Load the demo site: sections, authors and articles from articles/demo/, and an editor account.

    python manage.py load_demo

The articles are scraped-text files imported through the same parser and loader as
``import_articles``; manifest.json adds what the text format does not carry (section, tags,
standfirst, publication time). Lead captions get a generated picture (its focal point on the
picture's sun), and with it the renditions that pages show.
Running it again changes nothing but the editor's password, which it prints.
"""

import io
import json
import secrets
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from articles.importers.files import checksum
from articles.importers.loader import author_named, load_article
from articles.importers.parser import parse_article
from articles.models import Article, Section

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
EDITOR_USERNAME = "editor"
PICTURE_SIZE = (1600, 900)


class Command(BaseCommand):
    help = "Load demo sections, authors and articles, and print a demo editor login."

    def handle(self, **options):
        manifest = json.loads((DEMO_DIR / "manifest.json").read_text(encoding="utf-8"))
        with transaction.atomic():
            sections = self._sections(manifest["sections"])
            self._authors(manifest["authors"])
            created = sum(self._article(entry, sections) for entry in manifest["articles"])
        password = self._editor()
        self.stdout.write(
            self.style.SUCCESS(f"Demo content: {created} new of {len(manifest['articles'])}.")
        )
        self.stdout.write(
            f"Demo editor login at /admin/: username {EDITOR_USERNAME!r}, password {password!r}"
        )

    def _sections(self, entries):
        return {
            entry["slug"]: Section.objects.update_or_create(slug=entry["slug"], defaults=entry)[0]
            for entry in entries
        }

    def _authors(self, entries):
        for name, fields in entries.items():
            author = author_named(name)
            for field, value in fields.items():
                setattr(author, field, value)
            author.save()

    def _article(self, entry, sections):
        """Import one demo file; True if it was new."""
        data = (DEMO_DIR / entry["file"]).read_bytes()
        result = load_article(
            # With its standfirst: the loader keeps an article that lacks one as a draft.
            replace(parse_article(data), dek=entry["dek"]),
            source=f"demo:{entry['file']}",
            checksum=checksum(data),
            status=Article.Status.PUBLISHED,
            section=sections[entry["section"]],
            tags=entry["tags"],
        )
        if result.action != "created":
            return False
        article = result.article
        article.publish_at = timezone.now() - timedelta(hours=entry["hours_ago"])
        article.save()
        lead = article.lead_caption
        if lead is not None and not lead.picture.image:
            photo = lead.picture
            photo.alt_text = entry.get("alt_text", "")
            # Django reads no dimensions from a ContentFile it has just written: set them here.
            photo.image.save(f"{article.slug[:60]}.jpg", ContentFile(picture(article.pk)), False)
            photo.image_width, photo.image_height = PICTURE_SIZE
            photo.focal_x, photo.focal_y = sun_position(article.pk)
            photo.save()
        return True

    def _editor(self):
        """The demo editor account, with a new random password each run (returned)."""
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=EDITOR_USERNAME)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        return password


def sun_position(seed):
    """Where the sun of the picture of ``seed`` is, as fractions of its width and height."""
    return (round(0.12 + 0.19 * (seed % 5), 2), 0.25)


def picture(seed, size=PICTURE_SIZE):
    """A JPEG of soft coloured bands under a sun: a stand-in photo that differs per article."""
    palette = [(31, 58, 96), (196, 98, 45), (58, 110, 92), (120, 72, 128), (178, 148, 64)]
    base = palette[seed % len(palette)]
    image = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(image)
    width, height = size
    for band in range(12):
        shade = tuple(min(255, channel + band * 9) for channel in base)
        top = height * band // 12
        draw.polygon([(0, top), (width, top - height // 6), (width, height), (0, height)], shade)
    sun_x, sun_y = sun_position(seed)
    draw.circle((sun_x * width, sun_y * height), height // 8, (250, 214, 120))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()
