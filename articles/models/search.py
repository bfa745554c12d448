"""The text of each article as search sees it."""

from django.db import models


class SearchEntry(models.Model):
    """An article's text as search sees it: plain words, author names in byline order, tags.

    Written only by ``articles.reader.search.reindex()``. The full-text index over these rows is
    database SQL from migration 0004 (an FTS5 table and triggers on SQLite, a generated
    ``document`` column on PostgreSQL): a migration that alters this table must keep it working.
    """

    article = models.OneToOneField(
        "Article", on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    headline = models.TextField()
    dek = models.TextField(blank=True)
    authors = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self):
        return self.headline
