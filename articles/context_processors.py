"""Site-wide template context: the site name and the section navigation."""

from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from . import conf
from .models import Section
from .signals import NAV_SECTIONS_KEY


def _nav_sections():
    return cache.get_or_set(NAV_SECTIONS_KEY, lambda: list(Section.objects.all()), timeout=300)


def site(request):
    """``site_name`` and ``nav_sections`` (cached: a page renders without querying sections)."""
    return {
        "site_name": conf.get("ARTICLES_SITE_NAME"),
        "nav_sections": SimpleLazyObject(_nav_sections),
    }
