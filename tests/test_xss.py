"""Stored XSS: hostile text saved in any field an editor or importer fills never reaches a
browser as live markup: not on reader pages, in JSON-LD, search snippets, feeds, sitemaps, nor
in the admin's lists and forms.

Each of the ``PAYLOADS`` fills every text field of its own article, section, author, tag,
caption and related link. Each surface is fetched and parsed as a browser would (not searched
for substrings): ``LiveMarkup`` fails a document with an inline script, an ``on*`` attribute,
a ``javascript:``, ``vbscript:`` or ``data:`` address (the project emits no ``data:`` URL, so
none is allowed), an embedding element, a ``target=_blank`` link without ``noopener``, a
JSON-LD block that a payload could close or bend, or an element with a payload's ``xss`` id or
class. Then each field the surface shows must be found there, whole, as text or attribute
value: a payload cannot pass by being dropped or turned into markup. In feeds, the elements
that carry HTML (RSS ``description`` and ``content:encoded``, Atom ``type="html"``, JSON Feed
``content_html``) are read as HTML documents; titles, names and categories are plain text.

Size (``test_matrix_size`` keeps it): 13 payloads × 13 fields × 32 surfaces, as each surface
shows them: 1,846 checks; and 9 hostile URLs × 2 URL fields × 3 layers (model validation,
admin form, database constraint): 54 refusals.
"""

import html
import json
import re
import tempfile
from html.parser import HTMLParser
from types import SimpleNamespace

from defusedxml import ElementTree
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase, override_settings

from articles.models import Article, Author, RelatedLink, Section

from .factories import image_file, make_article, make_caption, make_related_link

TEMPLATE_PAYLOAD = "{{ 7|add:7 }}"
PAYLOADS = [
    '<script>alert("xss-1")</script>',
    "<img src=x onerror=alert(2) id=xss-img>",
    "<svg/onload=alert(3) id=xss-svg>",
    '<a href="javascript:alert(4)" id=xss-js>link</a>',
    '<a href="data:text/html,<script>alert(5)</script>" id=xss-data>x</a>',
    '"><script id=xss-quote>alert(6)</script>',
    "'><img src=x onerror=alert(7) class=xss-squote>",
    "</script><script id=xss-ld>alert(8)</script><!--",
    "<scr<script>ipt id=xss-nest>alert(9)</scr</script>ipt>",
    "<img src=x id=xss-open onerror=alert(10)",
    '<iframe srcdoc="<script>alert(11)</script>" id=xss-frame></iframe>',
    '<noscript><p title="</noscript><img src=x onerror=alert(12) id=xss-mx>">',
    TEMPLATE_PAYLOAD,
]
# http(s) addresses that URL validation accepts although they carry quotes and markup.
ODD_HTTP_URLS = [
    'https://example.com/"><svg/onload=alert(1)>',
    "https://example.com/'onmouseover='alert(1)",
    "https://example.com/?q=<script>alert(1)</script>",
]
HOSTILE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript://example.com/%0Aalert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml,<svg/onload=alert(1)>",
    "&#106;avascript:alert(1)",
]
# Each text field of case n holds "<Field><n> <payload>" ("AltText3 <svg…"), so that each
# field of each case is told apart wherever it shows.
TEXT_FIELDS = (
    "headline, dek, body, caption text, caption credit, alt text, author name, author bio, "
    "section name, tag, related-link title"
).split(", ")
LISTED = {"headline", "dek", "author name", "section name"}
IN_FEEDS = {"headline", "dek", "body", "author name", "tag", "caption text", "caption credit"}
IN_JSON_FEED = IN_FEEDS - {"caption text", "caption credit"}  # JSON Feed has no captions


def article_url(case):
    return case.article.get_absolute_url()


def scoped_url(scope, feed):
    return lambda case: f"/{scope}s/{getattr(case, scope).slug}/{feed}"


def change_form(model):
    return lambda case: f"/admin/articles/{model}/{getattr(case, model).pk}/change/"


