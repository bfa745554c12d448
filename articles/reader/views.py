"""Reader pages. Every public query starts from ``Article.objects.published()``."""

import datetime
import hashlib

from django.core import signing
from django.core.cache import caches
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.views.generic import DetailView, ListView

from .. import conf
from ..caching import request_version
from ..links import site_url
from ..models import PREVIEW_SIGNER, Article, Author, Section, arrange, public_tags
from . import body, search, structured_data
from .pagination import ArchivePaginator

RELATED_ARTICLES = 4
STORY_SECONDS = 3600
# What the page outside its cached story needs: whether the article is public, its headline
# and search title for the title and its section for the navigation.
PAGE_FIELDS = (
    "headline",
    "seo_title",
    "slug",
    "publish_date",
    "section",
    "status",
    "publish_at",
    "embargo_until",
)


class ArticleListMixin:
    """A paginated list of public articles, newest first."""

    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return conf.get("ARTICLES_PAGINATE_BY")

    def get_paginator(self, queryset, per_page, **kwargs):
        return ArchivePaginator(
            queryset,
            per_page,
            count_key=self.request.path,
            version=request_version(self.request.META),
            **kwargs,
        )

    def get_queryset(self):
        """The page's articles; their bylines, captions and tags are fetched only if a card
        must be rendered again (the ``article_card`` tag)."""
        return Article.objects.published().select_related("section")


class FrontMixin:
    """A list whose first page is a front (``models/fronts.py``): the public articles editors
    pinned, each at its place, and the newest around them. The pinned articles are left out of
    every page of the newest, so none shows twice and none is skipped; the first page is
    longer by as many as are pinned."""

    front_section = None

    def get_queryset(self):
        self.pinned = list(Article.objects.on_front(self.front_section).select_related("section"))
        return super().get_queryset().exclude(pk__in=[article.pk for article in self.pinned])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["page_obj"].number == 1:
            context["articles"] = context["object_list"] = arrange(
                self.pinned, context["object_list"]
            )
        return context


class ArticleListView(FrontMixin, ArticleListMixin, ListView):
    pass


