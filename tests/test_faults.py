"""Faults the site must survive: an import that breaks, is killed or meets another writer; query
parameters that try to break a page or to widen what is public; article files mangled in any way.

Already proven elsewhere and not repeated here: a file that cannot be parsed fails alone
(``test_import_command``), an interrupted file leaves nothing behind (Ctrl-C inside the process,
``test_import_command``; an error midway, ``test_loader``), a clash inside a batch falls back to
one file at a time (``test_loader``), bad ``?page=`` values on the four list pages
(``test_views``), hostile search queries (``test_search``), query parameters on a draft's address
(``test_views``) and on cached pages (``test_caching``), every address swept for hidden
articles with five widening parameters (``test_public_surfaces``), and arbitrary bytes and text
given to the parser (``test_parser``).
"""

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from unittest import mock
from urllib.parse import quote

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.test import SimpleTestCase, TestCase, TransactionTestCase
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles.importers import loader
from articles.importers.parser import ArticleFormatError, Block, ParsedArticle, parse_article
from articles.importers.pipeline import BATCH_SIZE
from articles.models import Article, Author, Byline

from .factories import make_article, make_author, make_section, tomorrow
from .test_import_command import ImportCommandTestCase

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]
FIRST_NAMES = ["Ana", "Tom", "Lena", "Femi", "Priya", "Jonas", "Rosa", "Kemal"]
LAST_NAMES = ["Silva", "Reyes", "Moreau", "Okafor", "Gupta", "Jensen", "Castro", "Yilmaz"]
AUTHORS = 300
WRITERS = 6
PARAGRAPH = "The ferry line carried {number} passengers on Monday after a month of repairs."


def author_name(index):
    """A distinct byline name for each index below 1,664: "Ana B. Silva"."""
    return f"{FIRST_NAMES[index % 8]} {chr(65 + index // 64 % 26)}. {LAST_NAMES[index // 8 % 8]}"


def write_articles(folder, count, *, start=0):
    """Files ``start`` to ``start + count`` in the scraped format; ``{source: (headline,
    authors)}``. Each file names two of ``AUTHORS`` authors, in turn from a place that
    ``start`` sets, so writers given 150 files each meet over the same new authors, in
    different orders."""
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}
    for number in range(start, start + count):
        authors = [author_name(2 * number % AUTHORS), author_name((2 * number + 1) % AUTHORS)]
        headline = f"Harbour ferry {number} returns after repairs"
        path = folder / f"story-{number:05d}.txt"
        path.write_text(
            f"{headline}\nBy {authors[0]} and {authors[1]}\n"
            f"Passengers board at Pier {number} on March 2. /Harbour Daily/Lee Park\n\n"
            f"{PARAGRAPH.format(number=number)}\n\n"
            "Officials said the crossing would run every twenty minutes at peak hours.\n\n"
            "Share this article\n",
            encoding="utf-8",
        )
        expected[str(path.resolve())] = (headline, authors)
    return expected


