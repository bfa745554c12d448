"""Synthetic newsroom content in bulk, for load tests and for trying the site at archive scale.

``generate(count)`` adds ``count`` articles with ordered bylines, a captioned lead picture, a
subheading among fourteen paragraphs, related links and tags, spread over the past years, plus
the authors, sections and tags they need. Rows are written with bulk inserts in batches, one
transaction each, so a million articles take minutes; the text is made from fixed word lists by
a seeded random generator, so the same seed gives the same archive.
"""

import io
import itertools
import random
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw
from taggit.models import Tag

from . import planner, signals
from .models import (
    Article,
    Author,
    Byline,
    Caption,
    Picture,
    RelatedLink,
    SearchEntry,
    Section,
    TaggedArticle,
    new_preview_token,
)

SECTIONS = ["World", "Politics", "Business", "Science", "Climate", "Culture", "Sport", "Opinion"]
FIRST_NAMES = (
    "Ana Bo Chiara Dev Elif Femi Greta Hugo Ines Jonas Kemal Lena Malik Nora Oscar Priya "
    "Quentin Rosa Samir Tara Ugo Vera Wen Ximena Yusuf Zoe"
).split()
LAST_NAMES = (
    "Abbott Baptiste Castro Dimitrov Eriksen Fischer Gupta Haddad Ivanova Jensen Kowalski "
    "Lindqvist Moreau Nakamura Okafor Petrov Quinn Rahman Silva Tanaka Umarov Varga Weber "
    "Xu Yilmaz Zielinski"
).split()
TOPICS = (
    "harbour ferries housing rents elections budget tariffs fisheries rainfall drought wildfire "
    "vaccines hospitals schools universities railways airports bridges energy wind solar "
    "football athletics cycling tennis museums libraries theatre cinema jazz novels startups "
    "banks inflation wages unions farming coffee shipping ports satellites oceans glaciers"
).split()
NOUNS = (
    "council minister mayor court union board regulator inquiry committee researchers "
    "residents teachers nurses farmers fishers investors voters officials engineers players"
).split()
VERBS = "approves rejects delays backs questions warns over seeks reviews defends unveils".split()
WORDS = (
    "the a of to in and on for with at by from after before over under while said told "
    "year week month city region plan report figures data study costs prices water land "
    "people workers families children market government policy money support rules "
    "changes service project plans concerns pressure growth share record increase drop "
    "expected announced agreed decided reported published confirmed described warned "
    "local national new old first last next several many few more most other same"
).split()

PARAGRAPHS_PER_ARTICLE = 14
AUTHORS_PER_1000_ARTICLES = 5
TAGS_PER_ARTICLE = 5
LINKS_PER_ARTICLE = 3
SPACING = timedelta(minutes=17)  # a million articles reach back about 32 years
PICTURES = 4
PICTURE_SIZE = (1600, 900)


@dataclass(frozen=True)
class Cast:
    """The authors, sections, tags and pictures that generated articles draw from; a picture
    is the id of a ``Picture`` of the library."""

    authors: list
    sections: list
    tags: list
    pictures: list


def sentence(rng, words=WORDS):
    text = " ".join(rng.choice(words) for _ in range(rng.randint(9, 22)))
    return text[0].upper() + text[1:] + "."


