"""An import run: sources and options in, one typed result per file (or item) out.

``import_articles`` parses its arguments into ``ImportOptions`` and prints what ``ImportRun``
yields; anything else that imports (an admin page, a task) runs the same pipeline. A dry run is
the same pipeline, with the loader's prediction (``predict_articles``) in place of its writes:
it reports exactly what a real run would do.

Sources are read and parsed a batch at a time (``BATCH_SIZE``): a corpus of text files is never
held whole, and each batch is written in one transaction and a handful of queries.
"""

import itertools
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .. import caching, conf, planner
from ..editorial.publishing import ensure_may_publish
from ..models import Article, ImportedFile, ImportRun, Section
from .files import MediaFolder, SourceError, checksum, discover, item_checksum
from .loader import ImportItem, load_articles, predict_articles
from .ninjs_format import parse_ninjs
from .parser import ArticleFormatError, ParsedArticle, parse_article
from .wxr import parse_wxr

BATCH_SIZE = 250
TEXT = "text"
# The formats whose files hold many items: how to parse one, and the files a folder offers.
ITEM_FORMATS = {"wxr": (parse_wxr, ".xml"), "ninjs": (parse_ninjs, ".json")}
# The formats whose items are known by what their file says (a WordPress export names its site):
# an item whose article came from a file of another name is a conflict (``loader.claimant``).
# A ninjs uri is the item's own, whatever file brings it.
CLAIMED_BY_FILE = {"wxr"}
FORMATS = (TEXT, *ITEM_FORMATS)
SKIPPED = "skipped"
# The key of a text file uploaded in the admin: its name (a text file given to the command is
# known by its resolved path).
UPLOADED = "upload:"
# The ImportRun counter of each action.
RUN_COUNTERS = {action: action for action in ImportedFile.Action.values} | {
    ImportedFile.Action.CONFLICT: "conflicts"
}


class ImportOptionsError(ValueError):
    """Options that cannot work together, or name what does not exist; nothing was written."""


@dataclass(frozen=True)
class ImportOptions:
    """How to import: the format, what new articles get, whom the run acts for."""

    format: str = TEXT
    status: str | None = None  # text: of new articles; wxr and ninjs: only "draft", or None
    section: Section | None = None
    tags: tuple[str, ...] = ()
    encoding: str | None = None
    media: MediaFolder | None = None
    user: Any = None  # the account the run acts for; None: the operator
    overwrite: bool = False
    dry_run: bool = False

    @classmethod
    def checked(
        cls,
        *,
        format=TEXT,
        status=None,
        section=None,
        tags=(),
        encoding=None,
        media=None,
        user=None,
        **flags,
    ):
        """Options from names (a section's slug, a username, a folder's path), checked before
        anything is written; ``ImportOptionsError`` says what is wrong."""
        if any(not tag.strip() for tag in tags):
            raise ImportOptionsError("--tag needs a name.")
        if format == TEXT and media:
            raise ImportOptionsError("--media applies to --format wxr and ninjs only.")
        if format != TEXT and status == Article.Status.PUBLISHED:
            raise ImportOptionsError(
                f"--status published applies to text files: {format} items carry "
                "their own status (--status draft imports them all as drafts)."
            )
        if format != TEXT and encoding:
            raise ImportOptionsError(
                f"--encoding applies to text files: {format} files declare theirs."
            )
        if media and not Path(media).is_dir():
            raise ImportOptionsError(f"--media {media}: no such folder.")
        return cls(
            format=format,
            status=status,
            section=section_named(section),
            tags=tuple(tags),
            encoding=encoding,
            media=MediaFolder(media) if media else None,
            user=account_named(user, status),
            **flags,
        )

    @property
    def text(self):
        return self.format == TEXT

    @property
    def suffix(self):
        return ".txt" if self.text else ITEM_FORMATS[self.format][1]


