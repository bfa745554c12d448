"""The editors' admin: articles with their byline, captions and related links inline."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models
from django.db.models import Count, Prefetch
from django.forms.models import BaseInlineFormSet, model_to_dict
from django.http import Http404, JsonResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.html import format_html
from django.utils.text import capfirst
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import conf
from .editorial import revisions
from .editorial.changelist import (
    ArticlePaginator,
    AuthorListFilter,
    TagListFilter,
    is_autocomplete,
    row_checkbox,
)
from .editorial.editor import StoryEditorWidget, picture_search
from .editorial.import_admin import IMPORT_PERMISSION, ImportPageMixin
from .editorial.picture_admin import CaptionForm, thumbnail
from .editorial.picture_admin import crops as picture_crops
from .editorial.publishing import Facts, may_publish, missing, reviewers
from .editorial.seo import SearchAndSocialAdmin
from .models import (
    Article,
    ArticleNotReady,
    Author,
    Byline,
    Caption,
    Correction,
    ImportedFile,
    ImportRun,
    Presence,
    RelatedLink,
    ReviewNote,
    Section,
    Transition,
    WithdrawnArticle,
    person,
    presence_notice,
)
from .reader import search

# What a user without the publish permission may set and edit.
WRITER_STATUSES = (Article.Status.DRAFT, Article.Status.IN_REVIEW)

# Addresses typed without a scheme are taken as https (Django 6's default, opted into now).
HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


def name_inputs(widget, name):
    """Give the inputs of ``widget`` their field's name for screen readers (``aria-label``):
    the inputs of a tabular inline have column headings, not labels, and the date and time
    halves of a date-time field share one label."""
    widget = getattr(widget, "widget", widget)  # inside a RelatedFieldWidgetWrapper
    if isinstance(widget, forms.SplitDateTimeWidget):
        for part, half in zip(("date", "time"), widget.widgets, strict=True):
            half.attrs.setdefault("aria-label", f"{name}: {part}")
    else:
        widget.attrs.setdefault("aria-label", name)


class NamedDeleteFormSet(BaseInlineFormSet):
    """An inline formset whose "Delete" checkboxes say so to screen readers (a tabular
    inline shows the word only as a column heading)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = "Delete"


class PublicationChecks(NamedDeleteFormSet):
    """An inline's part of the pre-publish checks, asked on every save of an article that is
    (or is becoming) published: a public article cannot lose its last author, or gain a
    picture without alt text."""

    def facts(self, rows):
        """The ``Facts`` that ``rows`` (the cleaned data of the rows kept) hold."""
        raise NotImplementedError

    def clean(self):
        super().clean()
        if self.instance.status != Article.Status.PUBLISHED:
            return
        rows = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if needs := missing(self.facts(rows)):
            raise forms.ValidationError(
                "A published article needs %(needs)s.",
                code="not_ready",
                params={"needs": ", ".join(needs)},
            )


class BylineChecks(PublicationChecks):
    def facts(self, rows):
        return Facts(authors=sum(1 for row in rows if row.get("author")))


class CaptionChecks(PublicationChecks):
    def facts(self, rows):
        pictures = [row["shown_picture"] for row in rows if "shown_picture" in row]
        return Facts(
            pictures_without_alt_text=sum(1 for p in pictures if p.image and not p.alt_text)
        )


class NamedInputs:
    """An admin (or inline) whose every input carries its field's name (``name_inputs``)."""

    formset = NamedDeleteFormSet  # read by inlines only

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            name_inputs(formfield.widget, capfirst(db_field.verbose_name))
        return formfield


class BylineInline(NamedInputs, admin.TabularInline):
    model = Byline
    formset = BylineChecks
    extra = 1
    autocomplete_fields = ("author",)
    fields = ("order", "author", "role")
    verbose_name = "byline author"

    def get_queryset(self, request):
        # Each row is titled with its author's name: not a query per row.
        return super().get_queryset(request).select_related("author")


