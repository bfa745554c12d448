"""Site search: published articles by the words of their headline, standfirst, body, authors and
tags, best match first, each with a highlighted snippet of its body.

Each article has a ``SearchEntry``, its text as search sees it, which ``reindex()`` rewrites
once a change commits (``reindex_after_commit()``): the signals ask for it when an article,
byline, tag or author name changes, and ``articles_written()`` for what is written in bulk. The
full-text index over the entries is the database's own, created by migration 0004: on SQLite an
FTS5 table kept in step by triggers, ranked with ``bm25()``; on PostgreSQL a weighted
``tsvector`` column with a GIN index, ranked with ``ts_rank()``. ``find()`` is the one interface
to both. It searches the articles of a queryset and no others: the reader's search passes the
published ones (``ArticleQuerySet.published()``, the one rule), the admin's its list, every
status.

A search ranks at most the ``MAX_RESULTS`` newest matches: a rare word finds and ranks
every article that has it, and a word found in half the archive costs the same as one found in a
thousand articles, since neither the count nor the ranking walks the whole archive. The page
says when there are more.

What the reader typed never reaches the database as syntax: ``parse_query()`` reduces it to
words and "quoted phrases", and each is handed over as a quoted FTS5 string or as the argument
of ``phraseto_tsquery()``, where ``AND(``, ``*``, ``NEAR``, ``-`` or ``OR`` are only text.
"""

import json
import re
import threading
from functools import partial
from html.parser import HTMLParser

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..sanitizer import strip_control_characters

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


class _Pending(threading.local):
    """The articles whose entries wait for their transaction to commit, by database alias."""

    def __init__(self):
        self.ids = {}


_pending = _Pending()


def reindex_after_commit(article_ids, using=None):
    """Rewrite the entries of ``article_ids`` once the transaction commits, each once: saving an
    article with its byline, captions and tags rewrites its entry once, not once a row, and a
    transaction rolled back rewrites none (its ids are reindexed with the next commit: an entry
    rewritten from the database as it is is never wrong)."""
    alias = using or DEFAULT_DB_ALIAS
    _pending.ids.setdefault(alias, {}).update(dict.fromkeys(article_ids))
    transaction.on_commit(partial(reindex_pending, alias), using=alias)


def reindex_pending(alias=DEFAULT_DB_ALIAS):
    """Rewrite the entries waiting on ``alias``; the first of a transaction's callbacks does it
    all, the others find nothing left."""
    if ids := _pending.ids.pop(alias, None):
        reindex(ids, using=alias)


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
    """The articles of the queryset ``within`` that match what a reader typed, best first:
    ``within`` alone decides which articles may be found (published ones for readers)."""
    return SearchResults(text, within)


