"""Write ``ParsedArticle``s to the database: articles, bylines, captions and related links, and
the metadata structured formats carry (standfirst, section, tags, status and dates, old
addresses, pictures).

Keyed on the source: a source seen before with the same checksum is left alone ("unchanged"),
with another checksum its article is rewritten in place ("updated"), unless the article was
changed here since its last import ("conflict": left alone, unless ``overwrite``; see
``import_action``), or unless it is a WordPress post whose article came from an export file
of another name ("conflict", whatever ``overwrite`` says: two posts are never merged; see
``claimant``). ``load_article`` writes one parse in one transaction, so a file that fails
leaves nothing behind. ``load_articles`` gives the same outcome for many parses in a handful of
queries: new articles are inserted in bulk, and if the bulk write fails, every parse is loaded
again on its own so that only the bad one fails.

On an update the source is the truth for what it carries: headline, body, byline, captions
and links; the tags, exactly (with the run's ``tags``), when the parse carries them (``tags``
not None: WordPress posts always, ninjs items with ``subjects`` or ``keywords``; text files
never, so an update only adds the run's); a section or standfirst it names; and the
publication time of a published article, past or future (``_redated``; its old address then
redirects, see ``Article.save``). What the parse leaves empty or None is left as it is.

A parse's status applies to a new article. An update never makes an article more public than
an editor left it; it takes a published article down (unpublished) when its source no longer
is (a post made private, a wire item withheld or canceled).

The pre-publish checks (``publishing.missing``) hold for what an import leaves public
(``publication_needs``): a new article that would be published or scheduled without what they
ask for is kept as a draft, with a warning naming it, and the update of a published article
that would leave it lacking something fails, leaving the article as it was.
"""

import contextvars
import html
import itertools
import re
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.images import get_image_dimensions
from django.db import DatabaseError, connection, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from .. import conf, images, signals
from ..editorial.publishing import Facts, ensure_may_publish, may_publish, missing
from ..models import (
    Article,
    ArticleRedirect,
    Author,
    Byline,
    Caption,
    ImportedFile,
    Picture,
    RelatedLink,
    Section,
    TaggedArticle,
    Transition,
)
from ..models.media import file_checksum
from ..sanitizer import sanitize_html
from . import placement
from .parser import Block, ParsedArticle

SLUG_MAX_LENGTH = 200
SLUG_BATCH = 20
# The key of the PostgreSQL advisory lock that transactions creating authors take in turn.
AUTHOR_WRITERS_LOCK = 0x61757468  # "auth"
# The names of the files stored by the innermost ``_stored_files()`` block.
_STORED_FILES = contextvars.ContextVar("stored_files", default=None)
# The fields of a picture other than its file: the file is checked on its own.
NOT_IMAGE_FIELDS = [f.name for f in Picture._meta.fields if f.name != "image"]


@dataclass(frozen=True)
class ImportResult:
    action: str  # one of ImportedFile.Action: created, updated, unchanged, failed, conflict
    article: Article | None
    error: str = ""
    # What was left out without failing: an unusable picture, the publication of an article
    # that lacks what publishing needs.
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportItem:
    parsed: ParsedArticle
    source: str
    checksum: str
    # Picture files on this machine for the parse's captions, by the caption's position.
    images: dict[int, Path] = field(default_factory=dict)
    # Where the item was read (``export.xml#post-12``), for a format whose identity is only what
    # the file claims (WordPress: the site's address, which two exports can share); empty for
    # the others. An article last imported from a file of another name is then a conflict.
    origin: str = ""


BODY_TAGS = {Block.PARAGRAPH: "p", Block.SUBHEADING: "h2"}


def render_body(blocks):
    """Body HTML from the parsed blocks: paragraphs and subheadings, escaped; a caption after
    the start of the text is marked where it stood (``placement``)."""
    parts, captions = [], 0
    for block in blocks:
        if block.kind == Block.CAPTION:
            if parts:
                parts.append(placement.marker(captions))
            captions += 1
        elif block.kind in BODY_TAGS:
            tag = BODY_TAGS[block.kind]
            parts.append(f"<{tag}>{html.escape(block.text, quote=False)}</{tag}>")
    return "\n".join(parts)


def marked_body(parsed):
    """The body of ``parsed`` with its captions' places marked (``placement``)."""
    return render_body(parsed.blocks) if parsed.body_html is None else parsed.body_html


