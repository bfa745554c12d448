"""An imported article's body opened in the admin's rich-text editor and saved unchanged: what
the editor can make (articles/sanitizer.py's EDITOR_EXTENSIONS: subheadings h2 to h6, tables,
code blocks, inline code, and the link card of an embed) is kept as it was; what only imports
make (footnote anchors, a figure around a quotation) gives way to plain content, its text
kept."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from articles.models import Article

from .browser import Problems, log_in, open_page
from .factories import make_full_article

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

KEPT = [
    "<h5>Method</h5>",
    "<h6>Appendix</h6>",
    "<th",
    "Berth",
    "<td",
    "9 m",
    "<pre><code>if depth &lt; 12:\n    dredge()</code></pre>",
    "<code>survey_depth()</code>",
    '<p class="embed"><a href="https://youtu.be/x" rel="noopener noreferrer"><strong>YouTube'
    "</strong> https://youtu.be/x</a></p>",
]
BODY = (
    '<p>Depths<sup id="fnref-1"><a href="#fn-1">1</a></sup> from <code>survey_depth()</code>'
    "</p><h5>Method</h5><h6>Appendix</h6><table><thead><tr><th>Berth</th></tr></thead><tbody>"
    "<tr><td>9 m</td></tr></tbody></table><pre><code>if depth &lt; 12:\n    dredge()</code></pre>"
    '<p class="embed"><a href="https://youtu.be/x"><strong>YouTube</strong> https://youtu.be/x'
    "</a></p><figure><blockquote><p>We will dredge.</p></blockquote><figcaption>The board"
    '</figcaption></figure><ol class="footnotes"><li id="fn-1">Admiralty chart.</li></ol>'
)


def test_an_imported_body_survives_a_save_in_the_editor(browser, site):
    get_user_model().objects.create_superuser("editor", password="correct horse battery")
    article = make_full_article(body=BODY)
    stored = Article.objects.get(pk=article.pk).body
    for part in KEPT:
        assert part in stored, part
    problems = Problems()
    page = open_page(browser, 1280, problems)
    log_in(
        page, site, "correct horse battery", then=f"/admin/articles/article/{article.pk}/change/"
    )
    expect(page.locator(".ProseMirror table")).to_be_visible()
    # A change, so that the editor writes its own serialization of the whole body.
    page.locator(".ProseMirror p", has_text="Depths").click()
    page.keyboard.press("Control+Home")  # the story's start, wherever the click wrapped
    page.keyboard.type("(revised) ")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    page.context.close()
    saved = Article.objects.get(pk=article.pk).body
    for part in KEPT:
        assert part in saved, (part, saved)
    assert "(revised)" in saved
    for text in ("Depths", "YouTube", "We will dredge.", "The board", "Admiralty chart."):
        assert text in saved, (text, saved)
    assert problems == []
