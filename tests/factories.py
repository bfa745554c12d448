"""Plain helpers that make saved model instances with sensible defaults."""

import io
import itertools
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image

from articles.models import Article, Author, Byline, Caption, Picture, RelatedLink, Section

_numbers = itertools.count(1)

# The words of make_full_article's paragraphs.
SENTENCES = (
    "Cranes on the container terminal turned again on Monday morning, eleven days after the "
    "storm closed the harbour gates.",
    "Port officials said the first ship through carried grain, machine parts and a backlog of "
    "post for the islands.",
    "Dock workers who had been sent home without pay gathered at the quay before dawn to watch "
    "the pilots bring her in.",
    "The harbour master said the inner basin had been dredged overnight and was deep enough for "
    "the largest vessels again.",
    "Insurers have yet to put a figure on the damage, but the council expects the repairs to "
    "take most of the year.",
    "Shipping lines warned that timetables would stay unreliable for weeks while crews and "
    "containers return to their rotations.",
    "Residents of the old town, where the sea wall gave way, were allowed back into their homes "
    "on Sunday afternoon.",
)


def now():
    return timezone.now()


def yesterday():
    return timezone.now() - timedelta(days=1)


def tomorrow():
    return timezone.now() + timedelta(days=1)


def make_section(**overrides):
    number = next(_numbers)
    fields = {"name": f"Section {number}", "slug": f"section-{number}"} | overrides
    return Section.objects.create(**fields)


def make_author(**overrides):
    number = next(_numbers)
    fields = {"name": f"Author {number}", "slug": f"author-{number}"} | overrides
    return Author.objects.create(**fields)


def make_article(*, authors=(), tags=(), **overrides):
    """A published article from yesterday, unless ``status``/``publish_at`` say otherwise."""
    number = next(_numbers)
    fields = {
        "headline": f"Headline {number}",
        "slug": f"headline-{number}",
        "dek": f"Standfirst {number}.",
        "body": f"<p>Body of article {number}.</p>",
        "status": Article.Status.PUBLISHED,
        "publish_at": yesterday(),
    } | overrides
    article = Article.objects.create(**fields)
    for order, author in enumerate(authors):
        Byline.objects.create(article=article, author=author, order=order)
    if tags:
        article.tags.add(*tags)
    return article


def add_photographer(article, name="Cy Lens", slug="cy-lens"):
    """A photographer at the end of ``article``'s byline: a contributor, not an author."""
    return Byline.objects.create(
        article=article,
        author=make_author(name=name, slug=slug),
        role=Byline.Role.PHOTOGRAPHER,
        order=99,
    )


PICTURE_FIELDS = {
    "image",
    "image_width",
    "image_height",
    "credit",
    "alt_text",
    "focal_x",
    "focal_y",
    "renditions",
}


def make_picture(**overrides):
    fields = {"caption": "A caption.", "credit": "Agency/Photographer"} | overrides
    return Picture.objects.create(**fields)


def make_caption(article, **overrides):
    """A caption of ``article`` showing a new picture of the library made of the picture's
    fields among ``overrides`` (``image``, ``credit``, ``alt_text``…), or ``picture``."""
    fields = {"text": "A caption.", "credit": "Agency/Photographer"} | overrides
    picture = fields.pop("picture", None) or make_picture(
        caption=fields["text"], **{name: fields[name] for name in PICTURE_FIELDS & set(fields)}
    )
    for name in PICTURE_FIELDS:
        fields.pop(name, None)
    return Caption.objects.create(article=article, picture=picture, **fields)


def make_related_link(article, **overrides):
    fields = {"title": "Another story", "url": "https://example.com/story"} | overrides
    return RelatedLink.objects.create(article=article, **fields)


def image_file(name="photo.jpg", size=(64, 48), format="JPEG"):
    """An uploadable image made with Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{format.lower()}")


def write_picture(path, size=(1200, 800), format="JPEG"):
    """An image made with Pillow, written to ``path`` (its folders made)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (30, 90, 150)).save(path, format)
    return path


def make_ready_article(**overrides):
    """An article with all that publishing asks for: headline, author, section, standfirst."""
    fields = {"section": make_section(), "authors": [make_author()]} | overrides
    return make_article(**fields)


def make_full_article(**overrides):
    """An article as readers meet it: two authors and a photographer, a captioned lead picture,
    fourteen paragraphs (about 900 words) with a subheading, a quotation and a second picture,
    three related links, five tags, and a section with others in the navigation."""
    for name in ("World", "Business", "Science", "Culture", "Sport"):
        make_section(name=name, slug=name.lower())
    paragraphs = [
        " ".join(SENTENCES[(number + offset) % len(SENTENCES)] for offset in range(3))
        for number in range(14)
    ]
    body = "".join(f"<p>{text}</p>" for text in paragraphs[:7])
    body += "<h2>Back to work</h2><blockquote><p>“We lost eleven days,” said the harbour master."
    body += '</p></blockquote><p>The port authority published <a href="https://example.com/'
    body += 'closure-report">its report on the closure</a> on Friday.</p>'
    body += "".join(f"<p>{text}</p>" for text in paragraphs[7:])
    fields = {
        "headline": "Container terminal reopens after the longest storm closure in a generation",
        "slug": "terminal-reopens",
        "dek": "Ships return to the harbour after eleven days, but insurers and shipping lines "
        "expect weeks of disruption.",
        "section": make_section(name="Harbour and Shipping", slug="harbour"),
        "authors": [
            make_author(name="Margarethe Vandersteenhoven", slug="margarethe"),
            make_author(name="John Roe", slug="john-roe"),
        ],
        "tags": ["Harbour", "Transport", "Storms", "Shipping", "Insurance"],
        "body": body,
    } | overrides
    article = make_article(**fields)
    Byline.objects.create(
        article=article,
        author=make_author(name="Ana Silva", slug="ana-silva"),
        role=Byline.Role.PHOTOGRAPHER,
        order=2,
    )
    make_caption(
        article,
        image=image_file(size=(1600, 900)),
        text="The first ship through the gates after the storm, on Monday morning.",
        credit="Harbour Photo Service/Ana Silva",
        alt_text="A container ship between the harbour walls",
    )
    make_caption(
        article,
        image=image_file(size=(1200, 800)),
        text="Dock workers at the quay.",
        alt_text="Dock workers watching from the quay",
        order=1,
    )
    for title in ("Storm closes the harbour", "What the closure cost", "Sea wall gives way"):
        make_related_link(article, title=title, url=f"https://example.com/{slugify(title)}")
    for number in range(3):
        make_article(
            headline=f"Ferry timetable changes, part {number + 1}",
            section=fields["section"],
            tags=["Harbour", "Transport"],
        )
    return article
