"""Search and social titles in the admin: the recommended lengths, inputs that count what they
hold as the editor types, and a preview of the article as a search result.

What pages show, and what each field falls back to, is decided by the article
(``Article.search_title``, ``share_title``, ``search_description``, ``social_picture``); this
module only helps editors write them. The counting and the preview are plain script
(``static/articles/seo-admin.js``, loaded from a file: the admin's Content Security Policy
allows no inline script or style); without it, the form works the same, its hints and
preview showing the article as saved.
"""

from django import forms
from django.contrib import admin
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html

from .. import conf
from ..links import configured_site_url
from ..models.social import SocialImage

# Recommended lengths, in characters: guidance for the hints, never a limit of the form.
# - Search title 60: Google shows titles in a box about 600 pixels wide, which holds some 50 to
#   60 characters (Moz's title tag guide; the "60/160" rule of SEO tools such as Yoast SEO).
# - Description 155: Google cuts descriptions at about 920 pixels, some 155 to 160 characters
#   on a desktop (the same guides; less on a phone).
# - Social title 70: Twitter's card markup documents titles of up to 70 characters (and
#   descriptions of up to 200, so the search limit above is the tighter one).
SEARCH_TITLE_LENGTH = 60
SOCIAL_TITLE_LENGTH = 70
DESCRIPTION_LENGTH = 155


class LengthHintMixin:
    """An input followed by how many characters it holds against ``recommended``; left empty,
    it names what is used instead (``fallbacks``: (field name, label) pairs, first filled
    wins), as the script keeps saying while the editor types."""

    class Media:
        css = {"all": ("articles/seo-admin.css",)}
        js = (forms.Script("articles/seo-admin.js", defer=True),)

    def __init__(self, *, recommended, fallbacks=(), attrs=None):
        super().__init__(attrs)
        self.recommended, self.fallbacks = recommended, fallbacks

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        hint_id = f"{widget_attrs['id']}_length"
        described_by = widget_attrs.get("aria-describedby", "")
        widget_attrs["aria-describedby"] = f"{described_by} {hint_id}".strip()
        context["hint"] = {
            "id": hint_id,
            "for": widget_attrs["id"],
            "recommended": self.recommended,
            "length": len((value or "").strip()),
            "fallback_ids": " ".join(f"id_{field}" for field, _ in self.fallbacks),
            "fallback_labels": "|".join(label for _, label in self.fallbacks),
            "fallback": " or ".join(label for _, label in self.fallbacks),
        }
        return context


class LengthHintInput(LengthHintMixin, forms.TextInput):
    template_name = "admin/articles/widgets/length_hint_input.html"


class LengthHintTextarea(LengthHintMixin, forms.Textarea):
    template_name = "admin/articles/widgets/length_hint_textarea.html"


def widgets():
    """The widgets of the article form's search and social fields."""
    return {
        "seo_title": LengthHintInput(
            recommended=SEARCH_TITLE_LENGTH,
            fallbacks=[("headline", "the headline")],
            attrs={"class": "vTextField"},
        ),
        "social_title": LengthHintInput(
            recommended=SOCIAL_TITLE_LENGTH,
            fallbacks=[("seo_title", "the search title"), ("headline", "the headline")],
            attrs={"class": "vTextField"},
        ),
        "seo_description": LengthHintTextarea(
            recommended=DESCRIPTION_LENGTH,
            fallbacks=[("dek", "the standfirst")],
            attrs={"class": "vLargeTextField", "rows": 3},
        ),
    }


def search_result(article):
    """The article as a search result lists it (title, address, description), as HTML that
    the script keeps up to date while the editor types."""
    site_url = configured_site_url()
    date = article.publish_date or timezone.localdate()
    return render_to_string(
        "admin/articles/article/search_preview.html",
        {
            "site_name": conf.get("ARTICLES_SITE_NAME"),
            "host": site_url.partition("://")[2],
            "date_parts": [f"{date:%Y}", f"{date:%m}", f"{date:%d}"],
            "article": article,
        },
    )


class SearchAndSocialAdmin:
    """The article admin's "Search and social" fieldset: the fields with their length hints,
    the search result preview, and the 16:9 crop that shared links show."""

    fieldset = (
        "Search and social",
        {
            "fields": (
                "seo_title",
                "seo_description",
                "search_preview",
                "social_title",
                ("social_image", "social_card"),
                "social_image_alt",
            ),
            "description": "All optional: left empty, search results and shared links use "
            "the headline, the standfirst and the lead picture.",
        },
    )
    readonly = ("search_preview", "social_card")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if widget := widgets().get(db_field.name):
            kwargs["widget"] = widget
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description="Search result preview")
    def search_preview(self, article):
        return search_result(article)

    @admin.display(description="Shared as")
    def social_card(self, article):
        """The 16:9 crop of the social image as saved: what shared links show."""
        picture = SocialImage(article.social_image_renditions, article.social_image_alt)
        crop = picture.rendition("16x9", fmt="webp", width=480) if article.social_image else None
        if crop is None:
            return "—"
        return format_html(
            '<img src="{}" alt="The 16:9 crop of the social image" width="192" height="108">',
            crop.url,
        )
