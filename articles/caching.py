"""Caching of public responses: whole pages and feeds for anonymous readers, never stale.

Pages are stored in Django's cache (``ARTICLES_PAGE_CACHE``, local memory per process by
default) under a key that holds the *content version*, a token kept in a cache every process
and server shares (``ARTICLES_SHARED_CACHE``: Redis or memcached with several servers; a file
cache on one machine). Any change to an article, author, section, tag, byline, caption, link
or correction replaces the token once the change commits (``signals.py``), so every worker of
every server misses at once and renders anew. A page also expires at the next moment a
scheduled or embargoed article becomes public, since nothing is saved then.

Only anonymous GET requests are served from the cache: a request that carries a
session cookie (an editor) always reaches the views, and responses that are private, set
cookies or are marked uncacheable (previews) are never stored.

Conditional requests are answered from the ETag of the response's bytes, which is exact
whatever changed. A date-based ``Last-Modified`` is not: when an article is taken down, the
newest date of a feed or sitemap can move backwards, and a client asking ``If-Modified-Since``
would be told its copy, takedown included, is still good.
"""

import hashlib
import secrets
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db.models import Min, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

from . import conf

VERSION_KEY = "articles:content-version"
CACHEABLE_STATUS = {200, 301, 404, 410}


def now():
    """The time as a timestamp, from the clock that decides what is public."""
    return timezone.now().timestamp()


def content_version():
    """The token of the current content, shared by every process (made if missing)."""
    shared = caches[conf.get("ARTICLES_SHARED_CACHE")]
    version = shared.get(VERSION_KEY)
    if version is None:
        shared.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
        version = shared.get(VERSION_KEY)
    return version


def content_changed():
    """Make every cached page of every process stale: call it after a commit."""
    caches[conf.get("ARTICLES_SHARED_CACHE")].set(VERSION_KEY, secrets.token_hex(8), None)


def next_publication():
    """When the next scheduled or embargoed article becomes public (a timestamp), or None."""
    from .models import Article  # the middleware module loads before the apps are ready

    moment = timezone.now()
    upcoming = Article.objects.filter(status=Article.Status.PUBLISHED).aggregate(
        publish_at=Min("publish_at", filter=Q(publish_at__gt=moment)),
        embargo_until=Min("embargo_until", filter=Q(embargo_until__gt=moment)),
    )
    moments = [moment for moment in upcoming.values() if moment is not None]
    return min(moments).timestamp() if moments else None


def without_last_modified(view):
    """``view`` with the ``Last-Modified`` header that Django's feeds and sitemaps set removed,
    so that only the ETag decides a 304."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = view(*args, **kwargs)
        response.headers.pop("Last-Modified", None)
        return response

    return wrapper


class PublicPageCacheMiddleware:
    """Serve anonymous readers from the page cache; put it first in ``MIDDLEWARE``, so that a
    hit runs no other middleware and no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not self.applies_to(request):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                patch_cache_control(response, private=True)
            return response
        cache = caches[conf.get("ARTICLES_PAGE_CACHE")]
        key = self.key(request)
        entry = cache.get(key)
        if entry is not None and entry["expires"] > now():
            return self.replay(request, entry)
        response = self.get_response(request)
        if self.storable(response):
            entry = self.entry(response)
            cache.set(key, entry, timeout=max(1, int(entry["expires"] - now())))
            self.patch_headers(response, entry)
        return response

    @staticmethod
    def applies_to(request):
        return (
            request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith(conf.get("ARTICLES_UNCACHED_PREFIXES"))
        )

    @staticmethod
    def key(request):
        """Content version, scheme, host and full path: absolute links in a page depend on the
        address it was asked at when ``ARTICLES_SITE_URL`` is not set."""
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        digest = hashlib.sha256(address.encode()).hexdigest()  # any length, memcached-safe
        return f"articles:page:{content_version()}:{digest}"

    @staticmethod
    def storable(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code in CACHEABLE_STATUS
            and not response.streaming
            and not response.cookies
            and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
        )

    @staticmethod
    def entry(response):
        """What a hit replays; it lasts until the next publication at the latest."""
        expires = now() + conf.get("ARTICLES_PAGE_CACHE_SECONDS")
        upcoming = next_publication()
        if upcoming is not None:
            expires = min(expires, upcoming)
        return {
            "status": response.status_code,
            "headers": [
                (name, value)
                for name, value in response.items()
                if name.lower() not in ("cache-control", "vary", "expires")
            ],
            "content": response.content,
            "expires": expires,
        }

    def replay(self, request, entry):
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        self.patch_headers(response, entry)
        return get_conditional_response(request, etag=response.get("ETag"), response=response)

    @staticmethod
    def patch_headers(response, entry):
        """Browsers revalidate (cheap, with the ETag); a CDN in front keeps the page a little
        while, and serves it a little stale while it fetches a new one, to absorb a spike."""
        shared = min(conf.get("ARTICLES_CDN_SECONDS"), max(0, int(entry["expires"] - now())))
        response.headers.pop("Vary", None)
        response.headers.pop("Expires", None)
        response["Cache-Control"] = (
            f"public, max-age=0, s-maxage={shared}, "
            f"stale-while-revalidate={conf.get('ARTICLES_CDN_STALE_SECONDS')}"
        )
