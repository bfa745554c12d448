"""The admin's autocomplete of a related link's target article finds the headlines that hold what
is typed (``headline__icontains``, ``ArticleAdmin.search_fields``). On PostgreSQL a trigram index
answers it: without, a word that no headline has read every article twice, 2.5 s each on a
million. SQLite reads the headlines (tens of milliseconds on 100,000), and gets no index.

pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it. The index
is built concurrently, as in 0009, so that a large archive keeps publishing meanwhile; then the
table is analyzed, since the planner knows an expression's values only from ANALYZE (without,
it took the index for a common word too, and sorted forty thousand rows: 500 ms).
"""

from django.db import migrations

# The expression of Django's icontains on PostgreSQL: UPPER("headline"::text) LIKE UPPER(%s).
CREATE = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS articles_headline_trgm_idx ON articles_article "
    "USING GIN ((UPPER(headline::text)) gin_trgm_ops)"
)
DROP = "DROP INDEX CONCURRENTLY IF EXISTS articles_headline_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", params=None)
        schema_editor.execute(CREATE, params=None)
        schema_editor.execute("ANALYZE articles_article", params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("articles", "0016_admin_list_indexes")]

    operations = [migrations.RunPython(create, drop)]
