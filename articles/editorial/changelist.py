"""What keeps the admin's article list fast on an archive of a million articles.

- ``ArticlePaginator`` counts the list only as far as the page asked for needs, as the public
  lists do (``pagination.BoundedPaginator``): the page then says "2,500+ articles"
  (``templates/admin/articles/article/``), and a deep page reads its ids from the index of the
  list's order (migration 0016).
- The list's search is the site's full-text search (``articles.reader.search``) over every status
  (``ArticleAdmin.get_search_results``), not ``icontains`` over every body.
- ``AuthorListFilter`` and ``TagListFilter`` take a name the editor types and filter by the one
  author or tag it names, or offer the few that match it, instead of listing every one in the
  archive.
- The date drill-down offers the archive's years (``templatetags/article_admin.py``), instead
  of reading every listed article's date to find those it has.
- A row is cheap to render (``row_checkbox``), and a page holds 50 of them.
"""

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext
from taggit.models import Tag

from ..models import Author
from ..reader.pagination import BoundedPaginator


class ArticlePaginator(BoundedPaginator):
    """The admin's paginator: the page links stop at the last page counted, then "…"."""

    def page_ids(self, bottom, top):
        """A list counted whole (a search's matches, a filter's few) is read whole in its
        order, then cut: asked for a page of them, PostgreSQL walks the index of the whole
        list's order hoping to meet them early, and a search's thousand matches among the
        oldest of a million articles cost it 110 ms."""
        if self.more:
            return super().page_ids(bottom, top)
        return list(self.object_list.values_list("pk", flat=True))[bottom:top]

    def get_elided_page_range(self, number=1, **kwargs):
        for page in super().get_elided_page_range(number, **kwargs):
            if page == self.ELLIPSIS or page <= self.shown_num_pages:
                yield page
        if self.more:
            yield self.ELLIPSIS


def row_checkbox(obj):
    """A row's checkbox for the actions, as ``ModelAdmin.action_checkbox()`` makes it, but
    written out: rendering the widget's template for each of a hundred rows took a quarter of
    the list's time."""
    return format_html(
        '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
        ACTION_CHECKBOX_NAME,
        obj.pk,
        gettext("Select this object for an action - {}").format(obj),
    )


def is_autocomplete(request):
    """Whether ``request`` is the admin's autocomplete (of a related link's target article)."""
    match = request.resolver_match
    return match is not None and match.url_name == "autocomplete"


class TypedListFilter(admin.SimpleListFilter):
    """A filter by one author or tag, named by what the editor types: its name, its slug, or
    part of a name that it alone has. A part that several names have lists them (the first
    ``SHOWN`` by name) to choose one, and filters nothing until then; nothing is listed before
    a name is typed. So the filter costs what one author's or tag's articles cost, with ten
    names or ten thousand, and a fragment such as "an" cannot ask for half the archive. A plain
    GET form: no JavaScript."""

    template = "admin/articles/typed_filter.html"
    SHOWN = 10
    model = None  # Author or Tag: with a ``name`` and a unique ``slug``
    noun = ""
    input_label = ""

    def typed(self):
        """What the editor typed, trimmed ("" for nothing)."""
        return (self.value() or "").strip()

    def lookups(self, request, model_admin):
        """The one named (``chosen``), or those whose name holds what was typed."""
        self.chosen, typed = None, self.typed()
        if not typed:
            return []
        matches = list(self.model.objects.filter(Q(slug=typed) | Q(name__iexact=typed))[:2])
        if len(matches) != 1:
            holding = self.model.objects.filter(name__icontains=typed).order_by("name")
            matches = list(holding[: self.SHOWN + 1])
        if len(matches) == 1:
            self.chosen = matches[0]
        return [(match.slug, match.name) for match in matches]

    def queryset(self, request, queryset):
        if self.chosen is not None:
            return self.articles_of(queryset, self.chosen)
        if self.typed() and not self.lookup_choices:
            return queryset.none()
        return queryset  # nothing typed, or several to choose from

    def articles_of(self, queryset, chosen):
        raise NotImplementedError

    def has_output(self):
        return True

    def choices(self, changelist):
        yield {
            "selected": not self.typed(),
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "All",
        }
        for slug, name in self.lookup_choices[: self.SHOWN]:
            yield {
                "selected": self.chosen is not None,
                "query_string": changelist.get_query_string({self.parameter_name: slug}),
                "display": name,
            }
        if len(self.lookup_choices) > self.SHOWN:
            note = f"More {self.noun}s match: type more of the name, or choose one."
        elif len(self.lookup_choices) > 1:
            note = f"Choose one of these {self.noun}s."
        elif self.typed() and not self.lookup_choices:
            note = f"No {self.noun} matches."
        else:
            return
        yield {"selected": False, "query_string": None, "display": note}

    def input_value(self):
        """The chosen one's name (its slug came from a link), else what was typed."""
        return self.chosen.name if self.chosen is not None else self.typed()

    def kept_parameters(self):
        """The list's other parameters, as (name, value): hidden inputs of the filter's form."""
        dropped = {self.parameter_name, PAGE_VAR, ERROR_FLAG}
        return [
            (name, value)
            for name, values in self.request.GET.lists()
            if name not in dropped
            for value in values
        ]

    def input_id(self):
        return f"typed-filter-{self.parameter_name}"


class AuthorListFilter(TypedListFilter):
    title = "author"
    parameter_name = "author"
    model = Author
    noun = "author"
    input_label = "Author’s name"

    def articles_of(self, queryset, chosen):
        return queryset.by_author(chosen)


class TagListFilter(TypedListFilter):
    title = "tag"
    parameter_name = "tag"
    model = Tag
    noun = "tag"
    input_label = "Tag"

    def articles_of(self, queryset, chosen):
        return queryset.tagged(chosen)