class CaptionInline(admin.StackedInline):
    """A picture of the library (chosen, or uploaded here) with the caption of this use."""

    model = Caption
    form = CaptionForm
    formset = CaptionChecks
    extra = 0
    autocomplete_fields = ("picture",)
    fields = (
        "order",
        ("picture", "preview"),
        "image",
        ("focal_x", "focal_y", "crops"),
        "text",
        ("credit", "alt_text"),
    )
    readonly_fields = ("preview", "crops")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("picture")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.uploaded_by = request.user  # a form class made for this request
        return formset

    @admin.display(description="Preview")
    def preview(self, caption):
        return thumbnail(caption.picture.image, size=160) if caption.picture_id else ""

    @admin.display(description="Crops around the focal point")
    def crops(self, caption):
        return picture_crops(caption.picture) if caption.picture_id else ""


class RelatedLinkInline(NamedInputs, admin.TabularInline):
    model = RelatedLink
    fk_name = "article"
    extra = 0
    fields = ("order", "title", "url", "target")
    formfield_overrides = HTTPS_URL_FIELDS
    autocomplete_fields = ("target",)


class OwnerListFilter(admin.SimpleListFilter):
    """Whose articles: a writer sees their own by default, an editor everyone's."""

    title = "owner"
    parameter_name = "owner"

    def lookups(self, request, model_admin):
        return [("mine", "My articles"), ("all", "Everyone's")]

    def value(self):
        if (value := super().value()) is not None:
            return value
        return "all" if may_publish(self.request.user) else "mine"

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.owned_by(request.user)
        return queryset


class StateListFilter(admin.SimpleListFilter):
    """The editorial state (``Article.State``): published split into live, scheduled and
    embargoed, as the list's column shows it."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Article.State.choices

    def queryset(self, request, queryset):
        if self.value() in Article.State.values:
            return queryset.in_state(self.value())
        return queryset


class CorrectionInline(NamedInputs, admin.StackedInline):
    """Corrections, clarifications and updates: each moves the article's "Updated" time."""

    model = Correction
    extra = 0
    fields = (("kind", "published_at"), "text")


class TransitionInline(admin.TabularInline):
    """The status history of an article: read-only."""

    model = Transition
    fields = ("at", "user", "from_status", "to_status")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "status history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReviewerChoiceField(forms.ModelChoiceField):
    """A reviewer, named as the desk names people (``person``)."""

    def label_from_instance(self, obj):
        return person(obj)


class ReviewNoteInline(admin.StackedInline):
    """The desk's notes on the article, each with its author and time: read by whoever may
    change the article, added with a save of the form, never edited or deleted."""

    model = ReviewNote
    fields = ("text",)
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}
    extra = 1
    template = "admin/articles/article/review_notes.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def may_change_article(self, request, obj=None):
        article_admin = self.admin_site.get_model_admin(self.parent_model)
        return article_admin.has_change_permission(request, obj)

    has_view_permission = has_add_permission = may_change_article

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ArticleActionForm(ActionForm):
    """The list's action bar, with what some actions need: a time, a section, a tag."""

    when = forms.SplitDateTimeField(
        required=False, label="Time", widget=AdminSplitDateTime, help_text="For Schedule."
    )
    section = forms.ModelChoiceField(Section.objects, required=False, label="Section")
    tag = forms.CharField(required=False, max_length=100, label="Tag")
    reviewer = ReviewerChoiceField(
        reviewers(), required=False, label="Reviewer", help_text="For Submit for review."
    )

    class Media:
        # The time's calendar and clock: the change form has their styles from forms.css, a
        # list without list_editable would have none (no icon to press, an unstyled calendar).
        css = {"all": ("admin/css/widgets.css",)}

    @classmethod
    def value(cls, request, name):
        """The cleaned value of one of the extra inputs, or None if missing or invalid."""
        form = cls(request.POST)
        field = form.fields[name]
        data = field.widget.value_from_datadict(request.POST, request.FILES, form.add_prefix(name))
        try:
            return field.clean(data) or None
        except forms.ValidationError:
            return None