def _place_pictures(pairs):
    """Put the pictures of the captions that stood inside the text where they stood, once the
    captions are saved: ``pairs`` holds (article, parse). A bulk write, as the import's inserts
    are, within the import's transaction: the callers reindex after it."""
    marked = [(article, marked_body(parsed)) for article, parsed in pairs]
    marked = [(article, body) for article, body in marked if placement.positions(body)]
    if not marked:
        return
    pictures = {}
    rows = Caption.objects.filter(article__in=[article for article, _ in marked])
    for article_id, order, picture_id, text in rows.values_list(
        "article", "order", "picture", "text"
    ):
        if picture_id is not None:
            pictures.setdefault(article_id, {})[order] = (picture_id, text)
    for article, body in marked:
        article.body = sanitize_html(placement.place(body, pictures.get(article.pk, {})))
    Article.objects.bulk_update([article for article, _ in marked], ["body"])


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
    unique = list(dict.fromkeys(name for name in names if name))
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


def import_action(
    article: Article | None, checksum: str, *, overwrite: bool = False, claimed_by: str = ""
) -> str:
    """What importing a source with ``checksum`` does to its ``article`` (None: a new source),
    as an ``ImportedFile.Action``: the loaders act on it, and a dry run predicts with it.

    An item that another export file holds the claim to (``claimed_by``, see ``claimant``) is a
    conflict, even with ``overwrite``: it is another post, not a newer version of it. A source
    whose checksum is the one last imported is unchanged, whatever happened to the article
    since. A changed source updates its article, unless the article was changed here since its
    last import: that is a conflict, and the article is left as the desk left it, unless
    ``overwrite``.
    """
    if claimed_by:
        return ImportedFile.Action.CONFLICT
    if article is None:
        return ImportedFile.Action.CREATED
    if article.source_checksum == checksum:
        return ImportedFile.Action.UNCHANGED
    if article.changed_since_import() and not overwrite:
        return ImportedFile.Action.CONFLICT
    return ImportedFile.Action.UPDATED


def claimant(item: ImportItem, article: Article | None, claims: dict[str, str]) -> str:
    """The ``FILE#ref`` of the other export file that holds the claim to ``item``'s article, or
    "" if none does. The claim is the file the article was last written from
    (``imported_from``, see ``with_provenance``), else the first file of this run that read
    its source (``claims``, by source).

    Files are compared by ``export_series``, so the same export read from another folder, or a
    newer export of the site under WordPress's own name for it (dated), keeps its claim. Only
    items with an ``origin`` (WordPress posts) are checked.
    """
    if not item.origin:
        return ""
    other = (article and article.imported_from) or claims.get(item.source, "")
    return other if other and export_series(other) != export_series(item.origin) else ""


def with_provenance(queryset):
    """``queryset``'s articles with ``imported_from``: the ``FILE#ref`` that the last import
    that created or updated each article read (None if no import run recorded one)."""
    written = ImportedFile.objects.filter(
        article=OuterRef("pk"),
        action__in=[ImportedFile.Action.CREATED, ImportedFile.Action.UPDATED],
    )
    return queryset.annotate(imported_from=Subquery(written.order_by("-pk").values("path")[:1]))


# WordPress names an export "site.WordPress.2024-06-01.xml"; a browser saving it twice adds
# " (1)" or "-1".
EXPORT_DATE = re.compile(r"[._ -]?\d{4}-\d{2}-\d{2}(?:[._-]\d+)?| ?\(\d+\)|-\d+$")


def export_series(origin):
    """The file of ``export.xml#post-12`` as a series of exports of one site: its name, in any
    case, without the date WordPress puts in it or a copy's number ("site.wordpress.xml")."""
    path = PurePath(origin.rpartition("#")[0])
    return EXPORT_DATE.sub("", path.stem).casefold() + path.suffix.casefold()


def _file_name(origin):
    """The name of the file of ``export.xml#post-12`` (or of ``exports/export.xml#post-12``)."""
    return PurePath(origin.rpartition("#")[0]).name


def _claimed(item, other):
    """The error of a conflict with the export ``other`` that claims ``item``'s article."""
    ref = item.origin.rpartition("#")[2]
    return (
        f"{ref} of {_file_name(item.origin)} claims the article imported from {other}: not "
        "merged (a newer export of a site keeps the file name of the one it follows)"
    )


def _claim(claims, item):
    """Record that ``item``'s file claims its source, unless a file claimed it first."""
    if item.origin:
        claims.setdefault(item.source, item.origin)


