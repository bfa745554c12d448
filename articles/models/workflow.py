"""What happens to an article on the desk: its status history and its corrections."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .states import Status


class Correction(models.Model):
    """A dated, typed note of a substantive change, shown with the article."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"
        EDITORS_NOTE = "editors_note", "Editor's note"

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=14, choices=Kind, default=Kind.CORRECTION)
    text = models.TextField(help_text="What was wrong or what changed, in a sentence or two.")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["published_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.published_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.article.note_revision()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.article.note_revision()
        return result


class Transition(models.Model):
    """A change of an article's status: who made it, when, from which status to which."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="transitions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=12, choices=Status, blank=True)
    to_status = models.CharField(max_length=12, choices=Status)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        get_latest_by = "at"

    def __str__(self):
        before = self.get_from_status_display() or "new"
        return f"{before} → {self.get_to_status_display()}"

    @classmethod
    def latest_withdrawals(cls, articles):
        """{article id: its latest move to withdrawn (with its user)} of ``articles``."""
        moves = cls.objects.filter(article__in=articles, to_status=Status.WITHDRAWN)
        return {move.article_id: move for move in moves.select_related("user").order_by("at")}

    @classmethod
    def record(cls, article, previous, *, by=None):
        """Record ``article``'s move from ``previous`` to its current status, if it moved."""
        if previous != article.status:
            cls.objects.create(
                article=article, user=by, from_status=previous or "", to_status=article.status
            )
