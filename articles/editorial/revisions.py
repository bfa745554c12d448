"""An article as an editor compares it: each part (its fields, and its byline, pictures, links,
tags and corrections) as one line of text, from the database or from a saved revision.

The admin uses it twice: the revision page shows what a restore changes back, and a refused
stale save shows what the other change did (``changed_since()``, against the digests of the
parts as the editor opened them).
"""

import hashlib
import json

from django.utils import timezone
from django.utils.html import strip_tags
from reversion.models import Version
from taggit.models import Tag

from ..models import (
    Article,
    Author,
    Byline,
    Caption,
    Correction,
    Picture,
    RelatedLink,
    Section,
    TaggedArticle,
)

# The article's texts for search and social networks (its social image is a file, which a
# form keeps unless a new one is uploaded).
SEARCH_AND_SOCIAL = (
    ("seo_title", "Search title"),
    ("seo_description", "Search and social description"),
    ("social_title", "Social title"),
    ("social_image_alt", "Social image alt text"),
)
FIELDS = (
    ("headline", "Headline"),
    ("slug", "Slug"),
    ("dek", "Standfirst"),
    ("body", "Body"),
    ("section_id", "Section"),
    ("byline_override", "Byline override"),
    ("language", "Language"),
    *SEARCH_AND_SOCIAL,
    ("status", "Status"),
    ("publish_at", "Publication time"),
    ("embargo_until", "Embargo until"),
)
BYLINE, PICTURES, LINKS, TAGS, CORRECTIONS = (
    "Byline",
    "Captions and pictures",
    "Related links",
    "Tags",
    "Corrections",
)


def parts_of(article):
    """The parts of a saved article, read from the database (a query per kind of row)."""
    bylines = Byline.objects.filter(article=article).select_related("author")
    return describe(
        {name: getattr(article, name) for name, _ in FIELDS},
        bylines=[(b.author.name, b.role) for b in bylines],
        captions=list(Caption.objects.filter(article=article).values(*CAPTION_FIELDS)),
        links=list(RelatedLink.objects.filter(article=article).values(*LINK_FIELDS)),
        tags=list(article.tags.values_list("name", flat=True)),
        corrections=list(Correction.objects.filter(article=article).values(*CORRECTION_FIELDS)),
    )


def parts_in(version):
    """The parts of the article as saved in ``version`` (a reversion ``Version`` of it), with
    the byline, captions, links, tags and corrections of the same revision (in no particular
    order there: sorted as the article sorts them)."""
    rows = {}
    for other in Version.objects.filter(revision=version.revision).select_related("content_type"):
        rows.setdefault(other.content_type.model_class(), []).append(other.field_dict)
    authors = dict(
        Author.objects.filter(
            pk__in=[row["author_id"] for row in rows.get(Byline, [])]
        ).values_list("pk", "name")
    )
    tags = Tag.objects.filter(
        pk__in=[row["tag_id"] for row in rows.get(TaggedArticle, [])]
    ).values_list("name", flat=True)
    return describe(
        {name: version.field_dict.get(name) for name, _ in FIELDS},
        bylines=[
            (authors.get(row["author_id"], f"author #{row['author_id']}"), row["role"])
            for row in sorted(rows.get(Byline, []), key=lambda row: (row["order"], row["id"]))
        ],
        captions=_with_pictures(
            sorted(rows.get(Caption, []), key=lambda row: (row["order"], row["id"]))
        ),
        links=sorted(rows.get(RelatedLink, []), key=lambda row: (row["order"], row["id"])),
        tags=list(tags),
        corrections=sorted(rows.get(Correction, []), key=lambda row: row["published_at"]),
    )


PICTURE_FIELDS = ("image", "credit", "alt_text", "focal_x", "focal_y")
CAPTION_FIELDS = ("text", *(f"picture__{name}" for name in PICTURE_FIELDS))
LINK_FIELDS = ("title", "url", "target_id")
CORRECTION_FIELDS = ("kind", "text", "published_at")


