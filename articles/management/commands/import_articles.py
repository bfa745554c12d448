"""Import articles: scraped plain text (the default), a WordPress export, or ninjs.

    python manage.py import_articles PATH [PATH ...]
    python manage.py import_articles --format wxr EXPORT.xml [--media UPLOADS_DIR]
    python manage.py import_articles --format ninjs ITEM.json [...] [--media RENDITIONS_DIR]

PATH is a file, a folder (read recursively for *.txt, *.xml or *.json, by format) or - for
standard input. The formats are described in articles/importers/parser.py (text), wxr.py and
ninjs_format.py. Each post of a WordPress export and each item of a ninjs file is imported as
a text file is, and reported as FILE#post-12 or FILE#item-3.

WordPress posts and ninjs items carry their own status (--status draft makes every new one a
draft). Their pictures are never downloaded: --media DIR names the folder where they are looked
for (a WordPress wp-content/uploads tree, or a folder of renditions); a picture not found there
leaves its caption without an image, with a warning.

--overwrite imports a changed source over an article changed here since its last import (in
the admin, by an action, a restore): without it such an article is kept as it is, and the file
is reported as a conflict. It never imports a WordPress post over the article of an export
of another file name (see Guarantees); a newer export of the same site under WordPress's dated
name for it ("site.WordPress.2025-01-31.xml") is the same series, in any folder.

--user USERNAME makes the import act for that account: new articles are theirs, and publishing
(--status published, or an item that is published) is refused unless the account may publish
(articles.publish_article). Without --user the run is the operator's, who has every right.

Guarantees:
- Idempotent: a file (or item) imported before with the same content changes nothing; a changed
  one updates its article in place instead of duplicating it. Text files are keyed on their
  resolved path, WordPress posts on the site's address and post id, ninjs items on their uri.
- An update makes the article what the source says, for what the source carries: headline,
  body, byline, captions, links; the tags, exactly (plus --tag), for WordPress posts and ninjs
  items with subjects or keywords (a tag removed at the source goes; text files carry none, and
  an update keeps the article's); a section or standfirst the source names (an empty one keeps
  the article's); the publication time of a published article, past or future (its old address
  then answers 301; a ninjs versioncreated without firstcreated dates new articles only). The
  status follows only downwards (see below).
- Never a merge of two posts: a WordPress post whose article was imported from an export file
  of another name (two exports claiming one site address and post id; or, within a run, a post
  another file read first) is a conflict, with a reason naming that file, and nothing of the
  article is touched, even with --overwrite: it is another source, not a newer one.
- The desk's changes win: a changed file whose article was changed here since its last import
  is a conflict, and nothing of the article is touched, unless --overwrite. --dry-run predicts
  conflicts with the loader's own rules (``claimant``, ``import_action``).
- Nothing is made public that the pre-publish checks (ARTICLES_PUBLISH_CHECKS) would refuse: a
  new article that --status published, or its item's own status, would publish or schedule
  without what they ask for is imported as a draft, with a warning naming what it lacks ("kept
  as a draft: publishing needs a section"); a changed file that would leave a published article
  lacking it fails ("not updated: a published article needs …") and the article is kept as it
  was. --dry-run predicts both with the loader's own rule (``publication_needs``). Text files
  carry no standfirst: with the default checks, --status published imports them as drafts.
- Atomic per file and per item: one that fails, or a run that is interrupted, leaves no
  half-written article; the others still import. A WordPress or ninjs file that cannot be read
  as a whole (not well-formed, a DTD or entities, not an export) fails as one: none of it is
  written.
- Every bad input gets a one-line reason naming the file (and item), as does every conflict.
  The exit code is 1 when any failed; else 3 when any was a conflict (nothing failed, but an
  editor's change and a newer source disagree, and the operator decides: keep the article, or
  run again with --overwrite; or two exports claim one post; a conflict is reported again on
  every run until then); else 0.
  (2 is argparse's, for a bad command line.)
- Every run except --dry-run is recorded as an ImportRun, browsable in the admin.

The work is ``articles.importers.pipeline``; this command parses its arguments and prints.
"""

import json
import shlex

from django.core.management.base import BaseCommand, CommandError

from articles.importers.pipeline import (
    FORMATS,
    SKIPPED,
    TEXT,
    ImportOptions,
    ImportOptionsError,
    Pipeline,
)
from articles.models import Article, ImportedFile

# The exit code of a run in which nothing failed but some files were conflicts.
CONFLICT_EXIT_CODE = 3


