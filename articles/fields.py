"""Model fields with the app's rules built in."""

from django.db import models

from .validators import http_url_validator


class HttpURLField(models.URLField):
    """A web address: http or https only, surrounding white space removed whatever saves it.

    Pair it with ``http_url_q`` in a check constraint so the database holds the rule too.
    """

    default_validators = [http_url_validator]

    def pre_save(self, model_instance, add):
        value = (getattr(model_instance, self.attname) or "").strip()
        setattr(model_instance, self.attname, value)
        return value
