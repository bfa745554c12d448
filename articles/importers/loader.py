"""Write ``ParsedArticle``s to the database: articles, bylines, captions and related links.

Keyed on the source: a source seen before with the same checksum is left alone ("unchanged"),
with another checksum its article is rewritten in place ("updated"). ``load_article`` writes one
parse in one transaction, so a file that fails leaves nothing behind. ``load_articles`` gives the
same outcome for many parses in a handful of queries: new articles are inserted in bulk, and if
the bulk write fails, every parse is loaded again on its own so that only the bad one fails.
"""

import html
import itertools
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from .. import caching, search
from ..models import (
    Article,
    Author,
    Byline,
    Caption,
    ImportedFile,
    RelatedLink,
    TaggedArticle,
    Transition,
)
from ..publishing import ensure_may_publish
from .parser import Block, ParsedArticle

SLUG_MAX_LENGTH = 200
SLUG_BATCH = 20
# The key of the PostgreSQL advisory lock that transactions creating authors take in turn.
AUTHOR_WRITERS_LOCK = 0x61757468  # "auth"


@dataclass(frozen=True)
class ImportResult:
    action: str  # one of ImportedFile.Action: created, updated, unchanged, failed
    article: Article | None
    error: str = ""


@dataclass(frozen=True)
class ImportItem:
    parsed: ParsedArticle
    source: str
    checksum: str


BODY_TAGS = {Block.PARAGRAPH: "p", Block.SUBHEADING: "h2"}


def render_body(blocks):
    """Body HTML from the parsed blocks: paragraphs and subheadings, escaped."""
    return "\n".join(
        f"<{BODY_TAGS[block.kind]}>{html.escape(block.text, quote=False)}</{BODY_TAGS[block.kind]}>"
        for block in blocks
        if block.kind in BODY_TAGS
    )


def unique_slug(model, text, *, max_length=SLUG_MAX_LENGTH, also_taken=(), **scope):
    """``slugify(text)``, with -2, -3… appended if ``model`` already has it within ``scope``
    (or it is in ``also_taken``: slugs given out but not yet saved).

    Asks for a batch of exact candidates at a time, so the lookup uses the unique index.
    """
    base = _slug_base(text, max_length)
    for start in range(1, 10_000, SLUG_BATCH):
        candidates = [_numbered(base, n, max_length) for n in range(start, start + SLUG_BATCH)]
        taken = set(
            model.objects.filter(slug__in=candidates, **scope).values_list("slug", flat=True)
        )
        for slug in candidates:
            if slug not in taken and slug not in also_taken:
                return slug
    raise ValueError(f"no free slug for {text!r}")


def _slug_base(text, max_length=SLUG_MAX_LENGTH):
    return slugify(text)[:max_length].strip("-") or "untitled"


def _numbered(base, number, max_length):
    if number == 1:
        return base
    suffix = f"-{number}"
    return base[: max_length - len(suffix)] + suffix


def author_named(name):
    """The author with this name (any case), created the first time a byline names them."""
    return authors_named([name])[0]


def authors_named(names):
    """The authors with these names (any case) in one query, creating those not seen before.

    Returns them in the order given, without repeats.
    """
    unique = list(dict.fromkeys(names))
    if not unique:
        return []
    found = _authors_by_name(unique)
    if any(name.casefold() not in found for name in unique) and _wait_for_author_writers():
        found = _authors_by_name(unique)  # with those the writer we waited for committed
    authors = []
    for name in unique:
        author = found.get(name.casefold())
        if author is None:
            author = Author.objects.create(name=name, slug=unique_slug(Author, name))
            found[name.casefold()] = author
        if author not in authors:
            authors.append(author)
    return authors


