"""Feed formats for ``feeds.py``: Django's RSS 2.0 and Atom generators extended with what news
readers expect (every author of a byline, the full HTML, the lead image with its caption and
credit), and a JSON Feed 1.1 generator in the same interface.

Each item carries, besides Django's own keys: ``authors`` (``(name, url)`` pairs in byline
order, the byline's authors only), ``contributors`` (``(name, url, role)`` of the byline's
others, a photographer or additional reporting: RSS ``dc:contributor``, Atom ``contributor``,
JSON Feed's ``_newsroom`` extension), ``content`` (the body HTML), ``summary`` (the standfirst
as plain text) and ``image`` (a dict with ``url``, ``width``, ``height``, ``mime_type``,
``bytes``, ``caption``, ``credit``, or None).
"""

import json

from django.utils.feedgenerator import (
    Atom1Feed,
    Rss201rev2Feed,
    SyndicationFeed,
    rfc3339_date,
)

DC = "http://purl.org/dc/elements/1.1/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
MEDIA = "http://search.yahoo.com/mrss/"


def add_media_content(handler, image):
    """A Media RSS ``media:content`` element for ``image``, with its caption and credit."""
    attributes = {"url": image["url"], "medium": "image", "type": image["mime_type"]}
    attributes |= {key: str(image[key]) for key in ("width", "height") if image.get(key)}
    handler.startElement("media:content", attributes)
    if image["caption"]:
        handler.addQuickElement("media:description", image["caption"], {"type": "plain"})
    if image["credit"]:
        handler.addQuickElement("media:credit", image["credit"])
    handler.endElement("media:content")


class NewsRssFeed(Rss201rev2Feed):
    """RSS 2.0 with ``dc:creator`` per author, ``dc:contributor`` per other byline entry,
    ``content:encoded`` and ``media:content``."""

    def rss_attributes(self):
        return super().rss_attributes() | {
            "xmlns:dc": DC,
            "xmlns:content": CONTENT,
            "xmlns:media": MEDIA,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _url in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        for name, _url, role in item["contributors"]:
            handler.addQuickElement("dc:contributor", f"{name} ({role.lower()})")
        if item["content"]:
            handler.addQuickElement("content:encoded", item["content"])
        if item["image"]:
            add_media_content(handler, item["image"])


class NewsAtomFeed(Atom1Feed):
    """Atom with one ``author`` per author of the byline, a ``contributor`` per other entry,
    the full HTML as ``content`` and the lead image as ``media:content`` (besides Django's
    enclosure link)."""

    def root_attributes(self):
        return super().root_attributes() | {"xmlns:media": MEDIA}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        people = [("author", name, url) for name, url in item["authors"]]
        people += [("contributor", name, url) for name, url, _role in item["contributors"]]
        for element, name, url in people:
            handler.startElement(element, {})
            handler.addQuickElement("name", name)
            if url:
                handler.addQuickElement("uri", url)
            handler.endElement(element)
        if item["content"]:
            handler.addQuickElement("content", item["content"], {"type": "html"})
        if item["image"]:
            add_media_content(handler, item["image"])


class JsonFeed(SyndicationFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        outfile.write(json.dumps(self.as_dict(), ensure_ascii=False, indent=1).encode(encoding))

    def as_dict(self):
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.feed["title"],
            "home_page_url": self.feed["link"],
            "feed_url": self.feed["feed_url"],
            "description": self.feed["description"],
            "language": self.feed["language"],
            "items": [self.item_dict(item) for item in self.items],
        }
        return {key: value for key, value in feed.items() if value is not None}

    @staticmethod
    def item_dict(item):
        entry = {
            "id": item["unique_id"],
            "url": item["link"],
            "title": item["title"],
            "content_html": item["content"],
            "summary": item["summary"] or None,
            "image": item["image"]["url"] if item["image"] else None,
            "date_published": rfc3339_date(item["pubdate"]) if item["pubdate"] else None,
            "date_modified": rfc3339_date(item["updateddate"]) if item["updateddate"] else None,
            "authors": [
                {"name": name, "url": url} if url else {"name": name}
                for name, url in item["authors"]
            ]
            or None,
            "tags": list(item["categories"]) or None,
            "_newsroom": {
                "contributors": [
                    {"name": name, "url": url, "role": role}
                    for name, url, role in item["contributors"]
                ]
            }
            if item["contributors"]
            else None,
        }
        return {key: value for key, value in entry.items() if value is not None}


FORMATS = {"rss": NewsRssFeed, "atom": NewsAtomFeed, "json": JsonFeed}
