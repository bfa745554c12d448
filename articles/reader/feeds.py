"""Feeds of the newest public articles: the whole site, a section, an author, a tag; each in
RSS 2.0, Atom and JSON Feed (``feedgenerators.FORMATS``). Only ``published()`` articles.
"""

import copy
import functools

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Enclosure, Rss201rev2Feed
from django.utils.html import escape

from .. import conf
from ..caching import without_last_modified
from ..links import absolute_url, object_uri, site_url
from ..models import Article, Author, Section, public_tags
from . import body

FEED_ITEMS = 50


class ArticleFeed(Feed):
    """The site's newest articles. Subclasses narrow ``articles()`` to a section, author or tag.

    One instance serves every request of a URL, so ``__call__`` works on a copy that holds the
    request (absolute addresses of images need the site's address). Conditional requests are
    answered from the ETag only (see ``caching.py``)."""

    def __init__(self, feed_type):
        self.feed_type = feed_type

    @method_decorator(without_last_modified)
    def __call__(self, request, *args, **kwargs):
        feed = copy.copy(self)
        feed.request = request
        feed.lead_image = functools.cache(feed.lead_image)  # the enclosure and media element
        return Feed.__call__(feed, request, *args, **kwargs)

    def get_feed(self, obj, request):
        """RSS readers take a channel's description as HTML, like an item's: it is escaped
        there, as it holds section, author and tag names. JSON Feed's is plain text."""
        feed = super().get_feed(obj, request)
        if issubclass(self.feed_type, Rss201rev2Feed):
            feed.feed["description"] = escape(feed.feed["description"])
        return feed

    def get_object(self, request, *args, **kwargs):
        return None

    def articles(self, obj):
        return Article.objects.published()

    def items(self, obj):
        """The newest articles, and the pictures their bodies place (one query)."""
        return body.attach_pictures(self.articles(obj).for_listing()[:FEED_ITEMS])

    def title(self, obj):
        return conf.get("ARTICLES_SITE_NAME")

    def description(self, obj):
        return f"The latest news from {conf.get('ARTICLES_SITE_NAME')}."

    def link(self, obj):
        return self.absolute(obj.get_absolute_url() if obj else reverse("articles:article_list"))

    def feed_url(self, obj):
        return self.absolute(self.request.path)

    def absolute(self, url):
        return absolute_url(url, self.request)

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        """The standfirst; RSS descriptions and Atom summaries are HTML, so it is escaped."""
        return escape(article.dek)

    def item_link(self, article):
        return self.absolute(article.get_absolute_url())

    def item_guid(self, article):
        """Stable when the slug or date changes, unlike the address."""
        return object_uri("article", article.pk, base_url=site_url(self.request))

    item_guid_is_permalink = False

    def item_pubdate(self, article):
        return article.publish_at

    def item_updateddate(self, article):
        return article.revised_at or article.publish_at

    def item_categories(self, article):
        return [tag.name for tag in article.tag_list]

    def item_enclosures(self, article):
        image = self.lead_image(article)
        if image is None:
            return []
        return [Enclosure(image["url"], str(image["bytes"]), image["mime_type"])]

    def item_extra_kwargs(self, article):
        return {
            "authors": [self.person(byline) for byline in article.byline_authors],
            "contributors": [
                (*self.person(byline), byline.get_role_display())
                for byline in article.byline_contributors
            ],
            "content": body.render(article, absolute=self.absolute),
            "summary": article.dek,
            "image": self.lead_image(article),
        }

    def person(self, byline):
        """A byline's (name, address of the author's page)."""
        return byline.author.name, self.absolute(byline.author.get_absolute_url())

    def lead_image(self, article):
        """The lead picture as a JPEG of at most 1200 pixels wide, with caption and credit."""
        caption = article.lead_caption
        rendition = caption.rendition(width=1200) if caption else None
        if rendition is None:
            return None
        return {
            "url": self.absolute(rendition.url),
            "width": rendition.width,
            "height": rendition.height,
            "mime_type": rendition.mime_type,
            "bytes": rendition.bytes,
            "caption": caption.text,
            "credit": caption.picture.credit,
        }


class SectionFeed(ArticleFeed):
    """It exists while a public article is filed in the section (the section's page exists for
    every section, as the navigation lists them all)."""

    def get_object(self, request, slug):
        return get_object_or_404(Section.objects.public(), slug=slug)

    def articles(self, section):
        return super().articles(section).filter(section=section)

    def title(self, section):
        return f"{section.name} — {conf.get('ARTICLES_SITE_NAME')}"

    def description(self, section):
        return section.description or f"The latest {section.name} news."


class AuthorFeed(ArticleFeed):
    """Like the author's page, it exists only while a public article names the author."""

    def get_object(self, request, slug):
        return get_object_or_404(Author.objects.public(), slug=slug)

    def articles(self, author):
        return super().articles(author).by_author(author)

    def title(self, author):
        return f"{author.name} — {conf.get('ARTICLES_SITE_NAME')}"

    def description(self, author):
        return f"The latest articles by {author.name}."


class TagFeed(ArticleFeed):
    """Like the tag's page, it exists only while a public article carries the tag."""

    def get_object(self, request, slug):
        return get_object_or_404(public_tags(), slug=slug)

    def articles(self, tag):
        return super().articles(tag).tagged(tag)

    def link(self, tag):
        return self.absolute(reverse("articles:tag_detail", kwargs={"slug": tag.slug}))

    def title(self, tag):
        return f"{tag.name} — {conf.get('ARTICLES_SITE_NAME')}"

    def description(self, tag):
        return f"The latest articles about {tag.name}."
