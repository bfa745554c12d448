"""The reader design (static/css/site.css) in a real browser, as tests/test_browser.py runs it:
colour schemes, print, reduced motion, keyboard focus, the measure of the text, and phones.
Each test fails when the part of the stylesheet it names is taken out.
"""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Correction, Picture

from .browser import Problems, assert_fits, open_page
from .factories import make_author, make_full_article, make_related_link

# The browser tests' fixtures: a Chromium, and the live server's address.

# As in tests/test_browser.py: committed rows, for the live server's thread to see.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Every transition and animation of an element, its scroll behaviour: nothing moves if empty.
MOVING = """() => [document.documentElement, ...document.querySelectorAll('*')].flatMap(el => {
  const style = getComputedStyle(el);
  const moves = [style.transitionDuration, style.animationDuration].some(
    durations => durations.split(',').some(duration => parseFloat(duration) > 0));
  return moves || style.scrollBehavior !== 'auto' ? [el.outerHTML.slice(0, 80)] : [];
})"""

# How many characters the first line of a paragraph holds, read from where the line breaks.
FIRST_LINE = """p => {
  const text = p.firstChild, range = document.createRange();
  const top = i => (range.setStart(text, i), range.setEnd(text, i + 1),
                    range.getBoundingClientRect().top);
  const first = top(0);
  let i = 1;
  while (i < text.length && top(i) < first + 1) i++;
  return i;
}"""


def luminance(colour):
    """The relative luminance (WCAG 2) of a computed colour, ``rgb(…)`` or ``rgba(…)``."""
    channels = [float(part) / 255 for part in re.findall(r"[\d.]+", colour)[:3]]
    red, green, blue = (
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    )
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one, other):
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def style(locator, *properties):
    return locator.evaluate(
        "(el, names) => names.map(name => getComputedStyle(el)[name])", list(properties)
    )


def article_with_correction():
    article = make_full_article()
    Correction.objects.create(article=article, text="An earlier version misnamed the ship.")
    return article


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_follow_the_reader_colour_scheme(browser, site, scheme):
    """Light text on dark paper for a reader who prefers dark (prefers-color-scheme), dark on
    light otherwise, and the article's text at least 4.5:1 on its paper in both."""
    article = article_with_correction()
    problems = Problems()
    page = open_page(browser, 1280, problems)
    page.emulate_media(color_scheme=scheme)
    page.goto(site + article.get_absolute_url())
    paper, ink = style(page.locator("body"), "backgroundColor", "color")
    if scheme == "dark":
        assert luminance(paper) < 0.02 and luminance(ink) > 0.7, (paper, ink)
    else:
        assert luminance(paper) > 0.9 and luminance(ink) < 0.02, (paper, ink)
    for selector in (
        ".story__headline",
        ".dek",
        ".breadcrumbs a",
        ".byline",
        ".byline__credit",
        ".story__dates",
        "figcaption",
        ".credit",
        ".story__body p",
        ".story__body a",
        ".topics__list a",
        ".related__list a",
    ):
        (colour,) = style(page.locator(selector).first, "color")
        assert contrast(colour, paper) >= 4.5, (selector, colour, paper)
    page.context.close()
    assert problems == []