def load_article(
    parsed: ParsedArticle,
    *,
    source: str,
    checksum: str,
    status: str = Article.Status.DRAFT,
    section=None,
    tags=(),
    run=None,
    by=None,
) -> ImportResult:
    """Create or update the article of ``source``; raises ``ValidationError`` on invalid data.

    ``status`` applies to new articles only: an editor's later decision on an existing article
    (publishing, unpublishing) is not undone by importing a corrected file. ``by`` is the user
    the import acts for (None: the operator at the command line); publishing needs their
    permission, and ``PermissionDenied`` is raised before anything is written.
    """
    _check_permission(status, by)
    item = ImportItem(parsed, source, checksum)
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(source=source).first()
        if article is not None and article.source_checksum == checksum:
            return ImportResult(ImportedFile.Action.UNCHANGED, article)
        if article is None:
            article = _fill(None, parsed, source, checksum, status, section, run, by)
            _insert([(item, article)], tags, by)
            return ImportResult(ImportedFile.Action.CREATED, article)
        _update(_fill(article, parsed, source, checksum, status, section, run, by), parsed, tags)
    return ImportResult(ImportedFile.Action.UPDATED, article)


def _update(article, parsed, tags):
    """Rewrite an existing article in place; caption rows are kept with any image added since."""
    article.save()
    Byline.objects.filter(article=article).delete()
    Byline.objects.bulk_create(_bylines(article, parsed, authors_named(parsed.authors)))
    existing = list(Caption.objects.filter(article=article))
    for caption, new in itertools.zip_longest(existing, _captions(article, parsed)):
        if new is None:
            caption.delete()
        elif caption is None:
            new.save()
        else:
            caption.text, caption.credit, caption.order = new.text, new.credit, new.order
            caption.save()
    RelatedLink.objects.filter(article=article).delete()
    RelatedLink.objects.bulk_create(_links(article, parsed))
    if tags:
        article.tags.add(*tags)
    search.reindex([article.pk])  # the bulk writes above send no signals


def _authors_by_name(names):
    any_name = Q()
    for name in names:
        any_name |= Q(name__iexact=name)
    found = {}
    for author in Author.objects.filter(any_name).order_by("-pk"):
        found[author.name.casefold()] = author  # the oldest of namesakes wins
    return found


def _wait_for_author_writers():
    """On PostgreSQL, wait for any other transaction that creates authors to end, and keep the
    turn until this one ends; True if it did. Two imports creating one new author at once
    otherwise collide on its slug (files fail) or each make one (a duplicate). SQLite needs no
    turn: its IMMEDIATE transactions write one at a time."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUTHOR_WRITERS_LOCK])
    return True


def _check_permission(status, by):
    if status == Article.Status.PUBLISHED and by is not None:
        ensure_may_publish(by)


def _fill(article, parsed, source, checksum, status, section, run, by):
    """``article`` (or a new one with ``status``) with the parsed content; validated."""
    if article is None:
        article = Article(source=source, status=status, created_by=by)
        if status == Article.Status.PUBLISHED:
            article.publish_at = timezone.now()
    article.headline = parsed.headline
    article.body = render_body(parsed.blocks)
    article.source_checksum = checksum
    article.import_run = run
    if section is not None:
        article.section = section
    # Uniqueness is ensured by the loaders (the source lookup, unique slugs) and by the database
    # constraints; Django's own checks would cost a query per constraint per article.
    article.full_clean(
        exclude=["slug", "section", "import_run", "body"],  # body: escaped here, sanitized on save
        validate_unique=False,
        validate_constraints=False,
    )
    return article


def load_articles(items, *, status=Article.Status.DRAFT, section=None, tags=(), run=None, by=None):
    """``load_article`` for each of ``items``, in bulk; one ``ImportResult`` per item, in order.

    A parse that is invalid gets a failed result; the others are still written.
    """
    _check_permission(status, by)
    try:
        with transaction.atomic():
            return _load_in_bulk(items, status, section, tags, run, by)
    except (DatabaseError, ValidationError):
        return [_load_alone(item, status, section, tags, run, by) for item in items]


def _load_alone(item, status, section, tags, run, by):
    try:
        return load_article(
            item.parsed,
            source=item.source,
            checksum=item.checksum,
            status=status,
            section=section,
            tags=tags,
            run=run,
            by=by,
        )
    except (ValidationError, DatabaseError) as error:
        return ImportResult(ImportedFile.Action.FAILED, None, error=_message(error))


def _message(error):
    if isinstance(error, ValidationError) and hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(m)}" for field, m in error.message_dict.items())
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return f"database refused the article: {error}"


def _load_in_bulk(items, status, section, tags, run, by):
    existing = {
        article.source: article
        for article in Article.objects.filter(source__in=[item.source for item in items])
    }
    results, new = [None] * len(items), []
    for index, item in enumerate(items):
        article = existing.get(item.source)
        if article is not None and article.source_checksum == item.checksum:
            results[index] = ImportResult(ImportedFile.Action.UNCHANGED, article)
        elif article is not None:
            results[index] = _load_alone(item, status, section, tags, run, by)
        else:
            try:
                article = _fill(
                    None, item.parsed, item.source, item.checksum, status, section, run, by
                )
            except ValidationError as error:
                results[index] = ImportResult(ImportedFile.Action.FAILED, None, _message(error))
            else:
                new.append((index, item, article))
    if new:
        _insert([(item, article) for _, item, article in new], tags, by)
        for index, _, article in new:
            results[index] = ImportResult(ImportedFile.Action.CREATED, article)
    return results


def _insert(new, tags, by):
    """Insert new articles with their bylines, captions, links, tags and first status (the
    transition from nothing, by ``by``): a query per table.

    ``new`` holds (ImportItem, unsaved Article) pairs.
    """
    articles = [article for _, article in new]
    for article in articles:
        article.normalize()
    _assign_unique_slugs(articles)
    Article.objects.bulk_create(articles)
    authors = authors_named([name for item, _ in new for name in item.parsed.authors])
    bylines, captions, links = [], [], []
    for item, article in new:
        bylines += _bylines(article, item.parsed, authors)
        captions += _captions(article, item.parsed)
        links += _links(article, item.parsed)
    Byline.objects.bulk_create(bylines)
    Caption.objects.bulk_create(captions)
    RelatedLink.objects.bulk_create(links)
    Transition.objects.bulk_create(
        Transition(article=article, user=by, to_status=article.status) for article in articles
    )
    transaction.on_commit(caching.content_changed)  # bulk inserts send no signals
    if tags:
        tag_objects = [_tag_named(name) for name in dict.fromkeys(tags)]
        TaggedArticle.objects.bulk_create(
            TaggedArticle(content_object=article, tag=tag)
            for article in articles
            for tag in tag_objects
        )
    search.reindex([article.pk for article in articles])  # bulk writes send no signals


def _bylines(article, parsed, authors):
    """The article's byline rows, in the parsed order, from ``authors`` (matched by name)."""
    by_name = {author.name.casefold(): author for author in authors}
    names = dict.fromkeys(name.casefold() for name in parsed.authors)
    return [
        Byline(article=article, author=by_name[name], order=order)
        for order, name in enumerate(names)
    ]


