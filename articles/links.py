"""Absolute addresses for feeds, sitemaps, canonical links and structured data.

They come from the setting ``ARTICLES_SITE_URL`` (e.g. ``https://news.example.org``) when it is
set, so that a spoofed or internal Host header never ends up in what crawlers and aggregators
store; without it (development), from the request, whose host ``ALLOWED_HOSTS`` has checked.
"""

from . import conf


def configured_site_url():
    """``ARTICLES_SITE_URL`` without a trailing slash, or "" when it is not set."""
    return conf.get("ARTICLES_SITE_URL").rstrip("/")


def site_url(request):
    """The scheme and host of the site, without a trailing slash."""
    return configured_site_url() or f"{request.scheme}://{request.get_host()}"


def absolute_url(url, request):
    """``url`` (a path such as ``/2026/01/02/slug/``) as an absolute address; absolute URLs,
    such as media on another host, are returned as they are."""
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        return f"{request.scheme}:{url}"
    return site_url(request) + url


def absolute_on(base_url, url):
    """``url`` as an absolute address on ``base_url`` (a scheme and host, as ``site_url()``
    gives), for what is built without a request, such as an export."""
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        return f"{base_url.partition(':')[0]}:{url}"
    return base_url + url


def object_uri(kind, pk, *, base_url):
    """A stable identifier, whatever the address: an article's is its feeds' guid."""
    return f"{base_url}/#{kind}-{pk}"