# A section's feed names it in its title; the other feeds' titles name their scope.
FEED_SCOPES = {"site": set(), "section": {"section name"}, "author": set(), "tag": set()}
SITEMAP_PARTS = ("articles", "sections", "authors", "tags")
# name: (format, address or address of a payload's case, fields of each payload shown there)
SURFACES = {
    "article page": ("html", article_url, {*TEXT_FIELDS, "related-link URL"} - {"author bio"}),
    "JSON-LD": ("json-ld", article_url, IN_FEEDS - {"body"} | {"section name"}),
    "home": ("html", "/", LISTED),
    "section page": ("html", scoped_url("section", ""), LISTED),
    "author page": ("html", scoped_url("author", ""), LISTED | {"author bio", "author website"}),
    "tag page": ("html", scoped_url("tag", ""), LISTED | {"tag"}),
    # The database cuts snippets (PostgreSQL's also leave out tag-shaped words): the body's
    # label must show, and nothing after it be live.
    "search results": ("html", "/search/?q=lighthouse", LISTED | {"body label"}),
    **{
        f"{scope} {feed} feed": (
            feed,
            f"/feeds/{feed}/" if scope == "site" else scoped_url(scope, f"feeds/{feed}/"),
            (IN_JSON_FEED if feed == "json" else IN_FEEDS) | extra,
        )
        for scope, extra in FEED_SCOPES.items()
        for feed in ("rss", "atom", "json")
    },
    "sitemap index": ("xml", "/sitemap.xml", set()),
    **{f"{part} sitemap": ("xml", f"/sitemap-{part}.xml", set()) for part in SITEMAP_PARTS},
    "news sitemap": ("xml", "/news-sitemap.xml", {"headline"}),
}
ADMIN_SURFACES = {
    "admin dashboard": ("html", "/admin/", set()),  # shows the newest eight only
    "article changelist": ("html", "/admin/articles/article/", LISTED - {"dek"}),
    "article change form": (
        "html",
        change_form("article"),
        {*TEXT_FIELDS, "body HTML", "related-link URL"} - {"body", "author bio"},
    ),
    "author changelist": ("html", "/admin/articles/author/", {"author name"}),
    "author change form": (
        "html",
        change_form("author"),
        {"author name", "author bio", "author website"},
    ),
    "section changelist": ("html", "/admin/articles/section/", {"section name"}),
    "section change form": ("html", change_form("section"), {"section name"}),
}

JSON_SCRIPT_TYPES = {"application/ld+json", "application/json", "importmap"}
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "xlink:href", "poster", "data"}
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
EMBEDDING_ELEMENTS = {"iframe", "frame", "object", "embed", "applet", "base"}
# Browsers drop white space and control characters inside a scheme ("java\tscript:").
IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")
RSS_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


class LiveMarkup(HTMLParser):
    """An HTML document as a browser parses it: ``problems`` lists what could run or load
    from stored content; ``texts`` holds its text runs and attribute values, entities decoded;
    ``json_ld`` the parsed structured data blocks; ``elements`` each tag with its attributes."""

    def __init__(self, document):
        super().__init__(convert_charrefs=True)
        self.problems, self.texts, self.json_ld, self.elements = [], [], [], []
        self._run, self._script = [], None
        self.feed(document)
        self.close()
        self._flush()
        if self._script is not None:
            self.problems.append("unclosed <script>")

    def handle_starttag(self, tag, attrs):
        self._flush()
        attrs = {name.lower(): value or "" for name, value in attrs}
        self.elements.append((tag, attrs))
        self.texts.extend(attrs.values())
        if tag == "script":
            self._script = (attrs, [])
        if tag in EMBEDDING_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            self.problems.append("meta refresh")
        if "xss" in attrs.get("id", "") + attrs.get("class", ""):
            self.problems.append(f"payload element <{tag} {attrs}>")
        if attrs.get("target") == "_blank" and "noopener" not in attrs.get("rel", "").split():
            self.problems.append(f"target=_blank without noopener: {attrs}")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            if name in URL_ATTRIBUTES:
                candidates = value.split(",") if name == "srcset" else [value]
                for url in candidates:
                    if IGNORED_IN_URLS.sub("", url).lower().startswith(UNSAFE_SCHEMES):
                        self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_endtag(self, tag):
        self._flush()
        if tag == "script" and self._script is not None:
            self._check_script(*self._script)
            self._script = None

    def handle_data(self, data):
        (self._script[1] if self._script is not None else self._run).append(data)

    def _flush(self):
        if self._run:
            self.texts.append("".join(self._run))
            self._run = []

    def _check_script(self, attrs, parts):
        """Data blocks must be JSON that no "</script" or "<!--" can end or bend; any other
        script must be a file of the site's own (the admin's), with no code inline."""
        text, kind, src = "".join(parts), attrs.get("type", "").lower(), attrs.get("src", "")
        if kind not in JSON_SCRIPT_TYPES:
            if text.strip() or not src.startswith("/") or src.startswith("//"):
                self.problems.append(f"live script {attrs} {text[:80]!r}")
            return
        if re.search(r"</script|<!--", text, re.IGNORECASE):
            self.problems.append(f"script end or comment inside {kind}: {text[:80]!r}")
        try:
            data = json.loads(text)
        except ValueError:
            self.problems.append(f"invalid JSON in {kind}: {text[:80]!r}")
            return
        if kind == "application/ld+json":
            self.json_ld.append(data)


