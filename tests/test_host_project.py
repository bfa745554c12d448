"""The README's "Using the app in your own site", followed to the letter by a minimal host
project (tests/host_project: its own settings, URLs under /news/ and base.html, nothing of the
newsroom project), in a fresh process."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent

VISIT = textwrap.dedent(
    """
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from articles.models import Article, Author, Byline, Section

    call_command("migrate", verbosity=0)
    section = Section.objects.create(name="City", slug="city")
    author = Author.objects.create(name="Ann Lee", slug="ann-lee")
    article = Article.objects.create(
        headline="Hosted story", slug="hosted-story", dek="A standfirst.",
        body="<p>Text.</p>", section=section, status="published",
    )
    Byline.objects.create(article=article, author=author)
    article.tags.add("Harbour")
    client = Client()
    pages = [
        "/news/", article.get_absolute_url(), "/news/sections/city/", "/news/authors/ann-lee/",
        "/news/tags/harbour/", "/news/search/?q=hosted", "/news/feeds/rss/",
        "/news/authors/ann-lee/feeds/atom/", f"/news/api/articles/{article.pk}/",
        "/news/api/openapi.json", "/news/sitemap.xml",
    ]
    for url in pages:
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
        host_page = "host-base" if b"The host's own header" in body else ""
        print(url, response.status_code, host_page, "Hosted story" in body.decode())
    get_user_model().objects.create_superuser("editor", password="pw")
    client.force_login(get_user_model().objects.get())
    print("admin", client.get("/admin/articles/article/").status_code)
    """
)


class HostProjectTests(SimpleTestCase):
    def test_the_readme_steps_make_a_working_site(self):
        environ = os.environ | {
            "DJANGO_SETTINGS_MODULE": "tests.host_project.settings",
            "ENV_FILE": "",
        }
        environ.pop("DATABASE_URL", None)
        result = subprocess.run(  # noqa: S603 (our own interpreter, fixed script)
            [sys.executable, "-c", VISIT],
            cwd=ROOT,
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        lines = dict(line.split(" ", 1) for line in result.stdout.splitlines())
        for url, seen in lines.items():
            with self.subTest(url):
                self.assertTrue(seen.startswith("200"), seen)
        article = next(url for url in lines if url.startswith("/news/20"))
        self.assertIn("host-base True", lines[article], "rendered in the host's base.html")
        self.assertIn("True", lines["/news/feeds/rss/"])