def describe(fields, *, bylines, captions, links, tags, corrections):
    """{label: text} for each part, in the form's order."""
    section = fields["section_id"]
    parts = {
        "Headline": fields["headline"] or "",
        "Slug": fields["slug"] or "",
        "Standfirst": fields["dek"] or "",
        "Body": " ".join(strip_tags(fields["body"] or "").split()),
        "Section": Section.objects.filter(pk=section).values_list("name", flat=True).first()
        if section
        else "",
        "Byline override": fields["byline_override"] or "",
        "Language": fields["language"] or "",
        **{label: fields[name] or "" for name, label in SEARCH_AND_SOCIAL},
        "Status": Article.Status(fields["status"]).label if fields["status"] else "",
        "Publication time": _time(fields["publish_at"]),
        "Embargo until": _time(fields["embargo_until"]),
    }
    roles = dict(Byline.Role.choices)
    parts[BYLINE] = "; ".join(f"{name} ({roles.get(role, role).lower()})" for name, role in bylines)
    parts[PICTURES] = "; ".join(_caption(row) for row in captions)
    parts[LINKS] = "; ".join(
        row["title"] or row["url"] or f"article #{row['target_id']}" for row in links
    )
    parts[TAGS] = ", ".join(sorted(tags, key=str.casefold))
    kinds = dict(Correction.Kind.choices)
    parts[CORRECTIONS] = "; ".join(
        f"{kinds.get(row['kind'], row['kind'])} of {_time(row['published_at'])}: {row['text']}"
        for row in corrections
    )
    return parts


def _time(value):
    if not value:
        return ""
    if isinstance(value, str):  # as a revision stores it
        return value
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def diff(before, after):
    """(label, before, after) for each part that differs."""
    return [
        (label, before[label], after[label]) for label in after if before[label] != after[label]
    ]


# The article form's own fields, by the label of the part each shows.
FORM_FIELDS = {label: name.removesuffix("_id") for name, label in FIELDS} | {TAGS: "tags"}


def parts_typed(cleaned):
    """The parts of the form's own fields as an editor typed them (``cleaned_data``); the
    byline, pictures, links and corrections are their inlines' and come out empty."""
    fields = {name: cleaned.get(name.removesuffix("_id")) for name, _ in FIELDS}
    fields["section_id"] = getattr(fields["section_id"], "pk", None)
    return describe(
        fields, bylines=[], captions=[], links=[], tags=cleaned.get("tags") or [], corrections=[]
    )


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def digests(parts):
    """A short digest of each part, as JSON: what the form keeps of the article it opened."""
    return json.dumps({label: digest(text) for label, text in parts.items()})


def read_digests(opened_digests):
    """The digests ``digests()`` wrote, or {} if they are missing or unreadable."""
    try:
        opened = json.loads(opened_digests or "{}")
    except ValueError:
        return {}
    return opened if isinstance(opened, dict) else {}


def changed_since(opened_digests, parts):
    """(label, text now) for each part that changed since it had ``opened_digests`` (JSON from
    ``digests()``; every part if they are missing or unreadable)."""
    opened = read_digests(opened_digests)
    return [(label, text) for label, text in parts.items() if opened.get(label) != digest(text)]


def _with_pictures(captions):
    """Caption rows of a revision with the fields of their pictures, as the library has them
    now (a picture's file, credit, alt text and focal point are not versioned)."""
    values = {"image": "", "credit": "", "alt_text": "", "focal_x": 0.5, "focal_y": 0.5}
    pictures = Picture.objects.in_bulk([row.get("picture_id") for row in captions])
    return [
        row
        | {
            f"picture__{name}": getattr(pictures[row.get("picture_id")], name)
            if row.get("picture_id") in pictures
            else values[name]
            for name in PICTURE_FIELDS
        }
        for row in captions
    ]


def _caption(row):
    return " — ".join(
        filter(
            None,
            [
                str(row["picture__image"] or "no picture").rsplit("/", 1)[-1],
                row["text"],
                row["picture__credit"] and f"credit {row['picture__credit']}",
                f"alt “{row['picture__alt_text']}”" if row["picture__alt_text"] else "no alt text",
                f"focal point {float(row['picture__focal_x']):.2f}, "
                f"{float(row['picture__focal_y']):.2f}",
            ],
        )
    )
