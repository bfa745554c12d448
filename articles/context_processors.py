"""Site-wide template context: the site name and the section navigation."""

from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from . import conf
from .caching import request_version
from .models import Section


def _nav_sections(version):
    """The sections, cached until content changes (a new content version)."""
    key = f"articles:nav-sections:{version}"
    return cache.get_or_set(key, lambda: list(Section.objects.all()), timeout=3600)


def site(request):
    """``site_name``, ``nav_sections`` (cached: a page renders without querying sections) and
    ``content_version``, read once per request for whatever cached fragment the page holds."""
    version = SimpleLazyObject(lambda: request_version(request.META))
    return {
        "site_name": conf.get("ARTICLES_SITE_NAME"),
        "nav_sections": SimpleLazyObject(lambda: _nav_sections(version)),
        "content_version": version,
        "fragment_cache": conf.get("ARTICLES_FRAGMENT_CACHE"),
    }
