"""Protections of the site and the admin, each shown failing its attack: response headers and
the Content Security Policy, admin login rate limits, sessions, roles, CSRF, hosts, link schemes,
control characters and uploads. (Stored XSS: ``test_xss.py``; faults: ``test_faults.py``.)"""

import ast
import base64
import hashlib
import re
import tracemalloc
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, SimpleTestCase, TestCase, override_settings
from taggit.models import Tag

from articles.importers.loader import load_article
from articles.importers.parser import parse_article
from articles.models import Article, Author, Picture, RelatedLink, Section
from articles.validators import validate_image_file

from .factories import image_file, make_article, make_author, make_caption, make_related_link
from .test_admin import AdminTestCase
from .test_images import png_header
from .test_workflow import article_form, user_in

ROOT = Path(__file__).resolve().parent.parent
LOGIN = "/admin/login/"
ENTITY_TRICKS = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "jav\tascript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://files.example/x",
    "&#106;avascript:alert(1)",
]


class HeaderTests(TestCase):
    """What every response tells the browser, in production settings (tests run DEBUG off)."""

    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(headline="Harbour")

    def test_public_pages_get_a_policy_without_inline_script(self):
        for url in ("/", self.article.get_absolute_url(), "/search/?q=harbour", "/nowhere/"):
            with self.subTest(url):
                response = self.client.get(url)
                policy = response["Content-Security-Policy"]
                self.assertIn("default-src 'self'", policy)
                self.assertIn("script-src 'self'", policy)
                self.assertIn("frame-ancestors 'none'", policy)
                self.assertIn("object-src 'none'", policy)
                self.assertNotIn("unsafe-inline", policy)
                self.assertNotIn("unsafe-eval", policy)
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(response["Referrer-Policy"], "same-origin")
                self.assertEqual(response["X-Frame-Options"], "DENY")

    def test_pages_hold_no_inline_script_that_the_policy_would_block(self):
        """Every ``<script>`` is structured data (never run) or loads a file of the site."""
        for url in ("/", self.article.get_absolute_url()):
            html = self.client.get(url).content.decode()
            for part in html.split("<script")[1:]:
                opening = part.split(">", 1)[0]
                self.assertTrue(
                    'type="application/ld+json"' in opening or "src=" in opening, opening
                )

    def test_the_admin_allows_its_editors_import_map_and_styles_and_nothing_else(self):
        """The only inline script of the admin, the editor's import map, is allowed by the
        hash of what the page holds; any other inline script stays blocked."""
        self.client.force_login(get_user_model().objects.create_superuser("root", password="p"))
        response = self.client.get("/admin/articles/article/add/")
        policy = response["Content-Security-Policy"]
        inline = re.findall(
            r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", response.content.decode(), re.DOTALL
        )
        self.assertEqual(len(inline), 1)  # the import map
        digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
        script_src = re.search(r"script-src ([^;]*)", policy)[1].split()
        self.assertEqual(script_src, ["'self'", f"'sha256-{digest}'"])
        self.assertIn("style-src 'self' 'unsafe-inline'", policy)

    def test_admin_responses_are_never_stored(self):
        self.client.force_login(get_user_model().objects.create_superuser("root", password="p"))
        for url in ("/admin/", "/admin/articles/article/", LOGIN):
            with self.subTest(url):
                self.assertIn("no-store", self.client.get(url)["Cache-Control"])

    def test_unknown_hosts_are_refused(self):
        for host in ("evil.example", "testserver.evil.example", "localhost:8000@evil.example"):
            with self.subTest(host):
                self.assertEqual(self.client.get("/", headers={"host": host}).status_code, 400)

    @override_settings(ARTICLES_SITE_URL="https://news.example.org")
    def test_absolute_links_come_from_the_configured_site_address(self):
        for url in ("/feeds/rss/", "/sitemap.xml", self.article.get_absolute_url()):
            with self.subTest(url):
                body = self.client.get(url).content.decode()
                self.assertIn("https://news.example.org/", body)
                self.assertNotIn("http://testserver/", body)


