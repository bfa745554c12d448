"""Accent-insensitive search on PostgreSQL, as on SQLite (FTS5's remove_diacritics): a text
search configuration "newsroom", English stemming after the unaccent dictionary, and the search
document regenerated with it ("cafe" finds "café", "Turkiye" finds "Türkiye").

unaccent is a trusted extension (PostgreSQL 13+): the database's owner may create it. The
document column is dropped and added again (a generated column's expression cannot be altered),
which rewrites the table and its GIN index once.
"""

from django.db import migrations

FIELDS = (("headline", "A"), ("dek", "B"), ("authors", "C"), ("tags", "C"), ("body", "D"))


def document(config):
    weighted = " || ".join(
        f"setweight(to_tsvector('{config}'::regconfig, {field}), '{weight}')"
        for field, weight in FIELDS
    )
    return (
        "ALTER TABLE articles_searchentry DROP COLUMN document",
        f"ALTER TABLE articles_searchentry ADD COLUMN document tsvector "
        f"GENERATED ALWAYS AS ({weighted}) STORED",
        "CREATE INDEX articles_searchentry_document_idx ON articles_searchentry "
        "USING GIN (document)",
    )


FORWARD = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION newsroom (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION newsroom "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
    *document("newsroom"),
)
BACKWARD = (*document("english"), "DROP TEXT SEARCH CONFIGURATION newsroom")


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_import_conflicts")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
