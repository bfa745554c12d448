"""What each import run (``import_articles``, or the admin's "Import articles" page) did, file
by file."""

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    """One import run: when, how it was called (the command line, or the files uploaded in the
    admin), its progress, and what came of each file."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty if the run was interrupted."
    )
    command = models.TextField(help_text="The command line, as it was run.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The account the run acted as (--user); empty for an operator's run.",
    )
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    conflicts = models.PositiveIntegerField(
        default=0,
        help_text="Files not imported: their article was changed here since its last import.",
    )
    # Progress, counted as batches are written; the total of a WordPress or ninjs run grows
    # as its files are read (an item each).
    total = models.PositiveIntegerField(default=0, help_text="Files (or items) to import.")
    done = models.PositiveIntegerField(default=0, help_text="Files (or items) done so far.")
    upload = models.CharField(
        max_length=200,
        blank=True,
        help_text="An import from the admin: its folder of uploaded files, in private media.",
    )
    options = models.JSONField(
        default=dict, blank=True, help_text="An import from the admin: how it imports."
    )
    error = models.TextField(
        blank=True, help_text="Why the background task running the import failed, if it did."
    )

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"Import #{self.pk} of {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def running(self):
        """Queued or importing: not finished, and not stopped by an error."""
        return self.finished_at is None and not self.error


class ImportedFile(models.Model):
    """The result of one file in an import run."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        UNCHANGED = "unchanged", "Unchanged"
        FAILED = "failed", "Failed"
        # Not imported: the article was changed here since its last import (see --overwrite).
        CONFLICT = "conflict", "Conflict"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(max_length=1000)
    checksum = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=10, choices=Action)
    error = models.TextField(blank=True)
    article = models.ForeignKey(
        "Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )

    class Meta:
        ordering = ["run", "id"]

    def __str__(self):
        return f"{self.path}: {self.get_action_display().lower()}"