@override_settings(AXES_FAILURE_LIMIT=3)
class LoginRateLimitTests(TestCase):
    """Failed logins lock out one username from one address, answered 429; other editors, and
    the same editor from their own address, still log in."""

    @classmethod
    def setUpTestData(cls):
        cls.ann = get_user_model().objects.create_superuser("ann", password="right-password")
        cls.bob = get_user_model().objects.create_superuser("bob", password="bob-password")

    def login(self, username, password, address="203.0.113.7"):
        client = Client(REMOTE_ADDR=address)
        return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})

    def test_repeated_failures_lock_the_username_from_that_address(self):
        for _ in range(2):
            self.assertEqual(self.login("ann", "guess").status_code, 200)
        self.assertEqual(self.login("ann", "guess").status_code, 429)  # the third failure
        locked = self.login("ann", "right-password")
        self.assertEqual(locked.status_code, 429)
        self.assertNotIn("sessionid", locked.cookies)

    def test_an_attacker_cannot_lock_everyone_out(self):
        for _ in range(5):
            self.login("ann", "guess")
        self.assertRedirects(self.login("bob", "bob-password"), "/admin/")
        self.assertRedirects(self.login("ann", "right-password", "198.51.100.4"), "/admin/")

    def test_the_lock_ends_after_the_cool_off(self):
        for _ in range(3):
            self.login("ann", "guess")
        with override_settings(AXES_COOLOFF_TIME=timedelta(seconds=-1)):
            self.assertRedirects(self.login("ann", "right-password"), "/admin/")


class SessionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_superuser("ann", password="right-password")

    def test_the_session_key_changes_on_login(self):
        session = self.client.session
        session["seen"] = True
        session.save()
        before = session.session_key
        self.client.post(LOGIN, {"username": "ann", "password": "right-password"})
        self.assertNotEqual(self.client.session.session_key, before)
        self.assertEqual(self.client.session["_auth_user_id"], str(self.user.pk))

    def test_logout_needs_a_post(self):
        self.client.force_login(self.user)
        self.assertEqual(self.client.get("/admin/logout/").status_code, 405)
        self.assertIn("_auth_user_id", self.client.session)
        self.client.post("/admin/logout/")
        self.assertNotIn("_auth_user_id", self.client.session)


class RoleTests(TestCase):
    """Writers and editors run the newsroom, not its accounts."""

    def test_roles_hold_no_account_permission(self):
        for name in ("Writer", "Editor"):
            with self.subTest(name):
                granted = Group.objects.get(name=name).permissions
                self.assertFalse(granted.filter(content_type__app_label="auth").exists())

    def test_an_editor_cannot_reach_accounts_or_make_a_superuser(self):
        editor = user_in("Editor", "ed")
        writer = user_in("Writer", "wri")
        self.client.force_login(editor)
        for url in ("/admin/auth/user/", f"/admin/auth/user/{writer.pk}/change/"):
            self.assertEqual(self.client.get(url).status_code, 403)
        response = self.client.post(
            f"/admin/auth/user/{writer.pk}/change/",
            {"username": "wri", "is_superuser": "on", "is_staff": "on", "is_active": "on"},
        )
        self.assertEqual(response.status_code, 403)
        writer.refresh_from_db()
        self.assertFalse(writer.is_superuser)
        self.assertFalse(editor.has_perm("auth.change_user"))


