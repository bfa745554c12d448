"""Site-wide template context: the site name and the section navigation."""

from django.utils.functional import SimpleLazyObject

from . import conf
from .caching import request_version
from .models import Section


def site(request):
    """``site_name``, ``nav_sections`` (queried only when the navigation's fragment is rendered,
    once per content version), ``content_version`` (read once per request) and the fragment
    cache's alias."""
    return {
        "site_name": conf.get("ARTICLES_SITE_NAME"),
        "nav_sections": Section.objects.all(),
        "content_version": SimpleLazyObject(lambda: request_version(request.META)),
        "fragment_cache": conf.get("ARTICLES_FRAGMENT_CACHE"),
    }
