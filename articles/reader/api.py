"""The read API: public articles as IPTC ninjs 2.4 JSON (``articles/reader/ninjs.py``), newest
first, and the articles of an author, a section or a tag, with an OpenAPI description.

Only ``published()`` articles, whoever asks: an editor's session changes nothing; a withdrawn
article's id answers 410 Gone, as its page does, any other that is not public 404. GET and HEAD
are answered, to any origin (CORS, no credentials); OPTIONS answers a browser's preflight; other
methods 405. A 200 carries the ETag of its bytes and a client that has it gets a 304, as pages
do (``caching.py``). Errors are problem details (RFC 9457), never HTML.
"""

import copy
import json
import re
from functools import cache, wraps
from http import HTTPStatus
from pathlib import Path

from django.core.paginator import EmptyPage
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt

from .. import conf
from ..caching import request_version
from ..links import site_url
from ..models import Article, Author, Section, public_tags
from . import body, ninjs
from .pagination import LAST_PAGE, ArchivePaginator

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
PREFLIGHT_SECONDS = 86400
OPENAPI_FILE = Path(__file__).with_name("openapi.json")
SLUG = re.compile(r"[-\w]+")
WHOLE_NUMBER = re.compile(r"[0-9]+")
PROBLEM = "application/problem+json"


class BadRequest(Exception):
    """A query parameter the API cannot read: answered 400 with the message."""


class Gone(Exception):
    """An article withdrawn for legal reasons: answered 410 with the message."""


def problem(status, detail):
    """An RFC 9457 problem details response."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    return JsonResponse(body | {"detail": detail}, status=status, content_type=PROBLEM)


def api_view(view):
    """``view`` returns a dict; this answers it as JSON with CORS headers, an ETag and 304s,
    preflights, refuses other methods, and turns ``Http404``/``BadRequest``/``Gone`` into
    problems.
    CSRF does not apply: no method that could change anything gets past the 405."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=HTTPStatus.NO_CONTENT)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = "If-None-Match"
            response["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
        elif request.method not in ("GET", "HEAD"):
            response = problem(405, f"This address answers {ALLOWED_METHODS} only.")
            response["Allow"] = ALLOWED_METHODS
        else:
            response = answer(view, request, *args, **kwargs)
            response["Access-Control-Expose-Headers"] = "ETag"
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def answer(view, request, *args, **kwargs):
    try:
        data = view(request, *args, **kwargs)
    except Http404 as error:
        return problem(404, str(error))
    except BadRequest as error:
        return problem(400, str(error))
    except Gone as error:
        return problem(410, str(error))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)


@api_view
def article_list(request):
    """Public articles, newest first; ``?section=``, ``?tag=``, ``?author=`` (slugs) narrow
    them, and ``?since=`` keeps those changed after a time."""
    articles, key = Article.objects.published(), []
    if "section" in request.GET:
        section = find(Section, request.GET["section"])
        articles = articles.filter(section=section)
        key.append(f"section={section.pk}")
    if "author" in request.GET:
        author = find_author(request.GET["author"])
        articles = articles.by_author(author)
        key.append(f"author={author.pk}")
    if "tag" in request.GET:
        tag = find_tag(request.GET["tag"])
        articles = articles.tagged(tag)
        key.append(f"tag={tag.pk}")
    return page_of(request, articles, key="&".join(key))


@api_view
def article_detail(request, pk):
    """One public article; a withdrawn one answers 410 (as its page), any other 404."""
    try:
        article = Article.objects.published().with_embedded().get(pk=pk)
    except Article.DoesNotExist:
        if Article.objects.in_state(Article.State.WITHDRAWN).filter(pk=pk).exists():
            raise Gone(f"The article {pk} was withdrawn.") from None
        raise Http404(f"No public article has the id {pk}.") from None
    article.load_details()
    body.attach_pictures([article])
    return ninjs.article_to_ninjs(article, base_url=site_url(request))


@api_view
def author_detail(request, slug):
    """Like the author's page, it exists only while a public article names the author."""
    author = find_author(slug)
    articles = Article.objects.published().by_author(author)
    page = page_of(request, articles, key=f"author={author.pk}")
    return {"author": ninjs.author_to_json(author, base_url=site_url(request)), **page}


@api_view
def section_detail(request, slug):
    section = find(Section, slug)
    articles = Article.objects.published().filter(section=section)
    subject = ninjs.section_to_json(section, base_url=site_url(request))
    return {"section": subject, **page_of(request, articles, key=f"section={section.pk}")}