class ImportDatabase:
    """The database that ``manage.py`` subprocesses import into, seen from this process.

    On SQLite a migrated file in WAL mode (the test database lives in this process's memory);
    on PostgreSQL the test database itself, which a ``TransactionTestCase`` really commits to.
    """

    def __init__(self, folder, sqlite_template):
        self.folder = folder
        self.sqlite = connection.vendor == "sqlite"
        if self.sqlite:
            self.path = folder / "import.sqlite3"
            shutil.copy(sqlite_template, self.path)
            self.url = f"sqlite:///{self.path}"
        else:
            db = connection.settings_dict
            credentials = quote(db["USER"]) + (
                f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
            )
            self.url = f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"

    @staticmethod
    def environment(url, folder):
        environment = {
            key: value for key, value in os.environ.items() if key not in ("DEBUG", "CACHE_URL")
        }
        return environment | {
            "DATABASE_URL": url,
            "CACHE_DIR": str(folder / "cache"),
            "MEDIA_ROOT": str(folder / "media"),
            "SECRET_KEY": "tests-only-not-secret",
            "SECURE_SSL_REDIRECT": "0",
        }

    def start_import(self, path):
        """``import_articles PATH`` in a new process; its stdout and stderr are captured."""
        return subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
            [*MANAGE, "import_articles", str(path)],
            env=self.environment(self.url, self.folder),
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def query(self, sql):
        if self.sqlite:
            with contextlib.closing(sqlite3.connect(self.path, timeout=10)) as db:
                return db.execute(sql).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    def count(self, table):
        return self.query(f"SELECT count(*) FROM {table}")[0][0]  # noqa: S608 (our table names)

    def writing(self):
        """True while another connection holds a write transaction open."""
        if not self.sqlite:
            return bool(
                self.query(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
                    "AND xact_start IS NOT NULL"
                )[0][0]
            )
        with contextlib.closing(sqlite3.connect(self.path, timeout=0, isolation_level=None)) as db:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # database is locked: someone is writing
                return True
            db.execute("ROLLBACK")
            return False

    @contextlib.contextmanager
    def held_by_another_writer(self):
        """A write transaction of this process, as an editor saving in the admin holds one."""
        if not self.sqlite:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("LOCK TABLE articles_article, articles_author IN EXCLUSIVE MODE")
                yield
            return
        with contextlib.closing(sqlite3.connect(self.path, isolation_level=None)) as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                'INSERT INTO articles_section (name, slug, description, "order") '
                "VALUES ('Held', 'held', '', 0)"
            )
            yield
            db.execute("COMMIT")

    def articles(self):
        """``{source: (headline, body, [authors in byline order], captions, search entries)}``
        read back with plain SQL, whatever the app's code would make of it."""
        articles = {
            pk: [source, headline, body, [], 0, 0]
            for pk, source, headline, body in self.query(
                "SELECT id, source, headline, body FROM articles_article"
            )
        }
        for pk, name in self.query(
            "SELECT b.article_id, a.name FROM articles_byline b "
            'JOIN articles_author a ON a.id = b.author_id ORDER BY b.article_id, b."order"'
        ):
            articles[pk][3].append(name)
        for column, table in ((4, "articles_caption"), (5, "articles_searchentry")):
            for pk, count in self.query(
                f"SELECT article_id, count(*) FROM {table} GROUP BY article_id"  # noqa: S608
            ):
                articles[pk][column] = count
        return [tuple(row) for row in articles.values()]


