"""What an article page tells search engines and social networks: canonical link, Open Graph
and Twitter tags, NewsArticle and BreadcrumbList JSON-LD, read back from the HTML."""

import json
from html.parser import HTMLParser

from django.test import TestCase, override_settings

from .factories import (
    add_photographer,
    image_file,
    make_article,
    make_author,
    make_caption,
    make_section,
)


class HeadReader(HTMLParser):
    """Collects ``<meta>``, ``<link rel>`` and JSON-LD ``<script>`` elements."""

    def __init__(self):
        super().__init__()
        self.meta, self.links, self.json_ld, self._script = [], {}, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            self.meta.append((attrs.get("property") or attrs.get("name"), attrs["content"]))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.links["canonical"] = attrs["href"]
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._script = []

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.json_ld.append(json.loads("".join(self._script)))
            self._script = None

    def values(self, name):
        return [content for key, content in self.meta if key == name]

    def value(self, name):
        [content] = self.values(name)
        return content


class MetadataTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(name="City", slug="city")
        cls.ann = make_author(name="Ann Lee", slug="ann-lee", job_title="Reporter")
        cls.bo = make_author(name="Bo Chen", slug="bo-chen")
        cls.article = make_article(
            headline="Flood </script><script>alert(1)</script>",
            dek="The river rose & fell.",
            section=cls.section,
            authors=[cls.bo, cls.ann],
            tags=["Rivers", "Floods"],
        )

    def read(self, article=None):
        response = self.client.get((article or self.article).get_absolute_url())
        self.assertEqual(response.status_code, 200)
        reader = HeadReader()
        reader.feed(response.content.decode())
        return reader

    def json_ld(self, reader, kind):
        [data] = [data for data in reader.json_ld if data["@type"] == kind]
        return data


class MetaTagTests(MetadataTestCase):
    def test_canonical_description_and_open_graph(self):
        head = self.read()
        url = f"http://testserver{self.article.get_absolute_url()}"
        self.assertEqual(head.links["canonical"], url)
        self.assertEqual(head.value("description"), "The river rose & fell.")
        self.assertEqual(head.value("og:type"), "article")
        self.assertEqual(head.value("og:url"), url)
        self.assertEqual(head.value("og:title"), self.article.headline)
        self.assertEqual(head.value("og:description"), self.article.dek)
        self.assertEqual(
            head.value("article:published_time"),
            self.article.publish_at.replace(microsecond=0).isoformat(),
        )
        self.assertEqual(head.value("article:section"), "City")
        self.assertEqual(
            head.values("article:author"),
            ["http://testserver/authors/bo-chen/", "http://testserver/authors/ann-lee/"],
        )
        self.assertEqual(sorted(head.values("article:tag")), ["Floods", "Rivers"])
        self.assertEqual(head.value("twitter:card"), "summary")

    def test_the_lead_image_in_open_graph_and_twitter(self):
        make_caption(self.article, image=image_file(size=(1600, 1000)), alt_text="A river")
        head = self.read()
        self.assertTrue(head.value("og:image").startswith("http://testserver/media/"))
        self.assertEqual(
            (head.value("og:image:width"), head.value("og:image:height")), ("1600", "900")
        )
        self.assertEqual(head.value("og:image:alt"), "A river")
        self.assertEqual(head.value("twitter:card"), "summary_large_image")
        self.assertEqual(head.value("twitter:image"), head.value("og:image"))

    @override_settings(ARTICLES_SITE_URL="https://news.example.org")
    def test_absolute_addresses_come_from_the_configured_site(self):
        head = self.read()
        self.assertTrue(head.links["canonical"].startswith("https://news.example.org/20"))
        self.assertTrue(self.json_ld(head, "NewsArticle")["url"].startswith("https://news."))


