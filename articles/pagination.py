"""Pagination that stays fast on deep pages of a large archive.

``ArchivePaginator`` reads a page in one query that first picks the page's ids from the index
(a deferred join: the offset walks index entries, not whole rows with their bodies) and counts
the list once per content version rather than on every request (a scheduled article going
live changes the count without a save: the count lasts until then at most).
"""

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Subquery
from django.utils.functional import cached_property

from .caching import content_version, next_publication, now

COUNT_SECONDS = 600


class ArchivePaginator(Paginator):
    def __init__(self, object_list, per_page, *, count_key, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        """Counted once per content version, until the next scheduled publication at most."""
        key = f"articles:count:{content_version()}:{self.count_key}"
        cached = cache.get(key)
        if cached is not None and cached[1] > now():
            return cached[0]
        count = Paginator.count.func(self)
        valid_until = min(filter(None, [now() + COUNT_SECONDS, next_publication()]))
        cache.set(key, (count, valid_until), COUNT_SECONDS)
        return count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self.object_list.prefetch_related(None).values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=Subquery(ids)), number, self)
