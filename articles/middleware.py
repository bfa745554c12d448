"""Addresses articles had on another site (a WordPress site's permalinks, which the importer
keeps as ``ArticleRedirect``s) answer with a 301 to the article while it is public."""

from django.http import HttpResponsePermanentRedirect

from .models import Article, ArticleRedirect

OLD_PATH_MAX_LENGTH = ArticleRedirect._meta.get_field("old_path").max_length


class ArticleRedirectFallbackMiddleware:
    """Turns a 404 into a 301 to the public article that had the address, as Django's
    ``RedirectFallbackMiddleware`` does for its own table. The article page answers the old
    dated addresses of its articles itself; this answers any other path (``/2024/03/ferry/``,
    ``/news/ferry/``), with or without its trailing slash. A 404 costs one more query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code != 404
            or request.method not in ("GET", "HEAD")
            or len(request.path) > OLD_PATH_MAX_LENGTH
            or not request.path.isprintable()  # no old address has a NUL, which PostgreSQL refuses
        ):
            return response
        paths = [request.path]
        if not request.path.endswith("/"):
            paths.append(f"{request.path}/")
        article = (
            Article.objects.published()
            .filter(redirects__old_path__in=paths)
            .only("publish_date", "slug")
            .first()
        )
        if article is None:
            return response
        return HttpResponsePermanentRedirect(article.get_absolute_url())