def _captions(article, parsed):
    captions = [
        Caption(article=article, text=c.text, credit=c.credit or "", order=order)
        for order, c in enumerate(parsed.captions)
    ]
    for caption in captions:
        caption.clean_fields(exclude=["article", "image"])
    return captions


def _links(article, parsed):
    return [
        RelatedLink(article=article, title=link.title[:255], url=link.url or "", order=order)
        for order, link in enumerate(parsed.related_links)
    ]


def _assign_unique_slugs(articles):
    """Distinct slugs per publication day, against the database and within the batch.

    The first numbered candidates are looked up for the whole batch at once; past them a slug
    is looked up on its own. A clash left inside the batch fails the bulk insert on the unique
    constraint, and the per-file fallback then loads each article alone.
    """
    by_date = {}
    for article in articles:
        by_date.setdefault(article.publish_date, []).append(article)
    for date, group in by_date.items():
        bases = [_slug_base(article.headline) for article in group]
        candidates = [
            _numbered(base, n, SLUG_MAX_LENGTH)
            for base in set(bases)
            for n in range(1, SLUG_BATCH + 1)
        ]
        taken = set(
            Article.objects.filter(slug__in=candidates, publish_date=date).values_list(
                "slug", flat=True
            )
        )
        for article, base in zip(group, bases, strict=True):
            checked = (_numbered(base, n, SLUG_MAX_LENGTH) for n in range(1, SLUG_BATCH + 1))
            article.slug = next((slug for slug in checked if slug not in taken), None)
            if article.slug is None:
                article.slug = unique_slug(
                    Article, article.headline, also_taken=taken, publish_date=date
                )
            taken.add(article.slug)


def _tag_named(name):
    tag = Tag.objects.filter(name__iexact=name).first()
    return tag or Tag.objects.create(name=name)
