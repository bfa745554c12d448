"""Background work on the real queue: the database backend (django-tasks-db), its worker run
in this process (``db_worker --batch`` does the same), retries, and failures that stay listed
on the dashboard."""

from datetime import timedelta
from unittest import mock

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult, get_date_max

from articles.importers import admin_imports, uploads
from articles.models import Article, ImportRun
from articles.tasks import failed_tasks

from .test_import_admin import HARBOUR, IMPORT_URL, text_file
from .test_workflow import user_in

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    """What ``manage.py db_worker --batch`` does: run every task that is ready, then stop
    (without the command's signal handlers, which would outlive it in the test process). As
    Django's test client does for requests, the worker's ``close_old_connections`` is left
    out: inside a test's transaction it would close the connection (on PostgreSQL)."""
    worker = db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch.object(db_worker, "close_old_connections"):
        worker.run()


@override_settings(ARTICLES_TASK_RETRY_SECONDS=0)
class QueueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = user_in("Editor", "editor")

    def setUp(self):
        # Here, not on the class: tests/conftest.py sets the immediate backend after it.
        queue = self.settings(TASKS=DATABASE_QUEUE)
        queue.enable()
        self.addCleanup(queue.disable)
        self.client.force_login(self.editor)

    def start_import(self):
        preview = self.client.post(
            IMPORT_URL, {"files": [text_file("h.txt", HARBOUR)], "keep": "draft"}
        )
        confirm = preview.context["confirm"]
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                IMPORT_URL, {"token": confirm["token"].value(), "keep": confirm["keep"].value()}
            )
        return ImportRun.objects.latest()

    def run_page(self, run):
        return self.client.get(reverse("admin:articles_importrun_change", args=[run.pk]))

    def test_an_import_waits_on_the_queue_until_a_worker_runs_it(self):
        run = self.start_import()
        queued = DBTaskResult.objects.get()
        self.assertEqual(queued.status, TaskResultStatus.READY)
        self.assertEqual(queued.task_path, "articles.tasks.import_upload")
        self.assertEqual(queued.args_kwargs, {"args": [run.pk], "kwargs": {}})
        self.assertContains(self.run_page(run), "Waiting for a worker")
        self.assertFalse(Article.objects.exists())

        run_worker()

        queued.refresh_from_db()
        self.assertEqual(queued.status, TaskResultStatus.SUCCESSFUL)
        run.refresh_from_db()
        self.assertEqual((run.created, run.done, run.total), (1, 1, 1))
        self.assertContains(self.run_page(run), "Finished: 1 of 1 files (1 created")
        self.assertEqual(Article.objects.get().headline, "Harbour bridge approved")

    def test_a_failing_task_is_retried_then_listed_on_the_dashboard(self):
        run = self.start_import()
        uploads.discard(uploads.find(self.editor, run.upload))  # every attempt fails

        run_worker()

        attempts = DBTaskResult.objects.order_by("enqueued_at")
        self.assertEqual(
            [(a.status, a.args_kwargs["kwargs"]) for a in attempts],
            [
                (TaskResultStatus.FAILED, {}),
                (TaskResultStatus.FAILED, {"attempt": 2}),
                (TaskResultStatus.FAILED, {"attempt": 3}),
            ],
        )
        self.assertEqual(attempts[0].exception_class_path, "articles.tasks.Retried")
        self.assertIn("FileNotFoundError", attempts[0].traceback)  # the cause, chained
        self.assertEqual(list(failed_tasks()), [attempts[2]])
        dashboard = self.client.get("/admin/")
        self.assertContains(dashboard, "<caption>Failed background work</caption>", html=False)
        error = f"FileNotFoundError: the files of {run} are no longer in private media"
        self.assertContains(dashboard, error)
        self.assertContains(dashboard, f"import_upload({run.pk})")
        run.refresh_from_db()
        self.assertIsNone(run.finished_at)
        self.assertContains(self.run_page(run), "Stopped after 0 of 0 files: " + error)

    def test_an_attempt_that_fails_once_succeeds_on_retry(self):
        run = self.start_import()
        real = admin_imports.Pipeline
        calls = []

        def flaky(*args, **kwargs):
            calls.append(args)
            if len(calls) == 1:
                raise OSError("disk full")
            return real(*args, **kwargs)

        with mock.patch.object(admin_imports, "Pipeline", flaky):
            run_worker()

        statuses = DBTaskResult.objects.order_by("enqueued_at").values_list("status", flat=True)
        self.assertEqual(list(statuses), [TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL])
        self.assertEqual(list(failed_tasks()), [])
        run.refresh_from_db()
        self.assertEqual((run.created, run.error), (1, ""))
        self.assertEqual(run.files.count(), 1)
        self.assertNotContains(self.client.get("/admin/"), "OSError")

    @override_settings(ARTICLES_TASK_RETRY_SECONDS=30)
    def test_a_retry_waits_before_it_runs(self):
        run = self.start_import()
        uploads.discard(uploads.find(self.editor, run.upload))

        run_worker()  # the first attempt; the second is not due yet

        retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
        self.assertAlmostEqual(
            retry.run_after, timezone.now() + timedelta(seconds=30), delta=timedelta(seconds=5)
        )
        self.assertEqual(list(failed_tasks()), [])

    def test_the_dashboard_queries_do_not_grow_with_failed_tasks(self):
        """Guards against a query per failed task listed (its task, its run)."""

        def fail(number):
            DBTaskResult.objects.create(
                task_path="articles.tasks.import_upload",
                args_kwargs={"args": [number], "kwargs": {"attempt": 3}},
                status=TaskResultStatus.FAILED,
                run_after=get_date_max(),
                backend_name="default",
                exception_class_path="builtins.OSError",
                traceback=f"Traceback (most recent call last):\nOSError: disk {number} full\n",
                finished_at=timezone.now(),
            )

        fail(1)
        self.client.get("/admin/")
        with CaptureQueriesContext(connection) as few:
            self.assertContains(self.client.get("/admin/"), "OSError: disk 1 full")
        for number in range(2, 8):
            fail(number)
        with CaptureQueriesContext(connection) as many:
            self.assertContains(self.client.get("/admin/"), "OSError: disk 7 full")
        self.assertEqual(len(many), len(few))

    def test_writers_do_not_see_failed_work(self):
        run = self.start_import()
        uploads.discard(uploads.find(self.editor, run.upload))
        run_worker()
        self.client.force_login(user_in("Writer", "writer"))
        self.assertNotContains(self.client.get("/admin/"), "Failed background work")


class ImmediateBackendTests(TestCase):
    """Without a queue (TASKS_BACKEND=immediate), a task runs where it is enqueued, its retries
    too."""

    def test_a_failing_import_is_tried_three_times_and_its_run_says_why(self):
        editor = user_in("Editor", "editor")
        self.client.force_login(editor)
        preview = self.client.post(
            IMPORT_URL, {"files": [text_file("h.txt", HARBOUR)], "keep": "draft"}
        )
        token = preview.context["confirm"]["token"].value()
        calls = []

        def broken(*args, **kwargs):
            calls.append(args)
            raise OSError("disk full")

        with (
            mock.patch.object(admin_imports, "Pipeline", broken),
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.client.post(IMPORT_URL, {"token": token, "keep": "draft"})
        self.assertEqual(len(calls), 3)
        run = ImportRun.objects.get()
        self.assertEqual(run.error, "OSError: disk full")
        self.assertFalse(run.running)