class RequestDataTests(SimpleTestCase):
    def test_request_data_is_never_expanded_into_keyword_arguments(self):
        """``filter(**request.GET)`` would let a reader choose the lookups (CVE-2025-64459 was
        such a hole in Django itself): no ``**`` of anything read from a request, anywhere."""
        expansions = []
        for path in (ROOT / "articles").rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                for keyword in getattr(node, "keywords", []):
                    if keyword.arg is None:  # a ** argument
                        expansions.append((path.name, node.lineno, ast.unparse(keyword.value)))
        self.assertTrue(expansions)  # the scan sees the code's own ** arguments
        for name, line, value in expansions:
            self.assertNotRegex(value, r"request|GET|POST|META|COOKIES", f"{name}:{line}")


class CsrfAndPermissionTests(AdminTestCase):
    """Direct POSTs, as a forged form or a script would send them."""

    def test_state_changing_admin_requests_need_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.editor)
        article = make_article(headline="Steady")
        requests = [
            ("/admin/articles/article/add/", self.article_form()),
            (f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"}),
            (
                "/admin/articles/article/",
                {"action": "unpublish", "_selected_action": [article.pk]},
            ),
            ("/admin/logout/", {}),
        ]
        for url, data in requests:
            with self.subTest(url):
                self.assertEqual(client.post(url, data).status_code, 403)
        self.assertEqual(Article.objects.get().headline, "Steady")
        self.assertEqual(Article.objects.get().status, Article.Status.PUBLISHED)

    def test_a_writer_cannot_publish_delete_or_edit_authors_by_direct_post(self):
        writer = user_in("Writer", "wri")
        article = make_article(headline="Draft", status=Article.Status.DRAFT, created_by=writer)
        author = make_author(name="Ann")
        self.client.force_login(writer)
        attempts = [
            ("/admin/articles/article/", {"action": "publish", "_selected_action": [article.pk]}),
            (f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"}),
            (f"/admin/articles/author/{author.pk}/change/", {"name": "Renamed", "slug": "x"}),
            ("/admin/articles/section/add/", {"name": "New", "slug": "new", "order": 0}),
            (
                "/admin/articles/article/add/",
                article_form(status=Article.Status.PUBLISHED, slug="sneaky"),
            ),
        ]
        for url, data in attempts:
            with self.subTest(url):
                self.client.post(url, data)
        article.refresh_from_db()
        self.assertEqual(article.status, Article.Status.DRAFT)
        self.assertEqual(Author.objects.get(pk=author.pk).name, "Ann")
        self.assertFalse(Section.objects.filter(slug="new").exists())
        self.assertFalse(Article.objects.published().exists())


class LinkSchemeTests(AdminTestCase):
    """Only http and https links are stored, whatever the casing, spacing or entities, from
    the admin, from code and from the importer; the database refuses the rest too."""

    def test_the_admin_refuses_other_schemes(self):
        for url in ENTITY_TRICKS:
            with self.subTest(url):
                data = self.article_form(**{"related_links-0-url": url, "captions-0-image": ""})
                response = self.client.post("/admin/articles/article/add/", data)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'id="id_related_links-0-url_error"')
        self.assertFalse(RelatedLink.objects.exists())

    def test_models_refuse_other_schemes(self):
        article = make_article()
        for url in ENTITY_TRICKS:
            with self.subTest(url):
                with self.assertRaises(ValidationError):
                    RelatedLink(article=article, title="x", url=url).full_clean()
                with self.assertRaises(ValidationError):
                    Author(name="x", slug="x", website=url).full_clean()

    def test_the_database_refuses_them_from_code_that_skips_validation(self):
        from django.db import IntegrityError, transaction

        article = make_article()
        for url in ("javascript:alert(1)", "data:text/html,x", "JAVASCRIPT:x"):
            with self.subTest(url), self.assertRaises(IntegrityError), transaction.atomic():
                make_related_link(article, url=url)

    def test_imported_links_are_kept_only_as_titles(self):
        text = (
            "Harbour reopens\nBy Ann Lee\n\nShips are back in the harbour today, and the quay "
            "is busy again after months of repairs.\n\nRelated: Earlier closure "
            + "jav&#x09;ascript:alert(1)\n"
        )
        parsed = parse_article(text)
        article = load_article(parsed, source="/imports/harbour.txt", checksum="x").article
        for link in article.related_links.all():
            self.assertFalse(link.url)


class ControlCharacterTests(TestCase):
    """C0 control characters (which XML feeds cannot carry) never reach the database."""

    def test_every_text_field_is_cleaned_on_save(self):
        dirty = "Har\x00bo\x08ur\x1b \x0bnews\x7f"
        section = Section.objects.create(name=dirty, slug="harbour")
        author = Author.objects.create(name=dirty, slug="ann", bio=dirty, job_title=dirty)
        article = make_article(headline=dirty, dek=dirty, body=f"<p>{dirty}</p>", section=section)
        caption = make_caption(article, text=dirty, credit=dirty, alt_text=dirty)
        link = make_related_link(article, title=dirty, url="https://example.com/")
        tag = Tag.objects.create(name=dirty, slug="harbour-news")
        for instance in (section, author, article, caption, link, tag):
            instance.refresh_from_db()
            for field in instance._meta.concrete_fields:
                value = getattr(instance, field.attname)
                if isinstance(value, str):
                    with self.subTest(model=type(instance).__name__, field=field.name):
                        self.assertNotRegex(value, r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
        self.assertEqual(article.headline, "Harbour news")

    def test_feeds_serialize_content_that_had_them(self):
        make_article(headline="Storm\x0c warning", dek="Wind\x1f and rain")
        for url in ("/feeds/rss/", "/feeds/atom/", "/feeds/json/"):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Storm warning")


class TemplateInjectionTests(TestCase):
    def test_content_is_never_rendered_as_a_template(self):
        article = make_article(
            headline="Sum {{ 7|add:7 }}", body="<p>{% now 'Y' %} {{ 7|add:7 }}</p>"
        )
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "{{ 7|add:7 }}")
        self.assertContains(response, "<p>{% now 'Y' %} {{ 7|add:7 }}</p>")
        self.assertNotContains(response, "Sum 14")


class UploadTests(TestCase):
    """Only real JPEG, PNG, WebP and GIF images are stored, under names of the site's own."""

    def test_other_images_and_disguised_files_are_refused_with_a_message(self):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
        html = b"<html><script>alert(1)</script></html>"
        tiff, bmp = image_file(format="TIFF").read(), image_file(format="BMP").read()
        truncated = image_file().read()[:200]
        for name, content in (
            ("logo.svg", svg),
            ("photo.jpg", svg),
            ("photo.png", html),
            ("photo.jpg", tiff),
            ("photo.gif", bmp),
            ("photo.jpg", truncated),
        ):
            with self.subTest(name=name, start=content[:10]):
                picture = Picture(image=SimpleUploadedFile(name, content))
                with self.assertRaises(ValidationError) as refused:
                    picture.full_clean()
                self.assertIn("image", str(refused.exception))

    def test_a_decompression_bomb_is_refused_from_its_header_with_little_memory(self):
        """A PNG whose header claims 60,000 × 60,000 pixels: refused before any decoding."""
        upload = SimpleUploadedFile("bomb.png", png_header(60_000, 60_000))
        tracemalloc.start()
        with self.assertRaisesMessage(ValidationError, "too many pixels"):
            validate_image_file(upload)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        self.assertLess(peak, 2 * 1024 * 1024)

    def test_stored_names_are_generated(self):
        upload = image_file(name="../../etc/Évil name<script>.JPG")
        picture = make_caption(make_article(), image=upload).picture
        name = picture.image.name
        self.assertRegex(name, r"^pictures/\d{4}/\d{2}/[0-9a-f]{32}\.jpg$")
        author = make_author(photo=image_file(name="C:\\Users\\ann\\me.png", format="PNG"))
        self.assertRegex(author.photo.name, r"^authors/\d{4}/\d{2}/[0-9a-f]{32}\.png$")
