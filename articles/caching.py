"""HTTP caching of public responses.

Conditional requests are answered by Django's ``ConditionalGetMiddleware`` from an ETag of the
response's bytes, which is exact whatever changed. A date-based ``Last-Modified`` is not: when
an article is taken down, the newest date of a feed or sitemap can move backwards, and a client
asking ``If-Modified-Since`` would be told its copy, takedown included, is still good.
"""

from functools import wraps


def without_last_modified(view):
    """``view`` with the ``Last-Modified`` header that Django's feeds and sitemaps set removed,
    so that only the ETag decides a 304."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = view(*args, **kwargs)
        response.headers.pop("Last-Modified", None)
        return response

    return wrapper