def test_print_shows_the_article_alone(browser, site):
    """Printed, an article is its headline, byline, pictures, text and corrections, in black,
    with the address of each outside link spelled out; no navigation, search or footer."""
    article = article_with_correction()
    problems = Problems()
    page = open_page(browser, 1280, problems)
    page.emulate_media(media="print", color_scheme="dark")
    page.goto(site + article.get_absolute_url())
    for selector in (".sections", ".breadcrumbs", ".site-search", ".site-footer", ".read-next"):
        expect(page.locator(selector)).to_be_hidden()
    expect(page.locator(".story__footer")).to_be_hidden()  # topics and related links
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_be_visible()
    expect(main.locator(".story__meta")).to_be_visible()
    expect(main.locator(".figure--lead img")).to_be_visible()
    expect(main.locator(".figure--lead figcaption")).to_be_visible()
    expect(main.locator(".corrections")).to_be_visible()
    for paragraph in main.locator(".story__body p").all():
        expect(paragraph).to_be_visible()
    (ink,) = style(main.locator(".story__body p").first, "color")
    assert ink == "rgb(0, 0, 0)"
    link = main.locator(".story__body a")
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert after == f'" ({link.get_attribute("href")})"'
    page.context.close()
    assert problems == []


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_motion_follows_the_reader_preference(browser, site, motion):
    """Smooth scrolling and the links' short transitions only for readers who have not asked
    for less motion (prefers-reduced-motion); with ``reduce``, nothing on the page moves."""
    article = make_full_article()
    problems = Problems()
    page = open_page(browser, 1280, problems)
    page.emulate_media(reduced_motion=motion)
    page.goto(site + article.get_absolute_url())
    moving = page.evaluate(MOVING)
    if motion == "reduce":
        assert moving == []
    else:
        (scrolling,) = style(page.locator("html"), "scrollBehavior")
        assert scrolling == "smooth"
        for link in (".sections__list a", ".topics__list a"):
            (duration,) = style(page.locator(link).first, "transitionDuration")
            assert duration == "0.15s", link
    page.context.close()
    assert problems == []


def test_keyboard_focus_is_visible(browser, site):
    """Tabbing shows the skip link first, then rings each link or control with a 3px outline
    that stands out 3:1 from the paper; in the dark footer too."""
    article = make_full_article()
    problems = Problems()
    page = open_page(browser, 1280, problems)
    page.goto(site + article.get_absolute_url())
    (paper,) = style(page.locator("body"), "backgroundColor")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["width"] > 100  # shown, no longer clipped to nothing
    for _ in range(8):
        focused = page.locator(":focus")
        outline, width, colour = style(focused, "outlineStyle", "outlineWidth", "outlineColor")
        name = focused.evaluate("el => el.outerHTML.slice(0, 60)")
        assert outline == "solid" and width == "3px", (name, outline, width)
        assert contrast(colour, paper) >= 3, (name, colour, paper)
        page.keyboard.press("Tab")
    last = page.locator(".site-footer a").last
    last.focus()  # after the Tab presses, focus moved by a script shows its ring too
    (footer,) = style(page.locator(".site-footer"), "backgroundColor")
    outline, colour = style(last, "outlineStyle", "outlineColor")
    assert outline == "solid" and contrast(colour, footer) >= 3, (colour, footer)
    page.context.close()
    assert problems == []


def test_article_text_keeps_a_readable_measure(browser, site):
    """On a wide screen the article's lines hold 45 to 80 characters, not the window's width."""
    article = make_full_article()
    problems = Problems()
    page = open_page(browser, 1280, problems)
    page.goto(site + article.get_absolute_url())
    paragraphs = page.locator(".story__body > p:not(:has(*))").all()  # text alone
    lines = [paragraph.evaluate(FIRST_LINE) for paragraph in paragraphs]
    page.context.close()
    assert len(lines) == 14
    assert all(45 <= length <= 80 for length in lines), lines
    assert problems == []


def test_pages_fit_a_360px_phone(browser, site):
    """Long words, names, addresses and headlines wrap: no page scrolls sideways on a phone."""
    word = "Supercalifragilisticexpialidocious" * 2
    author = make_author(name=f"Margarethe {word}", slug="long-name")
    article = make_full_article(
        headline=f"Harbour {word} reopens",
        body=f"<p>A {word} word.</p><p><a href='https://example.com/{word}'>{word}</a></p>",
        tags=[word, "Harbour"],
    )
    article.bylines.create(author=author, order=5)
    make_related_link(article, title=word, url=f"https://example.com/{word}")
    article.captions.update(text=word)
    Picture.objects.filter(captions__article=article).update(credit=word)
    problems = Problems()
    page = open_page(browser, 360, problems)
    for url in (
        article.get_absolute_url(),
        "/",
        "/sections/harbour/",
        "/authors/long-name/",
        "/tags/harbour/",
        "/search/?q=harbour",
        "/nowhere/",
    ):
        page.goto(site + url)
        assert_fits(page, 360)
    page.context.close()
    assert [problem for problem in problems if "/nowhere/" not in problem] == []


