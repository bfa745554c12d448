"""One sweep: no article that is not public shows on any public page, in any state."""

from django.test import TestCase

from articles.models import Article

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


class PublicSurfaceTests(TestCase):
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

    def public_urls(self):
        return [
            "/",
            "/sections/world/",
            "/authors/jane/",
            "/tags/shared/",
            self.public.get_absolute_url(),
        ]

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
            for url, status in (
                (article.get_absolute_url(), gone),
                (f"/preview/{article.pk}/", 404),
                (f"/tags/only-{state.replace(' ', '-')}/", 404),
            ):
                with self.subTest(state=state, url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, status)
                    self.assertNotContains(response, article.headline, status_code=status)
