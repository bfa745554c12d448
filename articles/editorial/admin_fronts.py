"""The Fronts admin: the home page and each section, each with its slots in order (moved up and
down, or dragged, by ``static/articles/front-slots.js``)."""

from collections import Counter

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html

from ..admin import NamedDeleteFormSet, NamedInputs
from ..models import Front, FrontSlot

# More than a front's first page shows (ARTICLES_PAGINATE_BY) would never be seen.
MAX_SLOTS = 12


def repeated(values):
    """The values that stand more than once in ``values``."""
    return [value for value, count in Counter(values).items() if count > 1]


class FrontSlotFormSet(NamedDeleteFormSet):
    """The slots kept: each position and each article at most once on a front."""

    def clean(self):
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        errors = []
        positions = [row["position"] for row in kept if row.get("position")]
        for position in sorted(repeated(positions)):
            errors.append(
                forms.ValidationError(
                    "Two slots have position %(position)s: give each slot a place of its own.",
                    code="duplicate_position",
                    params={"position": position},
                )
            )
        articles = [row["article"] for row in kept if row.get("article")]
        for article in repeated(articles):
            errors.append(
                forms.ValidationError(
                    "“%(article)s” is in two slots: an article takes one place on a front.",
                    code="duplicate_article",
                    params={"article": article},
                )
            )
        if errors:
            raise forms.ValidationError(errors)


class FrontSlotInline(NamedInputs, admin.TabularInline):
    model = FrontSlot
    formset = FrontSlotFormSet
    fields = ("position", "article", "pinned_until", "shown")
    readonly_fields = ("shown",)
    autocomplete_fields = ("article",)
    extra = 1
    max_num = MAX_SLOTS
    classes = ("front-slots",)
    verbose_name = "slot"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """The article is chosen, not written or edited, from a slot."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "article":
            formfield.widget.can_add_related = formfield.widget.can_change_related = False
        return formfield

    @admin.display(description="On the page now")
    def shown(self, slot):
        """Whether readers see the slot's article, and why not."""
        if slot.pk is None:
            return "—"
        if slot.holds():
            return "Yes"
        if not slot.pin_holds():
            return "No: the pin has ended"
        return f"No: the article is {slot.article.state().label.lower()}"


@admin.register(Front)
class FrontAdmin(admin.ModelAdmin):
    """One front per place, made when the list is opened: never added or deleted here."""

    list_display = ("__str__", "slot_count", "page")
    list_select_related = ("section",)
    fieldsets = (
        (
            None,
            {
                "fields": ("page",),
                "description": "Position 1 is the page's lead story, the next ones its top "
                "stories. Each slot shows its article while the article is public and the pin "
                "holds; the newest articles fill every other place. Move a slot with its arrow "
                "buttons, or drag it by its handle; saving shows the new order to readers at "
                "once.",
            },
        ),
    )
    readonly_fields = ("page",)
    inlines = (FrontSlotInline,)

    class Media:
        js = ("articles/front-slots.js",)
        css = {"all": ("articles/front-slots.css",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(slot_count=Count("slots"))

    def changelist_view(self, request, extra_context=None):
        Front.objects.create_missing()
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Slots", ordering="slot_count")
    def slot_count(self, front):
        return front.slot_count

    @admin.display(description="Page")
    def page(self, front):
        url = front.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)