def publication_needs(
    parsed: ParsedArticle,
    article: Article | None = None,
    *,
    status: str = Article.Status.DRAFT,
    section=None,
    images=(),
    captions=(),
) -> list[str]:
    """What the article that importing ``parsed`` leaves public would lack to be public, as
    ``publishing.missing`` phrases; empty if it is ready, or if the import does not leave it
    public. The loaders act on it, and a dry run predicts with it: it asks no query.

    ``article`` is the article updated (None: a new one, with the parse's status, else
    ``status``), ``section`` the section for parses that name none, ``images`` the positions
    of the captions a picture file is offered for, and ``captions`` the article's caption rows,
    whose pictures and alt text an update keeps. The facts are those the import writes: a
    picture it would refuse still counts, so the answer errs on the side of not publishing.
    """
    if article is None:
        public = (parsed.status or status) == Article.Status.PUBLISHED
    else:
        public = article.status == Article.Status.PUBLISHED and not _taken_down(article, parsed)
    if not public:
        return []
    kept = list(captions)
    pictures_without_alt_text = 0
    for order, new in enumerate(parsed.captions):
        old = kept[order] if order < len(kept) else None  # an update keeps rows by position
        pictured = order in images or bool(old and old.picture.image)
        alt_text = new.alt_text or (old.picture.alt_text if old else "")
        pictures_without_alt_text += pictured and not alt_text
    return missing(
        Facts(
            headline=parsed.headline,
            dek=parsed.dek or (article.dek if article else ""),
            # A published article is filed in the section its parse names (created if new).
            has_section=bool(parsed.section or section or (article and article.section_id)),
            authors=len(_byline_roles(parsed)),
            pictures_without_alt_text=pictures_without_alt_text,
        )
    )


def _kept_as_draft(needs):
    """The warning of a new article kept as a draft because it lacks ``needs``."""
    return f"kept as a draft: publishing needs {', '.join(needs)}"


def _not_updated(needs):
    """The error of an update refused because it would leave a published article lacking
    ``needs``."""
    return f"not updated: a published article needs {', '.join(needs)}"


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
    images=None,
    overwrite: bool = False,
    origin: str = "",
    claims=None,
) -> ImportResult:
    """Create or update the article of ``source``; raises ``ValidationError`` on invalid data.

    The parse's own status, else ``status``, applies to new articles only: an editor's later
    decision on an existing article (publishing, unpublishing) is not undone by importing a
    corrected file, except that a source no longer public takes its article down. ``section``
    and ``tags`` apply where the parse names none of its own (tags: in addition to its own).
    ``by`` is the user the import acts for (None: the operator at the command line);
    publishing needs their permission, and ``PermissionDenied`` is raised before anything is
    written. ``images`` maps a caption's position to a picture file to attach. An article
    changed here since its last import is left alone (a conflict), unless ``overwrite``.
    ``origin`` is where a WordPress post was read (``ImportItem.origin``): an article that
    another export file claims is left alone (a conflict, whatever ``overwrite`` says), and
    ``claims`` (the run's, by source) records this file's claim.
    A new article that would be public without what publishing needs is kept as a draft, with
    a warning; an update that would leave a published article lacking it raises
    ``ValidationError`` (``publication_needs``).
    """
    _check_permission(parsed.status or status, by)
    item = ImportItem(parsed, source, checksum, images or {}, origin)
    claims = {} if claims is None else claims
    with transaction.atomic(), _stored_files() as stored:
        article = with_provenance(Article.objects.select_for_update()).filter(source=source).first()
        other = claimant(item, article, claims)
        action = import_action(article, checksum, overwrite=overwrite, claimed_by=other)
        if other:
            return ImportResult(action, article, error=_claimed(item, other))
        if action in (ImportedFile.Action.UNCHANGED, ImportedFile.Action.CONFLICT):
            return ImportResult(action, article)
        if article is None:
            article, kept = _fill_new(item, status, section, run, by)
            (noted,) = _place([(parsed, article)], section)
            warnings = _insert([(item, article)], tags, by, stored)
            _claim(claims, item)
            return ImportResult(
                ImportedFile.Action.CREATED, article, warnings=kept + noted + warnings[0]
            )
        captions = list(Caption.objects.filter(article=article).select_related("picture"))
        if needs := publication_needs(
            parsed, article, section=section, images=item.images, captions=captions
        ):
            raise ValidationError(_not_updated(needs))
        _fill(article, parsed, source, checksum, status, run, by)
        (noted,) = _place([(parsed, article)], section)
        warnings = _update(article, item, tags, stored, by, captions)
    _claim(claims, item)
    return ImportResult(ImportedFile.Action.UPDATED, article, warnings=noted + warnings)


