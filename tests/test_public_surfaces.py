"""One sweep: no article that is not public shows on any public page, in any state; and every
address that feeds and sitemaps give out answers an anonymous reader."""

import io
import json
import re
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from defusedxml import ElementTree
from django.core.management import call_command
from django.test import TestCase

from articles.models import Article, ReviewNote

from .factories import make_article, make_author, make_related_link, make_section, tomorrow

HIDDEN_STATES = {
    "draft": {"status": Article.Status.DRAFT, "publish_at": None},
    "dated draft": {"status": Article.Status.DRAFT},
    "in review": {"status": Article.Status.IN_REVIEW},
    "scheduled": {"publish_at": tomorrow()},
    "unpublished": {"status": Article.Status.UNPUBLISHED},
    "embargoed": {"embargo_until": tomorrow()},
    "withdrawn": {"status": Article.Status.WITHDRAWN},
}


class PublicSurfaceTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(slug="world")
        cls.author = make_author(slug="jane")
        cls.public = make_article(
            headline="Visible story", section=cls.section, authors=[cls.author], tags=["shared"]
        )
        cls.hidden = {
            state: make_article(
                headline=f"Hidden {state} story",
                section=cls.section,
                authors=[cls.author],
                tags=["shared", f"only {state}"],
                **fields,
            )
            for state, fields in HIDDEN_STATES.items()
        }
        for hidden in cls.hidden.values():
            make_related_link(cls.public, title="", url="", target=hidden)
        # Names that only one hidden article carries: its own author, section and tag.
        cls.alone = {
            state: make_article(
                headline=f"Lone {state} story",
                section=make_section(slug=f"lone-{slug(state)}"),
                authors=[make_author(name=f"Lone {state}", slug=f"lone-{slug(state)}")],
                tags=[f"lone {state}"],
                **fields,
            )
            for state, fields in HIDDEN_STATES.items()
        }

    def public_urls(self):
        return [
            "/",
            "/sections/world/",
            "/authors/jane/",
            "/tags/shared/",
            self.public.get_absolute_url(),
        ]


def slug(state):
    return state.replace(" ", "-")


class PublicSurfaceTests(PublicSurfaceTestCase):
    def test_names_carried_only_by_hidden_articles_have_no_page_feed_or_api_view(self):
        """An author, tag or section named only by an article that is not public: the author's
        and tag's pages, all three feeds of each, and their API views answer 404 (a section's
        page exists for the navigation, its feeds do not)."""
        for state in HIDDEN_STATES:
            name = f"lone-{slug(state)}"
            scopes = [f"/authors/{name}/", f"/tags/{name}/"]
            urls = [*scopes, f"/api/authors/{name}/", f"/api/tags/{name}/"]
            for scope in [*scopes, f"/sections/{name}/"]:
                urls += [f"{scope}feeds/{format}/" for format in ("rss", "atom", "json")]
            for url in urls:
                with self.subTest(state=state, url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 404)
                    self.assertNotContains(response, f"Lone {state}", status_code=404)

    def test_hidden_articles_appear_on_no_public_page(self):
        for url in self.public_urls():
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertContains(response, "Visible story")
            for state, article in self.hidden.items():
                with self.subTest(url=url, state=state):
                    self.assertNotContains(response, article.headline)
                    self.assertNotContains(response, article.get_absolute_url())

    def test_hidden_articles_cannot_be_reached_by_address_or_id(self):
        for state, article in self.hidden.items():
            gone = 410 if state == "withdrawn" else 404
            tag = f"/tags/only-{state.replace(' ', '-')}/"
            for url, status in (
                (article.get_absolute_url(), gone),
                (f"/api/articles/{article.pk}/", gone),
                (f"/preview/{article.pk}/", 404),
                (tag, 404),
                *((f"{tag}feeds/{format}/", 404) for format in ("rss", "atom", "json")),
            ):
                with self.subTest(state=state, url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, status)
                    self.assertNotContains(response, article.headline, status_code=status)