class ImportUnderFaultsTests(TransactionTestCase):
    """``import_articles`` run as the operator runs it, in its own process, against a database
    on disk: killed with SIGKILL midway, run beside other importers, and made to wait for
    another writer. Nothing may be lost, duplicated or half-written, and no writer may fail
    with "database is locked" (SQLite: WAL, a busy timeout and IMMEDIATE transactions)."""

    serialized_rollback = True  # on PostgreSQL the flush would take the migrations' groups
    files = 1000  # four batches

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scratch = Path(tempfile.mkdtemp())
        cls.addClassCleanup(shutil.rmtree, cls.scratch)
        cls.sqlite_template = cls.scratch / "migrated.sqlite3"
        if connection.vendor == "sqlite":
            subprocess.run(  # noqa: S603
                [*MANAGE, "migrate", "--no-input", "-v0"],
                env=ImportDatabase.environment(f"sqlite:///{cls.sqlite_template}", cls.scratch),
                cwd=settings.BASE_DIR,
                check=True,
            )

    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(dir=self.scratch))
        self.db = ImportDatabase(self.folder, self.sqlite_template)

    def start_import(self, path):
        process = self.db.start_import(path)
        self.addCleanup(process.communicate)  # before the flush, which waits for its locks
        self.addCleanup(process.kill)
        return process

    def finish(self, process, timeout=20):
        stdout, stderr = process.communicate(timeout=timeout)
        output = stdout + stderr
        self.assertFalse("database is locked" in output, output[-2000:])
        self.assertEqual(process.returncode, 0, output[-2000:])
        return stdout

    def assert_complete(self, expected, *, every_file):
        """Each article once, whole: its headline, body, bylines in order, caption and search
        entry; with ``every_file``, one article for each file."""
        articles = self.db.articles()
        sources = [article[0] for article in articles]
        self.assertEqual(len(sources), len(set(sources)), "an article was imported twice")
        self.assertLessEqual(set(sources), set(expected))
        if every_file:
            self.assertEqual(len(articles), len(expected))
        for source, headline, body, authors, captions, entries in articles:
            number = headline.split()[2]  # "Harbour ferry {number} returns after repairs"
            self.assertEqual(
                (headline, authors, captions, entries), (*expected[source], 1, 1), source
            )
            self.assertIn(PARAGRAPH.format(number=number), body)

    def kill_while_writing(self, path, *, after_files):
        """Start an import and SIGKILL it a few statements into a batch's write (which takes
        about 0.1 s), once more than ``after_files`` files are recorded (so at least one batch
        of this run has committed); the number of articles it left."""
        process = self.start_import(path)
        deadline = time.monotonic() + 15
        while not (self.db.count("articles_importedfile") > after_files and self.db.writing()):
            self.assertIsNone(process.poll(), "the import ended before it could be killed")
            self.assertLess(time.monotonic(), deadline, "the import never reached a batch")
            time.sleep(0.005)  # on SQLite each look takes the write lock for a moment
        time.sleep(0.03)
        process.send_signal(signal.SIGKILL)
        process.communicate()
        self.assertEqual(process.returncode, -signal.SIGKILL)
        return self.db.count("articles_article")

    def test_killed_imports_resume_without_duplicates_or_half_articles(self):
        """Two SIGKILLs inside a batch's write (batches two and three), then a full run: each
        kill leaves whole articles only, and the last run adds the rest exactly once."""
        expected = write_articles(self.folder / "in", self.files)
        first = self.kill_while_writing(self.folder / "in", after_files=0)
        self.assert_complete(expected, every_file=False)
        second = self.kill_while_writing(self.folder / "in", after_files=BATCH_SIZE * 2)
        self.assert_complete(expected, every_file=False)
        self.assertLess(first, second)
        self.assertLess(second, self.files)
        out = self.finish(self.start_import(self.folder / "in"))
        self.assertIn(f"{self.files - second} created, 0 updated, {second} unchanged", out)
        self.assert_complete(expected, every_file=True)

    def test_concurrent_importers_all_succeed(self):
        """Six importers at once, all creating the same 300 new authors: every one queues
        for the write lock instead of failing, and each author is created once."""
        folders = [self.folder / f"writer-{writer}" for writer in range(WRITERS)]
        expected = {}
        for writer, folder in enumerate(folders):
            expected |= write_articles(folder, 150, start=writer * 187)
        processes = [self.start_import(folder) for folder in folders]
        for process in processes:
            self.assertIn("150 created, 0 updated, 0 unchanged, 0 failed", self.finish(process))
        self.assert_complete(expected, every_file=True)
        self.assertEqual(self.db.count("articles_author"), AUTHORS)
        if self.db.sqlite:
            self.assertEqual(self.db.query("PRAGMA journal_mode"), [("wal",)])

    def test_an_import_waits_for_another_writer(self):
        """While another connection holds the write lock (an editor saving), the import
        queues and then completes."""
        expected = write_articles(self.folder / "in", 50)
        with self.db.held_by_another_writer():
            process = self.start_import(self.folder / "in")
            started = time.monotonic()
            time.sleep(1.5)
            self.assertIsNone(process.poll(), "the import did not wait for the lock")
        self.assertIn("50 created", self.finish(process))
        self.assertGreaterEqual(time.monotonic() - started, 1.5)
        self.assert_complete(expected, every_file=True)