def _fill_new(item, status, section, run, by):
    """A new article of ``item`` (``_fill``) and its warnings: kept as a draft if the import
    would make it public without what publishing needs."""
    parsed = item.parsed
    needs = publication_needs(parsed, status=status, section=section, images=item.images)
    if needs:
        # As ``--status draft`` imports an item: without the source's status.
        parsed, status = replace(parsed, status=None), Article.Status.DRAFT
    article = _fill(None, parsed, item.source, item.checksum, status, run, by)
    return article, (_kept_as_draft(needs),) if needs else ()


def _update(article, item, tags, stored, by, existing):
    """Rewrite an existing article in place (a change of status recorded as ``by``'s); its
    caption rows (``existing``) are kept with any image added since (a picture of the source is
    attached to a caption that has none). Returns the warnings."""
    parsed = item.parsed
    article.save(by=by)
    Byline.objects.filter(article=article).delete()
    Byline.objects.bulk_create(_bylines(article, parsed, authors_named(parsed.authors)))
    pictured, left = {}, []
    for caption, new in itertools.zip_longest(existing, _captions(article, parsed)):
        if new is None:
            caption.delete()
            left.append(caption.picture)
            continue
        if caption is None:
            caption = new
        else:
            caption.text, caption.order = new.text, new.order
            picture = caption.picture
            picture.credit = new.picture.credit
            picture.alt_text = new.picture.alt_text or picture.alt_text
        if caption.order in item.images and not caption.picture.image:
            if caption.picture.pk is not None:
                left.append(caption.picture)
            pictured[caption.order] = caption
        else:
            caption.picture.save()
            caption.save()
    warnings = _save_pictured(pictured, item, stored)
    _forget_awaited(left)
    RelatedLink.objects.filter(article=article).delete()
    RelatedLink.objects.bulk_create(_links(article, parsed))
    names = [*(parsed.tags or ()), *tags]
    if parsed.tags is not None:  # the source's tags are the article's
        article.tags.set(list(tags_named(names).values()))
    elif names:  # a format without tags: the article keeps its own, and gets the run's
        article.tags.add(*tags_named(names).values())
    _keep_old_paths([(article, parsed)])
    _place_pictures([(article, parsed)])
    signals.articles_written([article.pk])  # the bulk writes above send no signals
    _mark_imported([article])
    return warnings


def _mark_imported(articles):
    """Record the edit version the import leaves ``articles`` at, after all its writes (saving
    the article, or a caption, may advance it), so that only a later save makes
    ``changed_since_import()`` true. An ``update()``: recording it is not a new version."""
    Article.objects.filter(pk__in=[article.pk for article in articles]).update(
        imported_version=F("edit_version")
    )
    for article in articles:
        article.imported_version = article.edit_version


def _authors_by_name(names):
    found = {}
    for author in Author.objects.filter(_any_name_q(names)).order_by("-pk"):
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


def sections_named(names, *, create=True):
    """The sections with these names (any case) in one query, creating those not seen before
    (if ``create``); a dict from the casefolded name. Raises ``ValidationError`` for a name
    to create that is too long."""
    return _named(Section.objects.order_by("-pk"), names, field="section", create=create)


def _place(pairs, default):
    """File the articles of (ParsedArticle, Article) pairs in the sections their parses name,
    else in ``default`` (if any); returns each pair's warnings, in order.

    A named section is created only for a published (or scheduled) article: the navigation
    lists every section, and a draft's must not appear there before the draft does.
    """
    published, other = [], []
    for parsed, article in pairs:
        (published if article.status == Article.Status.PUBLISHED else other).append(parsed.section)
    sections = sections_named(other, create=False) | sections_named(published)
    warnings = []
    for parsed, article in pairs:
        section = sections.get(parsed.section.casefold()) if parsed.section else None
        if section is None and parsed.section:
            warnings.append(
                (
                    f"section {parsed.section!r} is not created for an article that is not "
                    "published: choose its section when publishing it",
                )
            )
        else:
            warnings.append(())
        if (section or default) is not None:
            article.section = section or default
    return warnings


def tags_named(names):
    """The tags with these names (any case) in one query, creating those not seen before; a
    dict from the casefolded name. Raises ``ValidationError`` for a name that is too long.

    A new tag's slug is ASCII, as the tag page's address needs (taggit's own would keep
    "café" as it is)."""
    return _named(Tag.objects.all(), names, field="tags")