class ArticleForm(forms.ModelForm):
    """The article form, which refuses to overwrite a save made since it was opened.

    A refused save keeps what the editor typed, says part by part what the other change did,
    and is opened anew at the version now saved: saving again, after merging, goes through.
    """

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    opened_digests = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        widgets = {
            "headline": forms.TextInput(attrs={"class": "vTextField headline-input"}),
            "dek": forms.Textarea(attrs={"class": "vLargeTextField", "rows": 3}),
            "body": StoryEditorWidget,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.edit_version
        if self.instance.pk is not None and not self.is_bound:  # a posted form brings its own
            self.fields["opened_digests"].initial = revisions.digests(
                revisions.parts_of(self.instance)
            )
        if self.instance.is_withdrawn() and "status" in self.fields:
            self.fields["status"].disabled = True
            self.fields[
                "status"
            ].help_text = (
                "Withdrawn for legal reasons: only “Reinstate” in the article list brings it back."
            )

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get("opened_version")
        if self.instance.pk is not None and opened is not None:
            current = Article.objects.select_for_update().filter(pk=self.instance.pk).first()
            if current is not None and current.edit_version != opened:
                self.refuse_stale(current)
            self.instance.edit_version = opened  # the version the save claims to follow
        if cleaned.get("status", self.instance.status) == Article.Status.PUBLISHED:
            self.check_publication(cleaned)
        return cleaned

    def refuse_stale(self, current):
        """Refuse the save and open the form again at ``current``, the version saved now.

        A three-way merge of the form's own fields: one that only the other change changed
        takes its saved value; one that both changed keeps the editor's, with the saved value
        named; the other change's byline, pictures, links and corrections are named."""
        parts = revisions.parts_of(current)
        opened = revisions.read_digests(self.cleaned_data.get("opened_digests"))
        typed = revisions.parts_typed(self.cleaned_data)
        saved_values = model_to_dict(current)
        self.data = self.data.copy()  # bound data is read-only
        taken, both, theirs = [], [], []
        for label, text in parts.items():
            if opened.get(label) == revisions.digest(text):
                continue  # not changed since the editor opened the form
            name = revisions.FORM_FIELDS.get(label)
            if name not in self.fields or self.fields[name].disabled:
                theirs.append(f"{label} is now “{text or '—'}”")
            elif revisions.digest(typed[label]) == opened.get(label):
                self.put(name, saved_values[name])
                taken.append(label)
            else:
                both.append(f"{label} (saved: “{text or '—'}”)")
        self.data[self.add_prefix("opened_version")] = current.edit_version
        self.data[self.add_prefix("opened_digests")] = revisions.digests(parts)
        news = [
            f"taken into the form, since you had not changed them: {', '.join(taken)}"
            if taken
            else "",
            f"changed by both of you, yours kept below: {'; '.join(both)}" if both else "",
            f"their other changes: {'; '.join(theirs)}" if theirs else "",
        ]
        raise forms.ValidationError(
            "Someone saved this article after you opened it (at %(when)s), so your changes "
            "were not saved yet; they are kept below. What the other change did: %(news)s. "
            "Check the form and save again.",
            code="edit_conflict",
            params={
                "when": timezone.localtime(current.updated_at).strftime("%H:%M:%S"),
                "news": ". ".join(filter(None, news)) or "no visible change (only its version)",
            },
        )

    def put(self, name, value):
        """Set the bound data of field ``name`` to ``value``, as its widget would post it."""
        field = self.fields[name]
        widget, value = field.widget, field.prepare_value(value)
        if isinstance(widget, forms.MultiWidget):
            names = [f"{name}{suffix}" for suffix in widget.widgets_names]
            posted = zip(names, widget.widgets, widget.decompress(value), strict=True)
            for part_name, part, part_value in posted:
                self.data[self.add_prefix(part_name)] = part.format_value(part_value) or ""
            return
        formatted = widget.format_value(value)
        if isinstance(formatted, list) and isinstance(self.data, QueryDict):
            self.data.setlist(self.add_prefix(name), formatted)
        else:
            self.data[self.add_prefix(name)] = formatted or ""

    def check_publication(self, cleaned):
        """The pre-publish checks of the article's own fields; the byline and pictures are
        checked by their inlines (``PublicationChecks``)."""
        facts = Facts(
            headline=cleaned.get("headline", ""),
            dek=cleaned.get("dek", ""),
            has_section=cleaned.get("section") is not None,
        )
        if needs := missing(facts):
            raise forms.ValidationError(
                "A published article needs %(needs)s.",
                code="not_ready",
                params={"needs": ", ".join(needs)},
            )


@admin.register(Article)
class ArticleAdmin(NamedInputs, SearchAndSocialAdmin, VersionAdmin):
    """Every save through the admin keeps a revision of the article with its byline, captions,
    links and tags ("History"), from which an earlier version can be restored."""

    form = ArticleForm
    list_display = ("headline", "state", "section", "byline", "publish_at", "lead_thumbnail")
    list_filter = (
        OwnerListFilter,
        StateListFilter,
        "section",
        AuthorListFilter,
        TagListFilter,
    )
    list_select_related = ("section",)
    # Sorted only as an index orders: a million headlines or sections took 0.5-1.1 s to sort.
    sortable_by = ("state", "publish_at")
    # A row costs about half a millisecond to render: at a hundred a page, a search of a
    # million articles took 160-190 ms (make bench-archive).
    list_per_page = 50
    date_hierarchy = "publish_at"
    # The list's search is full-text (get_search_results); these are the autocomplete's, for
    # a related link's target article, typed a few letters at a time.
    search_fields = ("headline",)
    search_help_text = (
        "Whole words and “quoted phrases” in headlines, standfirsts, bodies, authors and tags, "
        f"in articles of every status: the newest {search.MAX_RESULTS:,} matches."
    )
    # Counted as far as the page asked for needs (articles.editorial.changelist): no full count, no
    # facet counts.
    paginator = ArticlePaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    change_list_template = "admin/articles/article/change_list.html"
    prepopulated_fields = {"slug": ("headline",)}
    inlines = (
        BylineInline,
        CaptionInline,
        RelatedLinkInline,
        CorrectionInline,
        TransitionInline,
        ReviewNoteInline,
    )
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"
    action_form = ArticleActionForm
    actions = (
        "submit_for_review",
        "publish_now",
        "schedule",
        "unpublish",
        "withdraw",
        "reinstate",
        "assign_section",
        "add_tag",
        "revoke_share_links",
    )
    readonly_fields = (
        "length",
        "share_link",
        "created_at",
        "updated_at",
        "source",
        "source_checksum",
        "import_run_link",
        *SearchAndSocialAdmin.readonly,
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "headline",
                    "slug",
                    "dek",
                    "body",
                    "length",
                    "opened_version",
                    "opened_digests",
                )
            },
        ),
        ("Filing", {"fields": ("section", "tags", "byline_override", "language")}),
        (
            "Publication",
            {"fields": ("status", "reviewer", "publish_at", "embargo_until", "share_link")},
        ),
        SearchAndSocialAdmin.fieldset,
        (
            "Provenance",
            {
                "classes": ("collapse",),
                "fields": (
                    "source",
                    "source_checksum",
                    "import_run_link",
                    "created_at",
                    "updated_at",
                ),
            },
        ),
    )

    def get_queryset(self, request):
        # The list shows a caption's image alone: not its renditions, JSON read row by row.
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author")),
                Prefetch(
                    "captions",
                    queryset=Caption.objects.select_related("picture").defer("picture__renditions"),
                ),
            )
        )

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(
            request, queryset, per_page, orphans, allow_empty_first_page
        )
        paginator.ask(request.GET.get(PAGE_VAR, 1))  # how far to count
        if is_autocomplete(request):
            paginator.least_pages = 1  # it asks only whether there is a next page
        return paginator

    def get_search_results(self, request, queryset, search_term):
        """The site's full-text search over the list as filtered, every status: the newest
        ``search.MAX_RESULTS`` matches, in the list's order. The autocomplete keeps Django's
        search of ``search_fields``, which finds words as they are typed."""
        if not search_term.strip() or is_autocomplete(request):
            return super().get_search_results(request, queryset, search_term)
        found = search.find(search_term, within=queryset).ids()
        return queryset.filter(pk__in=found), False

    def action_checkbox(self, article):
        return row_checkbox(article)

    def view_on_site(self, article):
        return article.get_absolute_url() if article.is_published() else None

    @admin.display(description="State", ordering="status")
    def state(self, article):
        """The state, with the time a scheduled or embargoed article goes live."""
        state = article.state()
        live = article.goes_live_at()
        if live is None:
            return state.label
        when = timezone.localtime(live)
        word = "until" if state == Article.State.EMBARGOED else "for"
        return format_html(
            '{} {} <time datetime="{}">{}</time>',
            state.label,
            word,
            when.isoformat(),
            f"{when:%Y-%m-%d %H:%M}",
        )

    @admin.display(description="Byline")
    def byline(self, article):
        return article.byline_override or ", ".join(str(b) for b in article.byline_list)

    @admin.display(description="Preview")
    def share_link(self, article):
        if article.pk is None:
            return "Available once the article is saved."
        url = article.share_link()
        return format_html(
            '<a href="{}">Preview as it will look</a> (staff only).<br>'
            'Share-able link: <a href="{}" rel="noreferrer">{}</a><br>Anyone with it can read '
            "the article for {} hours. “Revoke share links” in the list ends every link.",
            reverse("articles:article_preview", kwargs={"pk": article.pk}),
            url,
            url,
            conf.get("ARTICLES_PREVIEW_MAX_AGE") // 3600,
        )

    @admin.display(description="Length")
    def length(self, article):
        words = article.word_count()
        return f"{words:,} words, about {article.reading_minutes()} min to read"

    @admin.display(description="Import run")
    def import_run_link(self, article):
        if article.import_run_id is None:
            return "—"
        url = reverse("admin:articles_importrun_change", args=[article.import_run_id])
        return format_html('<a href="{}">{}</a>', url, article.import_run)

    @admin.display(description="Lead image")
    def lead_thumbnail(self, article):
        caption = article.lead_caption
        return thumbnail(caption.picture.image) if caption else ""

    @admin.action(description="Publish selected articles now", permissions=("publish",))
    def publish_now(self, request, queryset):
        published = self._move(request, queryset, Article.publish_now, "Published %d article(s).")
        for article in published:
            if live := article.goes_live_at():
                self.message_user(
                    request,
                    f"“{article}” is published, but its embargo holds it until "
                    f"{timezone.localtime(live):%Y-%m-%d %H:%M}.",
                    messages.WARNING,
                )

    @admin.action(description="Unpublish selected articles", permissions=("publish",))
    def unpublish(self, request, queryset):
        self._move(request, queryset, Article.unpublish, "Unpublished %d article(s).")

    @admin.action(
        description="Schedule selected articles for the time given", permissions=("publish",)
    )
    def schedule(self, request, queryset):
        when = ArticleActionForm.value(request, "when")
        if when is None:
            self.message_user(request, "Give the publication time to schedule.", messages.ERROR)
            return
        self._move(
            request,
            queryset,
            lambda article, by: article.publish(at=when, by=by),
            f"Scheduled %d article(s) for {timezone.localtime(when):%Y-%m-%d %H:%M}.",
        )

    @admin.action(
        description="File selected articles in the section given", permissions=("change",)
    )
    def assign_section(self, request, queryset):
        section = ArticleActionForm.value(request, "section")
        if section is None:
            self.message_user(request, "Choose the section to file them in.", messages.ERROR)
            return
        articles = [a for a in queryset if self.has_change_permission(request, a)]
        for article in articles:
            article.section = section
            article.save(update_fields=["section", "updated_at"], by=request.user)
        self.message_user(request, f"Filed {len(articles)} article(s).", messages.SUCCESS)

    @admin.action(description="Add the tag given to selected articles", permissions=("change",))
    def add_tag(self, request, queryset):
        tag = ArticleActionForm.value(request, "tag")
        if not tag:
            self.message_user(request, "Type the tag to add.", messages.ERROR)
            return
        articles = [a for a in queryset if self.has_change_permission(request, a)]
        for article in articles:
            article.tags.add(tag)
            article.save(update_fields=["updated_at"], by=request.user)  # a new version
        self.message_user(request, f"Tagged {len(articles)} article(s).", messages.SUCCESS)

    @admin.action(description="Withdraw selected articles (legal)", permissions=("publish",))
    def withdraw(self, request, queryset):
        self._move(request, queryset, Article.withdraw, "Withdrew %d article(s).")

    @admin.action(description="Reinstate selected withdrawn articles…", permissions=("publish",))
    def reinstate(self, request, queryset):
        """Bring withdrawn articles back, after a page that names their legal state."""
        withdrawn = list(queryset.in_state(Article.State.WITHDRAWN))
        if len(withdrawn) < len(queryset):
            self.message_user(
                request,
                "Only withdrawn articles can be reinstated; the others were left as they are.",
                messages.WARNING,
            )
        if not withdrawn:
            return None
        if request.POST.get("confirm") == "yes":
            self._move(request, withdrawn, Article.reinstate, "Reinstated %d article(s).")
            return None
        withdrawals = Transition.latest_withdrawals(withdrawn)
        context = {
            **self.admin_site.each_context(request),
            "title": "Reinstate withdrawn articles?",
            "opts": self.model._meta,
            "articles": [(article, withdrawals.get(article.pk)) for article in withdrawn],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        template = "admin/articles/article/reinstate_confirmation.html"
        return TemplateResponse(request, template, context)

    @admin.action(description="Revoke share links of selected articles", permissions=("change",))
    def revoke_share_links(self, request, queryset):
        articles = [a for a in queryset if self.has_change_permission(request, a)]
        for article in articles:
            article.revoke_share_links()
        self.message_user(request, f"Revoked the share links of {len(articles)} article(s).")

    @admin.action(description="Submit selected articles for review", permissions=("change",))
    def submit_for_review(self, request, queryset):
        """To the reviewer chosen in the action bar, if any."""
        reviewer = ArticleActionForm.value(request, "reviewer")
        movable = [a for a in queryset if self.has_change_permission(request, a)]
        to = f" to {person(reviewer)}".replace("%", "%%") if reviewer else ""
        self._move(
            request,
            movable,
            lambda article, by: article.submit_for_review(by=by, reviewer=reviewer),
            f"Submitted %d article(s){to}.",
        )

    def _move(self, request, articles, move, message):
        """Apply a workflow move to each article, recording the user; report the count, and
        each article the move refused and why. Returns the articles moved."""
        moved = []
        for article in articles:
            try:
                move(article, by=request.user)
            except ArticleNotReady as refusal:
                self.message_user(
                    request,
                    f"“{article}” was not published: it needs {', '.join(refusal.missing)}.",
                    messages.ERROR,
                )
            except WithdrawnArticle:
                self.message_user(
                    request,
                    f"“{article}” is withdrawn (legal) and was left as it is: "
                    "“Reinstate” brings it back, after a confirmation.",
                    messages.ERROR,
                )
            else:
                moved.append(article)
        self.message_user(request, message % len(moved), messages.SUCCESS)
        return moved

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """The restore page, with each part of the article (its byline, captions, links and
        tags too) that differs between that version and now. A restore is a new version: it
        follows the version saved now, and keeps the article's status."""
        version = Version.objects.filter(pk=version_id, object_id=object_id).first()
        article = Article.objects.filter(pk=object_id).first()
        diff = []
        if version is not None and article is not None:
            request.article_restored_from = (article.edit_version, article.status)
            now = revisions.parts_of(article)
            changes = revisions.diff(revisions.parts_in(version), now)
            diff = [row for row in changes if row[0] != "Status"]
        context = {"revision_diff": diff} | (extra_context or {})
        return super().revision_view(request, object_id, version_id, context)

    def get_object(self, request, object_id, from_field=None):
        """During a restore, the article reverted to the old version keeps the version and
        status saved now (reversion wrote them back with the rest): the form then claims the
        next version, and a withdrawn or unpublished article stays so."""
        if restored_from := getattr(request, "article_restored_from", None):
            version, status = restored_from
            Article.objects.filter(pk=object_id).keep_version_and_status(version, status)
        return super().get_object(request, object_id, from_field)

    def get_urls(self):
        presence = self.admin_site.admin_view(self.presence_view)
        search_view = self.admin_site.admin_view(picture_search)
        return [
            path("<int:object_id>/presence/", presence, name="articles_article_presence"),
            path("pictures/", search_view, name="articles_article_pictures"),
            *super().get_urls(),
        ]

    def presence_view(self, request, object_id):
        """The change form's script, every ``ARTICLES_PRESENCE_INTERVAL`` seconds: records
        that the user has the article open (or, with ``leave``, no longer), and answers who
        else has it open. POST only (CSRF-protected), for those who may change the article."""
        if request.method != "POST":
            return JsonResponse({"error": "POST only."}, status=405)
        article = Article.objects.filter(pk=object_id).only("status", "created_by").first()
        if article is None:
            return JsonResponse({"error": "No such article."}, status=404)
        if not self.has_change_permission(request, article):
            return JsonResponse({"error": "You may not change this article."}, status=403)
        page = request.POST.get("page", "")[:32]
        if not page:
            return JsonResponse({"error": "Say which page (page=…)."}, status=400)
        if request.POST.get("leave"):
            Presence.left(article, request.user, page)
            return JsonResponse({"notice": ""})
        Presence.seen(article, request.user, page)
        return JsonResponse({"notice": presence_notice(Presence.others(article, request.user))})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """The form says who else has the article open, and counts this page as open."""
        if change and obj is not None and self.has_change_permission(request, obj):
            page = get_random_string(32)
            Presence.seen(obj, request.user, page)
            context = {
                "presence_page": page,
                "presence_interval": conf.get("ARTICLES_PRESENCE_INTERVAL"),
                "presence_notice": presence_notice(Presence.others(obj, request.user)),
            } | context
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request, object_id, extra_context=None):
        """The history, with the review notes for those who may change the article."""
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404
        notes = []
        if self.has_change_permission(request, article):
            notes = list(article.review_notes.select_related("author"))
        context = {"review_notes": notes} | (extra_context or {})
        return super().history_view(request, object_id, context)

    def save_formset(self, request, form, formset, change):
        """A new review note is the user's."""
        if formset.model is ReviewNote:
            for note in formset.save(commit=False):
                note.author = request.user
                note.save()
            return
        super().save_formset(request, form, formset, change)

    def has_publish_permission(self, request):
        return may_publish(request.user)

    def has_change_permission(self, request, obj=None):
        """Without the publish permission, only one's own drafts and articles in review."""
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or self.has_publish_permission(request):
            return True
        return obj.status in WRITER_STATUSES and obj.is_owned_by(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or self.has_change_permission(request, obj)
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Times are entered in the newsroom's time zone: say which."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in ("publish_at", "embargo_until"):
            zone = timezone.get_current_timezone_name()
            formfield.help_text = f"{db_field.help_text} Time zone: {zone}."
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """A reviewer is chosen among those who may publish."""
        if db_field.name == "reviewer":
            kwargs |= {"queryset": reviewers(), "form_class": ReviewerChoiceField}
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        """Writers can only choose draft or in review: a posted "published" is refused."""
        if db_field.name == "status" and not self.has_publish_permission(request):
            kwargs["choices"] = [c for c in Article.Status.choices if c[0] in WRITER_STATUSES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.save(by=request.user)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ("name", "job_title", "article_count", "photo_preview")
    formfield_overrides = HTTPS_URL_FIELDS
    search_fields = ("name", "job_title")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("user",)
    readonly_fields = ("photo_preview",)
    fields = (
        "name",
        "slug",
        "job_title",
        "bio",
        ("photo", "photo_preview"),
        "website",
        ("x_handle", "bluesky_handle"),
        "user",
    )

    def get_queryset(self, request):
        articles = Count("articles", distinct=True)
        return super().get_queryset(request).annotate(article_count=articles).order_by("name")

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, author):
        return author.article_count

    @admin.display(description="Photo")
    def photo_preview(self, author):
        return thumbnail(author.photo)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "article_count")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)

    def get_queryset(self, request):
        articles = Count("articles")
        return (
            super()
            .get_queryset(request)
            .annotate(article_count=articles)
            .order_by(*Section._meta.ordering)
        )

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, section):
        return section.article_count


class ImportedFileInline(admin.TabularInline):
    model = ImportedFile
    fields = ("path", "action", "error", "article", "checksum")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Whoever sees the run (a writer sees their own) sees its files.
        return super().has_view_permission(request, obj) or request.user.has_perm(IMPORT_PERMISSION)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")


@admin.register(ImportRun)
class ImportRunAdmin(ImportPageMixin, admin.ModelAdmin):
    """Read-only history of import runs (the command's and the admin's "Import articles"
    page's): where each imported story came from."""

    counters = ("created", "updated", "unchanged", "failed", "conflicts")
    list_display = ("__str__", "user", *counters, "finished_at")
    readonly_fields = ("started_at", "finished_at", "command", "user", *counters, "error")
    fields = readonly_fields  # progress (total, done) has a box of its own
    inlines = (ImportedFileInline,)
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


from .editorial import admin_fronts  # noqa: E402, F401 (registers the Fronts admin, after these)