# Blocks imported bodies hold (articles/importers/wpbody.py), after the sanitizer: a wide table
# and a long line of code, minor headings, inline code, an embed's link card, footnotes.
WIDE_ROW = "".join(f"<td>Reading{n:02d}</td>" for n in range(10))
IMPORTED_BODY = (
    '<p>Depths<sup id="fnref-1"><a href="#fn-1">1</a></sup> by berth, from '
    "<code>survey_depth()</code>:</p><h5>Method</h5><h6>Appendix</h6>"
    f"<table><thead><tr>{WIDE_ROW.replace('td>', 'th>')}</tr></thead><tbody><tr>{WIDE_ROW}"
    "</tr></tbody></table>"
    "<pre><code>if depth(berth) &lt; 12: dredge(berth, to=14, crew='night', vessel='Aster')"
    " and notify(harbour_master, board)\n    survey_again()</code></pre>"
    '<p class="embed"><a href="https://www.youtube.com/watch?v=HarbourDredge"><strong>YouTube'
    "</strong> https://www.youtube.com/watch?v=HarbourDredge</a></p>"
    "<figure><blockquote><p>We will dredge.</p></blockquote><figcaption>The board</figcaption>"
    '</figure><ol class="footnotes"><li id="fn-1">Admiralty chart. <a href="#fnref-1">↩</a>'
    "</li></ol>"
)
GROUND = """el => { for (; el; el = el.parentElement) {
  const colour = getComputedStyle(el).backgroundColor;
  if (colour !== 'rgba(0, 0, 0, 0)') return colour;
} }"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_imported_blocks_are_styled_in_both_schemes_and_fit_a_phone(browser, site, scheme):
    """On a 360px phone a wide table and a long line of code scroll sideways inside the text
    column (the page does not); code is monospace on a raised ground, h5 and h6 are labels, an
    embed is a card with the accent rule, footnotes sit under a rule; and every one of them
    keeps its text 4.5:1 on its ground, light or dark."""
    article = make_full_article(body=IMPORTED_BODY)
    problems = Problems()
    page = open_page(browser, 360, problems)
    page.emulate_media(color_scheme=scheme)
    page.goto(site + article.get_absolute_url())
    assert_fits(page, 360)
    body = page.locator(".story__body")
    for selector in ("table", "pre"):
        block = body.locator(selector)
        (overflow,) = style(block, "overflowX")
        assert overflow == "auto", selector
        assert block.evaluate("el => el.scrollWidth > el.clientWidth + 50"), selector
        assert block.bounding_box()["width"] <= 360, selector
    family, space = style(body.locator("pre"), "fontFamily", "whiteSpace")
    assert "monospace" in family and space == "pre"
    assert "monospace" in style(body.locator("p code"), "fontFamily")[0]
    for heading in ("h5", "h6"):
        assert style(body.locator(heading), "textTransform") == ["uppercase"], heading
    assert style(body.locator(".embed"), "borderLeftWidth") == ["4px"]
    assert style(body.locator(".footnotes"), "borderTopStyle") == ["solid"]
    for selector in ("pre", "p code", "th", "td", ".embed a", "h5", "h6", ".footnotes li"):
        element = body.locator(selector).first
        (colour,) = style(element, "color")
        ground = element.evaluate(GROUND)
        assert contrast(colour, ground) >= 4.5, (selector, colour, ground)
    page.context.close()
    assert problems == []