def _named(queryset, names, *, field, create=True):
    """Rows of ``queryset`` by name (any case), created with a unique slug where missing."""
    unique = list(dict.fromkeys(name for name in names if name))
    if not unique:
        return {}
    found = {row.name.casefold(): row for row in queryset.filter(_any_name_q(unique))}
    model = queryset.model
    limit = model._meta.get_field("name").max_length
    for name in unique:
        if name.casefold() in found or not create:
            continue
        if len(name) > limit:
            raise ValidationError({field: f"{name[:40]}…: longer than {limit} characters."})
        found[name.casefold()] = model.objects.create(
            name=name, slug=unique_slug(model, name, max_length=limit)
        )
    return found


def _any_name_q(names):
    any_name = Q()
    for name in names:
        any_name |= Q(name__iexact=name)
    return any_name


def _fill(article, parsed, source, checksum, status, run, by):
    """``article`` (or a new one with the parse's status, else ``status``) with the parsed
    content; validated. A new article takes the parse's dates; an existing one is taken down if
    its source is no longer public (``PermissionDenied`` if ``by`` may not unpublish), and a
    published one takes the publication time its source moved it to."""
    if article is None:
        article = Article(
            source=source,
            status=parsed.status or status,
            created_by=by,
            publish_at=parsed.published_at,
        )
        if article.status == Article.Status.PUBLISHED and article.publish_at is None:
            article.publish_at = timezone.now()
    elif _taken_down(article, parsed):
        if by is not None and not may_publish(by):
            raise PermissionDenied(
                f"{by} does not have the permission to unpublish the article, which its "
                "source no longer publishes."
            )
        article.status = Article.Status.UNPUBLISHED
    elif _redated(article, parsed):
        article.publish_at = parsed.published_at
        _free_slug(article)
    article.headline = parsed.headline
    article.body = placement.place(marked_body(parsed), {})  # the pictures come once saved
    article.dek = parsed.dek or article.dek
    article.language = parsed.language or article.language
    article.embargo_until = parsed.embargo_until or article.embargo_until
    article.source_checksum = checksum
    article.import_run = run
    # Uniqueness is ensured by the loaders (the source lookup, unique slugs) and by the database
    # constraints; Django's own checks would cost a query per constraint per article.
    article.full_clean(
        exclude=["slug", "section", "import_run", "body"],  # body: escaped here, sanitized on save
        validate_unique=False,
        validate_constraints=False,
    )
    return article


def _taken_down(article, parsed):
    """The source no longer publishes an article that is published here: it is unpublished."""
    return article.status == Article.Status.PUBLISHED and parsed.status not in (
        None,
        Article.Status.PUBLISHED,
    )


def _redated(article, parsed):
    """The source moved the publication of a published article (one it does not take down) to
    another time, past or future: the article follows. Its address changes with the date and
    the old one redirects (``Article.save``); moved to a time still to come, an article
    already public waits for it again. A draft keeps its time: publishing it sets it; and so
    does an article whose source gives only the time of each version (``dated_by_version``)."""
    return (
        article.status == Article.Status.PUBLISHED
        and parsed.published_at is not None
        and not parsed.dated_by_version
        and parsed.published_at != article.publish_at
    )


def _free_slug(article):
    """A slug for ``article`` that is free on its (new) publication day: its own if no other
    article of that day has it, else the next numbered one (``unique_slug``)."""
    day = article.local_publish_at.date()
    others = Article.objects.filter(publish_date=day).exclude(pk=article.pk)
    if others.filter(slug=article.slug).exists():
        article.slug = unique_slug(Article, article.slug, publish_date=day)


def load_articles(
    items,
    *,
    status=Article.Status.DRAFT,
    section=None,
    tags=(),
    run=None,
    by=None,
    overwrite=False,
    claims=None,
):
    """``load_article`` for each of ``items``, in bulk; one ``ImportResult`` per item, in order.

    A parse that is invalid, or that would publish when ``by`` may not, gets a failed result;
    the others are still written. ``claims`` is the run's record of the export file that
    first read each source (``claimant``), kept across its batches: of two exports of one run
    that claim a post, the second's is a conflict.
    """
    _check_permission(status, by)
    claims = {} if claims is None else claims
    options = (status, section, tags, run, by, overwrite)
    attempt = dict(claims)  # the claims of a bulk write that may be rolled back
    try:
        with transaction.atomic(), _stored_files() as stored:
            results = _load_in_bulk(items, *options, attempt, stored)
    except (DatabaseError, ValidationError):
        return [_load_alone(item, *options, claims) for item in items]
    claims.update(attempt)
    return results


