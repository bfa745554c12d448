"""Caching of public responses: whole pages and feeds for anonymous readers, never stale.

Pages are stored in Django's cache (``ARTICLES_PAGE_CACHE``, local memory per process by
default) under a key that holds the *content version*, a token kept in a cache every process
and server shares (``ARTICLES_SHARED_CACHE``: Redis or memcached with several servers; a file
cache on one machine). Any change to an article, author, section, tag, byline, caption, link
or correction replaces the token once the change commits (``signals.py``), so every worker of
every server misses at once and renders anew. A page also expires at the next moment a
scheduled or embargoed article becomes public, or a pin on a front ends, since nothing is
saved then.

Only anonymous GET requests are served from the cache: a request that carries a
session cookie (an editor) always reaches the views, and responses that are private, set
cookies or are marked uncacheable (previews) are never stored.

Conditional requests are answered from the ETag of the response's bytes, which is exact
whatever changed. A date-based ``Last-Modified`` is not: when an article is taken down, the
newest date of a feed or sitemap can move backwards, and a client asking ``If-Modified-Since``
would be told its copy, takedown included, is still good.
"""

import hashlib
import os
import secrets
import tempfile
import time
from contextlib import contextmanager, suppress
from functools import wraps
from http import HTTPStatus
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from . import conf

VERSION_KEY = "articles:content-version"
VERSION_FILE = "articles-content-version.txt"
LOOKED_UP = "articles.page_key"  # in the WSGI environ: the page's key, once looked up
VERSION_READ = "articles.content_version"  # in the WSGI environ: the version, once read
CACHEABLE_STATUS = {200, 301, 404, 410}


def now():
    """The time as a timestamp, from the clock that decides what is public."""
    return timezone.now().timestamp()


def content_version():
    """The token of the current content, shared by every process (made if missing)."""
    alias = conf.get("ARTICLES_SHARED_CACHE")
    if path := version_file(alias):
        return _file_version(path)
    return _read_version(caches[alias])


def request_version(environ):
    """The content version a request works under, read once (``environ`` is WSGI's, a request's
    ``META``): its page key, story, cards, navigation and counts all belong to one version, and
    a shared cache on another server is asked once."""
    if VERSION_READ not in environ:
        environ[VERSION_READ] = content_version()
    return environ[VERSION_READ]


def _read_version(shared):
    version = shared.get(VERSION_KEY)
    if version is None:
        shared.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
        version = shared.get(VERSION_KEY)
    return version


def version_file(alias):
    """Where the version is kept when the shared cache is a file cache (one machine): a file
    of its own in the cache's folder (settings' ``LOCATION``). None for other caches."""
    if not isinstance(caches[alias], FileBasedCache):
        return None
    return Path(settings.CACHES[alias]["LOCATION"]) / VERSION_FILE


_remembered = {}


def _file_version(path):
    """The version in ``path``, read again only when the file was replaced (a new version is
    written to a new file moved into place): a page cache hit then costs a ``stat()``."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        _write_version(path, exclusive=True)
        stat = os.stat(path)
    identity = (str(path), stat.st_ino, stat.st_mtime_ns)
    if _remembered.get("identity") != identity:
        _remembered.update(identity=identity, version=path.read_text(encoding="ascii"))
    return _remembered["version"]


def _write_version(path, *, exclusive=False):
    """A new version into ``path``, whole or not at all (written aside, then moved in place);
    ``exclusive``: only if no other process wrote one first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as new:
        new.write(secrets.token_hex(8))
    if exclusive:
        with suppress(FileExistsError):
            os.link(new.name, path)
        os.unlink(new.name)
    else:
        os.replace(new.name, path)


def content_changed():
    """Make every cached page of every process stale: call it after a commit (inside
    ``coalesced_changes()``, at most once per its interval)."""
    if _coalescing:
        moment = time.monotonic()
        if moment < _coalescing["next"]:
            _coalescing["pending"] = True
            return
        _coalescing.update(next=moment + _coalescing["seconds"], pending=False)
    alias = conf.get("ARTICLES_SHARED_CACHE")
    if path := version_file(alias):
        _write_version(path)
    else:
        caches[alias].set(VERSION_KEY, secrets.token_hex(8), None)


_coalescing = {}


@contextmanager
def coalesced_changes(seconds):
    """Within, changes reach readers at most every ``seconds`` (the first at once), and all of
    them on leaving. A bulk import commits a batch every fraction of a second: replacing the
    version each time would have every worker render every page again and again, and readers
    would queue behind them. What an import adds or changes shows within ``seconds``."""
    _coalescing.update(seconds=seconds, next=0.0, pending=False)
    try:
        yield
    finally:
        pending = _coalescing.get("pending")
        _coalescing.clear()
        if pending:
            content_changed()


_upcoming = {}


def next_publication(version):
    """When public pages next change with nothing saved (a timestamp), or None: a scheduled or
    embargoed article becomes public, or a pin on a front ends.

    Remembered for the content ``version`` it was found under: only a change (a new version)
    can bring a nearer one, and once the moment has passed it is looked up again."""
    if _upcoming.get("version") == version:
        at = _upcoming["at"]
        if at is None or at > now():
            return at
    at = _first_publication_after(timezone.now())
    _upcoming.update(version=version, at=at)
    return at


