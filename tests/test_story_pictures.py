"""Pictures of the library placed inside a story (``articles/reader/body.py``): what the sanitizer
keeps of them, how the page, the feeds, the API and structured data show them, and what that
costs."""

import json
import re
from html import unescape

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from articles.models import Caption, Picture
from articles.reader import body
from articles.sanitizer import sanitize_html

from .factories import image_file, make_article, make_author, make_section

# What a page costs when it renders: no page or fragment cache in front.
pytestmark = pytest.mark.caches_off


def make_picture(**overrides):
    fields = {
        "image": image_file(size=(900, 600)),
        "caption": "Cranes over the terminal.",
        "credit": "Harbour Press/Ana Lens",
        "alt_text": "Two cranes against a grey sky",
    } | overrides
    return Picture.objects.create(**fields)


def in_body(html):
    """The first picture placed in the body of a page or feed."""
    return re.search(r'<figure class="figure figure--in-body">.*?</figure>', html, re.S)[0]


def figure(picture, caption=""):
    inner = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure data-picture="{picture.pk}">{inner}</figure>'


class SanitizerTests(SimpleTestCase):
    def test_a_placed_picture_is_kept(self):
        html = '<p>a</p><figure data-picture="42"><figcaption>Here</figcaption></figure>'
        self.assertEqual(sanitize_html(html), html)

    def test_hostile_attributes_of_a_figure_are_dropped(self):
        html = (
            '<figure data-picture="42" onclick="alert(1)" class="x" style="color:red" '
            'id="main" data-src="/evil.jpg"><figcaption onmouseover="x">Here</figcaption>'
            "</figure>"
        )
        self.assertEqual(
            sanitize_html(html), '<figure data-picture="42"><figcaption>Here</figcaption></figure>'
        )

    def test_only_a_whole_number_names_a_picture(self):
        for value in ("4x2", "-1", "042", " 42", "0", "1e3", "javascript:x", "9" * 19, ""):
            with self.subTest(value=value):
                self.assertEqual(
                    sanitize_html(f'<figure data-picture="{value}"></figure>'), "<figure></figure>"
                )

    def test_no_other_element_names_a_picture(self):
        self.assertEqual(sanitize_html('<p data-picture="4">x</p>'), "<p>x</p>")
        self.assertEqual(sanitize_html('<img data-picture="4" src="/x.jpg">'), "")

    def test_an_embed_card_keeps_its_link_only(self):
        html = (
            '<p class="embed" onclick="x"><a href="https://youtu.be/abc" target="_blank">'
            "<strong>YouTube</strong> https://youtu.be/abc</a></p>"
            '<p class="embed"><a href="javascript:alert(1)"><strong>X</strong> x</a></p>'
            '<iframe src="https://www.youtube.com/embed/abc"></iframe>'
        )
        self.assertEqual(
            sanitize_html(html),
            '<p class="embed"><a href="https://youtu.be/abc" rel="noopener noreferrer">'
            "<strong>YouTube</strong> https://youtu.be/abc</a></p>"
            '<p class="embed"><a rel="noopener noreferrer"><strong>X</strong> x</a></p>',
        )

    def test_picture_ids_in_reading_order_each_once(self):
        html = (
            '<figure data-picture="7"></figure><p>a</p><figure data-picture="3">'
            '<figcaption>x</figcaption></figure><figure data-picture="7"></figure>'
        )
        self.assertEqual(body.picture_ids(html), [7, 3])


class ArticlePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.picture = make_picture()
        cls.article = make_article(
            section=make_section(),
            authors=[make_author()],
            body=f"<p>First paragraph.</p>{figure(cls.picture)}<p>Second paragraph.</p>",
        )

    def page(self, article=None):
        response = self.client.get((article or self.article).get_absolute_url())
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_picture_stands_where_the_editor_put_it(self):
        html = self.page()
        story = html[html.index('<div class="story__body">') :]
        first, placed, second = (
            story.index("First paragraph."),
            story.index('class="figure figure--in-body"'),
            story.index("Second paragraph."),
        )
        self.assertLess(first, placed)
        self.assertLess(placed, second)

    def test_renditions_srcset_sizes_and_lazy_loading_as_the_lead_picture(self):
        html = self.page()
        placed = in_body(html)
        self.assertIn('<source type="image/webp" srcset="', placed)
        self.assertRegex(placed, r'<img src="/media/renditions/[^"]+\.jpg" srcset="[^"]+ 480w, ')
        self.assertIn(f'sizes="{body.SIZES}"', placed)
        self.assertIn('width="900" height="600"', placed)
        self.assertIn('loading="lazy"', placed)
        self.assertIn('alt="Two cranes against a grey sky"', placed)
        self.assertIn("Cranes over the terminal.", placed)
        self.assertIn("Harbour Press/Ana Lens", placed)

    def test_a_caption_of_the_figure_replaces_the_pictures_own(self):
        article = make_article(body=f"<p>a</p>{figure(self.picture, 'At dawn, <em>Monday</em>')}")
        placed = in_body(self.page(article))
        self.assertIn("At dawn, <em>Monday</em>", placed)
        self.assertNotIn("Cranes over the terminal.", placed)
        self.assertIn("Harbour Press/Ana Lens", placed)

    def test_a_missing_picture_or_one_without_a_file_renders_nothing(self):
        empty = make_picture(image="", caption="Waiting for its file")
        article = make_article(
            body=f'<p>a</p><figure data-picture="987654"></figure>{figure(empty)}<p>b</p>'
        )
        html = self.page(article)
        self.assertNotIn("figure--in-body", html)
        self.assertNotIn("data-picture", html)
        self.assertNotIn("Waiting for its file", html)
        self.assertIn("<p>b</p>", html)

    def test_a_caption_the_body_shows_is_not_shown_again(self):
        article = make_article(body=f"<p>a</p>{figure(self.picture)}")
        Caption.objects.create(article=article, picture=self.picture, text="At the terminal.")
        html = self.page(article)
        story = html[html.index('<article class="story"') : html.index("</article>")]
        self.assertEqual(story.count("<figure"), 1)
        self.assertIn("figure--in-body", story)
        self.assertNotIn("At the terminal.", story)

    def test_a_changed_credit_reaches_the_cached_page_at_once(self):
        with self.settings(ARTICLES_FRAGMENT_CACHE="default"):
            self.page()
            self.picture.credit = "Harbour Press/Bo Lens"
            with self.captureOnCommitCallbacks(execute=True):
                self.picture.save()
            self.assertIn("Harbour Press/Bo Lens", self.page())


class QueryCountTests(TestCase):
    def queries_of_a_page_with(self, count):
        pictures = [make_picture(caption=f"Picture {n}") for n in range(count)]
        article = make_article(
            section=make_section(),
            body="".join(f"<p>Paragraph {n}.</p>{figure(p)}" for n, p in enumerate(pictures)),
        )
        url = article.get_absolute_url()
        self.client.get(url)
        with self.assertNumQueries(5) as queries:
            response = self.client.get(url)
        self.assertEqual(response.content.decode().count("figure--in-body"), count)
        return len(queries)

    def test_all_pictures_of_a_body_load_in_one_query(self):
        """The article page's four queries (test_query_counts), and the body's pictures in
        one more, whether the body places one picture or ten."""
        self.assertEqual(self.queries_of_a_page_with(1), self.queries_of_a_page_with(10))

    def test_feed_pictures_of_every_item_load_in_one_query(self):
        for number in range(3):
            make_article(body=f"<p>a</p>{figure(make_picture(caption=f'P{number}'))}")
        url = reverse("articles:feed_rss")
        self.client.get(url)
        with self.assertNumQueries(5):  # articles, bylines, captions, tags; pictures
            self.client.get(url)

    def test_api_page_pictures_load_in_one_query(self):
        for number in range(3):
            make_article(body=f"<p>a</p>{figure(make_picture(caption=f'P{number}'))}")
        url = reverse("articles:api_article_list")
        self.client.get(url)
        with self.assertNumQueries(6):  # count, page, bylines, captions, tags; pictures
            self.client.get(url)


