"""Checks applied to what editors and importers store: link schemes and uploaded images."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from PIL import Image

from . import conf

# The formats every browser shows, and the only decoders Pillow may try on a picture (JPEG's
# also reads MPO, the JPEG that cameras write with a preview inside): a file that none of them
# recognises is refused without reaching the dozens of others Pillow has.
IMAGE_DECODERS = ("JPEG", "PNG", "WEBP", "GIF")

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


def validate_image_file(file):
    """A real JPEG, PNG, WebP or GIF image of at most ``ARTICLES_MAX_IMAGE_PIXELS`` pixels,
    recognised by its content with no other decoder of Pillow's tried (other formats, SVG and
    HTML named .jpg get the same message as damaged files).

    The pixel count comes from the header, before anything is decoded: a small file can hold a
    picture that takes gigabytes to decode (a decompression bomb). A file already stored was
    checked when it was uploaded, and is not read again.
    """
    if getattr(file, "_committed", False):  # a FieldFile already in storage
        return
    limit = conf.get("ARTICLES_MAX_IMAGE_PIXELS")
    file.seek(0)
    try:
        with Image.open(file, formats=IMAGE_DECODERS) as image:
            width, height = image.size
            if width * height > limit:
                raise ValidationError(
                    "This image is %(width)s × %(height)s pixels; the limit is %(limit)s "
                    "million pixels.",
                    params={"width": width, "height": height, "limit": f"{limit / 1e6:g}"},
                    code="image_too_many_pixels",
                )
            image.verify()
    except Image.DecompressionBombError as error:
        raise ValidationError(
            "This image has too many pixels; the limit is %(limit)s million pixels.",
            params={"limit": f"{limit / 1e6:g}"},
            code="image_too_many_pixels",
        ) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            "This file is not a JPEG, PNG, WebP or GIF image, or it is damaged: upload one "
            "of those.",
            code="unaccepted_image",  # not "invalid_image": forms would put their own message
        ) from error
    finally:
        file.seek(0)