class FileFailingMidBatchTests(ImportCommandTestCase):
    def test_the_database_refusing_one_file_spares_the_rest_of_its_batch(self):
        """The database refuses the middle file of a batch: the others are written, the run
        says which file failed and why, and a second run imports it once (no duplicates)."""
        for name in ("a", "b", "c"):
            self.story(f"{name}.txt", f"River rises at {name.upper()} bridge")
        real_links = loader._links

        def refusing(article, parsed):
            if parsed.headline == "River rises at B bridge":
                raise DatabaseError("disk I/O error")
            return real_links(article, parsed)

        with mock.patch("articles.importers.loader._links", side_effect=refusing):
            out, error = self.run_command(self.folder)
        self.assertEqual(error.returncode, 1)
        self.assertIn("2 created, 0 updated, 0 unchanged, 1 failed", out)
        self.assertRegex(out, r"b\.txt: invalid article: database refused the article: disk I/O")
        self.assertEqual(
            sorted(Article.objects.values_list("headline", flat=True)),
            ["River rises at A bridge", "River rises at C bridge"],
        )
        out, error = self.run_command(self.folder)
        self.assertIsNone(error)
        self.assertIn("1 created, 0 updated, 2 unchanged, 0 failed", out)
        self.assertEqual(Article.objects.count(), 3)
        self.assertEqual(Byline.objects.count(), 3)
        self.assertEqual(Author.objects.count(), 1)


ABUSIVE_QUERIES = [
    "page=-1",
    "page=0",
    "page=999999",
    "page=abc",
    "page=1.5",
    "page=%00",
    "page=1%00",
    "page=" + "9" * 5000,
    "page=2&page=%00",
    "p=-1",
    "p=999999",
    "p=abc",
    "p=%00",
    "q=" + "x" * 10_000,
    "q=" + quote("' OR 1=1; DROP TABLE articles_article; --"),
    "q=" + quote('"unclosed AND( NEAR(harbour ferry, 2) * -x ^ headline:y {a b} :* <-> !'),
    "q=%25s%25%25%5C%27",
    "q=%00",
    "q=%00x",
    "q=harbour%00ferry&page=%00",
    "q=%FF%FE%C0%AF",
    "q[]=1&q=",
]
SLUGS_WITH_NUL = [
    "/sections/%00/",
    "/sections/world%00/",
    "/authors/jane%00/",
    "/tags/%00harbour/",
    "/sections/world%00/feeds/rss/",
    "/authors/%00/feeds/atom/",
    "/tags/harbour%00/feeds/json/",
    "/sitemap-%00.xml",
    "/sitemap-articles%00.xml",
    "/preview/%00/",
    "/preview/shared/%00/",
    "/search%00/",
]
WIDENING_PARAMETERS = [
    "status=draft",
    "status=scheduled",
    "status__in=draft,published",
    "preview=1",
    "include_drafts=1",
    "drafts=true",
    "all=1",
    "show_all=1",
    "published=0",
    "publish_at__gte=2000-01-01",
    "future=1",
    "allow_future=1",
    "embargo=0",
    "staff=1",
    "is_staff=true",
    "admin=1",
    "user=1",
    "debug=1",
    "token=x",
    "preview_token=x",
]


