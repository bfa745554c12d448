"""Site-wide template context: the site name and the section navigation."""

from django.core.cache import caches
from django.utils.functional import SimpleLazyObject

from . import conf
from .caching import content_version
from .models import Section


def _nav_sections():
    """The sections, cached until content changes (a new content version)."""
    key = f"articles:nav-sections:{content_version()}"
    cache = caches[conf.get("ARTICLES_PAGE_CACHE")]
    return cache.get_or_set(key, lambda: list(Section.objects.all()), timeout=3600)


def site(request):
    """``site_name`` and ``nav_sections`` (cached: a page renders without querying sections)."""
    return {
        "site_name": conf.get("ARTICLES_SITE_NAME"),
        "nav_sections": SimpleLazyObject(_nav_sections),
    }
