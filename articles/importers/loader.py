"""Write a ``ParsedArticle`` to the database: one article, its byline, captions and related links.

Keyed on the source: a source seen before with the same checksum is left alone ("unchanged"),
with another checksum its article is rewritten in place ("updated"). Each call is one transaction,
so a file that fails leaves nothing behind.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify

from ..models import Article, Author, Byline, Caption, ImportedFile, RelatedLink
from .parser import Block, ParsedArticle

SLUG_MAX_LENGTH = 200
SLUG_BATCH = 20


@dataclass(frozen=True)
class ImportResult:
    action: str  # one of ImportedFile.Action: created, updated, unchanged
    article: Article


def render_body(blocks):
    """Body HTML from the parsed blocks: paragraphs and subheadings, escaped."""
    tags = {Block.PARAGRAPH: "p", Block.SUBHEADING: "h2"}
    return "\n".join(
        format_html("<{0}>{1}</{0}>", tags[block.kind], block.text)
        for block in blocks
        if block.kind in tags
    )


def unique_slug(model, text, *, max_length=SLUG_MAX_LENGTH, **scope):
    """``slugify(text)``, with -2, -3… appended if ``model`` already has it within ``scope``.

    Asks for a batch of exact candidates at a time, so the lookup uses the unique index.
    """
    base = slugify(text)[:max_length].strip("-") or "untitled"
    for start in range(1, 10_000, SLUG_BATCH):
        candidates = [_numbered(base, n, max_length) for n in range(start, start + SLUG_BATCH)]
        taken = set(
            model.objects.filter(slug__in=candidates, **scope).values_list("slug", flat=True)
        )
        for slug in candidates:
            if slug not in taken:
                return slug
    raise ValueError(f"no free slug for {text!r}")


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
    any_name = Q()
    for name in unique:
        any_name |= Q(name__iexact=name)
    found = {}
    for author in Author.objects.filter(any_name).order_by("-pk"):
        found[author.name.casefold()] = author  # the oldest of namesakes wins
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
) -> ImportResult:
    """Create or update the article of ``source``; raises ``ValidationError`` on invalid data.

    ``status`` applies to new articles only: an editor's later decision on an existing article
    (publishing, unpublishing) is not undone by importing a corrected file.
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(source=source).first()
        if article is not None and article.source_checksum == checksum:
            return ImportResult(ImportedFile.Action.UNCHANGED, article)
        action = ImportedFile.Action.UPDATED if article else ImportedFile.Action.CREATED
        if article is None:
            article = Article(source=source, status=status)
            if status == Article.Status.PUBLISHED:
                article.publish_at = timezone.now()
        article.headline = parsed.headline
        article.body = render_body(parsed.blocks)
        article.source_checksum = checksum
        article.import_run = run
        if section is not None:
            article.section = section
        if not article.slug:
            article.slug = _slug_for(article)
        # Uniqueness is ensured here (the source lookup, unique_slug) and by the database
        # constraints; skipping Django's query per constraint triples import throughput.
        article.full_clean(
            exclude=["section", "import_run"], validate_unique=False, validate_constraints=False
        )
        article.save()

        is_new = action == ImportedFile.Action.CREATED
        _write_byline(article, parsed.authors, is_new=is_new)
        _write_captions(article, parsed.captions, is_new=is_new)
        if not is_new:
            RelatedLink.objects.filter(article=article).delete()
        RelatedLink.objects.bulk_create(
            RelatedLink(article=article, title=link.title[:255], url=link.url or "", order=order)
            for order, link in enumerate(parsed.related_links)
        )
        if tags:
            article.tags.add(*tags)
    return ImportResult(action, article)


def _slug_for(article):
    date = article.local_publish_at.date() if article.publish_at else None
    return unique_slug(Article, article.headline, publish_date=date)


def _write_byline(article, names, *, is_new):
    if not is_new:
        Byline.objects.filter(article=article).delete()
    Byline.objects.bulk_create(
        Byline(article=article, author=author, order=order)
        for order, author in enumerate(authors_named(names))
    )


def _write_captions(article, parsed_captions, *, is_new):
    """Update captions in place by position, so images an editor added to them are kept."""
    existing = [] if is_new else list(Caption.objects.filter(article=article))
    new = []
    for order, parsed in enumerate(parsed_captions):
        caption = existing[order] if order < len(existing) else Caption(article=article)
        caption.text, caption.credit, caption.order = parsed.text, parsed.credit or "", order
        caption.clean_fields(exclude=["article", "image"])
        if caption.pk is None:
            new.append(caption)
        else:
            caption.save()
    Caption.objects.bulk_create(new)
    extra = [caption.pk for caption in existing[len(parsed_captions) :]]
    if extra:
        Caption.objects.filter(pk__in=extra).delete()