def _load_alone(item, status, section, tags, run, by, overwrite, claims):
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
            images=item.images,
            overwrite=overwrite,
            origin=item.origin,
            claims=claims,
        )
    except (ValidationError, DatabaseError, PermissionDenied) as error:
        return ImportResult(ImportedFile.Action.FAILED, None, error=_message(error))


def _message(error):
    if isinstance(error, ValidationError) and hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(m)}" for field, m in error.message_dict.items())
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    if isinstance(error, PermissionDenied):
        return str(error)
    return f"database refused the article: {error}"


def _load_in_bulk(items, status, section, tags, run, by, overwrite, claims, stored):
    sources = [item.source for item in items]
    existing = {
        article.source: article
        for article in with_provenance(Article.objects.filter(source__in=sources))
    }
    results, new = [None] * len(items), []
    for index, item in enumerate(items):
        article = existing.get(item.source)
        other = claimant(item, article, claims)
        action = import_action(article, item.checksum, overwrite=overwrite, claimed_by=other)
        if other:
            results[index] = ImportResult(action, article, error=_claimed(item, other))
        elif action == ImportedFile.Action.CREATED:
            new.append(index)
            _claim(claims, item)
        elif action == ImportedFile.Action.UPDATED:
            options = (status, section, tags, run, by, overwrite, claims)
            results[index] = _load_alone(item, *options)
        else:
            results[index] = ImportResult(action, article)
    filled = []
    for index in new:
        item = items[index]
        try:
            _check_permission(item.parsed.status or status, by)
            article, kept = _fill_new(item, status, section, run, by)
        except (ValidationError, PermissionDenied) as error:
            results[index] = ImportResult(ImportedFile.Action.FAILED, None, _message(error))
        else:
            filled.append((index, item, article, kept))
    if filled:
        placed = _place([(item.parsed, article) for _, item, article, _ in filled], section)
        inserted = _insert([(item, article) for _, item, article, _ in filled], tags, by, stored)
        for (index, _, article, kept), noted, warned in zip(filled, placed, inserted, strict=True):
            results[index] = ImportResult(
                ImportedFile.Action.CREATED, article, warnings=kept + noted + warned
            )
    # A post that another file of the batch claimed first is a conflict with the article made.
    created = {article.source: article for _, _, article, _ in filled}
    return [
        replace(result, article=created.get(item.source))
        if result.article is None and result.action == ImportedFile.Action.CONFLICT
        else result
        for item, result in zip(items, results, strict=True)
    ]


def predict_articles(
    items, *, status=Article.Status.DRAFT, section=None, overwrite=False, claims=None
):
    """What ``load_articles`` would do with ``items``, writing nothing: one ``ImportResult`` per
    item, in order, by the loaders' own rules (``claimant``, ``import_action``,
    ``publication_needs``), from at most two queries. Only what those rules decide is
    predicted: not the warnings of pictures or sections, nor invalid data that the database
    would refuse. ``claims`` is the run's, as for ``load_articles``."""
    claims = {} if claims is None else claims
    existing = {
        article.source: article
        for article in with_provenance(
            Article.objects.filter(source__in=[item.source for item in items])
        ).only(
            "source",
            "source_checksum",
            "edit_version",
            "imported_version",
            "status",
            "dek",
            "section",
        )
    }
    actions, others = [], []
    for item in items:
        article = existing.get(item.source)
        other = claimant(item, article, claims)
        actions.append(import_action(article, item.checksum, overwrite=overwrite, claimed_by=other))
        others.append(other)
        if not other:
            _claim(claims, item)
    updated = [
        existing[item.source].pk
        for item, action in zip(items, actions, strict=True)
        if action == ImportedFile.Action.UPDATED
    ]
    captions = {}  # what an update keeps of them
    if updated:
        fields = ("article", "order", "picture__image", "picture__alt_text")
        found = Caption.objects.filter(article__in=updated).select_related("picture")
        for caption in found.only(*fields):
            captions.setdefault(caption.article_id, []).append(caption)
    results = []
    for item, action, other in zip(items, actions, others, strict=True):
        article = existing.get(item.source)
        if other:
            results.append(ImportResult(action, article, error=_claimed(item, other)))
        elif action == ImportedFile.Action.CREATED:
            needs = publication_needs(
                item.parsed, status=status, section=section, images=item.images
            )
            warnings = (_kept_as_draft(needs),) if needs else ()
            results.append(ImportResult(action, None, warnings=warnings))
        elif action == ImportedFile.Action.UPDATED and (
            needs := publication_needs(
                item.parsed,
                article,
                section=section,
                images=item.images,
                captions=captions.get(article.pk, ()),
            )
        ):
            results.append(ImportResult(ImportedFile.Action.FAILED, None, _not_updated(needs)))
        else:
            results.append(ImportResult(action, article))
    return results