class SearchResults:
    """Search results, read by Django's ``Paginator``: ``count()`` finds the newest matches
    (at most ``MAX_RESULTS``) with their ranks, and a slice is one query for its snippets,
    then ``within``'s own queries for its articles; ``ids()`` gives the matches alone.

    Each article of a page has a ``search_snippet``: body text around the matches, escaped
    HTML with the matches in ``<mark>``.
    """

    def __init__(self, text, within):
        self.text = clean_query(text)
        self.phrases = parse_query(self.text)
        self.within = within
        self.ranked = None

    def count(self):
        return len(self._ranked())

    def ids(self):
        """The ids of the matches, best first: for a list that shows them in an order of its
        own (the admin's)."""
        return list(self._ranked())

    def __getitem__(self, page):
        if not isinstance(page, slice) or page.step is not None:
            raise TypeError("Search results are read a page (a slice) at a time.")
        ids = self._ranked()[page]
        if not ids:
            return []
        snippets = dict(self._fetch(*self._backend().snippets(self.phrases, ids)))
        articles = self.within.in_bulk(ids)
        found = []
        for pk in ids:
            if pk in articles:  # else it left ``within`` between the two queries
                articles[pk].search_snippet = highlight(snippets.get(pk) or "")
                found.append(articles[pk])
        return found

    def _ranked(self):
        """The ids of the newest ``MAX_RESULTS`` matches in ``within``, best first (the newer
        first of two that rank the same)."""
        if self.ranked is None:
            self.ranked = []
            if self.phrases:
                backend = self._backend()
                allowed = self._allowed(backend.id_column)
                matches = backend.newest_matches(self.phrases, allowed, self._fetch)
                self.ranked = [pk for pk, _ in sorted(matches, key=lambda m: (m[1], -m[0]))]
        return self.ranked

    def _backend(self):
        vendor = connections[self.within.db].vendor
        if vendor not in BACKENDS:
            raise NotImplementedError(f"Search works on SQLite and PostgreSQL, not {vendor}.")
        return BACKENDS[vendor]

    def _allowed(self, id_column):
        """SQL and parameters of a condition: the article of ``id_column`` is in ``within``.

        A correlated ``EXISTS`` costs a primary key lookup per match; ``IN (within)`` would
        read every article of ``within``, and SQLite would run the full-text query once per id.
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
# Each backend gives ``newest_matches()``: (id, order) pairs, the best match the lowest order.


def _placeholders(values):
    return ", ".join(["%s"] * len(values))


class SQLiteSearch:
    """FTS5: phrases in double quotes (a quote inside doubled), which the query syntax reads as
    plain text; the weights go to ``bm25()`` through the ``rank`` column. FTS5 reads the
    matches of a word in rowid order, so the newest come first at no extra cost."""

    table = "articles_searchentry_fts"
    id_column = f"{table}.rowid"

    def match(self, phrases):
        return " ".join('"{}"'.format(phrase.replace('"', '""')) for phrase in phrases)

    def newest(self, phrases, allowed):
        (allowed_sql, allowed_params), table = allowed, self.table
        sql = (
            f"SELECT rowid, rank FROM {table} "  # noqa: S608
            f"WHERE {table} MATCH %s AND rank MATCH %s AND {allowed_sql} "
            f"ORDER BY rowid DESC LIMIT {MAX_RESULTS}"
        )
        return sql, [self.match(phrases), SQLITE_WEIGHTS, *allowed_params]

    def newest_matches(self, phrases, allowed, fetch):
        return fetch(*self.newest(phrases, allowed))

    def snippets(self, phrases, ids):
        table = self.table
        sql = (
            f"SELECT rowid, snippet({table}, 4, %s, %s, '…', {SNIPPET_WORDS}) "  # noqa: S608
            f"FROM {table} WHERE {table} MATCH %s AND rowid IN ({_placeholders(ids)})"
        )
        return sql, [MARK_START, MARK_END, self.match(phrases), *ids]


class PostgreSQLSearch:
    """Full-text search: each phrase is the argument of ``phraseto_tsquery()``, which has no
    operators, and the phrases are joined with ``&&``.

    The GIN index finds the entries that match in no useful order, and checking entries newest
    first reads each one's ``tsvector``: for a word in one entry of fifty, a thousand matches
    cost fifty thousand reads either way. So the search asks the planner how many entries it
    expects to match, and looks first at the newest ids expected to hold ``WINDOW_MARGIN``
    times ``MAX_RESULTS`` of them, where the index and the primary key combine (a BitmapAnd);
    a window that holds fewer is widened tenfold, up to every entry. A word in more than one
    entry in ``1 / DENSE`` is found soonest by checking entries newest first, as the planner
    does when asked for the newest matches of every entry.
    """

    config = "newsroom"  # English stemming after unaccent (migration 0014)
    id_column = "articles_searchentry.article_id"
    headline_options = (
        f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords={SNIPPET_WORDS}, '
        'MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'
    )
    WINDOW_MARGIN = 2
    DENSE = 0.1

    def tsquery(self, phrases):
        sql = " && ".join([f"phraseto_tsquery('{self.config}', %s)"] * len(phrases))
        return sql, list(phrases)

    def newest(self, phrases, allowed, *, above=None):
        """The newest matches, ranked: of ids above ``above``, or of every id.

        Every match in a window is found first (told to find the newest only, the planner would
        check entries one by one, newest first); ``ts_rank()`` then reads the ``tsvector`` of
        the ``MAX_RESULTS`` kept only.
        """
        (allowed_sql, allowed_params), (query_sql, query_params) = allowed, self.tsquery(phrases)
        found = (
            "SELECT article_id, document, q.query "  # noqa: S608
            f"FROM articles_searchentry CROSS JOIN (SELECT {query_sql} AS query) AS q "
            f"WHERE document @@ q.query AND {allowed_sql}"
        )
        rank = "SELECT article_id, -ts_rank(document, query) FROM "
        newest = f"ORDER BY article_id DESC LIMIT {MAX_RESULTS}"
        if above is None:
            sql = f"{rank}({found} {newest}) AS newest"
            return sql, [*query_params, *allowed_params]
        sql = (
            f"WITH found AS MATERIALIZED ({found} AND article_id > %s) "  # noqa: S608
            f"{rank}(SELECT * FROM found {newest}) AS newest"
        )
        return sql, [*query_params, *allowed_params, above]

    def newest_matches(self, phrases, allowed, fetch):
        for above in self.windows(*self.estimate(phrases, fetch)):
            rows = fetch(*self.newest(phrases, allowed, above=above))
            if len(rows) >= MAX_RESULTS:
                break
        return rows

    def estimate(self, phrases, fetch):
        """The newest id, and how many entries the planner expects to match."""
        ((newest,),) = fetch("SELECT max(article_id) FROM articles_searchentry", [])
        query_sql, query_params = self.tsquery(phrases)
        ((plan,),) = fetch(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM articles_searchentry "  # noqa: S608
            f"WHERE document @@ ({query_sql})",
            query_params,
        )
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return newest, plan[0]["Plan"]["Plan Rows"]

    def windows(self, newest, expected):
        """The ids above which to look, in turn: the newest ids expected to hold
        ``WINDOW_MARGIN`` times ``MAX_RESULTS`` matches (ids taken as spread evenly), ten times
        as many, and so on; last ``None``, every id."""
        newest = newest or 0
        span = self.WINDOW_MARGIN * MAX_RESULTS * newest / max(expected, 1)
        while span < newest and expected < newest * self.DENSE:
            yield int(newest - span)
            span *= 10
        yield None

    def snippets(self, phrases, ids):
        # ts_headline() reads the whole body: for the page's rows only.
        query_sql, query_params = self.tsquery(phrases)
        sql = (
            f"SELECT article_id, ts_headline('{self.config}', body, ({query_sql}), %s) "  # noqa: S608
            f"FROM articles_searchentry WHERE article_id IN ({_placeholders(ids)})"
        )
        return sql, [*query_params, self.headline_options, *ids]


BACKENDS = {"sqlite": SQLiteSearch(), "postgresql": PostgreSQLSearch()}
