"""The read API against its own OpenAPI description (``/api/openapi.json``): schemathesis makes
requests from it, valid and invalid, through Django's WSGI application in this process, and
checks every answer (no server error, documented status and content type, body matching its
schema, 405 with ``Allow`` for other methods). Bounded, so that it takes seconds."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, settings

from articles.models import Byline, Correction
from articles.reader.api import openapi_document

from .factories import make_article, make_author, make_caption, make_related_link, make_section

# The document as /api/openapi.json serves it (its server is the API's root on the site).
# (schemathesis.pytest.from_fixture() would load it from the live view, but it fails on pytest
# 9.2, which has no Node._nodeid any more: schemathesis 4.32.5, 2026-11.)
schema = schemathesis.openapi.from_dict(
    openapi_document() | {"servers": [{"url": reverse("articles:api_article_list")[:-9]}]}
)
schema.app = get_wsgi_application()


@pytest.fixture
def content(db, settings):
    """Content of every kind to find (the slugs below; the ids schemathesis tries are mostly
    unknown ones, answered 404 as the description says). Schemathesis's WSGI client
    asks for the host "localhost". As Django's test client does, requests leave the database
    connection open: closing it would end the test's transaction (on PostgreSQL)."""
    settings.ALLOWED_HOSTS = ["localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    section, author = make_section(slug="world"), make_author(slug="jane")
    for _ in range(3):
        article = make_article(section=section, authors=[author], tags=["shared", "café"])
        make_caption(article)
        make_related_link(article, title="", url="", target=make_article(status="draft"))
    article.bylines.create(author=make_author(), role=Byline.Role.PHOTOGRAPHER, order=1)
    Correction.objects.create(article=article, text="An earlier version misspelt a name.")
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_as_its_openapi_description_says(case, content):
    case.call_and_validate()
