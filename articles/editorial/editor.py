"""The body's editor in the admin: django-prose-editor with two extensions of the app's own
(``static/articles/editor/story-media.js``), a picture of the library and an embed card placed
anywhere in the text, and the library search the picture's dialog asks.

What they write is what ``sanitizer.py`` keeps and ``body.py`` renders.
"""

import re

from django import forms
from django.db.models import Q
from django.http import JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django_prose_editor.widgets import AdminProseEditorWidget

from ..models import Picture

EDITOR_SCRIPT = "articles/editor/story-media.js"
EDITOR_STYLES = "articles/editor/story-media.css"
SEARCH_RESULTS = 24
THUMBNAIL_WIDTH = 480
PICTURE_ID = re.compile(r"[1-9][0-9]{0,17}")  # what a database integer holds


class StoryEditorWidget(AdminProseEditorWidget):
    """The admin's body editor, with pictures of the library and embed cards."""

    def get_config(self):
        config = super().get_config()
        return config | {
            "extensions": config["extensions"]
            | {
                "StoryPicture": {"searchUrl": reverse("admin:articles_article_pictures")},
                "EmbedCard": True,
            },
            "js_modules": [*config["js_modules"], static(EDITOR_SCRIPT)],
        }

    @property
    def media(self):
        return super().media + forms.Media(css={"all": [EDITOR_STYLES]})


def picture_search(request):
    """Pictures of the library as JSON for the editor's dialog: those whose caption or credit
    holds ``?q=`` (all without it), newest first, or the one of ``?id=``."""
    if not (
        request.user.has_perm("articles.add_article")
        or request.user.has_perm("articles.change_article")
    ):
        return JsonResponse({"error": "You may not edit articles."}, status=403)
    pictures = Picture.objects.all()
    if "id" in request.GET:
        value = request.GET["id"]
        pictures = pictures.filter(pk=value) if PICTURE_ID.fullmatch(value) else pictures.none()
    elif query := request.GET.get("q", "").strip():
        pictures = pictures.filter(Q(caption__icontains=query) | Q(credit__icontains=query))
    return JsonResponse({"results": [as_result(p) for p in pictures[:SEARCH_RESULTS]]})


def as_result(picture):
    thumbnail = picture.rendition(width=THUMBNAIL_WIDTH)
    return {
        "id": picture.pk,
        "caption": picture.caption,
        "credit": picture.credit,
        "alt_text": picture.alt_text,
        "thumbnail": thumbnail.url if thumbnail else (picture.image.url if picture.image else ""),
        "uploaded_at": picture.uploaded_at.isoformat(),
    }