class ElsewhereTests(TestCase):
    """Feeds, the API and structured data carry the placed pictures with absolute addresses."""

    @classmethod
    def setUpTestData(cls):
        cls.picture = make_picture()
        cls.article = make_article(body=f"<p>a</p>{figure(cls.picture, 'Here')}<p>b</p>")

    def assert_absolute_picture(self, html):
        placed = in_body(html)
        self.assertRegex(placed, r'<img [^>]*src="http://testserver/media/renditions/[^"]+"')
        for srcset in re.findall(r'srcset="([^"]+)"', placed):
            for entry in srcset.split(", "):
                self.assertTrue(entry.startswith("http://testserver/media/"), entry)
        self.assertIn('alt="Two cranes against a grey sky"', placed)
        self.assertIn("Harbour Press/Ana Lens", placed)

    def test_rss_and_atom_content(self):
        """Feed readers keep the picture (feedparser, as many, drops ``srcset``: the raw
        feed has it, absolute)."""
        for name in ("feed_rss", "feed_atom"):
            with self.subTest(feed=name):
                raw = self.client.get(reverse(f"articles:{name}")).content
                self.assert_absolute_picture(feedparser.parse(raw).entries[0].content[0].value)
                self.assertIn('srcset="http://testserver/media/renditions/', raw.decode())
                self.assertNotIn('"/media/', raw.decode())

    def test_json_feed_content_html(self):
        data = self.client.get(reverse("articles:feed_json")).json()
        self.assert_absolute_picture(data["items"][0]["content_html"])

    def test_api_body(self):
        url = reverse("articles:api_article_detail", args=[self.article.pk])
        self.assert_absolute_picture(self.client.get(url).json()["bodies"][0]["value"])

    def test_json_ld_associated_media(self):
        html = self.client.get(self.article.get_absolute_url()).content.decode()
        scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        article = next(d for d in map(json.loads, scripts) if d.get("@type") == "NewsArticle")
        (image,) = article["associatedMedia"]
        self.assertEqual(image["@type"], "ImageObject")
        self.assertRegex(image["url"], r"^http://testserver/media/renditions/.+\.jpg$")
        self.assertEqual((image["width"], image["height"]), (900, 600))
        self.assertEqual(image["creditText"], "Harbour Press/Ana Lens")


class EditorTests(TestCase):
    """The body's editor in the admin offers the library and embed cards."""

    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser("editor", password="pw")
        cls.cranes = make_picture()
        cls.portrait = make_picture(caption="The harbour master", credit="City Desk/Jo Doe")

    def setUp(self):
        self.client.force_login(self.editor)

    def test_the_body_editor_loads_the_story_extensions(self):
        html = self.client.get(reverse("admin:articles_article_add")).content.decode()
        config = json.loads(
            unescape(re.search(r'data-django-prose-editor-configurable="([^"]+)"', html)[1])
        )
        self.assertEqual(
            config["extensions"]["StoryPicture"],
            {"searchUrl": reverse("admin:articles_article_pictures")},
        )
        self.assertIs(config["extensions"]["EmbedCard"], True)
        self.assertIn("/static/articles/editor/story-media.js", config["js_modules"])
        self.assertIn("/static/articles/editor/story-media.css", html)

    def test_the_library_is_searched_by_caption_or_credit(self):
        url = reverse("admin:articles_article_pictures")
        for query, expected in (("master", [self.portrait]), ("ana lens", [self.cranes])):
            with self.subTest(query=query):
                results = self.client.get(url, {"q": query}).json()["results"]
                self.assertEqual([r["id"] for r in results], [p.pk for p in expected])
        (found,) = self.client.get(url, {"id": self.cranes.pk}).json()["results"]
        self.assertEqual(found["credit"], "Harbour Press/Ana Lens")
        self.assertEqual(found["alt_text"], "Two cranes against a grey sky")
        self.assertRegex(found["thumbnail"], r"^/media/renditions/.+-480\.jpg$")
        for value in ("x", "²", "9" * 30, "-1"):
            self.assertEqual(self.client.get(url, {"id": value}).json()["results"], [])

    def test_only_those_who_edit_articles_search_the_library(self):
        reader = get_user_model().objects.create_user("reader", password="pw", is_staff=True)
        self.client.force_login(reader)
        response = self.client.get(reverse("admin:articles_article_pictures"))
        self.assertEqual(response.status_code, 403)