def _insert(new, tags, by, stored):
    """Insert new articles with their bylines, captions, links, tags, old addresses and first
    status (the transition from nothing, by ``by``): a query per table, and a few per picture.

    ``new`` holds (ImportItem, unsaved Article) pairs; returns the warnings of each, in order.
    """
    articles = [article for _, article in new]
    for article in articles:
        article.normalize()
    _assign_unique_slugs([(article, item.parsed.slug or article.headline) for item, article in new])
    Article.objects.bulk_create(articles)
    authors = authors_named([name for item, _ in new for name in item.parsed.authors])
    bylines, captions, pictures, links, warnings = [], [], [], [], []
    for item, article in new:
        bylines += _bylines(article, item.parsed, authors)
        pictured = {}
        for caption in _captions(article, item.parsed):
            if caption.order in item.images:
                pictured[caption.order] = caption
            else:
                captions.append(caption)
                pictures.append(caption.picture)
        warnings.append(_save_pictured(pictured, item, stored))
        links += _links(article, item.parsed)
    Byline.objects.bulk_create(bylines)
    Picture.objects.bulk_create(pictures)  # awaiting their files
    Caption.objects.bulk_create(captions)
    RelatedLink.objects.bulk_create(links)
    Transition.objects.bulk_create(
        Transition(article=article, user=by, to_status=article.status) for article in articles
    )
    _tag_new(new, tags)
    _keep_old_paths([(article, item.parsed) for item, article in new])
    _place_pictures([(article, item.parsed) for item, article in new])
    signals.articles_written([article.pk for article in articles])  # bulk inserts send none
    _mark_imported(articles)
    return warnings


def _tag_new(new, tags):
    """Tag new articles with their parse's tags and ``tags``, in one lookup and one insert."""
    names = [*tags, *(name for item, _ in new for name in item.parsed.tags or ())]
    if not names:
        return
    found = tags_named(names)
    rows = {}
    for item, article in new:
        for name in [*tags, *(item.parsed.tags or ())]:
            tag = found[name.casefold()]
            rows[article.pk, tag.pk] = TaggedArticle(content_object=article, tag=tag)
    TaggedArticle.objects.bulk_create(rows.values())


def _keep_old_paths(pairs):
    """Redirects from the addresses the articles had on the old site (an address kept for
    another article before now leads to this one), except an article's own address.

    ``pairs`` holds saved (Article, ParsedArticle) pairs. The article page and
    ``ArticleRedirectFallbackMiddleware`` answer these addresses with a 301 while the article
    is public.
    """
    rows = {}
    for article, parsed in pairs:
        own = article.get_absolute_url()
        for path in parsed.old_paths:
            if path != own:
                rows[path] = ArticleRedirect(article=article, old_path=path)
    if rows:
        ArticleRedirect.objects.bulk_create(
            rows.values(),
            update_conflicts=True,
            unique_fields=["old_path"],
            update_fields=["article"],
        )


@contextmanager
def _stored_files():
    """A list for the names of the files stored inside the block, deleted if the block fails:
    a transaction rolled back leaves no picture behind in storage. The files of a block that
    succeeds inside another are the outer block's too, since its rollback undoes them."""
    outer, stored = _STORED_FILES.get(), []
    token = _STORED_FILES.set(stored)
    try:
        yield stored
    except BaseException:
        images.delete_files(stored)
        raise
    finally:
        _STORED_FILES.reset(token)
    if outer is not None:
        outer.extend(stored)


def _save_pictured(captions, item, stored):
    """Save ``captions`` (by position) with the pictures of the files ``item.images`` has for
    them (``import_picture``). Returns warnings for the refused files; appends the stored
    files' names to ``stored``."""
    warnings = []
    for order, caption in captions.items():
        words = caption.picture
        caption.picture, warning = import_picture(
            caption=words.caption,
            credit=words.credit,
            alt_text=words.alt_text,
            path=item.images[order],
            stored=stored,
        )
        caption.save()
        warnings += [warning] if warning else []
    return tuple(warnings)


