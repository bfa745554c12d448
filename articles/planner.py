"""Statistics for the database's query planner, refreshed after large writes.

Without them SQLite guesses that "status = published and publication time past" picks out few
rows, and counts a tag's or an author's articles by walking the index of every public article
(tens of milliseconds at 100,000 articles) rather than from the tag's own rows (about one).
PostgreSQL's autovacuum analyzes in time; an explicit ANALYZE after a bulk load just saves the
wait. Both databases take ``ANALYZE table``.
"""

from django.db import connection
from taggit.models import Tag

from . import models

READER_TABLES = (
    models.Article,
    models.Author,
    models.Byline,
    models.Caption,
    models.Picture,
    models.RelatedLink,
    models.Section,
    models.TaggedArticle,
    Tag,
)


def analyze(*, vacuum=False):
    """Refresh the statistics of the tables the reader pages query. With ``vacuum``, after a
    bulk load on PostgreSQL (outside a transaction, where it may run), VACUUM them as well: it
    marks the new rows' pages all-visible, so that index-only scans need not read them."""
    command = "ANALYZE"
    if vacuum and connection.vendor == "postgresql" and not connection.in_atomic_block:
        command = "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in READER_TABLES:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