class Command(BaseCommand):
    help = (
        "Import articles from scraped plain-text files (default), a WordPress export "
        "(--format wxr) or ninjs (--format ninjs): files, folders or standard input (-)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--format", choices=FORMATS, default=TEXT, help="What the files hold (default: text)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and validate only; write nothing."
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print one JSON object per file or item (JSON Lines).",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Import changed files over articles changed here since their last import "
            "(without it, those are kept and reported as conflicts).",
        )
        parser.add_argument(
            "--status",
            choices=[Article.Status.DRAFT, Article.Status.PUBLISHED],
            help="Status of new articles (text: default draft; wxr and ninjs: draft only, "
            "instead of each item's own).",
        )
        parser.add_argument("--section", metavar="SLUG", help="File new articles in this section.")
        parser.add_argument(
            "--tag", action="append", default=[], dest="tags", help="Add a tag (repeatable)."
        )
        parser.add_argument(
            "--encoding", help="Decode files with this encoding (default: detect UTF-8 or cp1252)."
        )
        parser.add_argument(
            "--media",
            metavar="DIR",
            help="wxr and ninjs: the folder where the items' pictures are looked for.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Act for this account: it owns new articles and needs the publish permission "
            "to publish.",
        )

    def handle(self, **options):
        try:
            settings = ImportOptions.checked(
                format=options["format"],
                status=options["status"],
                section=options["section"],
                tags=options["tags"],
                encoding=options["encoding"],
                media=options["media"],
                user=options["user"],
                overwrite=options["overwrite"],
                dry_run=options["dry_run"],
            )
        except ImportOptionsError as error:
            raise CommandError(str(error)) from None
        pipeline = Pipeline(options["paths"], settings, command_line=self.command_line(options))
        progress = not options["json"] and self.stderr.isatty()
        for result in pipeline.results():
            self.report(result, as_json=options["json"])
            if progress and pipeline.total > 1:
                self.stderr.write(f"\r[{pipeline.done}/{pipeline.total}] imported", ending="")
        if progress and pipeline.total > 1:
            self.stderr.write("")
        if not options["json"]:
            self.summary(pipeline, dry_run=options["dry_run"])
        total = sum(pipeline.counts.values())
        what = "files" if settings.text else "files or items"
        if pipeline.failures:
            raise CommandError(f"{len(pipeline.failures)} of {total} {what} failed.", returncode=1)
        if pipeline.conflicts:
            raise CommandError(
                f"{len(pipeline.conflicts)} of {total} {what} were conflicts: their articles "
                "were kept (--overwrite imports over those changed here since their last "
                "import, never over another export's).",
                returncode=CONFLICT_EXIT_CODE,
            )

    def report(self, result, *, as_json):
        """One JSON line, or the notes worth a line of their own (decoding, warnings)."""
        if as_json:
            self.stdout.write(json.dumps(self.as_json(result), ensure_ascii=False))
            return
        if result.encoding not in (None, "utf-8", "utf-8-sig"):
            self.stdout.write(f"{result.file}: decoded as {result.encoding}")
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(f"{result.file}: {warning}"))

    @staticmethod
    def as_json(result):
        if result.action == ImportedFile.Action.FAILED:
            return {"file": result.file, "ok": False, "error": result.error}
        if result.action == SKIPPED:
            return {"file": result.file, "ok": True, "action": SKIPPED, "reason": result.reason}
        line = {"file": result.file, "ok": True, "action": result.action}
        if result.encoding not in ("utf-8", "utf-8-sig"):
            line["encoding"] = result.encoding
        if result.warnings:
            line["warnings"] = result.warnings
        if result.action == ImportedFile.Action.CONFLICT and result.error:
            line["reason"] = result.error
        line["article"] = result.parsed.as_dict()
        return line

    def summary(self, pipeline, *, dry_run):
        verb = "Would import" if dry_run else "Imported"
        counts = pipeline.counts
        line = ", ".join(f"{counts[action]} {action}" for action in ImportedFile.Action.values)
        style = self.style.SUCCESS
        if pipeline.failures or pipeline.conflicts:
            style = self.style.ERROR if pipeline.failures else self.style.WARNING
        self.stdout.write(style(f"{verb}: {line}."))
        if skipped := pipeline.skipped:
            reasons = ", ".join(f"{reason} ({count})" for reason, count in skipped.items())
            self.stdout.write(f"  Skipped {skipped.total()}: {reasons}.")
        for failure in pipeline.failures:
            self.stdout.write(f"  {failure.file}: {failure.error}")
        for conflict in pipeline.conflicts:
            reason = conflict.error or (
                f"article {conflict.article.pk} was changed here since its last import and is "
                "kept; --overwrite imports the file over it"
            )
            self.stdout.write(f"  {conflict.file}: conflict: {reason}")

    @staticmethod
    def command_line(options):
        words = ["import_articles", *options["paths"]]
        if options["format"] != TEXT:
            words += ["--format", options["format"]]
        if options["format"] == TEXT or options["status"]:
            words += ["--status", options["status"] or Article.Status.DRAFT]
        if options["section"]:
            words += ["--section", options["section"]]
        for tag in options["tags"]:
            words += ["--tag", tag]
        if options["encoding"]:
            words += ["--encoding", options["encoding"]]
        if options["media"]:
            words += ["--media", options["media"]]
        if options["user"]:
            words += ["--user", options["user"]]
        if options["overwrite"]:
            words.append("--overwrite")
        return shlex.join(words)
