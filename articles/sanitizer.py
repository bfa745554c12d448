"""The body HTML allow-list, shared by the admin editor and every other writer of ``Article.body``.

The allow-list is derived from the rich-text editor's own extension list, so what an editor can
make is exactly what survives sanitizing; links lose ``target`` and get ``rel="noopener
noreferrer"``, and only http, https and mailto URLs are kept.
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
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    # Spelling is checked by the browser, as in every other text box (the editor turns it off).
    "NoSpellCheck": False,
}

# C0 control characters other than tab, newline and carriage return: invalid in XML feeds.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _cleaner():
    allowlist = allowlist_from_extensions(EDITOR_EXTENSIONS)
    allowlist["attributes"]["a"] = set(allowlist["attributes"]["a"]) - {"rel"}
    allowlist["link_rel"] = "noopener noreferrer"
    allowlist["url_schemes"] = {"http", "https", "mailto"}
    return nh3.Cleaner(**allowlist)


_CLEANER = _cleaner()


def strip_control_characters(text):
    return CONTROL_CHARACTERS.sub("", text)


def sanitize_html(html):
    """Body HTML reduced to the allow-list; empty editor output becomes ``""``."""
    cleaned = _CLEANER.clean(strip_control_characters(html or "")).strip()
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned
