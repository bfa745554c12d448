"""The picture library in the admin, and the caption inline's form that uses it.

A picture is uploaded once (``PictureAdmin``) with its credit, alt text, caption and a focal
point chosen by clicking on its preview (``FocalPointWidget``, a small script with the arrow
keys and the two number fields as keyboard alternatives); its renditions are made as it is
saved, or by a background task for a large picture. The list is searched by caption, credit
and alt text and drilled down by upload date, and each picture lists the articles that show
it. A picture in use cannot be deleted: the confirmation page lists the articles instead
(``PROTECT``).

A caption of an article either chooses a picture of the library (an autocomplete) or uploads
a new one from the inline (``CaptionForm``), which then joins the library.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

from ..models import Caption, Picture
from ..models.validation import IMAGE_VALIDATORS

# The fields a caption form takes over to make a new picture, or to correct the one it shows.
PICTURE_FIELDS = ("credit", "alt_text", "focal_x", "focal_y")


def thumbnail(image, *, size=80):
    """An <img> preview of an uploaded image, or an empty string."""
    if not image:
        return ""
    return format_html('<img src="{}" alt="" width="{}">', image.url, size)


def crops(picture):
    """The 16:9, 4:3 and 1:1 crops as saved, so the editor sees what the focal point does."""
    return format_html_join(
        " ",
        '<img src="{}" alt="{} crop" width="{}" height="{}">',
        (
            (crop.url, ratio.replace("x", ":"), 96, round(96 * crop.height / crop.width))
            for ratio in ("16x9", "4x3", "1x1")
            if (crop := picture.rendition(ratio, fmt="webp", width=480))
        ),
    )


def focal_field(name):
    """A focal point field of a caption form: left out of a form (older clients), the
    picture's value is kept."""
    field = Picture._meta.get_field(name)
    return forms.FloatField(
        label=capfirst(field.verbose_name),
        min_value=0,
        max_value=1,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
        help_text=field.help_text,
    )


class FocalPointWidget(forms.ClearableFileInput):
    """The image input, below a preview on which a click (or the arrow keys, once it has the
    focus) sets the focal point fields ``focal_x`` and ``focal_y`` of the same form."""

    template_name = "admin/articles/picture/focal_point_widget.html"

    class Media:
        js = ("articles/admin/focal-point.js",)
        css = {"all": ("articles/admin/focal-point.css",)}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["preview_url"] = value.url if value and hasattr(value, "url") else ""
        return context


class PictureForm(forms.ModelForm):
    class Meta:
        model = Picture
        fields = ("image", "focal_x", "focal_y", "caption", "credit", "alt_text")
        widgets = {
            "image": FocalPointWidget,
            "caption": forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].required = self.instance.pk is None
        for name in ("focal_x", "focal_y"):
            self.fields[name].widget = forms.NumberInput(
                attrs={"step": "0.01", "min": "0", "max": "1", "data-focal": name}
            )


class UsageListFilter(admin.SimpleListFilter):
    title = "use"
    parameter_name = "use"

    def lookups(self, request, model_admin):
        return [("used", "In an article"), ("unused", "In no article"), ("file", "Awaiting file")]

    def queryset(self, request, queryset):
        if self.value() == "used":
            return queryset.filter(pk__in=Caption.objects.values("picture"))
        if self.value() == "unused":
            return queryset.exclude(pk__in=Caption.objects.values("picture"))
        if self.value() == "file":
            return queryset.filter(image="").exclude(renditions__has_key="hidden")
        return queryset