def _first_publication_after(moment):
    """The nearer of ``Article.objects.next_going_live()`` and ``FrontSlot.objects.
    next_pin_end()``, as a timestamp, or None."""
    from .models import Article, FrontSlot  # the middleware loads before the apps are ready

    found = [
        at
        for at in (Article.objects.next_going_live(moment), FrontSlot.objects.next_pin_end(moment))
        if at is not None
    ]
    return min(found).timestamp() if found else None


def without_last_modified(view):
    """``view`` with the ``Last-Modified`` header that Django's feeds and sitemaps set removed,
    so that only the ETag decides a 304."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = view(*args, **kwargs)
        response.headers.pop("Last-Modified", None)
        return response

    return wrapper


def applies_to(environ):
    """An anonymous GET of a path the page cache serves; ``environ`` is WSGI's (``META``)."""
    return (
        conf.get("ARTICLES_PAGE_CACHE") is not None
        and environ.get("REQUEST_METHOD") == "GET"
        and f"{settings.SESSION_COOKIE_NAME}=" not in environ.get("HTTP_COOKIE", "")
        and not environ.get("PATH_INFO", "").startswith(conf.get("ARTICLES_UNCACHED_PREFIXES"))
    )


def page_key(environ):
    """The content version and the address as asked: scheme, host, path and query (absolute
    links in a page depend on them when ``ARTICLES_SITE_URL`` is not set). Only responses to
    hosts Django accepted are ever stored under it."""
    scheme = environ.get("wsgi.url_scheme", "http")
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure = settings.SECURE_PROXY_SSL_HEADER
        if header in environ:
            scheme = "https" if environ[header].split(",", 1)[0].strip() == secure else "http"
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    address = f"{scheme}://{host}{path}?{environ.get('QUERY_STRING', '')}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
    return f"articles:page:{request_version(environ)}:{digest}"


def lookup(environ):
    """``(key, entry)``: the key of the request's page and its stored response, if still good.

    The key is kept in ``environ``, so the WSGI entry point and the middleware look up once, and
    a page rendered after a miss is stored under the version it was looked up with: a change
    committed during the render leaves it unreachable rather than stale."""
    if LOOKED_UP in environ:
        return environ[LOOKED_UP], None  # looked up, and missed, before Django
    key = environ[LOOKED_UP] = page_key(environ)
    entry = caches[conf.get("ARTICLES_PAGE_CACHE")].get(key)
    return key, entry if entry is not None and entry["expires"] > now() else None


def replay(entry, environ):
    """``(status, headers, body)`` of a cached response; a 304 if the client has its ETag."""
    headers = [*entry["headers"], ("Cache-Control", cache_control(entry))]
    etag = next((value for name, value in entry["headers"] if name == "ETag"), None)
    asked = environ.get("HTTP_IF_NONE_MATCH", "")
    if etag and entry["status"] == 200 and etag in {tag.strip() for tag in asked.split(",")}:
        kept = [(name, value) for name, value in headers if name != "Content-Length"]
        return 304, kept, b""
    return entry["status"], headers, entry["content"]


def cache_control(entry):
    """Browsers revalidate (cheap, with the ETag); a CDN in front keeps the page a little
    while, and serves it a little stale while it fetches a new one, to absorb a spike."""
    shared = min(conf.get("ARTICLES_CDN_SECONDS"), max(0, int(entry["expires"] - now())))
    stale = conf.get("ARTICLES_CDN_STALE_SECONDS")
    return f"public, max-age=0, s-maxage={shared}, stale-while-revalidate={stale}"


class PublicPageCacheMiddleware:
    """Serve anonymous readers from the page cache, and store what it may keep; put it first
    in ``MIDDLEWARE``, so that a hit runs no other middleware and no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not applies_to(request.META):
            response = self.get_response(request)
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                patch_cache_control(response, private=True)
            return response
        key, entry = lookup(request.META)
        if entry is not None:
            status, headers, body = replay(entry, request.META)
            response = HttpResponse(body, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        if self.storable(response):
            entry = self.entry(response, request_version(request.META))
            timeout = max(1, int(entry["expires"] - now()))
            caches[conf.get("ARTICLES_PAGE_CACHE")].set(key, entry, timeout)
            for name in ("Vary", "Expires"):
                response.headers.pop(name, None)
            response["Cache-Control"] = cache_control(entry)
        return response

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
    def entry(response, version):
        """What a hit replays; it lasts until the next publication at the latest."""
        expires = now() + conf.get("ARTICLES_PAGE_CACHE_SECONDS")
        upcoming = next_publication(version)
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


def cached_pages(application):
    """Wrap a Django WSGI ``application`` so that page cache hits are answered before Django
    builds a request: the same entries as the middleware, at a fraction of the cost."""

    def serve(environ, start_response):
        entry = lookup(environ)[1] if applies_to(environ) else None
        if entry is None:
            return application(environ, start_response)
        status, headers, body = replay(entry, environ)
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [body]

    return serve
