import io
import re

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase

from articles.editorial.publishing import missing_for_publication
from articles.models import Article, Author, Section


def load_demo():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


class LoadDemoTests(TestCase):
    def test_demo_site_is_complete_and_the_login_works(self):
        out = load_demo()
        articles = Article.objects.published().for_detail()
        self.assertEqual(articles.count(), 8)
        self.assertEqual(Section.objects.count(), 5)
        for article in articles:
            with self.subTest(article=article.headline):
                self.assertEqual(missing_for_publication(article), [])
                self.assertTrue(article.dek)
                self.assertTrue(article.section)
                self.assertTrue(article.bylines.all())
                self.assertTrue(article.tags.all())
                if article.lead_caption:
                    picture = article.lead_caption.picture
                    self.assertTrue(picture.image)
                    self.assertTrue(picture.alt_text)
                    self.assertEqual(picture.image_width, 1600)
        self.assertGreaterEqual(sum(1 for a in articles if a.lead_caption), 7)
        self.assertEqual(Author.objects.get(name="Zoë Hartmann").job_title, "Science correspondent")
        password = re.search(r"password '([^']+)'", out)[1]
        login = self.client.post(
            "/admin/login/", {"username": "editor", "password": password, "next": "/admin/"}
        )
        self.assertRedirects(login, "/admin/")
        user = get_user_model().objects.get(pk=self.client.session["_auth_user_id"])
        self.assertTrue(user.is_staff and user.has_perm("articles.publish_article"))
        home = self.client.get("/")
        self.assertContains(home, "Coastal states agree to limit deep-sea trawling")

    def test_running_again_adds_nothing(self):
        load_demo()
        out = load_demo()
        self.assertIn("0 new of 8", out)
        self.assertEqual(Article.objects.count(), 8)
