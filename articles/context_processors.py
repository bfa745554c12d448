"""Site-wide template context: the site name and the section navigation."""

from django.utils.functional import SimpleLazyObject

from . import conf
from .caching import request_version
from .models import Section


def site(request):
    """``site_name``, ``nav_sections`` (queried once, if the page shows them) and
    ``content_version``, read once per request for the cached fragments the page holds."""
    return {
        "site_name": conf.get("ARTICLES_SITE_NAME"),
        "nav_sections": Section.objects.all(),
        "content_version": SimpleLazyObject(lambda: request_version(request.META)),
    }
