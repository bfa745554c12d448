"""An article's tags, captions and byline fetched inside the article's own query, as JSON arrays.

The article page fetches its row with these lists (``ArticleQuerySet.with_embedded()``) and
``Article.load_details()`` turns them into the same objects a prefetch would have made: three
queries fewer each time the story renders. Each database has its own JSON functions, so the
subqueries are written for SQLite and for PostgreSQL.
"""

import json

from django.db.models import Expression, TextField

ARTICLE_ID = '"articles_article"."id"'


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
        return (  # constants of this module only: no value from outside
            "(SELECT json_group_array(json(row)) FROM "  # noqa: S608
            f"(SELECT json_object({pairs}) AS row FROM {self.source} ORDER BY {self.order}))",
            [],
        )

    def as_postgresql(self, compiler, connection):
        pairs = ", ".join(f"'{name}', {sql}" for name, sql in self.columns)
        return (  # constants of this module only: no value from outside
            f"(SELECT coalesce(json_agg(json_build_object({pairs}) ORDER BY {self.order}), "  # noqa: S608
            f"'[]')::text FROM {self.source})",
            [],
        )


def tags():
    columns = [(name, f"tag.{name}") for name in ("id", "name", "slug")]
    source = (
        "taggit_tag tag JOIN articles_taggedarticle tagged ON tagged.tag_id = tag.id "
        f"WHERE tagged.content_object_id = {ARTICLE_ID}"
    )
    return JSONRows(columns, source, "tagged.id")


CAPTION_FIELDS = (
    "id",
    "article_id",
    "image",
    "image_width",
    "image_height",
    "text",
    "credit",
    "alt_text",
    "focal_x",
    "focal_y",
    "renditions",
    "order",
)


def captions():
    columns = [(name, f'caption."{name}"') for name in CAPTION_FIELDS]
    source = f"articles_caption caption WHERE caption.article_id = {ARTICLE_ID}"
    return JSONRows(columns, source, 'caption."order", caption.id', sqlite_json={"renditions"})


BYLINE_FIELDS = ("id", "article_id", "author_id", "role", "order")
AUTHOR_FIELDS = (
    "name",
    "slug",
    "job_title",
    "bio",
    "photo",
    "user_id",
    "website",
    "x_handle",
    "bluesky_handle",
)
AUTHOR_PREFIX = "author__"


def bylines():
    """The byline in order, each row with its author's fields prefixed ``author__``."""
    columns = [(name, f'byline."{name}"') for name in BYLINE_FIELDS] + [
        (f"{AUTHOR_PREFIX}{name}", f'author."{name}"') for name in AUTHOR_FIELDS
    ]
    source = (
        "articles_byline byline JOIN articles_author author ON author.id = byline.author_id "
        f"WHERE byline.article_id = {ARTICLE_ID}"
    )
    return JSONRows(columns, source, 'byline."order", byline.id')


def split_author(row):
    """A byline row as ``(byline fields, author fields)``."""
    byline = {name: value for name, value in row.items() if not name.startswith(AUTHOR_PREFIX)}
    author = {
        name.removeprefix(AUTHOR_PREFIX): value
        for name, value in row.items()
        if name.startswith(AUTHOR_PREFIX)
    }
    return byline, author | {"id": byline["author_id"]}


def rows(value):
    """The list of dicts a ``JSONRows`` column holds."""
    return json.loads(value) if value else []
