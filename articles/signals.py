"""Cache invalidation: the section navigation is cached, and dropped when a section changes."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Section

NAV_SECTIONS_KEY = "articles:nav_sections"


@receiver(post_save, sender=Section)
@receiver(post_delete, sender=Section)
def forget_nav_sections(**kwargs):
    cache.delete(NAV_SECTIONS_KEY)