class JsonLdTests(MetadataTestCase):
    def test_a_photographer_is_a_contributor_not_an_author(self):
        add_photographer(self.article)
        data = self.json_ld(self.read(), "NewsArticle")
        self.assertNotIn("Cy Lens", [person["name"] for person in data["author"]])
        self.assertEqual(
            data["contributor"],
            [
                {
                    "@type": "Person",
                    "name": "Cy Lens",
                    "url": "http://testserver/authors/cy-lens/",
                    "description": "Photographer",
                }
            ],
        )

    def test_news_article_field_by_field(self):
        data = self.json_ld(self.read(), "NewsArticle")
        url = f"http://testserver{self.article.get_absolute_url()}"
        self.assertEqual(data["@context"], "https://schema.org")
        self.assertEqual(data["headline"], self.article.headline)
        self.assertEqual(data["description"], "The river rose & fell.")
        self.assertEqual(data["mainEntityOfPage"], {"@type": "WebPage", "@id": url})
        self.assertEqual(data["datePublished"], self.article.publish_at.isoformat())
        self.assertEqual(data["dateModified"], self.article.publish_at.isoformat())
        self.assertEqual(data["articleSection"], "City")
        self.assertEqual(sorted(data["keywords"]), ["Floods", "Rivers"])
        self.assertEqual(
            data["author"],
            [
                {"@type": "Person", "name": "Bo Chen", "url": "http://testserver/authors/bo-chen/"},
                {
                    "@type": "Person",
                    "name": "Ann Lee",
                    "url": "http://testserver/authors/ann-lee/",
                    "jobTitle": "Reporter",
                },
            ],
        )
        self.assertNotIn("contributor", data, "empty keys are left out")
        publisher = data["publisher"]
        self.assertEqual(publisher["name"], "The Newsroom")
        self.assertEqual(publisher["logo"]["width"], 600)
        self.assertTrue(publisher["logo"]["url"].startswith("http://testserver/static/"))
        self.assertNotIn("correction", data)

    def test_content_cannot_close_the_script_element(self):
        html = self.client.get(self.article.get_absolute_url()).content.decode()
        self.assertEqual(html.count("<script>alert(1)"), 0)
        self.assertIn("\\u003c/script\\u003e", html)

    def test_images_in_three_crops_with_caption_and_credit(self):
        make_caption(
            self.article,
            image=image_file(size=(1600, 1200)),
            text="The river at dawn.",
            credit="City Desk",
        )
        images = self.json_ld(self.read(), "NewsArticle")["image"]
        self.assertEqual(
            [(image["width"], image["height"]) for image in images],
            [(1600, 900), (1600, 1200), (1200, 1200)],
        )
        for image in images:
            self.assertEqual(image["caption"], "The river at dawn.")
            self.assertEqual(image["creditText"], "City Desk")

    def test_corrections_and_the_modified_date(self):
        correction = self.article.corrections.create(kind="clarification", text="It was Tuesday.")
        data = self.json_ld(self.read(), "NewsArticle")
        self.assertEqual(
            data["correction"],
            [
                {
                    "@type": "CorrectionComment",
                    "name": "Clarification",
                    "text": "It was Tuesday.",
                    "datePublished": correction.published_at.isoformat(),
                }
            ],
        )
        self.assertEqual(data["dateModified"], correction.published_at.isoformat())

    def test_breadcrumbs_in_the_page_and_as_json_ld(self):
        head = self.read()
        crumbs = self.json_ld(head, "BreadcrumbList")["itemListElement"]
        self.assertEqual(
            [(c["position"], c["name"], c.get("item")) for c in crumbs],
            [
                (1, "Home", "http://testserver/"),
                (2, "City", "http://testserver/sections/city/"),
                (3, self.article.headline, None),
            ],
        )
        html = self.client.get(self.article.get_absolute_url()).content.decode()
        self.assertInHTML(
            '<nav class="breadcrumbs" aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li>'
            '<li><a href="/sections/city/">City</a></li><li><span aria-current="page">'
            "Flood &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</span></li></ol></nav>",
            html,
        )


class RelatedArticleTests(TestCase):
    def test_read_next_prefers_shared_tags_then_the_section(self):
        section = make_section()
        article = make_article(section=section, tags=["Rivers", "Floods"])
        both = make_article(headline="Both tags", tags=["Rivers", "Floods"])
        one = make_article(headline="One tag", tags=["Floods"])
        same_section = make_article(headline="Same section", section=section)
        make_article(headline="Unrelated", tags=["Cats"])
        make_article(headline="Draft", status="draft", section=section, tags=["Rivers"])
        response = self.client.get(article.get_absolute_url())
        self.assertEqual(
            [other.headline for other in response.context["related_articles"]],
            [both.headline, one.headline, same_section.headline],
        )
        self.assertContains(response, "Read next")
