"""The statuses an article is saved in, and the editorial states derived from them, each
with its rule as a ``Q``: the one definition that ``ArticleQuerySet.published()`` and
``in_state()``, ``Article.is_published()`` and ``Article.state()`` share."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"
    WITHDRAWN = "withdrawn", "Withdrawn (legal)"


class State(models.TextChoices):
    """What an article is for readers and the desk: a status, with published split by
    whether readers see it yet."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    SCHEDULED = "scheduled", "Scheduled"
    EMBARGOED = "embargoed", "Embargoed"
    LIVE = "live", "Live"
    UNPUBLISHED = "unpublished", "Unpublished"
    WITHDRAWN = "withdrawn", "Withdrawn (legal)"


def published_q(prefix=""):
    """The published rule as a ``Q``, for use inside other queries (``Exists``, joins): status
    published, publication time reached, and no embargo still running."""
    now = timezone.now()
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}publish_at__lte": now}) & (
        Q(**{f"{prefix}embargo_until__isnull": True}) | Q(**{f"{prefix}embargo_until__lte": now})
    )


def state_q(state):
    """The rule of each editorial state as a ``Q``; ``Article.state()`` is the same for one
    article in memory. Embargoed wins over scheduled: an embargo still running holds the
    article whatever its publication time."""
    now = timezone.now()
    published = Q(status=Status.PUBLISHED)
    embargoed = published & Q(embargo_until__gt=now)
    if state == State.LIVE:
        return published_q()
    if state == State.EMBARGOED:
        return embargoed
    if state == State.SCHEDULED:
        return published & Q(publish_at__gt=now) & ~Q(embargo_until__gt=now)
    return Q(status=state)