def section_named(slug):
    if slug is None:
        return None
    section = Section.objects.filter(slug=slug).first()
    if section is None:
        raise ImportOptionsError(f"No section with the slug {slug!r}.")
    return section


def account_named(username, status):
    """The active account of ``username`` (None without one), checked before any write."""
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ImportOptionsError(f"No active user with the username {username!r}.")
    if status == Article.Status.PUBLISHED:
        try:
            ensure_may_publish(user)
        except PermissionDenied as error:
            raise ImportOptionsError(f"{error} Import as draft, or ask an editor.") from None
    return user


@dataclass
class FileResult:
    """What came of one file, or one item of a WordPress or ninjs file."""

    file: str
    action: str = ImportedFile.Action.FAILED  # an ImportedFile.Action, or SKIPPED
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    reason: str = ""  # why an item was skipped (a revision, an attachment…)
    parsed: ParsedArticle | None = None
    key: str = ""
    checksum: str = ""
    images: dict = field(default_factory=dict)
    encoding: str | None = None
    article: Article | None = None

    @property
    def counted(self):
        return self.action != SKIPPED


class Pipeline:
    """One run over ``paths``: iterate ``results()`` for each file's result, in order, as
    batches are written; then ``counts``, ``failures``, ``conflicts``, ``skipped`` and the
    recorded ``run`` (None for a dry run) hold the totals."""

    def __init__(self, paths, options, *, command_line="", run=None, root=None):
        """``run``: the ImportRun to record into (made here if None, unless a dry run).
        ``root``: a folder of uploaded files (the admin's): files are named by their path
        inside it, and text files known by that name, wherever the folder is."""
        self.paths, self.options, self.root = paths, options, root and Path(root)
        # Text: a walk of the folders (files are read later); items: counted as files parse.
        self.total = sum(1 for _ in discover(paths, options.suffix)) if options.text else 0
        self.done = 0
        self.counts = dict.fromkeys(ImportedFile.Action.values, 0)
        self.failures, self.conflicts, self.skipped = [], [], Counter()
        self.claims = {}  # source: the export file that first read it in this run
        self.run = run
        if run is None and not options.dry_run:
            self.run = ImportRun.objects.create(command=command_line, user=options.user)

    def results(self):
        """Each file's ``FileResult``, batch by batch; readers see what the import writes
        every few seconds, not after every batch."""
        refresh = conf.get("ARTICLES_IMPORT_REFRESH_SECONDS")
        with caching.coalesced_changes(refresh):
            read = self.read_all()
            while batch := list(itertools.islice(read, BATCH_SIZE)):
                for result in self.load(batch):
                    self.count(result)
                    yield result
                self.done += len(batch)
                self.record_progress()
        self.finish()

    def record_progress(self):
        """Files (or items) done of the total so far, for the ImportRun's page."""
        if self.run is not None:
            ImportRun.objects.filter(pk=self.run.pk).update(done=self.done, total=self.total)

    def label(self, source):
        """How a file is named in results: its path inside ``root``, if there is one."""
        if self.root is None or source.path is None:
            return source.label
        return source.path.relative_to(self.root).as_posix()

    def read_all(self):
        sources = discover(self.paths, self.options.suffix)
        if self.options.text:
            return (self.read_text(source) for source in sources)
        return itertools.chain.from_iterable(self.read_items(source) for source in sources)

    def count(self, result):
        if not result.counted:
            self.skipped[result.reason] += 1
            return
        self.counts[result.action] += 1
        if result.action == ImportedFile.Action.FAILED:
            self.failures.append(result)
        elif result.action == ImportedFile.Action.CONFLICT:
            self.conflicts.append(result)

    def finish(self):
        if self.run is not None:
            ImportRun.objects.filter(pk=self.run.pk).update(
                finished_at=timezone.now(),
                **{RUN_COUNTERS[action]: count for action, count in self.counts.items()},
            )
            planner.analyze()

    def load(self, results):
        """Load the parsed results of a batch (a dry run: predict what loading them would do),
        and record each; returns them, in order."""
        options = self.options
        parsed = [result for result in results if result.parsed is not None]
        claimed = options.format in CLAIMED_BY_FILE
        items = [
            ImportItem(r.parsed, r.key, r.checksum, r.images, r.file if claimed else "")
            for r in parsed
        ]
        status = options.status or Article.Status.DRAFT
        if options.dry_run:
            loaded = predict_articles(
                items,
                status=status,
                section=options.section,
                overwrite=options.overwrite,
                claims=self.claims,
            )
        else:
            loaded = load_articles(
                items,
                status=status,
                section=options.section,
                tags=options.tags,
                run=self.run,
                by=options.user,
                overwrite=options.overwrite,
                claims=self.claims,
            )
        for result, outcome in zip(parsed, loaded, strict=True):
            result.action, result.article = outcome.action, outcome.article
            result.warnings += outcome.warnings
            if outcome.action == ImportedFile.Action.CONFLICT:
                result.error = outcome.error  # why, if not a change made here
            elif outcome.error:
                result.error = f"invalid article: {outcome.error}"
        if not options.dry_run:
            ImportedFile.objects.bulk_create(
                ImportedFile(
                    run=self.run,
                    path=result.file,
                    checksum=result.checksum,
                    action=result.action,
                    error=result.error,
                    article=result.article,
                )
                for result in results
                if result.counted
            )
        return results

    def read_text(self, source):
        """Read and parse one text file."""
        result = FileResult(self.label(source))
        try:
            data = source.read(max_bytes=conf.get("ARTICLES_IMPORT_MAX_BYTES"))
            result.checksum = checksum(data)
            result.key = f"{UPLOADED}{result.file}" if self.root else source.key(result.checksum)
            parsed = parse_article(data, encoding=self.options.encoding)
        except (SourceError, ArticleFormatError) as error:
            result.error = str(error)
        else:
            result.parsed, result.encoding = parsed, parsed.encoding
        return result

    def read_items(self, source):
        """Read and parse a WordPress or ninjs file: a result per item (or one for the file,
        if it cannot be read as a whole)."""
        parse = ITEM_FORMATS[self.options.format][0]
        try:
            items = parse(source.read(max_bytes=conf.get("ARTICLES_IMPORT_MAX_EXPORT_BYTES")))
        except (SourceError, ArticleFormatError) as error:
            self.total += 1
            return [FileResult(self.label(source), error=str(error))]
        self.total += len(items)
        return [self.read_item(source, item) for item in items]

    def read_item(self, source, item):
        result = FileResult(f"{self.label(source)}#{item.ref}", warnings=list(item.warnings))
        if item.skipped:
            result.action, result.reason = SKIPPED, item.skipped
        elif item.error:
            result.error = item.error
        else:
            parsed = item.article
            if self.options.status == Article.Status.DRAFT:
                # No status from the source: new articles are drafts (the loader's status),
                # and an article already imported keeps the status it has.
                parsed = replace(parsed, status=None)
            images, fingerprints = self.pictures(parsed, result.warnings)
            result.parsed, result.key, result.images = parsed, item.identity, images
            result.checksum = item_checksum(parsed, fingerprints)
            result.encoding = "utf-8"
        return result

    def pictures(self, parsed, warnings):
        """The picture files found in the media folder for the parse's captions, by position,
        and their fingerprints; a warning for each not found."""
        media = self.options.media
        found, fingerprints = {}, []
        for position, caption in enumerate(parsed.captions):
            if not caption.image_urls:
                continue
            path = media.find(caption.image_urls) if media else None
            if path is None:
                where = f"under {media.root}" if media else "(no --media folder given)"
                warnings.append(
                    f"picture {caption.image_urls[0]} not found {where}: "
                    "its caption is kept without it"
                )
            else:
                found[position] = path
                fingerprints.append([position, media.fingerprint(path)])
        return found, fingerprints
