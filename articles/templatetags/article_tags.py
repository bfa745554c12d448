"""Template filters of the articles app."""

from django import template

register = template.Library()


@register.filter
def machine_time(value):
    """A datetime for a ``<time datetime>`` attribute: ISO 8601 to the second (HTML allows at
    most three decimals, Python gives six)."""
    return value.replace(microsecond=0).isoformat() if value else ""