class QueryParameterTests(TestCase):
    """Every public list, feed and sitemap, and the article address, against abusive and
    widening query parameters, with a draft and a scheduled article present."""

    @classmethod
    def setUpTestData(cls):
        section = make_section(name="World", slug="world")
        author = make_author(name="Jane Doe", slug="jane")
        fields = {"section": section, "authors": [author], "tags": ["Harbour"]}
        cls.public = make_article(headline="Harbour ferry returns", **fields)
        cls.hidden = [
            make_article(headline="Harbour secret draft", status=Article.Status.DRAFT, **fields),
            make_article(headline="Harbour scheduled story", publish_at=tomorrow(), **fields),
        ]

    def public_urls(self):
        urls = ["/", "/sections/world/", "/authors/jane/", "/tags/harbour/", "/search/"]
        for prefix in ("/", "/sections/world/", "/authors/jane/", "/tags/harbour/"):
            urls += [f"{prefix}feeds/{kind}/" for kind in ("rss", "atom", "json")]
        urls += ["/sitemap.xml", "/news-sitemap.xml"]
        urls += [f"/sitemap-{kind}.xml" for kind in ("articles", "sections", "authors", "tags")]
        return [*urls, self.public.get_absolute_url()]

    def test_abusive_parameters_never_give_a_server_error(self):
        """24 addresses by 22 abusive query strings (528 requests, none a 500), with NUL
        bytes raw as a client sends them, which PostgreSQL refuses in any text it is given."""
        for url in self.public_urls():
            for query in ABUSIVE_QUERIES:
                with self.subTest(url=url, query=query[:40]):
                    status = self.client.get(f"{url}?{query}").status_code
                    self.assertIn(status, (200, 404))

    def test_nul_bytes_in_slugs_answer_404(self):
        article = self.public.get_absolute_url()
        for url in [*SLUGS_WITH_NUL, article[:-1] + "%00/", article.replace("/", "/%00", 2)]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_parameters_change_nothing_on_lists_search_feeds_and_sitemaps(self):
        """Each page is the same byte for byte with and without any of 20 parameters, Django
        lookups among them. ``test_public_surfaces`` sweeps every address for hidden articles
        with five such parameters; this proves that a parameter changes nothing at all."""
        urls = [url for url in self.public_urls() if "sitemap" not in url]
        urls = [url for url in urls if url not in ("/search/", self.public.get_absolute_url())]
        urls += ["/search/?q=harbour", "/sitemap-articles.xml", "/news-sitemap.xml"]
        hidden = [text for a in self.hidden for text in (a.headline, a.get_absolute_url())]
        for url in urls:
            baseline = self.client.get(url).content.decode()
            self.assertIn(self.public.get_absolute_url(), baseline, url)
            for text in hidden:
                self.assertNotIn(text, baseline, url)
            separator = "&" if "?" in url else "?"
            for parameter in WIDENING_PARAMETERS:
                with self.subTest(url=url, parameter=parameter):
                    response = self.client.get(f"{url}{separator}{parameter}")
                    self.assertEqual(response.content.decode(), baseline)


def has_control_characters(text):
    return any(unicodedata.category(character) == "Cc" for character in text)


LINES = st.one_of(
    st.sampled_from(
        [
            "Harbour ferry returns after month-long repairs",
            "By Jane Doe and John Roe",
            "Ana Müller, Associated Press",
            "Jane Doe in Madrid",
            "Reuters",
            "Passengers board the ferry on March 2. /Harbour Daily/Lee Park",
            "The ferry line carried passengers again on Monday after a month of repairs.",
            "Officials said the crossing would run “every twenty minutes”, she said.",
            "Can the old pier survive another winter?",
            "In depth: The waterfront in numbers",
            "Read more: Bridge tolls rise",
            "What comes next",
            "Search Trends",
            "Share this article",
            "© 2026 The Newsroom",
            "Türkiye’s ferry to Çeşme",
        ]
    ),
    st.text(max_size=80),
    st.builds(
        lambda piece, times: piece * times,
        st.sampled_from([" /x", "word ", "A. ", "Ü", "\u200b", "\u3000", "\u202e", "e\u0301"]),
        st.integers(min_value=100, max_value=3000),
    ),
)
MANGLED = st.sampled_from(
    ["\x00", "\x07", "\x1b[31m", "\x7f", "\x9b", "\ufeff", "\u00a0", "\u3000", "\u2028", "\ud7ff"]
)
SEPARATORS = st.sampled_from(
    ["\n", "\n\n", "\n\n\n", "\r\n", "\r", "\u2028", "\x0c", "\x85", " \n"]
)


