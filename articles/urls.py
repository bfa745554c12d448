from django.urls import include, path, re_path, register_converter
from django.urls.converters import SlugConverter

from .reader import api, feeds, sitemaps, views
from .reader.feedgenerators import FORMATS

app_name = "articles"


class TagSlugConverter(SlugConverter):
    """A tag's slug keeps letters of every alphabet ("café"): taggit makes them so."""

    regex = r"[-\w]+"


register_converter(TagSlugConverter, "tagslug")


def feed_paths(prefix, feed_class, name):
    """``<prefix>feeds/rss/``, ``…/atom/`` and ``…/json/``, named ``<name>_rss`` and so on."""
    return [
        path(f"{prefix}feeds/{format}/", feed_class(generator), name=f"{name}_{format}")
        for format, generator in FORMATS.items()
    ]


api_paths = [
    path("openapi.json", api.openapi, name="api_openapi"),
    path("articles/", api.article_list, name="api_article_list"),
    path("articles/<int:pk>/", api.article_detail, name="api_article_detail"),
    path("authors/<slug:slug>/", api.author_detail, name="api_author_detail"),
    path("sections/<slug:slug>/", api.section_detail, name="api_section_detail"),
    path("tags/<tagslug:slug>/", api.tag_detail, name="api_tag_detail"),
    # Any other address ending in a slash: a JSON 404 (without one, CommonMiddleware adds it).
    re_path(r"^(?:[\s\S]*/)?\Z", api.not_found),
]

urlpatterns = [
    path("api/", include(api_paths)),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[-a-zA-Z0-9_]+)/$",
        views.ArticleDetailView.as_view(),
        name="article_detail",
    ),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="article_preview"),
    path(
        "preview/shared/<str:signature>/",
        views.SharedPreviewView.as_view(),
        name="article_shared_preview",
    ),
    path("sections/<slug:slug>/", views.SectionDetailView.as_view(), name="section_detail"),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author_detail"),
    path("tags/<tagslug:slug>/", views.TagDetailView.as_view(), name="tag_detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    *feed_paths("", feeds.ArticleFeed, "feed"),
    *feed_paths("sections/<slug:slug>/", feeds.SectionFeed, "section_feed"),
    *feed_paths("authors/<slug:slug>/", feeds.AuthorFeed, "author_feed"),
    *feed_paths("tags/<tagslug:slug>/", feeds.TagFeed, "tag_feed"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap_section",
    ),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("", views.ArticleListView.as_view(), name="article_list"),
]
