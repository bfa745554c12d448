"""Export articles, for a partner, a backup or a move to another site.

    python manage.py export_articles --format text --output DIR
    python manage.py export_articles --format ninjs [--output FILE]

--format text writes one file per article into DIR, in the plain-text format import_articles
reads (headline, byline, captions, body, related links; see articles/exporters/text.py).
--format ninjs writes one JSON list of IPTC ninjs items (see articles/reader/ninjs.py) to FILE, or
to standard output; import_articles --format ninjs reads it back.

Only public articles are exported, unless --all is given. --section and --since narrow the
export; articles are read a chunk at a time, so memory stays flat whatever the archive's size.
"""

import contextlib
import functools
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.exporters.text import article_text
from articles.links import configured_site_url
from articles.models import Article, Section
from articles.reader.ninjs import article_to_ninjs, changed_since_q, parse_since

CHUNK_SIZE = 200
SLUG_IN_NAME = 200  # bytes of a file name's 255, with room for the id


class Command(BaseCommand):
    help = "Export articles as plain-text files or as a ninjs JSON list."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["text", "ninjs"], default="ninjs")
        parser.add_argument(
            "--output",
            metavar="PATH",
            help="A folder for text files; a file for ninjs (default: standard output).",
        )
        parser.add_argument("--all", action="store_true", help="Export unpublished articles too.")
        parser.add_argument("--section", metavar="SLUG", help="Only articles of this section.")
        parser.add_argument(
            "--since",
            metavar="DATE",
            help="Only articles published, saved or corrected after this ISO date or time.",
        )
        parser.add_argument(
            "--site-url",
            metavar="URL",
            help="The site's address for the ninjs URIs (default: ARTICLES_SITE_URL).",
        )

    def handle(self, **options):
        articles = self._articles(options)
        if options["format"] == "text":
            count = self._text(articles, options["output"])
        else:
            count = self._ninjs(articles, options["output"], self._site_url(options))
        self.stderr.write(f"Exported {count} article{'s' if count != 1 else ''}.")

    def _articles(self, options):
        articles = Article.objects.all() if options["all"] else Article.objects.published()
        if slug := options["section"]:
            if not Section.objects.filter(slug=slug).exists():
                raise CommandError(f"No section with the slug {slug!r}.")
            articles = articles.filter(section__slug=slug)
        if text := options["since"]:
            articles = articles.filter(changed_since_q(self._moment(text)))
        articles = articles.for_detail().prefetch_related("corrections")
        return articles.order_by("pk").iterator(chunk_size=CHUNK_SIZE)

    @staticmethod
    def _site_url(options):
        site_url = (options["site_url"] or configured_site_url()).rstrip("/")
        if not site_url.startswith(("http://", "https://")):
            raise CommandError(
                "ninjs URIs are absolute: set ARTICLES_SITE_URL or give --site-url https://…"
            )
        return site_url

    @staticmethod
    def _moment(text):
        """An ISO date (midnight, in the site's time zone) or date and time, as the API's
        ``?since=`` reads it."""
        try:
            return parse_since(text)
        except ValueError:
            raise CommandError(f"--since {text!r} is not an ISO date or date and time.") from None

    def _text(self, articles, output):
        if not output:
            raise CommandError("--format text writes one file per article: give --output DIR.")
        folder = Path(output)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot create {folder}: {error.strerror or error}") from None
        count = 0
        for article in articles:
            slug = article.slug.encode()[:SLUG_IN_NAME].decode(errors="ignore")
            path = folder / f"{article.pk:08d}-{slug}.txt"
            try:
                path.write_text(article_text(article), encoding="utf-8")
            except OSError as error:
                raise CommandError(f"Cannot write {path}: {error.strerror or error}") from None
            count += 1
        return count

    def _ninjs(self, articles, output, site_url):
        """A JSON list, written an item at a time."""
        with contextlib.ExitStack() as stack:
            if output:
                try:
                    write = stack.enter_context(open(output, "w", encoding="utf-8")).write
                except OSError as error:
                    raise CommandError(
                        f"Cannot write {output}: {error.strerror or error}"
                    ) from None
            else:
                write = functools.partial(self.stdout.write, ending="")
            count = 0
            write("[")
            for article in articles:
                item = json.dumps(article_to_ninjs(article, base_url=site_url), ensure_ascii=False)
                write(f"{',' if count else ''}\n{item}")
                count += 1
            write("\n]\n")
        return count