@st.composite
def article_texts(draw):
    """Lines of every kind a file holds, in any order, with control characters, odd Unicode
    and very long lines mixed in."""
    text = ""
    for line in draw(st.lists(LINES, min_size=1, max_size=25)):
        if draw(st.booleans()):
            at = draw(st.integers(min_value=0, max_value=len(line)))
            line = line[:at] + draw(MANGLED) + line[at:]
        text += line + draw(SEPARATORS)
    return text


class ParserFuzzTests(SimpleTestCase):
    """A short fuzz of the parser with structured but mangled articles (``test_parser`` feeds it
    random bytes and text, which rarely look like an article)."""

    def assert_well_formed(self, parsed):
        self.assertIsInstance(parsed, ParsedArticle)
        texts = [parsed.headline, *parsed.authors, *parsed.dropped]
        texts += [block.text for block in parsed.blocks]
        texts += [block.credit for block in parsed.blocks if block.credit is not None]
        for text in texts:
            self.assertTrue(text, parsed)
            self.assertEqual(text, " ".join(text.split()), parsed)  # trimmed, on one line
            self.assertFalse(has_control_characters(text), parsed)
        kinds = {Block.PARAGRAPH, Block.SUBHEADING, Block.CAPTION, Block.RELATED_LINK}
        self.assertLessEqual({block.kind for block in parsed.blocks}, kinds)
        self.assertTrue(parsed.paragraphs)
        self.assertEqual(
            [(c.text, c.credit) for c in parsed.captions],
            [(b.text, b.credit) for b in parsed.blocks if b.kind == Block.CAPTION],
        )
        json.dumps(parsed.as_dict())

    @hypothesis_settings(
        max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(article_texts(), st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    def test_mangled_articles_parse_whole_or_raise_the_documented_error(self, text, encoding):
        """Text or bytes in any encoding: a clean ``ParsedArticle`` (no empty or untrimmed
        field, no control character, a paragraph at least), the same every time, or
        ``ArticleFormatError``; never another exception."""
        for data in (text, text.encode(encoding, errors="replace")):
            try:
                parsed = parse_article(data)
            except ArticleFormatError as error:
                self.assertTrue(str(error))
                continue
            self.assert_well_formed(parsed)
            self.assertEqual(parse_article(data), parsed)

    def test_lines_holding_only_unicode_spaces_are_blank(self):
        """An ideographic or em space alone on a line once became an empty headline or
        paragraph (the fuzz above found it)."""
        parsed = parse_article(
            "\u3000\nFerry returns\n\u2003\nThe ferry sailed on Monday.\n\u3000\u2003\n\n"
            "It was full.\n"
        )
        self.assertEqual(parsed.headline, "Ferry returns")
        self.assertEqual(parsed.paragraphs, ("The ferry sailed on Monday.", "It was full."))

    def test_c1_control_characters_are_dropped(self):
        """Like C0 ones: UTF-8 can carry them (``\x9b`` is a terminal escape), and no text needs
        them."""
        parsed = parse_article("Ferry\x9b returns\n\nThe ferry sailed\x80 on Monday.\n")
        self.assertEqual(parsed.headline, "Ferry returns")
        self.assertEqual(parsed.paragraphs, ("The ferry sailed on Monday.",))

    def test_a_long_line_of_slashes_parses_in_linear_time(self):
        """A 60 KB line of `` /x`` ending in ``//`` took 35 s: the credit pattern was tried from
        every `` /``, each time to the end of the line (quadratic). A 5 MB file would stall
        the import for days."""
        text = "Ferry returns\n\nThe ferry sailed on Monday.\n\n" + " /x" * 20_000 + "//\n"
        started = time.monotonic()
        parse_article(text)
        self.assertLess(time.monotonic() - started, 1)
