"""Pagination that stays fast on deep pages of a large archive.

``BoundedPaginator`` reads a page in one query that first picks the page's ids from the index
(a deferred join: the offset walks index entries, not whole rows with their bodies), and counts
the list only as far as the page asked for needs: at least ``COUNTED_PAGES`` pages, else the
next power of two past the page. A tag with 10,000 articles is not counted whole to show its
first page (on PostgreSQL that is a row read per article); the page then says "of 50+" and
"1,000+ articles". The admin's article list uses it as it is (``articles.editorial.changelist``);
``ArchivePaginator``, the public lists', keeps a count once per content version (a scheduled
article going live changes it without a save: it lasts until then at most).
"""

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Subquery
from django.utils.functional import cached_property

from ..caching import next_publication, now

COUNT_SECONDS = 600
COUNTED_PAGES = 50
LAST_PAGE = 1_000_000  # past any archive: a page beyond it is simply not found


class BoundedPaginator(Paginator):
    """A paginator that counts only as far as the page asked for needs: ``ask()`` the page
    before reading ``count`` (``page()`` does). ``least_pages``, ``COUNTED_PAGES`` unless set,
    is how many pages the count covers at least."""

    least_pages = None

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.asked = 1

    def ask(self, number):
        """Note the page asked for, which decides how far the count goes."""
        try:
            self.asked = min(max(1, int(number)), LAST_PAGE)
        except (TypeError, ValueError):
            self.asked = 1  # validate_number() answers a page that is not a number

    @property
    def counted_pages(self):
        """How many pages the count goes to for the page asked for."""
        pages = self.least_pages or COUNTED_PAGES
        while pages <= self.asked:
            pages *= 2
        return pages

    @cached_property
    def count(self):
        """The number of articles up to one past ``counted_pages`` pages (``more`` tells
        whether there are more)."""
        return self.count_up_to(self.counted_pages * self.per_page + 1)

    def count_up_to(self, limit):
        return self.object_list.order_by().values("pk")[:limit].count()

    @property
    def more(self):
        """Whether the list goes on past what was counted."""
        return self.count > self.counted_pages * self.per_page

    @property
    def shown_count(self):
        """The count to show with ``more``: "1,000+", not the one-past-the-end that was read."""
        return self.count - 1 if self.more else self.count

    @property
    def shown_num_pages(self):
        return self.num_pages - 1 if self.more else self.num_pages

    def page(self, number):
        self.ask(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self.page_ids(bottom, top) if top > bottom else []  # an empty list: no query
        articles = self.object_list.filter(pk__in=ids)
        return self._get_page(articles, number, self)

    def page_ids(self, bottom, top):
        """The ids of the page's articles, as a subquery that reads them from the index."""
        return Subquery(self.object_list.prefetch_related(None).values("pk")[bottom:top])


class ArchivePaginator(BoundedPaginator):
    """A public list's paginator: its count is kept once per content version, until the next
    scheduled publication at most."""

    def __init__(self, object_list, per_page, *, count_key, version, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key, self.version = count_key, version

    def count_up_to(self, limit):
        key = f"articles:count:{self.version}:{self.count_key}:{limit}"
        cached = cache.get(key)
        if cached is not None and cached[1] > now():
            return cached[0]
        count = super().count_up_to(limit)
        valid_until = min(filter(None, [now() + COUNT_SECONDS, next_publication(self.version)]))
        cache.set(key, (count, valid_until), COUNT_SECONDS)
        return count