class EnumeratedSurfaceTests(PublicSurfaceTestCase):
    """Every public address of the site, found by following the site's own sitemaps and feeds,
    with the parameters someone might try to widen what they show."""

    FEEDS = ("rss", "atom", "json")
    WIDENING = ("", "?status=draft", "?preview=1", "?include_drafts=1", "?all=1", "?page=2")

    def addresses(self):
        """Pages, their feeds, search, sitemaps, and every page the sitemaps list."""
        scoped = ["", "sections/world/", "authors/jane/", "tags/shared/"]
        found = set(self.public_urls())
        found |= {f"/{scope}feeds/{format}/" for scope in scoped for format in self.FEEDS}
        found |= {f"/search/?q={word}" for word in ("hidden", "story", "shared", "only")}
        found |= {"/sitemap.xml", "/news-sitemap.xml", "/robots.txt"}
        found |= set(self.sitemap_locations())
        return sorted(found)

    def sitemap_locations(self):
        """Each ``<loc>`` of the sitemap index, of its sitemaps and of the news sitemap."""
        pending, seen = ["/sitemap.xml", "/news-sitemap.xml"], []
        while pending:
            response = self.client.get(pending.pop())
            self.assertEqual(response.status_code, 200)
            for loc in ElementTree.fromstring(response.content).iter():
                if loc.tag.endswith("}loc"):
                    address = urlsplit(loc.text)
                    path = address.path + (f"?{address.query}" if address.query else "")
                    if path not in seen:
                        seen.append(path)
                        if path.endswith(".xml") or "sitemap" in path:
                            pending.append(path)
        return seen

    def test_no_hidden_article_on_any_address_with_any_parameter(self):
        hidden = [(state, a.headline, a.get_absolute_url()) for state, a in self.hidden.items()]
        probes = 0
        for url in self.addresses():
            for extra in self.WIDENING:
                address = url + (extra if "?" not in url else extra.replace("?", "&"))
                response = self.client.get(address)
                self.assertLess(response.status_code, 500, address)
                body = response.content.decode()
                for state, headline, path in hidden:
                    probes += 1
                    with self.subTest(address=address, state=state):
                        self.assertNotIn(headline, body)
                        self.assertNotIn(path, body)
        self.assertGreater(probes, 1000)

    def test_every_address_in_feeds_and_sitemaps_answers(self):
        listed = set(self.sitemap_locations())
        for format in self.FEEDS:
            body = self.client.get(f"/feeds/{format}/").content.decode()
            if format == "json":
                items = json.loads(body)["items"]
                listed |= {urlsplit(item["url"]).path for item in items}
            else:
                listed |= {
                    urlsplit(link).path
                    for link in re.findall(r"(?:<link>|<link href=\")(http[^<\"]+)", body)
                }
        self.assertIn(self.public.get_absolute_url(), listed)
        for path in listed:
            with self.subTest(path):
                self.assertEqual(self.client.get(path).status_code, 200)

    def test_review_notes_are_on_no_public_address_in_no_search_and_in_no_export(self):
        """The desk's notes, on the public article and on every hidden one: on no page, feed,
        sitemap or API view (with any parameter), found by no search, in neither export."""
        secret = "Quillwort"  # in no article
        for article in [self.public, *self.hidden.values(), *self.alone.values()]:
            ReviewNote.objects.create(article=article, text=f"{secret}: check the mayor's name.")
        api = ["/api/articles/", f"/api/articles/{self.public.pk}/", "/api/authors/jane/"]
        api += ["/api/sections/world/", "/api/tags/shared/"]
        for url in [*self.addresses(), *api]:
            for extra in self.WIDENING:
                address = url + (extra if "?" not in url else extra.replace("?", "&"))
                with self.subTest(address=address):
                    self.assertNotIn(secret, self.client.get(address).content.decode())
        for words in (secret, "mayor"):
            with self.subTest(search=words):
                response = self.client.get(f"/search/?q={words}")
                self.assertEqual(response.context["paginator"].count, 0)
        ninjs = io.StringIO()
        call_command(
            "export_articles",
            all=True,
            site_url="https://x.example",
            stdout=ninjs,
            stderr=io.StringIO(),
        )
        self.assertIn("Visible story", ninjs.getvalue())
        self.assertNotIn(secret, ninjs.getvalue())
        with tempfile.TemporaryDirectory() as folder:
            call_command(
                "export_articles", format="text", all=True, output=folder, stderr=io.StringIO()
            )
            texts = [path.read_text(encoding="utf-8") for path in Path(folder).rglob("*.txt")]
        self.assertTrue(any("Visible story" in text for text in texts))
        self.assertFalse([text for text in texts if secret in text])

    def test_counts_leave_hidden_articles_out(self):
        for url in ("/", "/sections/world/", "/authors/jane/", "/tags/shared/"):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).context["paginator"].count, 1)
        search = self.client.get("/search/?q=story")
        self.assertEqual(search.context["paginator"].count, 1)
