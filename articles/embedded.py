"""An article's tags, captions and byline fetched inside the article's own query, as JSON arrays.

The article page fetches its row with these lists (``ArticleQuerySet.with_embedded()``), and
``Article.tag_list``, ``caption_list`` and ``byline_list`` make the objects from them: three
queries fewer each time the story renders. The columns are every concrete field of the models
(``Tag``, ``Caption`` with its ``Picture``, ``Byline`` with its ``Author``), so a field added to
one of them comes along; ``tests/test_query_counts.py`` compares the objects made here with
those a query reads.
Each database has its own JSON functions, so the subqueries are written for SQLite and for
PostgreSQL, from the models' table and column names only.
"""

import datetime
import json

from django.conf import settings
from django.db import models, router
from django.db.models import Expression, TextField
from django.utils import timezone

AUTHOR_PREFIX = "author__"
PICTURE_PREFIX = "picture__"


class JSONRows(Expression):
    """A JSON array (text) with an object per row: ``columns`` (name, SQL expression) of the
    rows of ``source`` (FROM … WHERE …, correlated with the outer article) in ``order``."""

    output_field = TextField()

    def __init__(self, columns, source, order, sqlite_json=()):
        super().__init__()
        self.columns, self.source, self.order = columns, source, order
        self.sqlite_json = set(sqlite_json)  # columns holding JSON text, to embed as JSON

    def as_sqlite(self, compiler, connection):
        pairs = ", ".join(
            f"'{name}', {f'json({sql})' if name in self.sqlite_json else sql}"
            for name, sql in self.columns
        )
        return (  # table and column names of the models only: no value from outside
            "(SELECT json_group_array(json(row)) FROM "  # noqa: S608
            f"(SELECT json_object({pairs}) AS row FROM {self.source} ORDER BY {self.order}))",
            [],
        )

    def as_postgresql(self, compiler, connection):
        pairs = ", ".join(f"'{name}', {sql}" for name, sql in self.columns)
        return (  # table and column names of the models only: no value from outside
            f"(SELECT coalesce(json_agg(json_build_object({pairs}) ORDER BY {self.order}), "  # noqa: S608
            f"'[]')::text FROM {self.source})",
            [],
        )


def quoted(alias, field):
    return f'{alias}."{field.column}"'


def fields_of(model):
    return model._meta.concrete_fields


def columns(alias, model, prefix=""):
    """(JSON key, SQL) of every concrete field of ``model`` in the table ``alias``."""
    return [(f"{prefix}{field.attname}", quoted(alias, field)) for field in fields_of(model)]


def json_fields(model, prefix=""):
    """The JSON keys of ``model``'s JSON fields: SQLite keeps them as text, to embed as JSON."""
    return {
        f"{prefix}{field.attname}"
        for field in fields_of(model)
        if isinstance(field, models.JSONField)
    }


def table(model):
    return model._meta.db_table


def correlated(article, alias, field_name, model):
    """``alias.<column of field_name> = <the outer article's id>``."""
    column = model._meta.get_field(field_name).column
    return f'{alias}."{column}" = "{table(article)}"."{article._meta.pk.column}"'


def tags(article, tagged, tag):
    """The article's tags (``tag`` rows through ``tagged``), in the order they were added."""
    tag_fk = tagged._meta.get_field("tag").column
    source = (
        f'"{table(tag)}" tag JOIN "{table(tagged)}" tagged ON tagged."{tag_fk}" = tag.id '
        f"WHERE {correlated(article, 'tagged', 'content_object', tagged)}"
    )
    return JSONRows(columns("tag", tag), source, "tagged.id")


def captions(article, caption, picture):
    """The captions in order, each row with its picture's fields prefixed ``picture__``."""
    picture_fk = caption._meta.get_field("picture").column
    source = (
        f'"{table(caption)}" caption JOIN "{table(picture)}" picture '
        f'ON picture.id = caption."{picture_fk}" '
        f"WHERE {correlated(article, 'caption', 'article', caption)}"
    )
    return JSONRows(
        columns("caption", caption) + columns("picture", picture, PICTURE_PREFIX),
        source,
        'caption."order", caption.id',
        sqlite_json=json_fields(caption) | json_fields(picture, PICTURE_PREFIX),
    )


def bylines(article, byline, author):
    """The byline in order, each row with its author's fields prefixed ``author__``."""
    author_fk = byline._meta.get_field("author").column
    source = (
        f'"{table(byline)}" byline JOIN "{table(author)}" author '
        f'ON author.id = byline."{author_fk}" '
        f"WHERE {correlated(article, 'byline', 'article', byline)}"
    )
    return JSONRows(
        columns("byline", byline) + columns("author", author, AUTHOR_PREFIX),
        source,
        'byline."order", byline.id',
        sqlite_json=json_fields(byline) | json_fields(author, AUTHOR_PREFIX),
    )


def rows(value):
    """The list of dicts a ``JSONRows`` column holds."""
    return json.loads(value) if value else []


def value_of(field, raw):
    """The Python value of a JSON value: SQLite writes times in UTC without an offset."""
    value = field.to_python(raw)
    if isinstance(value, datetime.datetime) and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def instance(model, row, prefix=""):
    """A ``model`` instance from a JSON row, as if a query had read it (``Model.from_db``)."""
    fields = fields_of(model)
    values = [value_of(field, row[f"{prefix}{field.attname}"]) for field in fields]
    return model.from_db(router.db_for_read(model), [f.attname for f in fields], values)


def objects(model, value):
    return [instance(model, row) for row in rows(value)]


def byline_objects(byline, author, value):
    """Bylines with their authors, from the JSON of ``bylines()``."""
    found = []
    for row in rows(value):
        entry = instance(byline, row)
        entry.author = instance(author, row, AUTHOR_PREFIX)
        found.append(entry)
    return found


def caption_objects(caption, picture, value):
    """Captions with their pictures, from the JSON of ``captions()``."""
    found = []
    for row in rows(value):
        entry = instance(caption, row)
        entry.picture = instance(picture, row, PICTURE_PREFIX)
        found.append(entry)
    return found