def paragraph_pool(rng, size=300):
    """Paragraphs to draw from: making each one afresh would be most of the generator's time."""
    return [" ".join(sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(size)]


def headline(rng):
    return (
        f"{rng.choice(NOUNS).capitalize()} {rng.choice(VERBS)} {rng.choice(TOPICS)} "
        f"{rng.choice(['plan', 'deal', 'rules', 'report', 'figures', 'reform'])} "
        f"{rng.choice(['after', 'before', 'amid'])} {rng.choice(TOPICS)} {rng.choice(WORDS)}"
    )


def body(rng, pool):
    """``(html, plain text)`` of paragraphs with a subheading halfway."""
    texts = rng.sample(pool, PARAGRAPHS_PER_ARTICLE)
    middle, subheading = PARAGRAPHS_PER_ARTICLE // 2, rng.choice(TOPICS).capitalize()
    html = "".join(
        [*(f"<p>{text}</p>" for text in texts[:middle]), f"<h2>{subheading}</h2>"]
        + [f"<p>{text}</p>" for text in texts[middle:]]
    )
    return html, " ".join([*texts[:middle], subheading, *texts[middle:]])


def cast(count, rng):
    """Sections, authors and tags for ``count`` articles, made or found by slug."""
    sections = [
        Section.objects.get_or_create(slug=slugify(name), defaults={"name": name, "order": n})[0]
        for n, name in enumerate(SECTIONS, start=10)
    ]
    wanted = max(20, count * AUTHORS_PER_1000_ARTICLES // 1000)
    names = itertools.islice(
        (f"{first} {last}" for last in LAST_NAMES for first in FIRST_NAMES), wanted
    )
    Author.objects.bulk_create(
        [Author(name=name, slug=f"{slugify(name)}-synthetic") for name in names],
        ignore_conflicts=True,
    )
    authors = list(Author.objects.filter(slug__endswith="-synthetic"))
    tag_names = [f"{a.capitalize()} {b}" for a in TOPICS for b in TOPICS[:12] if a != b]
    Tag.objects.bulk_create(
        [Tag(name=name, slug=slugify(name)) for name in tag_names], ignore_conflicts=True
    )
    tags = list(Tag.objects.filter(name__in=tag_names))
    return Cast(authors, sections, tags, [picture(number) for number in range(PICTURES)])


def picture(number):
    """A generated photograph of the library with its renditions, made once and shown by many
    captions: the id of its ``Picture``."""
    name = f"synthetic/picture-{number}.jpg"
    if not default_storage.exists(name):
        image = Image.new("RGB", PICTURE_SIZE, (40 + 50 * number, 90, 140))
        ImageDraw.Draw(image).ellipse((600, 200, 1000, 600), fill=(250, 210, 120))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        default_storage.save(name, ContentFile(buffer.getvalue()))
    found = Picture.objects.filter(image=name).values_list("pk", flat=True).first()
    if found is None:
        made = Picture(
            image=name,
            caption=f"Generated picture {number + 1}.",
            credit="Synthetic/Newsroom",
            alt_text=f"A sun over a {['grey', 'green', 'blue', 'violet'][number % 4]} sea",
        )
        made.save()
        found = made.pk
    return found


def generate(count, *, seed=1, batch_size=2000, progress=None):
    """Add ``count`` articles; ``progress(done)`` is called after each batch."""
    rng = random.Random(seed)
    people = cast(count, rng)
    pool = paragraph_pool(rng)
    first_number = (Article.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
    now = timezone.now()
    done = 0
    while done < count:
        size = min(batch_size, count - done)
        numbers = range(first_number + done, first_number + done + size)
        with transaction.atomic():
            _write_batch(numbers, people, pool, rng, now)
        done += size
        if progress:
            progress(done)
    reset_article_ids()
    planner.analyze(vacuum=True)
    signals.content_changed()


def _status(rng, number, now):
    """Mostly published, the newest first; a few drafts, in review and scheduled."""
    roll = rng.random()
    if roll < 0.02:
        return Article.Status.DRAFT, None
    if roll < 0.03:
        return Article.Status.IN_REVIEW, None
    if roll < 0.04:
        return Article.Status.PUBLISHED, now + timedelta(hours=rng.randint(1, 72))
    return Article.Status.PUBLISHED, now - SPACING * number


def _write_batch(numbers, people, pool, rng, now):
    """Insert a batch with one prepared statement per table: the ORM's per-object work would
    take most of the time. Articles get their ids (``numbers``) here, so their rows can be
    pointed at before they exist."""
    adapt = connection.ops
    articles, bylines, captions, links, tagged, entries = [], [], [], [], [], []
    created = adapt.adapt_datetimefield_value(now)
    for number in numbers:
        title = headline(rng)
        status, publish_at = _status(rng, number, now)
        dek = sentence(rng)
        html, plain = body(rng, pool)
        section = rng.choice(people.sections)
        authors = rng.sample(people.authors, rng.choice((1, 1, 1, 2, 3)))
        tags = rng.sample(people.tags, TAGS_PER_ARTICLE)
        local = timezone.localtime(publish_at) if publish_at else None
        articles.append(
            (
                number,
                title,
                f"{slugify(title)[:80]}-{number}",
                dek,
                html,  # built here from plain words: nothing to sanitize
                section.pk,
                status,
                adapt.adapt_datetimefield_value(publish_at),
                adapt.adapt_datefield_value(local.date() if local else None),
                created,
                created,
                f"synthetic:{number}",
                new_preview_token(),
            )
        )
        bylines += [(number, author.pk, "author", order) for order, author in enumerate(authors)]
        captions.append((number, sentence(rng), rng.choice(people.pictures)))
        links += [
            (number, headline(rng), f"https://example.org/archive/{rng.randint(1, 10**9)}", order)
            for order in range(LINKS_PER_ARTICLE)
        ]
        tagged += [(number, tag.pk) for tag in tags]
        entries.append(
            (
                number,
                title,
                dek,
                ", ".join(author.name for author in authors),
                ", ".join(sorted(tag.name for tag in tags)),
                plain,
            )
        )
    insert_rows(Article, ARTICLE_FIELDS, articles)
    insert_rows(Byline, ["article", "author", "role", "order"], bylines)
    insert_rows(Caption, ["article", "text", "picture"], captions)
    insert_rows(RelatedLink, ["article", "title", "url", "order"], links)
    insert_rows(TaggedArticle, ["content_object", "tag"], tagged)
    insert_rows(SearchEntry, ["article", "headline", "dek", "authors", "tags", "body"], entries)


ARTICLE_FIELDS = [
    "id",
    "headline",
    "slug",
    "dek",
    "body",
    "section",
    "status",
    "publish_at",
    "publish_date",
    "created_at",
    "updated_at",
    "source",
    "preview_token",
]


def insert_rows(model, fields, rows):
    """Insert ``rows``, tuples of database values in the order of ``fields``; the model's
    other columns take their defaults (``column_defaults``)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    defaults = column_defaults(model, fields)
    columns = [model._meta.get_field(name).column for name in fields] + list(defaults)
    values = tuple(defaults.values())
    # Quoted identifiers from the model; the values are parameters.
    table, names = quote(model._meta.db_table), ", ".join(map(quote, columns))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: a stream, not a statement per row
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + values)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        cursor.executemany(sql, [row + values for row in rows])


def column_defaults(model, fields):
    """The database value of every other concrete field's default, by column."""
    defaults = {}
    for field in model._meta.concrete_fields:
        if field.name in fields or field.primary_key:
            continue
        value = field.get_default()
        defaults[field.column] = field.get_db_prep_save(value, connection)
    return defaults


def reset_article_ids():
    """After explicit ids, PostgreSQL's sequence must move past them (SQLite needs nothing)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Article]):
            cursor.execute(sql)