class SectionDetailView(FrontMixin, ArticleListMixin, ListView):
    template_name = "articles/section_detail.html"

    @property
    def front_section(self):
        return self.section

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class AuthorDetailView(ArticleListMixin, ListView):
    """An author's page exists only while a public article names them (``Author.objects.
    public()``): an author named only by drafts, an import's wire reporter, has no page."""

    template_name = "articles/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(Author.objects.public(), slug=self.kwargs["slug"])
        return super().get_queryset().by_author(self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class TagDetailView(ArticleListMixin, ListView):
    """A tag's page exists only while a public article carries the tag (``public_tags()``)."""

    template_name = "articles/tag_detail.html"

    def get_queryset(self):
        self.tag = get_object_or_404(public_tags(), slug=self.kwargs["slug"])
        return super().get_queryset().tagged(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


def robots_txt(request):
    """Crawlers may read every public page; the sitemaps say where they are."""
    base = site_url(request)
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /search/",
        "",
        f"Sitemap: {base}{reverse('articles:sitemap')}",
        f"Sitemap: {base}{reverse('articles:news_sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class ArticleMoved(Exception):
    """The address was the article's before its slug or date changed: answer 301."""

    def __init__(self, url):
        super().__init__(url)
        self.url = url


class ArticleWithdrawn(Exception):
    """The address belonged to an article withdrawn for legal reasons: answer 410 Gone."""


class ArticleDetailView(DetailView):
    """An article at its dated address. Staff also see non-public articles, marked as previews.

    The story (head and body HTML) is kept in the fragment cache, under the content version
    and the address: when it is there, the page needs only the few columns that decide
    whether the article is public, in one light query."""

    context_object_name = "article"
    template_name = "articles/article_detail.html"
    story_key = cached_story = None  # set by get_object() for a dated address

    def get_queryset(self):
        if self.request.user.has_perm("articles.view_article"):
            return Article.objects.all()
        return Article.objects.published()

    def get_object(self, queryset=None):
        try:
            date = datetime.date(
                int(self.kwargs["year"]), int(self.kwargs["month"]), int(self.kwargs["day"])
            )
        except ValueError:
            raise Http404("No such date.") from None
        self.story_key = self.public_story_key()
        self.cached_story = self.story_cache().get(self.story_key)
        articles = self.get_queryset().filter(publish_date=date, slug=self.kwargs["slug"])
        try:
            if self.cached_story is None:
                return articles.with_embedded().get()
            return articles.only(*PAGE_FIELDS).get()
        except Article.DoesNotExist:
            pass
        moved = self.get_queryset().filter(redirects__old_path=self.request.path).first()
        if moved is not None:
            raise ArticleMoved(moved.get_absolute_url())
        withdrawn = Article.objects.in_state(Article.State.WITHDRAWN).filter(
            publish_date=date, slug=self.kwargs["slug"]
        )
        raise ArticleWithdrawn if withdrawn.exists() else Http404("No such article.")

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except ArticleMoved as moved:
            return HttpResponsePermanentRedirect(moved.url)
        except ArticleWithdrawn:
            return TemplateResponse(request, "410.html", status=410)

    def is_preview(self):
        return not self.object.is_published()

    def get_context_data(self, **kwargs):
        is_preview = self.is_preview()
        return super().get_context_data(
            is_preview=is_preview, story=self.story(is_preview), **kwargs
        )

    @staticmethod
    def story_cache():
        return caches[conf.get("ARTICLES_FRAGMENT_CACHE")]

    def public_story_key(self):
        """The public story of this address under the current content, for this site."""
        address = f"{self.request.path}|{site_url(self.request)}"
        digest = hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()
        return f"articles:story:{request_version(self.request.META)}:{digest}"

    def story(self, is_preview):
        """The page's head and story as HTML: a public article's is rendered once per content
        version and then read from the fragment cache; a preview's is rendered every time."""
        story = None if is_preview else self.cached_story
        if story is None:
            context = self.story_context(is_preview)
            story = {
                part: render_to_string(f"articles/includes/{template}", context, self.request)
                for part, template in (("head", "_article_meta.html"), ("body", "_story.html"))
            }
            if not is_preview and self.story_key:
                self.story_cache().set(self.story_key, story, STORY_SECONDS)
        return {part: mark_safe(html) for part, html in story.items()}  # noqa: S308 (rendered)

    def story_context(self, is_preview):
        article, request = self.object, self.request
        if not hasattr(article, "embedded_tags"):  # fetched with the light query
            article = Article.objects.with_embedded().get(pk=article.pk)
        article.load_details()
        trail = structured_data.breadcrumbs(article, request)
        news_article = structured_data.news_article(article, request)
        lead_caption, other_captions = body.captions_around(article)
        return {
            "article": article,
            "body": body.render(article),
            "lead_caption": lead_caption,
            "other_captions": other_captions,
            "is_preview": is_preview,
            "canonical_url": news_article["url"],
            "breadcrumbs": trail,
            "json_ld": [news_article, structured_data.breadcrumb_list(trail, request)],
            "social_image": structured_data.social_image(news_article, article),
            "related_articles": Article.objects.published()
            .related_to(article)
            .select_related("section")
            .only(
                "headline",
                "slug",
                "publish_date",
                "publish_at",
                "language",
                "section__name",
                "section__slug",
            )[:RELATED_ARTICLES],
        }

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
        return response


class ArticlePreviewView(ArticleDetailView):
    """Any article by id, for staff only: drafts have no date and so no public address yet."""

    def get_queryset(self):
        if not self.request.user.has_perm("articles.view_article"):
            raise Http404
        return Article.objects.with_embedded()

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class SharedPreviewView(ArticleDetailView):
    """An article for whoever holds a valid share link, drafts included; never cached."""

    def get_queryset(self):
        return Article.objects.with_embedded()

    def get_object(self, queryset=None):
        try:
            value = PREVIEW_SIGNER.unsign(
                self.kwargs["signature"], max_age=conf.get("ARTICLES_PREVIEW_MAX_AGE")
            )
        except signing.BadSignature:  # expired links raise SignatureExpired, a subclass
            raise Http404("This preview link is not valid.") from None
        pk, token = value.split(".", 1)
        return get_object_or_404(self.get_queryset(), pk=pk, preview_token=token)

    def is_preview(self):
        return True


class SearchView(ArticleListMixin, ListView):
    """Public articles matching ``?q=``, best match first, each with a highlighted snippet; an
    empty query shows the page with no results."""

    template_name = "articles/search.html"

    def get_queryset(self):
        return search.find(self.request.GET.get("q", ""), within=super().get_queryset())

    def get_paginator(self, queryset, per_page, **kwargs):
        return Paginator(queryset, per_page, **kwargs)  # search results count themselves

    def get_context_data(self, **kwargs):
        context = super().get_context_data(search_query=self.object_list.text, **kwargs)
        context["more_results"] = context["paginator"].count >= search.MAX_RESULTS
        return context