@admin.register(Picture)
class PictureAdmin(admin.ModelAdmin):
    form = PictureForm
    list_display = ("preview", "__str__", "credit", "uploaded_at", "article_count")
    list_display_links = ("__str__",)
    search_fields = ("caption", "credit", "alt_text")
    date_hierarchy = "uploaded_at"
    list_filter = (UsageListFilter,)
    list_per_page = 50
    ordering = ("-uploaded_at", "-id")
    fieldsets = (
        (None, {"fields": ("image", ("focal_x", "focal_y"), "crops")}),
        ("Words", {"fields": ("caption", "credit", "alt_text")}),
        ("Where it is used", {"fields": ("used_in", "uploaded_at", "uploaded_by")}),
    )
    readonly_fields = ("crops", "used_in", "uploaded_at", "uploaded_by")
    delete_confirmation_template = "admin/articles/picture/delete_confirmation.html"
    delete_selected_confirmation_template = (
        "admin/articles/picture/delete_selected_confirmation.html"
    )

    def get_queryset(self, request):
        # The list counts each picture's articles in its own query: not a query per row.
        return (
            super()
            .get_queryset(request)
            .annotate(article_total=Count("captions__article", distinct=True))
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Preview")
    def preview(self, picture):
        return thumbnail(picture.image) or "Awaiting its file"

    @admin.display(description="Articles (captions)", ordering="article_total")
    def article_count(self, picture):
        return picture.article_total

    @admin.display(description="Crops around the focal point")
    def crops(self, picture):
        if picture.renders_later():
            return "Being made in the background (a large picture): reload in a moment."
        return crops(picture)

    @admin.display(description="Used in")
    def used_in(self, picture):
        """Links to the articles whose captions show the picture."""
        if picture.pk is None:
            return "—"
        return article_links(picture.articles().order_by("headline")) or "No article"

    def get_deleted_objects(self, objs, request):
        """A picture in use is protected: the page lists the articles that show it (links to
        them), rather than their captions."""
        deleted, counts, permissions, protected = super().get_deleted_objects(objs, request)
        used = {article for picture in objs for article in picture.articles()}
        if protected or used:  # a body's picture is protected too, though no key says so
            protected = [
                format_html('<a href="{}">{}</a>', article_url(article), article.headline)
                for article in sorted(used, key=lambda article: article.headline)
            ]
        return deleted, counts, permissions, protected


def article_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def article_links(articles):
    return format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        ((article_url(article), article.headline) for article in articles),
    )


class CaptionForm(forms.ModelForm):
    """A caption: a picture chosen from the library, or a new picture uploaded here (which
    joins the library), with the caption of this use. The credit, alt text and focal point
    below are the picture's: changed here, they change everywhere it is used."""

    image = forms.ImageField(
        label="Upload a new picture",
        required=False,
        validators=IMAGE_VALIDATORS,
        help_text="Instead of choosing one: it joins the library.",
    )
    credit = forms.CharField(max_length=255, required=False, help_text="e.g. Reuters/Jane Doe")
    alt_text = forms.CharField(
        max_length=255,
        required=False,
        help_text="What the image shows, for readers who cannot see it.",
    )
    focal_x = focal_field("focal_x")
    focal_y = focal_field("focal_y")

    class Meta:
        model = Caption
        fields = ("order", "picture", "text")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["picture"].required = False
        self.fields[
            "picture"
        ].help_text = "Search the library by caption or credit; or upload a new picture below."
        if self.instance.picture_id:
            for name in PICTURE_FIELDS:
                self.initial.setdefault(name, getattr(self.instance.picture, name))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("image") and cleaned.get("picture") and "picture" in self.changed_data:
            raise forms.ValidationError(
                "Choose a picture of the library or upload a new one, not both."
            )
        if not self.errors:
            cleaned["shown_picture"] = self.shown_picture(cleaned)
        return cleaned

    def shown_picture(self, cleaned):
        """The picture this caption will show, as the form has it: a new one (unsaved) for an
        upload, or for a caption without a picture (its file to come, as an import's)."""
        if cleaned.get("image") or not cleaned.get("picture"):
            return Picture(
                image=cleaned.get("image") or "",
                caption=cleaned.get("text", ""),
                uploaded_by=getattr(self, "uploaded_by", None),
                **{
                    name: value
                    for name in PICTURE_FIELDS
                    if (value := cleaned.get(name)) not in (None, "")
                },
            )
        picture = cleaned["picture"]
        if "picture" not in self.changed_data:
            for name in PICTURE_FIELDS:
                if name in self.changed_data and cleaned.get(name) is not None:
                    setattr(picture, name, cleaned[name])
        return picture

    def save(self, commit=True):
        picture = self.cleaned_data["shown_picture"]
        if picture.pk is None or {*PICTURE_FIELDS} & set(self.changed_data):
            picture.save()
        self.instance.picture = picture
        return super().save(commit)
