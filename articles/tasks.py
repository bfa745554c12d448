"""Work in the background (admin imports, renditions of large pictures), on Django's tasks
API (the django-tasks backport on Django 5.2; ``django.tasks`` from Django 6 on, with the same
code).

The configured backend is the database's (django-tasks-db): tasks wait in a table until a
worker (``manage.py db_worker``) runs them. The backport retries nothing by itself, so each
task here runs its work inside ``retrying``: an attempt that raises enqueues the next one
(after ``ARTICLES_TASK_RETRY_SECONDS`` times the attempts made), up to
``ARTICLES_TASK_ATTEMPTS`` in all, and fails as ``Retried``, its error chained. The last
attempt fails with its own error and stays on the queue's table: the admin dashboard lists
it under "Failed background work" (``failed_tasks``).
"""

from contextlib import contextmanager
from datetime import timedelta

from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from . import conf
from .models import Picture


class Retried(Exception):  # noqa: N818 (it names what happened to the attempt)
    """An attempt that failed and was enqueued again; its cause is the error."""


@contextmanager
def retrying(context, attempt):
    """Run a task's work; if it raises, enqueue the task again with the same arguments and
    ``attempt`` + 1, unless it was the last attempt."""
    try:
        yield
    except Exception as error:
        attempts = conf.get("ARTICLES_TASK_ATTEMPTS")
        if attempt >= attempts:
            raise
        result = context.task_result
        retry = result.task
        delay = conf.get("ARTICLES_TASK_RETRY_SECONDS") * attempt
        if delay and retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + timedelta(seconds=delay))
        retry.enqueue(*result.args, **(result.kwargs | {"attempt": attempt + 1}))
        raise Retried(f"attempt {attempt} of {attempts} failed ({error}); retrying") from error


def failed_tasks():
    """The tasks that failed for good (every attempt), newest first; only the database
    backend keeps them (None with another, whose failures only the logs keep)."""
    if not apps.is_installed("django_tasks_db"):
        return None
    from django_tasks_db.models import DBTaskResult  # importable only where it is installed

    return (
        DBTaskResult.objects.failed()
        .exclude(exception_class_path=f"{Retried.__module__}.{Retried.__qualname__}")
        .order_by("-finished_at")
    )


@task(takes_context=True)
def import_upload(context, run_id, *, attempt=1):
    """Import the files uploaded in the admin for the ImportRun ``run_id``."""
    from .importers.admin_imports import run_import

    with retrying(context, attempt):
        run_import(run_id)


@task(takes_context=True)
def make_picture_renditions(context, picture_id, *, attempt=1):
    """Make the renditions of a large picture of the library (``Picture.renders_later()``);
    nothing if it was deleted meanwhile."""
    with retrying(context, attempt):
        if picture := Picture.objects.filter(pk=picture_id).first():
            picture.finish_renditions()


def enqueue_import(run):
    """Queue the import of ``run`` once the transaction that recorded it commits (a worker
    must find the run)."""
    transaction.on_commit(lambda: import_upload.enqueue(run.pk))
