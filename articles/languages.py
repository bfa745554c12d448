"""Language tags (BCP 47, as HTML's ``lang`` and ninjs' ``language`` take them): pure, no
database. ``Article.language`` holds one, or nothing for the site's own (``LANGUAGE_CODE``)."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError

MAX_LENGTH = 35  # RFC 5646 asks every implementation to take tags of at least 35 characters
# Well-formed enough for a lang attribute: a language of 2 to 8 letters, then subtags of 1 to 8
# letters and digits (script, region, variants, extensions). Not checked against the registry.
_TAG = re.compile(r"[a-z]{2,8}(?:-[a-z0-9]{1,8})*")


def language_tag(value):
    """``value`` as a BCP 47 tag in the case RFC 5646 recommends ("en_gb" becomes "en-GB",
    "zh-hant-tw" "zh-Hant-TW"), or "" if it is not one."""
    text = value.strip().replace("_", "-").lower()
    if len(text) > MAX_LENGTH or not _TAG.fullmatch(text):
        return ""
    first, *rest = text.split("-")
    parts, extension = [first], False
    for part in rest:
        extension = extension or len(part) == 1  # after "-x-" or "-u-", all lower case
        if not extension and part.isalpha() and len(part) in (2, 4):
            part = part.upper() if len(part) == 2 else part.title()  # region, script
        parts.append(part)
    return "-".join(parts)


def validate_language_tag(value):
    if value and not language_tag(value):
        raise ValidationError(
            'Enter a language code such as "de", "en-GB" or "pt-BR" (BCP 47), or leave it '
            "empty for the site's language.",
            code="invalid_language",
        )


def site_language():
    """``LANGUAGE_CODE`` as a BCP 47 tag ("en-gb" becomes "en-GB")."""
    return language_tag(settings.LANGUAGE_CODE) or settings.LANGUAGE_CODE
