"""Checks shared by the models' fields: pictures and addresses."""

from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models

from ..fields import IMAGE_EXTENSIONS
from ..validators import http_url_q, validate_image_file, validate_image_size

IMAGE_VALIDATORS = [
    FileExtensionValidator(IMAGE_EXTENSIONS),
    validate_image_size,
    validate_image_file,
]
FOCAL_VALIDATORS = [MinValueValidator(0.0), MaxValueValidator(1.0)]


def http_url_constraint(field, model):
    """A database check that ``field`` is empty or an http(s) URL, whatever wrote the row."""
    return models.CheckConstraint(
        condition=http_url_q(field), name=f"articles_{model}_{field}_http_only"
    )