def json_strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict | list):
        for value in data.values() if isinstance(data, dict) else data:
            yield from json_strings(value)


def carries_html(element):
    """RSS descriptions and content, and Atom text of ``type="html"``: escaped HTML."""
    return element.get("type") == "html" or element.tag in {"description", RSS_CONTENT}


def read(kind, content):
    """``(problems, texts)`` of a response body: an HTML page, its JSON-LD, a JSON Feed, or
    XML (feeds, sitemaps), whose HTML-carrying parts are read as HTML."""
    problems, texts = [], []

    def read_html(document):
        page = LiveMarkup(document)
        problems.extend(page.problems)
        return page

    if kind in ("html", "json-ld"):
        page = read_html(content.decode())
        texts = page.texts if kind == "html" else list(json_strings(page.json_ld))
    elif kind == "json":
        feed = json.loads(content)
        for item in feed.pop("items"):
            texts += read_html(item.pop("content_html", "")).texts + list(json_strings(item))
        texts += json_strings(feed)
    else:
        try:
            root = ElementTree.fromstring(content)
        except ElementTree.ParseError as error:  # markup let through unescaped, for one
            return [f"not well-formed XML: {error}"], []
        for element in root.iter():
            name = element.tag.rpartition("}")[2]
            if name in {"script", "img", "svg", "a", "iframe", "noscript"}:
                problems.append(f"<{name}> element in XML")
            if any(key.rpartition("}")[2].lower().startswith("on") for key in element.attrib):
                problems.append(f"event handler in XML: {element.attrib}")
            texts += element.attrib.values()
            text = element.text or ""
            texts += read_html(text).texts if carries_html(element) else [text]
    return problems, texts


class StoredXssTests(TestCase):
    @classmethod
    def setUpClass(cls):
        # Captions get images (alt text shows only with one), stored in this class's folder:
        # setUpTestData runs before the per-test MEDIA_ROOT of conftest.py.
        media = cls.enterClassContext(tempfile.TemporaryDirectory())
        cls.enterClassContext(override_settings(MEDIA_ROOT=media))
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser("editor", password="pw")
        cls.cases = [make_case(number, payload) for number, payload in enumerate(PAYLOADS, 1)]

    def check_surfaces(self, surfaces):
        """Fetch each surface (once per payload, or once for all at a fixed address): no live
        markup, and each field it should show found as text. Returns the checks made."""
        checks = 0
        for name, (kind, address, fields) in surfaces.items():
            pages = {}
            for case in self.cases:
                url = address(case) if callable(address) else address
                if url not in pages:
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200, url)
                    pages[url] = read(kind, response.content)
                    with self.subTest(surface=name, url=url):
                        self.assertEqual(pages[url][0], [])
                for field in sorted(fields):
                    shown = case.shown[field]
                    with self.subTest(surface=name, field=field, payload=case.payload):
                        self.assertTrue(
                            any(shown in text for text in pages[url][1]), f"{shown!r} not at {url}"
                        )
                    checks += 1
        return checks

    def test_no_payload_is_live_on_pages_feeds_json_ld_search_or_sitemaps(self):
        self.assertEqual(self.check_surfaces(SURFACES), matrix_size(SURFACES))

    def test_no_payload_is_live_in_admin_lists_and_forms(self):
        self.client.force_login(self.editor)
        self.assertEqual(self.check_surfaces(ADMIN_SURFACES), matrix_size(ADMIN_SURFACES))

    def test_matrix_size(self):
        """The numbers of the module docstring, which the README reports."""
        surfaces = SURFACES | ADMIN_SURFACES
        fields = set().union(*(fields for _, _, fields in surfaces.values())) - {
            "body HTML",
            "body label",
        }
        self.assertEqual(len(fields), 13)
        self.assertEqual((len(PAYLOADS), len(surfaces)), (13, 32))
        self.assertEqual(matrix_size(surfaces), 1846)
        self.assertEqual(len(HOSTILE_URLS) * 2 * 3, 54)

    def test_body_is_sanitized_when_saved(self):
        for case in self.cases:
            with self.subTest(payload=case.payload):
                stored = Article.objects.get(pk=case.article.pk).body
                page = LiveMarkup(stored)
                self.assertEqual(page.problems, [])
                self.assertEqual(page.texts[0], f"lighthouse {case.shown['body']}")
                self.assertEqual({tag for tag, _ in page.elements} - {"p", "a"}, set())

    def test_body_links_lose_target_and_get_noopener(self):
        """The editor offers no "open in a new tab" (``enableTarget: False``), so the sanitizer
        drops ``target``; every link gets ``rel="noopener noreferrer"`` all the same."""
        article = make_article(
            body='<p><a href="https://example.com/a" target="_blank">a</a> '
            '<a href="https://example.com/b" target="_blank" rel="opener">b</a></p>'
        )
        page = LiveMarkup(self.client.get(article.get_absolute_url()).content.decode())
        links = [a for tag, a in page.elements if tag == "a" and "example.com" in a["href"]]
        self.assertEqual(len(links), 2)
        for link in links:
            self.assertNotIn("target", link)
            self.assertEqual(link["rel"], "noopener noreferrer")

    def test_content_is_never_a_template(self):
        case = next(case for case in self.cases if case.payload == TEMPLATE_PAYLOAD)
        response = self.client.get(case.article.get_absolute_url())
        headline, body = case.shown["headline"], case.shown["body"]
        self.assertContains(response, f'<h1 class="story__headline">{headline}</h1>')
        self.assertContains(response, f"<p>lighthouse {body}</p>")
        self.assertNotContains(response, headline.replace(TEMPLATE_PAYLOAD, "14"))
        self.assertNotContains(response, body.replace(TEMPLATE_PAYLOAD, "14"))

    def test_url_fields_refuse_script_and_data_addresses(self):
        """In model validation, in the admin's forms, and in the database's check constraint
        (for writers that skip validation)."""
        article = self.cases[0].article
        self.client.force_login(self.editor)
        for url in HOSTILE_URLS:
            instances = {
                "url": RelatedLink(article=article, url=url),
                "website": Author(name="A", slug="a", website=url),
            }
            for field, (form_url, data, error) in url_forms(url).items():
                instance = instances[field]
                with self.subTest(url=url, field=field, layer="model"):
                    with self.assertRaises(ValidationError) as refused:
                        instance.full_clean()
                    self.assertIn(field, refused.exception.message_dict)
                with (
                    self.subTest(url=url, field=field, layer="database"),
                    self.assertRaises(IntegrityError),
                    transaction.atomic(),
                ):
                    instance.save()
                with self.subTest(url=url, field=field, layer="admin"):
                    response = self.client.post(form_url, data)
                    self.assertEqual(response.status_code, 200)
                    self.assertContains(response, f'id="{error}"')
        self.assertEqual(Article.objects.count(), len(self.cases))
        self.assertEqual(Author.objects.count(), len(self.cases))


