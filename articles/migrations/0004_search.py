"""Site search: a search entry per article, the database's full-text index over the entries, and
entries for the articles written before this migration (see articles/reader/search.py).

SQLite: an FTS5 table reading its text from articles_searchentry (external content), kept in
step by triggers. Django rebuilds a SQLite table for most schema changes, which drops its
triggers: a later migration that alters articles_searchentry must create them again.

PostgreSQL: a stored generated tsvector column, weighted headline (A), standfirst (B), authors
and tags (C), body (D), with a GIN index.
"""

import django.db.models.deletion
from django.db import migrations, models

from articles.reader import search

COLUMNS = "headline, dek, authors, tags, body"
NEW = "new.article_id, new.headline, new.dek, new.authors, new.tags, new.body"
OLD = "old.article_id, old.headline, old.dek, old.authors, old.tags, old.body"

SQLITE = [
    (
        "CREATE VIRTUAL TABLE articles_searchentry_fts USING fts5("
        f"{COLUMNS}, content='articles_searchentry', content_rowid='article_id', "
        "tokenize='porter unicode61 remove_diacritics 2')",
        "DROP TABLE articles_searchentry_fts",
    ),
    (
        "CREATE TRIGGER articles_searchentry_fts_insert AFTER INSERT ON articles_searchentry "
        f"BEGIN INSERT INTO articles_searchentry_fts(rowid, {COLUMNS}) VALUES ({NEW}); END",
        "DROP TRIGGER articles_searchentry_fts_insert",
    ),
    (
        "CREATE TRIGGER articles_searchentry_fts_delete AFTER DELETE ON articles_searchentry "
        "BEGIN INSERT INTO articles_searchentry_fts"
        f"(articles_searchentry_fts, rowid, {COLUMNS}) VALUES ('delete', {OLD}); END",
        "DROP TRIGGER articles_searchentry_fts_delete",
    ),
    (
        "CREATE TRIGGER articles_searchentry_fts_update AFTER UPDATE ON articles_searchentry "
        "BEGIN INSERT INTO articles_searchentry_fts"
        f"(articles_searchentry_fts, rowid, {COLUMNS}) VALUES ('delete', {OLD}); "
        f"INSERT INTO articles_searchentry_fts(rowid, {COLUMNS}) VALUES ({NEW}); END",
        "DROP TRIGGER articles_searchentry_fts_update",
    ),
]

# The 'english' configuration is written out as a regconfig: a generated column needs an
# immutable expression, and search.PostgreSQLSearch queries with the same configuration.
POSTGRESQL = [
    (
        "ALTER TABLE articles_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('english'::regconfig, headline), 'A') || "
        "setweight(to_tsvector('english'::regconfig, dek), 'B') || "
        "setweight(to_tsvector('english'::regconfig, authors), 'C') || "
        "setweight(to_tsvector('english'::regconfig, tags), 'C') || "
        "setweight(to_tsvector('english'::regconfig, body), 'D')) STORED",
        "ALTER TABLE articles_searchentry DROP COLUMN document",
    ),
    (
        "CREATE INDEX articles_searchentry_document_idx ON articles_searchentry "
        "USING GIN (document)",
        "DROP INDEX articles_searchentry_document_idx",
    ),
]

STATEMENTS = {"sqlite": SQLITE, "postgresql": POSTGRESQL}


def create_index(apps, schema_editor):
    for forward, _ in STATEMENTS.get(schema_editor.connection.vendor, []):
        schema_editor.execute(forward, params=None)


def drop_index(apps, schema_editor):
    for _, backward in reversed(STATEMENTS.get(schema_editor.connection.vendor, [])):
        schema_editor.execute(backward, params=None)


def index_existing_articles(apps, schema_editor):
    alias = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    ids = Article.objects.using(alias).values_list("pk", flat=True)
    search.reindex(ids, apps=apps, using=alias)


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_importrun_user")]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("headline", models.TextField()),
                ("dek", models.TextField(blank=True)),
                ("authors", models.TextField(blank=True)),
                ("tags", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
            ],
            options={"verbose_name_plural": "search entries"},
        ),
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(index_existing_articles, migrations.RunPython.noop),
    ]
