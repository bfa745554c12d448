"""Site search: published articles by the words of their headline, standfirst, body, authors and
tags, best match first, each with a highlighted snippet of its body.

Each article has a ``SearchEntry``, its text as search sees it, which ``reindex()`` rewrites: the
signals call it when an article, byline, tag or author name changes, and the import loader after
each batch it writes in bulk. The full-text index over the entries is the database's own,
created by migration 0004: on SQLite an FTS5 table kept in step by triggers, ranked with
``bm25()``; on PostgreSQL a weighted ``tsvector`` column with a GIN index, ranked with
``ts_rank()``. ``find()`` is the one interface to both.

A search ranks at most the ``MAX_RESULTS`` newest public matches: a rare word finds and ranks
every article that has it, and a word found in half the archive costs the same as one found in a
thousand articles, since neither the count nor the ranking walks the whole archive. The page
says when there are more.

What the reader typed never reaches the database as syntax: ``parse_query()`` reduces it to
words and "quoted phrases", and each is handed over as a quoted FTS5 string or as the argument
of ``phraseto_tsquery()``, where ``AND(``, ``*``, ``NEAR``, ``-`` or ``OR`` are only text.
"""

import re
from html.parser import HTMLParser

from django.apps import apps as global_apps
from django.db import connections
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .sanitizer import strip_control_characters

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 1000
MAX_PHRASES = 12
# PostgreSQL refuses a tsvector over 1 MB; no news article comes near this many characters.
MAX_BODY_LENGTH = 100_000
REINDEX_BATCH = 500

# The database wraps each match of a snippet in these; entries never contain them (control
# characters are stripped on the way in), so only the database's marks become <mark>.
MARK_START, MARK_END = "\x02", "\x03"
_MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")
_PHRASE = re.compile(r'"([^"]*)"?|([^\s"]+)')
_WORD_CHARACTER = re.compile(r"[^\W_]")

# bm25() weights, column by column of the FTS5 table: headline, dek, authors, tags, body. On
# PostgreSQL the same order comes from the tsvector weights A, B, C, C, D (see migration 0004).
SQLITE_WEIGHTS = "bm25(10.0, 4.0, 2.0, 2.0, 1.0)"
SNIPPET_WORDS = 30


def clean_query(text):
    """``text`` without control characters (NUL included), on one line, at most
    ``MAX_QUERY_LENGTH`` characters: a longer one loses the words past the limit."""
    text = " ".join(strip_control_characters(text).split())
    if len(text) > MAX_QUERY_LENGTH:
        text = text[: MAX_QUERY_LENGTH + 1].rsplit(" ", 1)[0][:MAX_QUERY_LENGTH]
    return text


def parse_query(text):
    """The phrases to search for: each "quoted" run of words, and each other word; those without
    a letter or digit are dropped, and repeats. All of them must match."""
    phrases = []
    for quoted, word in _PHRASE.findall(clean_query(text)):
        phrase = " ".join((quoted or word).split())
        if _WORD_CHARACTER.search(phrase) and phrase not in phrases:
            phrases.append(phrase)
    return tuple(phrases[:MAX_PHRASES])


def highlight(snippet):
    """``snippet`` HTML-escaped, with the matches the database marked in ``<mark>``."""
    marked = _MARKED.sub(r"<mark>\1</mark>", escape(snippet))
    # Safe: everything but the <mark> tags added here was escaped above.
    return mark_safe(marked.replace(MARK_START, "").replace(MARK_END, ""))  # noqa: S308


