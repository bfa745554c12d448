"""Articles as IPTC ninjs 2.4 (News in JSON), and the authors, sections and tags that list them.

Pure functions of rows already fetched (``ArticleQuerySet.for_detail()``, or ``with_embedded()``
then ``Article.load_details()``; corrections prefetched when ``revised_at`` is set): they make no
query, and ``base_url`` (a scheme and host, as ``links.site_url()`` gives) makes every address
absolute. The read API serves them; an export can write them. The pictures a body places are
read with ``body.attach_pictures()`` first (the API does, for a page at once), else one query
per article that places any.

ninjs 2.x has no field for a role in the byline, a correction or a credit line: a byline's
role is the person's ``rel``, corrections are descriptions whose role is their kind, and a
picture's credit is its ``by``.
"""

import re
from datetime import UTC, datetime
from functools import partial

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .. import conf, images
from ..links import absolute_on, object_uri
from ..models import Byline
from . import body

NINJS_VERSION = "2.4"
NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_2.4.json"
# The times that make a new public version of an article: see version_time().
VERSION_FIELDS = ("publish_at", "embargo_until", "updated_at", "revised_at")
LEAP_SECOND = re.compile(r"(T\d\d:\d\d):60")
BY_PHRASES = {
    Byline.Role.ADDITIONAL_REPORTING: "additional reporting by",
    Byline.Role.PHOTOGRAPHER: "photographs by",
}


def article_to_ninjs(article, *, base_url):
    """``article`` as a ninjs 2.4 news item (a dict ready for ``json.dumps``)."""
    data = {
        "uri": object_uri("article", article.pk, base_url=base_url),
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA},
        "type": "text",
        "representationtype": "full",
        "version": str(article.edit_version),
        "firstcreated": timestamp(article.publish_at) if article.publish_at else None,
        "versioncreated": timestamp(version_time(article)),
        "pubstatus": pubstatus(article),
        "embargoed": timestamp(article.embargo_until) if article.embargo_until else None,
        "language": article.content_language(),
        "copyrightnotice": copyright_notice(article),
        "slugline": article.slug,
        "headlines": headlines(article),
        "descriptions": descriptions(article),
        "bodies": [
            {
                "role": "main",
                "contenttype": "text/html",
                "wordcount": article.word_count(),
                "value": body.render(article, absolute=partial(absolute_on, base_url)),
            }
        ],
        "by": by_statement(article),
        "people": [
            {
                "name": byline.author.name,
                "rel": slugify(byline.get_role_display()),
                "uri": absolute_on(base_url, byline.author.get_absolute_url()),
                "literal": byline.author.slug,
            }
            for byline in article.byline_list
        ],
        "subjects": subjects(article, base_url=base_url),
        "associations": [
            *pictures(article, base_url=base_url),
            *related_stories(article, base_url=base_url),
        ],
        "renditions": web_page(article, base_url=base_url),
        "altids": [{"role": "id", "value": str(article.pk)}],
    }
    return without_empty(data)


def web_page(article, *, base_url):
    """The article's page, a rendition of it; none for an article readers cannot see (an
    export with ``--all``), whose address is a preview for staff."""
    if not article.is_published():
        return []
    href = absolute_on(base_url, article.get_absolute_url())
    return [{"name": "web", "href": href, "contenttype": "text/html"}]


def without_empty(data):
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def timestamp(moment):
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def version_time(article):
    """When the current version of ``article`` came to be: the latest of its publication, the
    end of its embargo, its last save and its latest correction (what ``?since=`` compares)."""
    return max(filter(None, (getattr(article, field) for field in VERSION_FIELDS)))


def changed_since_q(moment):
    """Articles whose ``version_time()`` is after ``moment``."""
    q = Q()
    for field in VERSION_FIELDS:
        q |= Q(**{f"{field}__gt": moment})
    return q


def parse_since(value):
    """An ISO 8601 date and time (RFC 3339, as JSON Schema's ``date-time``); one without a
    time zone is in the newsroom's. A leap second counts as the second before it. Raises
    ``ValueError`` for anything else."""
    moment = datetime.fromisoformat(LEAP_SECOND.sub(r"\1:59", value.strip().upper()))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # within a day of year 1 or 9999, beyond what UTC can hold
        return (datetime.min if moment.year == 1 else datetime.max).replace(tzinfo=UTC)


def pubstatus(article):
    """Usable for an article published or scheduled to be (its ``firstcreated`` and
    ``embargoed`` say from when); withheld for a draft or one in review; canceled for one
    taken down. Only ``export_articles --all`` gives items that are not public."""
    if article.status == article.Status.PUBLISHED:
        return "usable"
    if article.status in (article.Status.UNPUBLISHED, article.Status.WITHDRAWN):
        return "canceled"
    return "withheld"


def copyright_notice(article):
    year = (article.local_publish_at if article.publish_at else article.created_at).year
    return conf.get("ARTICLES_COPYRIGHT_NOTICE").format(
        year=year, site_name=conf.get("ARTICLES_SITE_NAME")
    )


def headlines(article):
    """The headline (role main), then the search and social titles an editor gave (roles seo
    and social: ninjs leaves roles to the provider)."""
    found = [{"role": "main", "value": article.headline}]
    for role, value in (("seo", article.seo_title), ("social", article.social_title)):
        if value:
            found.append({"role": role, "value": value})
    return found


def descriptions(article):
    found = []
    if article.dek:
        found.append({"role": "summary", "contenttype": "text/plain", "value": article.dek})
    if article.seo_description:
        found.append({"role": "seo", "contenttype": "text/plain", "value": article.seo_description})
    # revised_at is set only when there are corrections: no prefetch needed for the others
    for correction in article.corrections.all() if article.revised_at else ():
        found.append(
            {"role": correction.kind, "contenttype": "text/plain", "value": correction.text}
        )
    return found


def by_statement(article):
    """The byline as a sentence, "A, B and C; additional reporting by D", or its override."""
    if article.byline_override:
        return article.byline_override
    names = {}
    for byline in article.byline_list:
        names.setdefault(byline.role, []).append(byline.author.name)
    authors = names.pop(Byline.Role.AUTHOR, [])
    parts = [and_list(authors)] if authors else []
    for role, people in names.items():
        parts.append(f"{BY_PHRASES.get(role, f'{role} by')} {and_list(people)}")
    return "; ".join(parts)


def and_list(names):
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def subjects(article, *, base_url):
    found = []
    if article.section:
        found.append(section_subject(article.section, base_url=base_url))
    for tag in article.tag_list:
        found.append(
            {
                "name": tag.name,
                "rel": "tag",
                "uri": absolute_on(base_url, tag_url(tag)),
                "literal": tag.slug,
            }
        )
    return found


def section_subject(section, *, base_url):
    return {
        "name": section.name,
        "rel": "section",
        "uri": absolute_on(base_url, section.get_absolute_url()),
        "literal": section.slug,
    }


def tag_url(tag):
    return reverse("articles:tag_detail", kwargs={"slug": tag.slug})


def pictures(article, *, base_url):
    """Each captioned picture, the lead one first, with its caption, alt text, credit and
    renditions."""
    for number, caption in enumerate(article.caption_list, start=1):
        picture = caption.picture
        yield without_empty(
            {
                "name": "lead-image" if number == 1 else f"image-{number}",
                "uri": object_uri("picture", caption.pk, base_url=base_url),
                "type": "picture",
                "descriptions": [
                    {"role": role, "contenttype": "text/plain", "value": value}
                    for role, value in (("caption", caption.text), ("alt-text", picture.alt_text))
                    if value
                ],
                "by": picture.credit,
                "renditions": picture_renditions(picture, base_url=base_url),
            }
        )


def picture_renditions(picture, *, base_url):
    """Every size and crop made of ``picture`` (``articles.images``), or the uploaded file
    while they are not made; none without an image."""
    if not picture.image:
        return []
    made = images.renditions_in(picture.renditions)
    if not made:
        original = {
            "name": "original",
            "href": absolute_on(base_url, picture.image.url),
            "width": picture.image_width,
            "height": picture.image_height,
        }
        return [without_empty(original)]
    return [rendition(found, picture, base_url=base_url) for found in made]


def rendition(found, picture, *, base_url):
    data = {
        "name": f"{found.ratio}-{found.width}-{found.mime_type.partition('/')[2]}",
        "href": absolute_on(base_url, found.url),
        "contenttype": found.mime_type,
        "width": found.width,
        "height": found.height,
        "sizeinbytes": found.bytes,
    }
    if found.ratio in images.CROPS:
        data["aspectratio"] = found.ratio.replace("x", ":")
    else:  # the whole picture: the editor's focal point, in its pixels
        data["poi"] = {
            "x": round(picture.focal_x * found.width),
            "y": round(picture.focal_y * found.height),
        }
    return data


def related_stories(article, *, base_url):
    """Related links that lead somewhere a reader may go: a public article of ours or an
    outside address. A link to an article that is not public is left out."""
    number = 0
    for link in article.related_links.all():
        if link.target is not None and link.target.is_published():
            uri = object_uri("article", link.target_id, base_url=base_url)
            href = absolute_on(base_url, link.target.get_absolute_url())
        elif link.url:  # the uri names the link; the address is its rendition's
            uri, href = object_uri("related-link", link.pk, base_url=base_url), link.url
        else:
            continue
        number += 1
        yield {
            "name": f"related-{number}",
            "uri": uri,
            "type": "text",
            "headlines": [{"value": link.display_title}],
            "renditions": [{"name": "web", "href": href}],
        }


def author_to_json(author, *, base_url):
    """What an author's page shows about them."""
    return {
        "uri": absolute_on(base_url, author.get_absolute_url()),
        "name": author.name,
        "slug": author.slug,
        "job_title": author.job_title,
        "bio": author.bio,
        "photo": absolute_on(base_url, author.photo.url) if author.photo else None,
        "website": author.website,
        "x_handle": author.x_handle,
        "bluesky_handle": author.bluesky_handle,
    }


def section_to_json(section, *, base_url):
    return {
        "uri": absolute_on(base_url, section.get_absolute_url()),
        "name": section.name,
        "slug": section.slug,
        "description": section.description,
    }


def tag_to_json(tag, *, base_url):
    return {"uri": absolute_on(base_url, tag_url(tag)), "name": tag.name, "slug": tag.slug}
