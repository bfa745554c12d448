"""Imports from the admin: an upload's dry run, then its import in the background.

Both run the pipeline ``import_articles`` runs (``importers.pipeline``), over the upload's
folder, with the same options: the dry run's table is what the import will do. A user who may
not publish imports drafts only, whatever the files say.
"""

from django.db import transaction

from .. import tasks
from ..editorial.publishing import may_publish
from ..models import Article, ImportRun
from . import uploads
from .pipeline import ImportOptions, Pipeline

# What new articles get: drafts, or what the files say (text files: published).
AS_DRAFTS, AS_THE_FILES_SAY = "draft", "files"


def options(upload, *, keep, user, dry_run):
    """The pipeline's options for ``upload``; ``keep`` (AS_THE_FILES_SAY) is honoured only
    for a user who may publish."""
    keep = keep == AS_THE_FILES_SAY and may_publish(user)
    if upload.format == "text":
        status = Article.Status.PUBLISHED if keep else Article.Status.DRAFT
    else:
        status = None if keep else Article.Status.DRAFT
    return ImportOptions.checked(
        format=upload.format,
        status=status,
        media=str(upload.folder) if upload.has_pictures else None,
        user=user.get_username(),
        dry_run=dry_run,
    )


def preview(upload, *, keep, user):
    """The dry run of ``upload``: one ``FileResult`` per file (or item), in order."""
    pipeline = Pipeline(
        [str(upload.folder)],
        options(upload, keep=keep, user=user, dry_run=True),
        root=upload.folder,
    )
    return list(pipeline.results())


def start(upload, *, keep, user):
    """Record an ImportRun for ``upload`` and queue its import; returns the run."""
    with transaction.atomic():
        run = ImportRun.objects.create(
            command=f"Uploaded in the admin: {', '.join(upload.names)} ({upload.format})",
            user=user,
            upload=upload.token,
            options={"format": upload.format, "keep": keep},
        )
        tasks.enqueue_import(run)
    return run


def run_import(run_id):
    """Import the files of the ImportRun ``run_id`` (a task's work). An attempt starts from
    the files again: what an earlier one imported is then unchanged. The upload is removed
    once the import is done; an error is recorded on the run, and raised."""
    run = ImportRun.objects.select_related("user").get(pk=run_id)
    run.files.all().delete()
    ImportRun.objects.filter(pk=run.pk).update(error="", done=0, total=0)
    try:
        upload = run.user and uploads.find(run.user, run.upload)
        if not upload:
            raise FileNotFoundError(f"the files of {run} are no longer in private media")
        pipeline = Pipeline(
            [str(upload.folder)],
            options(upload, keep=run.options.get("keep"), user=run.user, dry_run=False),
            run=run,
            root=upload.folder,
        )
        for _ in pipeline.results():
            pass
    except Exception as error:
        ImportRun.objects.filter(pk=run.pk).update(error=f"{type(error).__name__}: {error}")
        raise
    uploads.discard(upload)