def import_picture(
    *, caption: str, credit: str, alt_text: str, path: Path | None, stored: list[str]
) -> tuple[Picture, str]:
    """The library picture of an imported caption, saved, and a warning ("" if none).

    A file already in the library (the same bytes, by checksum) gives its picture, as it is.
    Otherwise a new picture is made with ``caption``, ``credit`` and ``alt_text``, and the file
    at ``path``, checked as an upload is, with its renditions. Without a file (``path`` None),
    or with one that is refused (the warning says why), the new picture awaits its file. The
    names of the files stored are appended to ``stored``, for a rollback to delete them."""
    picture = Picture(caption=caption, credit=credit or "", alt_text=alt_text)
    picture.clean_fields(exclude=["image", "uploaded_by"])
    warning = ""
    if path is not None:
        try:
            content = _picture_file(path)
            checksum = file_checksum(content)
            if found := Picture.objects.filter(checksum=checksum).order_by("pk").first():
                return found, ""
            picture.image = content
            picture.clean_fields(exclude=NOT_IMAGE_FIELDS)
        except (OSError, ValidationError) as error:
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else error
            warning = f"picture {path.name} not used: {reason}"
            picture.image = ""
        else:
            picture.image.save(path.name, content, save=False)
            stored.append(picture.image.name)
            picture.image_width, picture.image_height = get_image_dimensions(content)
    picture.save()
    stored.extend(images.file_names(picture.renditions))
    return picture, warning


def _forget_awaited(pictures):
    """Delete the pictures awaiting their file that an update left without a caption: an
    import made them, and nothing else shows them."""
    awaiting = [picture.pk for picture in pictures if picture.pk and not picture.image]
    if awaiting:
        Picture.objects.filter(pk__in=awaiting, image="").exclude(
            pk__in=Caption.objects.values("picture")
        ).exclude(renditions__has_key="hidden").delete()


def _picture_file(path):
    """The picture at ``path`` as an upload, refused before reading if it is over the size
    limit for uploads."""
    limit = conf.get("ARTICLES_MAX_IMAGE_BYTES")
    size = path.stat().st_size
    if size > limit:
        raise ValidationError(
            f"it is {filesizeformat(size)}; the limit is {filesizeformat(limit)}."
        )
    return ContentFile(path.read_bytes(), name=path.name)


def _bylines(article, parsed, authors):
    """The article's byline rows, in the parsed order, from ``authors`` (matched by name)."""
    by_name = {author.name.casefold(): author for author in authors}
    return [
        Byline(article=article, author=by_name[name], role=role, order=order)
        for order, (name, role) in enumerate(_byline_roles(parsed).items())
    ]


def _byline_roles(parsed):
    """Each author of the parse's byline, once (by casefolded name), with their role."""
    roles = {}
    for name, role in itertools.zip_longest(parsed.authors, parsed.roles):
        if name:
            roles.setdefault(name.casefold(), role or Byline.Role.AUTHOR)
    return roles


def _captions(article, parsed):
    """Unsaved captions of the parse, each with a new picture (unsaved) that awaits its file."""
    captions = []
    for order, c in enumerate(parsed.captions):
        picture = Picture(caption=c.text, credit=c.credit or "", alt_text=c.alt_text)
        picture.clean_fields(exclude=["image", "uploaded_by"])
        caption = Caption(article=article, picture=picture, text=c.text, order=order)
        caption.clean_fields(exclude=["article", "picture"])
        captions.append(caption)
    return captions


def _links(article, parsed):
    return [
        RelatedLink(article=article, title=link.title[:255], url=link.url or "", order=order)
        for order, link in enumerate(parsed.related_links)
    ]


def _assign_unique_slugs(articles):
    """Distinct slugs per publication day, against the database and within the batch, from
    (article, text) pairs: the text is the source's own slug, or the headline.

    The first numbered candidates are looked up for the whole batch at once; past them a slug
    is looked up on its own. A clash left inside the batch fails the bulk insert on the unique
    constraint, and the per-file fallback then loads each article alone.
    """
    by_date = {}
    for article, text in articles:
        by_date.setdefault(article.publish_date, []).append((article, text))
    for date, pairs in by_date.items():
        group = [article for article, _ in pairs]
        bases = [_slug_base(text) for _, text in pairs]
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
                article.slug = unique_slug(Article, base, also_taken=taken, publish_date=date)
            taken.add(article.slug)