class _TextExtractor(HTMLParser):
    """The text of body HTML, with a space where a block (paragraph, heading…) ends."""

    BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "br", "hr", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs=None):
        if tag in self.BLOCKS:
            self.parts.append(" ")

    handle_endtag = handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(html):
    """The words of body HTML as one line of text: tags gone, entities decoded."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return " ".join("".join(extractor.parts).split())


def reindex(article_ids, *, apps=global_apps, using=None):
    """Rewrite the search entries of the articles of ``article_ids`` (ids that match no article
    are skipped), a few queries per ``REINDEX_BATCH`` articles.

    ``apps`` and ``using`` let migration 0004 index the articles written before search existed.
    """
    ids = list(dict.fromkeys(article_ids))
    for start in range(0, len(ids), REINDEX_BATCH):
        _reindex_batch(ids[start : start + REINDEX_BATCH], apps, using)


def _reindex_batch(ids, apps, using):
    Article = apps.get_model("articles", "Article")
    Byline = apps.get_model("articles", "Byline")
    TaggedArticle = apps.get_model("articles", "TaggedArticle")
    SearchEntry = apps.get_model("articles", "SearchEntry")
    authors, tags = {}, {}
    for article_id, name in (
        Byline.objects.using(using)
        .filter(article__in=ids)
        .order_by("order", "pk")
        .values_list("article_id", "author__name")
    ):
        authors.setdefault(article_id, {})[name] = None  # byline order, without repeats
    for article_id, name in (
        TaggedArticle.objects.using(using)
        .filter(content_object__in=ids)
        .order_by("tag__name")
        .values_list("content_object_id", "tag__name")
    ):
        tags.setdefault(article_id, []).append(name)
    entries = [
        SearchEntry(
            article_id=pk,
            headline=strip_control_characters(headline),
            dek=strip_control_characters(dek),
            authors=strip_control_characters(", ".join(authors.get(pk, ()))),
            tags=strip_control_characters(", ".join(tags.get(pk, ()))),
            body=strip_control_characters(plain_text(body))[:MAX_BODY_LENGTH],
        )
        for pk, headline, dek, body in Article.objects.using(using)
        .filter(pk__in=ids)
        .order_by()
        .values_list("pk", "headline", "dek", "body")
    ]
    SearchEntry.objects.using(using).bulk_create(
        entries,
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=["headline", "dek", "authors", "tags", "body"],
    )


def find(text, *, within):
    """The articles of the queryset ``within`` that match what a reader typed, best first."""
    return SearchResults(text, within)


class SearchResults:
    """Search results, read by Django's ``Paginator``: ``count()`` is one query (at most
    ``MAX_RESULTS``), and a slice is one query for the page's ids and snippets, then
    ``within``'s own queries for its articles.

    Each article of a page has a ``search_snippet``: body text around the matches, escaped
    HTML with the matches in ``<mark>``.
    """

    def __init__(self, text, within):
        self.text = clean_query(text)
        self.phrases = parse_query(self.text)
        self.within = within
        self.counted = None

    def count(self):
        if not self.phrases:
            return 0
        backend = self._backend()
        sql, params = backend.count(self.phrases, self._allowed(backend.id_column))
        self.counted = self._fetch(sql, params)[0][0]
        return self.counted

    def __getitem__(self, page):
        if not isinstance(page, slice) or page.step is not None:
            raise TypeError("Search results are read a page (a slice) at a time.")
        start, stop = page.start or 0, page.stop
        if not self.phrases or stop <= start:
            return []
        backend = self._backend()
        allowed = self._allowed(backend.id_column)
        # Fewer matches than the bound: all of them are ranked, read from the full-text index
        # (walking the newest entries until enough match would read far more of them).
        every = self.counted is not None and self.counted < MAX_RESULTS
        rows = self._fetch(*backend.page(self.phrases, allowed, stop - start, start, every))
        articles = self.within.in_bulk([pk for pk, _ in rows])
        found = []
        for pk, snippet in rows:
            if pk in articles:  # else it stopped being public between the two queries
                articles[pk].search_snippet = highlight(snippet or "")
                found.append(articles[pk])
        return found

    def _backend(self):
        vendor = connections[self.within.db].vendor
        if vendor not in BACKENDS:
            raise NotImplementedError(f"Search works on SQLite and PostgreSQL, not {vendor}.")
        return BACKENDS[vendor]

    def _allowed(self, id_column):
        """SQL and parameters of a condition: the article of ``id_column`` is in ``within``.

        A correlated ``EXISTS`` costs a primary key lookup per match; ``IN (within)`` would
        read every public article, and SQLite would run the full-text query once per id.
        """
        ids = self.within.filter(pk=RawSQL(id_column, ())).order_by().values("pk")  # noqa: S611
        sql, params = ids.query.get_compiler(self.within.db).as_sql()
        return f"EXISTS ({sql})", params

    def _fetch(self, sql, params):
        with connections[self.within.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


# The SQL below is put together from constants and from Django's own compiled SQL; every value,
# what the reader typed above all, travels as a query parameter (hence the S608 exemptions).


class SQLiteSearch:
    """FTS5: phrases in double quotes (a quote inside doubled), which the query syntax reads as
    plain text; the weights go to ``bm25()`` through the ``rank`` column."""

    table = "articles_searchentry_fts"
    id_column = f"{table}.rowid"

    def match(self, phrases):
        return " ".join('"{}"'.format(phrase.replace('"', '""')) for phrase in phrases)

    def count(self, phrases, allowed):
        (allowed_sql, allowed_params), table = allowed, self.table
        sql = (
            f"SELECT count(*) FROM (SELECT 1 FROM {table} "  # noqa: S608
            f"WHERE {table} MATCH %s AND {allowed_sql} LIMIT {MAX_RESULTS})"
        )
        return sql, [self.match(phrases), *allowed_params]

    def page(self, phrases, allowed, limit, offset, every):
        # The newest matches (or ``every`` match) come from the index, and are ranked; snippets
        # are made in the outer query, for the page's rows only.
        (allowed_sql, allowed_params), table = allowed, self.table
        newest = (
            f"SELECT rowid, rank FROM {table} "  # noqa: S608
            f"WHERE {table} MATCH %s AND rank MATCH %s AND {allowed_sql}"
        )
        if not every:
            newest += f" ORDER BY rowid DESC LIMIT {MAX_RESULTS}"
        sql = (
            f"SELECT {table}.rowid, "  # noqa: S608
            f"snippet({table}, 4, %s, %s, '…', {SNIPPET_WORDS}) FROM {table} "
            f"JOIN (SELECT rowid AS id, rank AS score FROM ({newest}) "
            "ORDER BY rank, rowid DESC LIMIT %s OFFSET %s) AS page "
            f"ON {table}.rowid = page.id WHERE {table} MATCH %s "
            "ORDER BY page.score, page.id DESC"
        )
        match = self.match(phrases)
        params = [MARK_START, MARK_END, match, SQLITE_WEIGHTS, *allowed_params]
        return sql, [*params, limit, offset, match]


class PostgreSQLSearch:
    """Full-text search: each phrase is the argument of ``phraseto_tsquery()``, which has no
    operators, and the phrases are joined with ``&&``."""

    config = "english"
    id_column = "articles_searchentry.article_id"
    headline_options = (
        f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords={SNIPPET_WORDS}, '
        'MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'
    )

    def tsquery(self, phrases):
        sql = " && ".join([f"phraseto_tsquery('{self.config}', %s)"] * len(phrases))
        return sql, list(phrases)

    def count(self, phrases, allowed):
        (allowed_sql, allowed_params), (query_sql, query_params) = allowed, self.tsquery(phrases)
        sql = (
            "SELECT count(*) FROM (SELECT 1 FROM articles_searchentry "  # noqa: S608
            f"WHERE document @@ ({query_sql}) AND {allowed_sql} LIMIT {MAX_RESULTS}) AS found"
        )
        return sql, [*query_params, *allowed_params]

    def page(self, phrases, allowed, limit, offset, every):
        # The newest matches (or ``every`` match) are ranked; ts_headline() reads the whole
        # body: only for the page's rows.
        (allowed_sql, allowed_params), (query_sql, query_params) = allowed, self.tsquery(phrases)
        newest = (
            "SELECT article_id, document, q.query "  # noqa: S608
            f"FROM articles_searchentry CROSS JOIN (SELECT {query_sql} AS query) AS q "
            f"WHERE document @@ q.query AND {allowed_sql}"
        )
        if not every:
            newest += f" ORDER BY article_id DESC LIMIT {MAX_RESULTS}"
        sql = (
            "SELECT page.article_id, "  # noqa: S608
            f"ts_headline('{self.config}', entry.body, page.query, %s) "
            "FROM ("
            "SELECT article_id, query, ts_rank(document, query) AS rank "
            f"FROM ({newest}) AS newest "
            "ORDER BY rank DESC, article_id DESC LIMIT %s OFFSET %s"
            ") AS page JOIN articles_searchentry AS entry ON entry.article_id = page.article_id "
            "ORDER BY page.rank DESC, page.article_id DESC"
        )
        return sql, [self.headline_options, *query_params, *allowed_params, limit, offset]


BACKENDS = {"sqlite": SQLiteSearch(), "postgresql": PostgreSQLSearch()}
