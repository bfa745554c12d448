"""Model fields with the app's rules built in."""

import uuid
from pathlib import PurePath

from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from .validators import http_url_validator

IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "webp", "gif")  # what uploads may be called
IMAGE_SUFFIXES = {f".{extension}" for extension in IMAGE_EXTENSIONS}


@deconstructible
class GeneratedName:
    """An ``upload_to`` that names stored files itself, in ``folder`` by year and month: a
    random name with the upload's image suffix (``.jpg`` if it has none), so that nothing of
    the uploader's file name or path reaches storage or the page."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        suffix = PurePath(filename).suffix.lower()
        suffix = suffix if suffix in IMAGE_SUFFIXES else ".jpg"
        return f"{self.folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other):
        return isinstance(other, GeneratedName) and other.folder == self.folder


class HttpURLField(models.URLField):
    """A web address: http or https only, surrounding white space removed whatever saves it.

    Pair it with ``http_url_q`` in a check constraint so the database holds the rule too.
    """

    default_validators = [http_url_validator]

    def pre_save(self, model_instance, add):
        value = (getattr(model_instance, self.attname) or "").strip()
        setattr(model_instance, self.attname, value)
        return value