@api_view
def tag_detail(request, slug):
    """Like the tag's page, it exists only while a public article carries the tag."""
    tag = find_tag(slug)
    articles = Article.objects.published().tagged(tag)
    subject = ninjs.tag_to_json(tag, base_url=site_url(request))
    return {"tag": subject, **page_of(request, articles, key=f"tag={tag.pk}")}


@api_view
def openapi(request):
    """The OpenAPI description, its server the API's address on this site and its page sizes
    this site's settings."""
    api_root = reverse("articles:api_article_list").removesuffix("articles/")
    document = copy.deepcopy(openapi_document())
    page_size = document["components"]["parameters"]["page_size"]
    page_size["schema"] |= {
        "maximum": conf.get("ARTICLES_API_MAX_PAGE_SIZE"),
        "default": conf.get("ARTICLES_PAGINATE_BY"),
    }
    return document | {"servers": [{"url": site_url(request) + api_root}]}


@api_view
def not_found(request):
    raise Http404("There is nothing at this address of the API.")


@cache
def openapi_document():
    return json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))


def find(model, slug):
    """The section of ``slug``, or a 404 (also for what cannot be a slug)."""
    found = model.objects.filter(slug=slug).first() if SLUG.fullmatch(slug) else None
    if found is None:
        raise Http404(f"No {model._meta.verbose_name} has the slug {slug!r}.")
    return found


def find_author(slug):
    """The author of ``slug`` if a public article names them: other authors are not shown."""
    author = Author.objects.public().filter(slug=slug).first() if SLUG.fullmatch(slug) else None
    if author is None:
        raise Http404(f"No public article names the author {slug!r}.")
    return author


def find_tag(slug):
    """The tag of ``slug`` if a public article carries it: other tags are not shown."""
    tag = public_tags().filter(slug=slug).first() if SLUG.fullmatch(slug) else None
    if tag is None:
        raise Http404(f"No public article has the tag {slug!r}.")
    return tag


def page_of(request, articles, *, key):
    """A page of ``articles`` (``?page=``, ``?page_size=``), changed after ``?since=`` if
    given, as ninjs items with the count and the addresses of the pages around it."""
    number = whole_number(request, "page", default=1)
    size = whole_number(request, "page_size", default=conf.get("ARTICLES_PAGINATE_BY"))
    if size > conf.get("ARTICLES_API_MAX_PAGE_SIZE"):
        raise BadRequest(f"page_size is at most {conf.get('ARTICLES_API_MAX_PAGE_SIZE')}.")
    if "since" in request.GET:
        try:
            since = ninjs.parse_since(request.GET["since"])
        except ValueError:
            raise BadRequest(
                "since must be a date and time, such as 2026-01-31T09:00:00Z."
            ) from None
        articles = articles.filter(ninjs.changed_since_q(since))
        key = f"{key}&since={since.isoformat()}"
    paginator = ArchivePaginator(
        articles.for_detail(), size, count_key=f"api:{key}", version=request_version(request.META)
    )
    try:
        page = paginator.page(number) if number <= LAST_PAGE else None
    except EmptyPage:
        page = None
    if page is None:
        raise Http404(f"There is no page {number}.")
    items = list(page)
    # revised_at is set only when there are corrections: the others need no query
    prefetch_related_objects([article for article in items if article.revised_at], "corrections")
    body.attach_pictures(items)
    base_url = site_url(request)
    return {
        "count": paginator.shown_count,
        "count_is_exact": not paginator.more,
        "next": page_url(request, number + 1) if page.has_next() else None,
        "previous": page_url(request, number - 1) if page.has_previous() else None,
        "items": [ninjs.article_to_ninjs(article, base_url=base_url) for article in items],
    }


def whole_number(request, name, *, default):
    """The parameter ``name``, a whole number from 1. Beyond 30 digits, its first 30 stand for
    it: over any page or page size either way, and no long number to convert."""
    value = request.GET.get(name)
    if value is None:
        return default
    digits = value.lstrip("0")
    if not WHOLE_NUMBER.fullmatch(value) or not digits:
        raise BadRequest(f"{name} must be a whole number from 1.")
    return int(digits[:30])


def page_url(request, number):
    query = request.GET.copy()
    query["page"] = str(number)
    return f"{site_url(request)}{request.path}?{urlencode(sorted(query.lists()), doseq=True)}"
