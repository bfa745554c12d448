"""The desk's talk about an article, never published: review notes, and who has the article
open in the admin now."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from .. import conf


def person(user):
    """How the desk names a user: full name, else username."""
    if user is None:
        return "A former colleague"
    return user.get_full_name() or user.get_username()


class ReviewNote(models.Model):
    """A dated note a reviewer or a writer leaves on an article. Never shown to readers (no
    page, feed, API, search or export reads it); kept until the article is deleted."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="review_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(
        max_length=4000,
        help_text="For the desk only, never published: what to check, what you changed.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"{person(self.author)}, {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    def author_name(self):
        return person(self.author)


class PresenceQuerySet(models.QuerySet):
    def current(self):
        """Entries seen within ``ARTICLES_PRESENCE_TIMEOUT`` seconds: older ones are pages
        closed without a word (a crash, a lost connection)."""
        return self.filter(seen_at__gte=Presence.expiry())


class Presence(models.Model):
    """Someone has an article's change form open: kept in the database, so every app server
    sees it. The form's script renews it (``seen()``) and ends it on leaving (``left()``)."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    page = models.CharField(
        max_length=32,
        help_text="The page view that renewed it last: closing an older one keeps the entry.",
    )
    since = models.DateTimeField()
    seen_at = models.DateTimeField()

    objects = PresenceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="articles_presence_unique")
        ]

    def __str__(self):
        return f"{person(self.user)} since {timezone.localtime(self.since):%H:%M}"

    @staticmethod
    def expiry():
        return timezone.now() - timedelta(seconds=conf.get("ARTICLES_PRESENCE_TIMEOUT"))

    @classmethod
    def seen(cls, article, user, page):
        """``user`` has ``article`` open on ``page``: since the first time seen, unless the
        entry had expired. Expired entries go (of every article: the table holds only the
        forms open now)."""
        now = timezone.now()
        cls.objects.filter(seen_at__lt=cls.expiry()).delete()
        entry, created = cls.objects.get_or_create(
            article=article, user=user, defaults={"page": page, "since": now, "seen_at": now}
        )
        if not created:
            entry.page, entry.seen_at = page, now
            entry.save(update_fields=["page", "seen_at"])
        return entry

    @classmethod
    def left(cls, article, user, page):
        """``user`` closed ``page``; a later page of theirs on the same article stays."""
        cls.objects.filter(article=article, user=user, page=page).delete()

    @classmethod
    def others(cls, article, user):
        """The current entries of ``article`` but ``user``'s, the longest open first."""
        entries = cls.objects.current().filter(article=article).exclude(user=user)
        return list(entries.select_related("user").order_by("since", "id"))

    def name(self):
        return person(self.user)


def presence_notice(entries):
    """What the change form says of the others who have the article open; empty if none."""
    named = [(entry.name(), f"{timezone.localtime(entry.since):%H:%M}") for entry in entries]
    if not named:
        return ""
    if len(named) == 1:
        name, time = named[0]
        return f"{name} has this article open since {time}."
    people = [f"{name} (since {time})" for name, time in named]
    return f"{', '.join(people[:-1])} and {people[-1]} have this article open."
