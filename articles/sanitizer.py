"""The body HTML allow-list, shared by the admin editor and every other writer of ``Article.body``.

The allow-list is derived from the rich-text editor's own extension list, so what an editor can
make survives sanitizing: subheadings (h2 to h6), lists, quotations, tables, code and code
blocks among them, so that an imported article opened in the editor keeps them; links lose
``target`` and get ``rel="noopener noreferrer"``, and only http, https and mailto URLs are kept.

Imported bodies (``importers/wpbody.py``) also hold a few things the editor does not make, which
are allowed by name (``IMPORTED``) and turn into plain content if an editor saves the article: a
``<figure>`` with a ``<figcaption>`` around a table or quotation, and footnotes (``<ol
class="footnotes">``, whose items and references carry ``id="fn-1"`` and ``id="fnref-1"``, the
only ids kept, so that a body cannot name an element of the page around it). The link card of
an embed (``<p class="embed">``, a link and no player) is both imported and made by the admin's
editor (``articles/editorial/editor.py``).

Pictures of the library placed in the story (``articles/reader/body.py``) are a ``<figure
data-picture="42">`` holding at most a ``<figcaption>``: ``data-picture`` is the only attribute
a figure keeps, and only as a whole number, the id of a ``Picture``; the page draws the picture
itself from the library when it renders.
"""

import re

import nh3
from django_prose_editor.config import allowlist_from_extensions

EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4, 5, 6]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Code": True,
    "CodeBlock": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    # Spelling is checked by the browser, as in every other text box (the editor turns it off).
    "NoSpellCheck": False,
}

# What imported bodies hold beyond what the editor makes (see the module docstring).
IMPORTED = {
    "tags": {"figure", "figcaption"},
    "classes": {"p": {"embed"}, "ol": {"footnotes"}},
    "ids": {"sup", "li"},
}
_FOOTNOTE_ID = re.compile(r"^fn(?:ref)?-[1-9][0-9]{0,3}$")
PICTURE_ATTRIBUTE = "data-picture"
_PICTURE_ID = re.compile(r"^[1-9][0-9]{0,17}$")

# C0 control characters other than tab, newline and carriage return (invalid in XML feeds),
# DEL and the C1 controls (``\x9b`` is a terminal escape): never text. The one rule of them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _keep_footnote_ids_and_picture_numbers(element, attribute, value):
    if attribute == "id" and not _FOOTNOTE_ID.match(value):
        return None
    if attribute == PICTURE_ATTRIBUTE and not _PICTURE_ID.match(value):
        return None
    return value


def _cleaner():
    allowlist = allowlist_from_extensions(EDITOR_EXTENSIONS)
    allowlist["attributes"]["a"] = set(allowlist["attributes"]["a"]) - {"rel"}
    allowlist["link_rel"] = "noopener noreferrer"
    allowlist["url_schemes"] = {"http", "https", "mailto"}
    allowlist["tags"] |= IMPORTED["tags"]
    classes = allowlist.setdefault("allowed_classes", {})
    for tag, values in IMPORTED["classes"].items():
        classes[tag] = set(classes.get(tag, ())) | values
    for tag in IMPORTED["ids"]:
        allowlist["attributes"][tag] = {*allowlist["attributes"].get(tag, ()), "id"}
    allowlist["attributes"]["figure"] = {PICTURE_ATTRIBUTE}
    allowlist["attribute_filter"] = _keep_footnote_ids_and_picture_numbers
    return nh3.Cleaner(**allowlist)


_CLEANER = _cleaner()


def strip_control_characters(text):
    """``text`` without control characters: every text field on save (``signals.py``), every
    parsed import, cleaned HTML, search queries and entries."""
    return CONTROL_CHARACTERS.sub("", text)


def sanitize_html(html):
    """Body HTML reduced to the allow-list; empty editor output becomes ``""``. Control
    characters go after cleaning: a character reference (``&#1;``) becomes one there."""
    cleaned = strip_control_characters(_CLEANER.clean(html or "")).strip()
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned
