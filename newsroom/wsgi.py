"""WSGI entry point (``gunicorn newsroom.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

from articles.caching import cached_pages  # noqa: E402 (needs the settings module named)

# Cached pages for anonymous readers are answered before Django builds a request.
application = cached_pages(get_wsgi_application())
