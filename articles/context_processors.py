"""Site-wide template context: the site name and the section navigation."""

from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from . import conf
from .caching import content_version
from .models import Section


def _nav_sections():
    """The sections, cached until content changes (a new content version)."""
    key = f"articles:nav-sections:{content_version()}"
    return cache.get_or_set(key, lambda: list(Section.objects.all()), timeout=3600)


def site(request):
    """``site_name``, ``nav_sections`` (cached: a page renders without querying sections),
    and what templates key cached fragments on: ``content_version`` and ``fragment_cache``."""
    return {
        "site_name": conf.get("ARTICLES_SITE_NAME"),
        "nav_sections": SimpleLazyObject(_nav_sections),
        "content_version": SimpleLazyObject(content_version),
        "fragment_cache": conf.get("ARTICLES_FRAGMENT_CACHE"),
    }
