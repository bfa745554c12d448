"""Import articles that a scraper saved as plain text (format: articles/importers/parser.py).

    python manage.py import_articles PATH [PATH ...]

PATH is a file, a folder (read recursively for *.txt) or - for standard input.

--user USERNAME makes the import act for that account: new articles are theirs, and
--status published is refused unless the account may publish (articles.publish_article).
Without --user the run is the operator's, who has the server's shell and so every right.

Guarantees:
- Idempotent: a file imported before with the same content changes nothing; a changed file
  updates its article in place instead of duplicating it (keyed on the file's resolved path).
- Atomic per file: a file that fails, or a run that is interrupted, leaves no half-written
  article; the other files still import.
- Every bad input gets a one-line reason naming the file, and the exit code is 1 when any
  file failed, 0 otherwise.
- Every run except --dry-run is recorded as an ImportRun, browsable in the admin.
"""

import itertools
import json
import shlex

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles import caching, conf, planner
from articles.importers.files import SourceError, checksum, discover
from articles.importers.loader import ImportItem, load_articles
from articles.importers.parser import ArticleFormatError, parse_article
from articles.models import Article, ImportedFile, ImportRun, Section
from articles.publishing import ensure_may_publish

# Files parsed and written together: one transaction and a few queries per batch. A batch in
# memory is small; the corpus is never held whole.
BATCH_SIZE = 250


class Command(BaseCommand):
    help = "Import scraped plain-text articles from files, folders or standard input (-)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and validate only; write nothing."
        )
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON object per file (JSON Lines)."
        )
        parser.add_argument(
            "--status",
            choices=[Article.Status.DRAFT, Article.Status.PUBLISHED],
            default=Article.Status.DRAFT,
            help="Status of new articles (default: draft).",
        )
        parser.add_argument("--section", metavar="SLUG", help="File new articles in this section.")
        parser.add_argument(
            "--tag", action="append", default=[], dest="tags", help="Add a tag (repeatable)."
        )
        parser.add_argument(
            "--encoding", help="Decode files with this encoding (default: detect UTF-8 or cp1252)."
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Act for this account: it owns new articles and needs the publish permission "
            "for --status published.",
        )

    def handle(self, **options):
        paths = options["paths"]
        section = self._section(options["section"])
        user = self._user(options["user"], options["status"])
        total = sum(1 for _ in discover(paths))  # a walk of the folders; files are read later
        run = None
        if not options["dry_run"]:
            run = ImportRun.objects.create(command=self._command_line(paths, options), user=user)
        counts = dict.fromkeys(ImportedFile.Action.values, 0)
        failures = []
        progress = total > 1 and not options["json"] and self.stderr.isatty()

        # Readers see what the import writes every few seconds, not after every batch.
        refresh = conf.get("ARTICLES_IMPORT_REFRESH_SECONDS")
        with caching.coalesced_changes(refresh):
            sources, done = discover(paths), 0
            while batch := list(itertools.islice(sources, BATCH_SIZE)):
                for result in self._import_batch(batch, section, run, user, options):
                    counts[result["action"]] += 1
                    if result["action"] == ImportedFile.Action.FAILED:
                        failures.append(result)
                    if options["json"]:
                        self.stdout.write(json.dumps(self._json(result), ensure_ascii=False))
                    elif result.get("encoding") not in (None, "utf-8", "utf-8-sig"):
                        self.stdout.write(f"{result['file']}: decoded as {result['encoding']}")
                done += len(batch)
                if progress:
                    self.stderr.write(f"\r[{done}/{total}] imported", ending="")
            if progress:
                self.stderr.write("")

        if run is not None:
            ImportRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), **counts)
            planner.analyze()
        if not options["json"]:
            self._summary(counts, failures, dry_run=options["dry_run"])
        if failures:
            raise CommandError(f"{len(failures)} of {total} files failed.", returncode=1)

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

    def _import_batch(self, sources, section, run, user, options):
        """Read, parse and load a batch of sources; a result dict each, in order."""
        results = [self._read(source, options) for source in sources]
        parsed = [result for result in results if "parsed" in result]
        if options["dry_run"]:
            for result in parsed:
                result["action"] = self._dry_run_action(result["key"], result["checksum"])
            return results
        loaded = load_articles(
            [ImportItem(r["parsed"], r["key"], r["checksum"]) for r in parsed],
            status=options["status"],
            section=section,
            tags=options["tags"],
            run=run,
            by=user,
        )
        for result, outcome in zip(parsed, loaded, strict=True):
            result.update(action=outcome.action, article=outcome.article)
            if outcome.error:
                result["error"] = f"invalid article: {outcome.error}"
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
        )
        return results

    def _read(self, source, options):
        """Read and parse one source: a result dict that holds the parse or the error."""
        result = {"file": source.label, "action": ImportedFile.Action.FAILED}
        try:
            data = source.read(max_bytes=conf.get("ARTICLES_IMPORT_MAX_BYTES"))
            result.update(checksum=checksum(data))
            result["key"] = source.key(result["checksum"])
            parsed = parse_article(data, encoding=options["encoding"])
        except (SourceError, ArticleFormatError) as error:
            result["error"] = str(error)
        else:
            result.update(parsed=parsed, encoding=parsed.encoding)
        return result

    def _dry_run_action(self, key, digest):
        existing = Article.objects.filter(source=key).values_list("source_checksum", flat=True)
        if not existing:
            return ImportedFile.Action.CREATED
        if existing[0] == digest:
            return ImportedFile.Action.UNCHANGED
        return ImportedFile.Action.UPDATED

    def _json(self, result):
        if result["action"] == ImportedFile.Action.FAILED:
            return {"file": result["file"], "ok": False, "error": result["error"]}
        line = {"file": result["file"], "ok": True, "action": result["action"]}
        if result["encoding"] not in ("utf-8", "utf-8-sig"):
            line["encoding"] = result["encoding"]
        line["article"] = result["parsed"].as_dict()
        return line

    def _summary(self, counts, failures, *, dry_run):
        verb = "Would import" if dry_run else "Imported"
        line = ", ".join(f"{counts[action]} {action}" for action in ImportedFile.Action.values)
        style = self.style.ERROR if failures else self.style.SUCCESS
        self.stdout.write(style(f"{verb}: {line}."))
        for failure in failures:
            self.stdout.write(f"  {failure['file']}: {failure['error']}")

    @staticmethod
    def _command_line(paths, options):
        words = ["import_articles", *paths, "--status", options["status"]]
        if options["section"]:
            words += ["--section", options["section"]]
        for tag in options["tags"]:
            words += ["--tag", tag]
        if options["encoding"]:
            words += ["--encoding", options["encoding"]]
        if options["user"]:
            words += ["--user", options["user"]]
        return shlex.join(words)