def make_case(number, payload):
    """A published article with ``payload`` in every text field of it, its section, author,
    tag, caption and related link; the fields of each shown as ``shown`` says."""
    shown = {field: f"{label(field)}{number} {payload}" for field in TEXT_FIELDS}
    slug, url = f"xss-{number}", ODD_HTTP_URLS[number % len(ODD_HTTP_URLS)]
    section = Section.objects.create(name=shown["section name"], slug=slug)
    author = Author.objects.create(
        name=shown["author name"], slug=slug, bio=shown["author bio"], website=url
    )
    article = make_article(
        headline=shown["headline"],
        slug=slug,
        dek=shown["dek"],
        body=f"<p>lighthouse {html.escape(shown['body'])}</p>{payload}",
        section=section,
        authors=[author],
        tags=[shown["tag"], "coast"],
    )
    make_caption(
        article,
        image=image_file(),
        text=shown["caption text"],
        credit=shown["caption credit"],
        alt_text=shown["alt text"],
    )
    make_related_link(article, title=shown["related-link title"], url=url)
    shown |= {"body HTML": article.body, "body label": f"Body{number}"}
    shown |= {"related-link URL": url, "author website": url}
    tag = article.tags.get(name=shown["tag"])
    return SimpleNamespace(
        payload=payload, article=article, author=author, section=section, tag=tag, shown=shown
    )


def label(field):
    return re.sub(r"[ -]", "", field.title())


def matrix_size(surfaces):
    return len(PAYLOADS) * sum(len(fields) for _, _, fields in surfaces.values())


def url_forms(url):
    """The admin forms that take a web address: field → (address, data, id of its error)."""
    inlines = {
        f"{prefix}-{count}": "1" if prefix == "related_links" and count == "TOTAL_FORMS" else "0"
        for prefix in (
            "bylines",
            "captions",
            "related_links",
            "corrections",
            "transitions",
            "review_notes",
        )
        for count in ("TOTAL_FORMS", "INITIAL_FORMS")
    }
    article = {"headline": "Links", "slug": "links", "status": Article.Status.DRAFT, **inlines}
    return {
        "url": (
            "/admin/articles/article/add/",
            article | {"related_links-0-order": "0", "related_links-0-url": url},
            "id_related_links-0-url_error",
        ),
        "website": (
            "/admin/articles/author/add/",
            {"name": "A", "slug": "a", "website": url},
            "id_website_error",
        ),
    }
