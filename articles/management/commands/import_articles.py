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
is reported as a conflict.

--user USERNAME makes the import act for that account: new articles are theirs, and publishing
(--status published, or an item that is published) is refused unless the account may publish
(articles.publish_article). Without --user the run is the operator's, who has every right.

Guarantees:
- Idempotent: a file (or item) imported before with the same content changes nothing; a changed
  one updates its article in place instead of duplicating it. Text files are keyed on their
  resolved path, WordPress posts on the site's address and post id, ninjs items on their uri.
- The desk's changes win: a changed file whose article was changed here since its last import
  is a conflict, and nothing of the article is touched, unless --overwrite. --dry-run predicts
  conflicts with the loader's own rule (``import_action``).
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
  run again with --overwrite; a conflict is reported again on every run until then); else 0.
  (2 is argparse's, for a bad command line.)
- Every run except --dry-run is recorded as an ImportRun, browsable in the admin.
"""

import itertools
import json
import shlex
from collections import Counter
from dataclasses import replace
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles import caching, conf, planner
from articles.importers.files import (
    MediaFolder,
    SourceError,
    checksum,
    discover,
    item_checksum,
)
from articles.importers.loader import ImportItem, load_articles, predict_articles
from articles.importers.ninjs_format import parse_ninjs
from articles.importers.parser import ArticleFormatError, parse_article
from articles.importers.wxr import parse_wxr
from articles.models import Article, ImportedFile, ImportRun, Section
from articles.publishing import ensure_may_publish

# Files (or items) parsed and written together: one transaction and a few queries per batch. A
# batch in memory is small; a corpus of text files is never held whole.
BATCH_SIZE = 250
TEXT = "text"
# The formats whose files hold many items: how to parse one, and the files a folder offers.
ITEM_FORMATS = {"wxr": (parse_wxr, ".xml"), "ninjs": (parse_ninjs, ".json")}
SKIPPED = "skipped"
# The exit code of a run in which nothing failed but some files were conflicts.
CONFLICT_EXIT_CODE = 3
# The ImportRun counter of each action.
RUN_COUNTERS = {action: action for action in ImportedFile.Action.values} | {
    ImportedFile.Action.CONFLICT: "conflicts"
}


class Command(BaseCommand):
    help = (
        "Import articles from scraped plain-text files (default), a WordPress export "
        "(--format wxr) or ninjs (--format ninjs): files, folders or standard input (-)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--format",
            choices=[TEXT, *ITEM_FORMATS],
            default=TEXT,
            help="What the files hold (default: text).",
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
        paths, text = options["paths"], options["format"] == TEXT
        self._check_options(options)
        section = self._section(options["section"])
        user = self._user(options["user"], options["status"])
        media = MediaFolder(options["media"]) if options["media"] else None
        suffix = ".txt" if text else ITEM_FORMATS[options["format"]][1]
        # Text: a walk of the folders, the files are read later; items: counted as files parse.
        self.total = sum(1 for _ in discover(paths, suffix)) if text else 0
        run = None
        if not options["dry_run"]:
            run = ImportRun.objects.create(command=self._command_line(paths, options), user=user)
        counts = dict.fromkeys(ImportedFile.Action.values, 0)
        failures, conflicts, skipped = [], [], Counter()
        progress = not options["json"] and self.stderr.isatty()

        # Readers see what the import writes every few seconds, not after every batch.
        refresh = conf.get("ARTICLES_IMPORT_REFRESH_SECONDS")
        with caching.coalesced_changes(refresh):
            sources = discover(paths, suffix)
            results = (
                (self._read(source, options) for source in sources)
                if text
                else itertools.chain.from_iterable(
                    self._read_items(source, options, media) for source in sources
                )
            )
            done = 0
            while batch := list(itertools.islice(results, BATCH_SIZE)):
                for result in self._import_batch(batch, section, run, user, options):
                    self._report(result, options)
                    if result["action"] == SKIPPED:
                        skipped[result["reason"]] += 1
                        continue
                    counts[result["action"]] += 1
                    if result["action"] == ImportedFile.Action.FAILED:
                        failures.append(result)
                    elif result["action"] == ImportedFile.Action.CONFLICT:
                        conflicts.append(result)
                done += len(batch)
                if progress and self.total > 1:
                    self.stderr.write(f"\r[{done}/{self.total}] imported", ending="")
            if progress and self.total > 1:
                self.stderr.write("")

        if run is not None:
            ImportRun.objects.filter(pk=run.pk).update(
                finished_at=timezone.now(),
                **{RUN_COUNTERS[action]: count for action, count in counts.items()},
            )
            planner.analyze()
        if not options["json"]:
            self._summary(counts, failures, conflicts, skipped, dry_run=options["dry_run"])
        total, what = sum(counts.values()), "files" if text else "files or items"
        if failures:
            raise CommandError(f"{len(failures)} of {total} {what} failed.", returncode=1)
        if conflicts:
            raise CommandError(
                f"{len(conflicts)} of {total} {what} were conflicts: their articles, changed "
                "here since their last import, were kept (--overwrite imports over them).",
                returncode=CONFLICT_EXIT_CODE,
            )

    def _check_options(self, options):
        """Refuse options that do not apply to the format, before anything is written."""
        if any(not tag.strip() for tag in options["tags"]):
            raise CommandError("--tag needs a name.")
        if options["format"] == TEXT:
            if options["media"]:
                raise CommandError("--media applies to --format wxr and ninjs only.")
            return
        if options["status"] == Article.Status.PUBLISHED:
            raise CommandError(
                f"--status published applies to text files: {options['format']} items carry "
                "their own status (--status draft imports them all as drafts)."
            )
        if options["encoding"]:
            raise CommandError(
                f"--encoding applies to text files: {options['format']} files declare theirs."
            )
        if options["media"] and not Path(options["media"]).is_dir():
            raise CommandError(f"--media {options['media']}: no such folder.")

    def _section(self, slug):
        if slug is None:
            return None
        try:
            return Section.objects.get(slug=slug)
        except Section.DoesNotExist:
            raise CommandError(f"No section with the slug {slug!r}.") from None

    def _user(self, username, status):
        """The active account of ``username`` (None without one), checked before any write."""
        if username is None:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the username {username!r}.")
        if status == Article.Status.PUBLISHED:
            try:
                ensure_may_publish(user)
            except PermissionDenied as error:
                raise CommandError(f"{error} Import as draft, or ask an editor.") from None
        return user

    def _import_batch(self, results, section, run, user, options):
        """Load the parsed results of a batch (a dry run: predict what loading them would do),
        and record each; returns them, in order."""
        parsed = [result for result in results if "parsed" in result]
        items = [ImportItem(r["parsed"], r["key"], r["checksum"], r["images"]) for r in parsed]
        status = options["status"] or Article.Status.DRAFT
        if options["dry_run"]:
            loaded = predict_articles(
                items, status=status, section=section, overwrite=options["overwrite"]
            )
        else:
            loaded = load_articles(
                items,
                status=status,
                section=section,
                tags=options["tags"],
                run=run,
                by=user,
                overwrite=options["overwrite"],
            )
        for result, outcome in zip(parsed, loaded, strict=True):
            result.update(action=outcome.action, article=outcome.article)
            result["warnings"] += outcome.warnings
            if outcome.error:
                result["error"] = f"invalid article: {outcome.error}"
        if options["dry_run"]:
            return results
        ImportedFile.objects.bulk_create(
            ImportedFile(
                run=run,
                path=result["file"],
                checksum=result.get("checksum", ""),
                action=result["action"],
                error=result.get("error", ""),
                article=result.get("article"),
            )
            for result in results
            if result["action"] != SKIPPED
        )
        return results

    def _read(self, source, options):
        """Read and parse one text file: a result dict that holds the parse or the error."""
        result = {"file": source.label, "action": ImportedFile.Action.FAILED, "warnings": []}
        try:
            data = source.read(max_bytes=conf.get("ARTICLES_IMPORT_MAX_BYTES"))
            result.update(checksum=checksum(data), images={})
            result["key"] = source.key(result["checksum"])
            parsed = parse_article(data, encoding=options["encoding"])
        except (SourceError, ArticleFormatError) as error:
            result["error"] = str(error)
        else:
            result.update(parsed=parsed, encoding=parsed.encoding)
        return result

    def _read_items(self, source, options, media):
        """Read and parse a WordPress or ninjs file: a result dict per item (or one for the
        file, if it cannot be read as a whole)."""
        parse = ITEM_FORMATS[options["format"]][0]
        try:
            items = parse(source.read(max_bytes=conf.get("ARTICLES_IMPORT_MAX_EXPORT_BYTES")))
        except (SourceError, ArticleFormatError) as error:
            self.total += 1
            return [
                {"file": source.label, "action": ImportedFile.Action.FAILED, "error": str(error)}
            ]
        self.total += len(items)
        results = []
        for item in items:
            result = {
                "file": f"{source.label}#{item.ref}",
                "action": ImportedFile.Action.FAILED,
                "warnings": list(item.warnings),
            }
            if item.skipped:
                result.update(action=SKIPPED, reason=item.skipped)
            elif item.error:
                result["error"] = item.error
            else:
                parsed = item.article
                if options["status"] == Article.Status.DRAFT:
                    # No status from the source: new articles are drafts (the loader's
                    # status), and an article already imported keeps the status it has.
                    parsed = replace(parsed, status=None)
                images, fingerprints = self._pictures(parsed, media, result["warnings"])
                result.update(
                    parsed=parsed,
                    key=item.identity,
                    images=images,
                    checksum=item_checksum(parsed, fingerprints),
                    encoding="utf-8",
                )
            results.append(result)
        return results

    @staticmethod
    def _pictures(parsed, media, warnings):
        """The picture files found under ``media`` for the parse's captions, by position, and
        their fingerprints; a warning for each not found."""
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

    def _report(self, result, options):
        """One JSON line, or the notes worth a line of their own (decoding, warnings)."""
        if options["json"]:
            self.stdout.write(json.dumps(self._json(result), ensure_ascii=False))
            return
        if result.get("encoding") not in (None, "utf-8", "utf-8-sig"):
            self.stdout.write(f"{result['file']}: decoded as {result['encoding']}")
        for warning in result.get("warnings", ()):
            self.stdout.write(self.style.WARNING(f"{result['file']}: {warning}"))

    def _json(self, result):
        if result["action"] == ImportedFile.Action.FAILED:
            return {"file": result["file"], "ok": False, "error": result["error"]}
        if result["action"] == SKIPPED:
            return {
                "file": result["file"],
                "ok": True,
                "action": SKIPPED,
                "reason": result["reason"],
            }
        line = {"file": result["file"], "ok": True, "action": result["action"]}
        if result["encoding"] not in ("utf-8", "utf-8-sig"):
            line["encoding"] = result["encoding"]
        if result["warnings"]:
            line["warnings"] = result["warnings"]
        line["article"] = result["parsed"].as_dict()
        return line

    def _summary(self, counts, failures, conflicts, skipped, *, dry_run):
        verb = "Would import" if dry_run else "Imported"
        line = ", ".join(f"{counts[action]} {action}" for action in ImportedFile.Action.values)
        style = self.style.SUCCESS
        if failures or conflicts:
            style = self.style.ERROR if failures else self.style.WARNING
        self.stdout.write(style(f"{verb}: {line}."))
        if skipped:
            reasons = ", ".join(f"{reason} ({count})" for reason, count in skipped.items())
            self.stdout.write(f"  Skipped {skipped.total()}: {reasons}.")
        for failure in failures:
            self.stdout.write(f"  {failure['file']}: {failure['error']}")
        for conflict in conflicts:
            self.stdout.write(
                f"  {conflict['file']}: conflict: article {conflict['article'].pk} was changed "
                "here since its last import and is kept; --overwrite imports the file over it"
            )

    @staticmethod
    def _command_line(paths, options):
        words = ["import_articles", *paths]
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
