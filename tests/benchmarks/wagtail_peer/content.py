"""Builds the peer's copy of the benchmark article from newsroom's, read as JSON on stdin.

    WAGTAIL_PEER_DIR=… DJANGO_SETTINGS_MODULE=tests.benchmarks.wagtail_peer.settings \
        python -m tests.benchmarks.wagtail_peer.content < article.json

Prints the page's path.
"""

import json
import sys

import django


def build(article):
    from django.core.files.images import ImageFile
    from wagtail.images.models import Image
    from wagtail.models import Page

    from .models import ArticlePage, Byline, PeerAuthor, RelatedLink

    with open(article["image"], "rb") as original:
        image = Image.objects.create(
            title=article["alt"], file=ImageFile(original, name="lead.jpg")
        )
    page = ArticlePage(
        title=article["headline"],
        slug=article["slug"],
        dek=article["dek"],
        body=article["body"],
        lead_image=image,
        caption=article["caption"],
        credit=article["credit"],
    )
    for name in article["authors"]:
        page.bylines.add(Byline(author=PeerAuthor.objects.create(name=name)))
    for title, url in article["links"]:
        page.related_links.add(RelatedLink(title=title, url=url))
    page.tags.add(*article["tags"])
    Page.objects.get(depth=2).add_child(instance=page)
    page.save_revision().publish()
    return page.url


if __name__ == "__main__":
    django.setup()
    print(build(json.load(sys.stdin)))
