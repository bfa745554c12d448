"""Sitemaps of public pages (``django.contrib.sitemaps``, paginated by Django at 50,000 URLs
per page) and the Google News sitemap of the last two days' articles."""

from dataclasses import replace
from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from .. import conf
from ..caching import without_last_modified
from ..links import configured_site_url, site_url
from ..models import Article, Author, Section, public_tags, published_q

NEWS_WINDOW = timedelta(hours=48)
NEWS_MAX_ARTICLES = 1000  # Google News reads at most this many URLs per sitemap


class SiteSitemap(Sitemap):
    """Addresses from ``ARTICLES_SITE_URL`` when set, else from the request's own host."""

    def get_urls(self, page=1, site=None, protocol=None):
        configured = configured_site_url()
        if configured:
            protocol, _, domain = configured.partition("://")
            return self._urls(page, protocol, domain)
        return super().get_urls(page, site, protocol)


class ArticleSitemap(SiteSitemap):
    def items(self):
        return Article.objects.published().only("publish_date", "slug", "publish_at", "updated_at")

    def lastmod(self, article):
        return max(article.publish_at, article.updated_at)

    def get_latest_lastmod(self):
        """For the index, in one aggregate instead of Django's walk over every article."""
        latest = Article.objects.published().aggregate(
            published=Max("publish_at"), updated=Max("updated_at")
        )
        return max(filter(None, latest.values()), default=None)


class SectionSitemap(SiteSitemap):
    def items(self):
        return (
            Section.objects.annotate(
                latest=Max("articles__publish_at", filter=published_q("articles__"))
            )
            .filter(latest__isnull=False)
            .order_by("order", "name")
        )

    def lastmod(self, section):
        return section.latest


class AuthorSitemap(SiteSitemap):
    """Authors with a public article: the others' pages would list nothing."""

    def items(self):
        return Author.objects.public().order_by("slug")


class TagSitemap(SiteSitemap):
    """Tags of public articles; the tag pages of the others answer 404."""

    def items(self):
        return public_tags().order_by("slug")

    def location(self, tag):
        return reverse("articles:tag_detail", kwargs={"slug": tag.slug})


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "tags": TagSitemap,
}


@without_last_modified
def sitemap_index(request):
    """Django's sitemap index, its addresses on ``ARTICLES_SITE_URL`` when that is set."""
    response = sitemap_views.index(request, SITEMAPS, sitemap_url_name="articles:sitemap_section")
    requested, configured = f"{request.scheme}://{request.get_host()}", site_url(request)
    response.context_data["sitemaps"] = [
        replace(item, location=configured + item.location.removeprefix(requested))
        for item in response.context_data["sitemaps"]
    ]
    return response


sitemap = without_last_modified(sitemap_views.sitemap)


def news_sitemap(request):
    """Articles published in the last 48 hours, newest first, in Google News' format."""
    since = timezone.now() - NEWS_WINDOW
    articles = Article.objects.published_since(since)[:NEWS_MAX_ARTICLES]
    site_language = news_language(get_language())
    fields = ("headline", "publish_date", "slug", "publish_at", "language")
    return TemplateResponse(
        request,
        "articles/news_sitemap.xml",
        {
            "articles": [
                (article, news_language(article.language) if article.language else site_language)
                for article in articles.only(*fields)
            ],
            "site_url": site_url(request),
            "publication_name": conf.get("ARTICLES_SITE_NAME"),
        },
        content_type="application/xml; charset=utf-8",
    )


def news_language(tag):
    """Google News' code of the language of ``tag`` (BCP 47): its language subtag, but zh-cn
    or zh-tw for Chinese, which Google tells apart by those two."""
    language, _, rest = tag.lower().partition("-")
    if language == "zh":
        return "zh-tw" if {"hant", "tw", "hk", "mo"} & set(rest.split("-")) else "zh-cn"
    return language
