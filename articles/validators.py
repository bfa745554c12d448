"""Checks applied to what editors and importers store: link schemes and upload sizes."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Q
from django.template.defaultfilters import filesizeformat

from . import conf

# URLField alone also allows ftp; readers' links must be web pages.
http_url_validator = URLValidator(
    schemes=["http", "https"], message="Enter a web address starting with http:// or https://."
)


def http_url_q(field):
    """``field`` is empty or starts with http:// or https://, as a ``Q`` for check constraints."""
    return (
        Q(**{field: ""})
        | Q(**{f"{field}__istartswith": "http://"})
        | Q(**{f"{field}__istartswith": "https://"})
    )


def validate_image_size(file):
    limit = conf.get("ARTICLES_MAX_IMAGE_BYTES")
    if file.size > limit:
        raise ValidationError(
            "This image is %(size)s; the limit is %(limit)s.",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            code="image_too_large",
        )
