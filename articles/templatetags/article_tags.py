"""Template filters of the articles app."""

import json

from django import template
from django.core.cache import caches
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from taggit.models import Tag

from .. import conf
from ..caching import content_version
from ..links import absolute_url
from ..models import Author, Section, listing_lookups

CARD_SECONDS = 3600

register = template.Library()

# Inside <script>, "</script>" or "<!--" in content would end or break the element: JSON allows
# these characters as \u escapes, which the browser's HTML parser does not see.
SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


@register.filter
def machine_time(value):
    """A datetime for a ``<time datetime>`` attribute: ISO 8601 to the second (HTML allows at
    most three decimals, Python gives six)."""
    return value.replace(microsecond=0).isoformat() if value else ""


@register.filter
def failure(traceback):
    """The error a traceback ends with ("ValueError: no such file")."""
    lines = [line for line in traceback.splitlines() if line.strip()]
    return lines[-1] if lines else ""


@register.filter
def json_ld(value):
    """``value`` as JSON for a ``<script type="application/ld+json">`` element."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(SCRIPT_SAFE))  # noqa: S308 (escaped for <script> above)


@register.simple_tag(takes_context=True)
def article_card(context, article, among, featured=False, compact=False, level=2):
    """A story card for ``article``, one of the list ``among``: rendered once per content
    version (the request's, from ``context_processors.site``), then read from the fragment
    cache. On the page's first card to render, the byline, captions and tags of the whole list
    are fetched (three queries)."""
    version = context.get("content_version") or content_version()
    key = f"articles:card:{version}:{article.pk}:{featured}:{compact}:{level}"
    cache = caches[conf.get("ARTICLES_FRAGMENT_CACHE")]
    html = cache.get(key)
    if html is None:
        prefetch_related_objects(list(among), *listing_lookups())  # skipped once fetched
        html = render_to_string(
            "articles/includes/_article_card.html",
            {"article": article, "featured": featured, "compact": compact, "level": level},
        )
        cache.set(key, html, CARD_SECONDS)
    return mark_safe(html)  # noqa: S308 (a rendered template)


@register.filter
def absolute(url, request):
    """``url`` as an absolute address on the site (``links.absolute_url``)."""
    return absolute_url(url, request)


FEED_TYPES = {
    "rss": ("application/rss+xml", "RSS"),
    "atom": ("application/atom+xml", "Atom"),
    "json": ("application/feed+json", "JSON Feed"),
}
SCOPED_FEEDS = {Section: "section_feed", Author: "author_feed", Tag: "tag_feed"}


@register.inclusion_tag("articles/includes/_feed_links.html", takes_context=True)
def feed_links(context, scope=None):
    """``<link rel="alternate">`` to the site's feeds, and to those of ``scope`` (a section,
    an author or a tag) when given."""
    feeds = []
    for format, (mime_type, label) in FEED_TYPES.items():
        if scope is not None:
            url = reverse(f"articles:{SCOPED_FEEDS[type(scope)]}_{format}", args=[scope.slug])
            feeds.append((mime_type, f"{scope} ({label})", url))
        url = reverse(f"articles:feed_{format}")
        feeds.append((mime_type, f"{context['site_name']} ({label})", url))
    return {"feeds": feeds}
