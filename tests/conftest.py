import pytest
from django.core.cache import caches
from django.db import transaction

from articles import caching
from articles.reader import search

from .browser import browser, site  # noqa: F401 (the browser tests' fixtures)

TEST_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"},
    "off": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}


@pytest.fixture(autouse=True)
def _isolated(request, settings, tmp_path, monkeypatch):
    """Each test starts with empty caches, writes uploads (and hidden pictures) to folders of
    its own, runs background tasks at once (the immediate backend), and finds static files
    where they are (production's hashed manifest needs ``collectstatic`` first).

    The page and fragment caches are on, as in production. A ``TestCase`` never commits, and
    the caches and search learn of changes once they commit: here they learn at once, as if
    every write committed (``_learn_at_once``). Tests marked ``page_cache`` handle commits
    themselves (they test them); tests marked ``caches_off`` measure what a request costs when
    it renders (query counts, plans)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ARTICLES_PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    settings.CACHES = TEST_CACHES
    # Tasks run at once where they are enqueued; tests of the queue set the database backend.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    if request.node.get_closest_marker("caches_off"):
        settings.ARTICLES_PAGE_CACHE = None
        settings.ARTICLES_FRAGMENT_CACHE = "off"
    if request.node.get_closest_marker("page_cache"):
        monkeypatch.setitem(COMMITS, "real", True)
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


COMMITS = {"real": False}


@pytest.fixture(autouse=True, scope="session")
def _learn_at_once():
    """``transaction.on_commit`` runs the caches' invalidation and the search entries'
    rewriting at once (the rest as usual), from the start: ``setUpTestData`` included."""

    def patched(func, using=None, robust=False):
        at_once = (
            func is caching.content_changed or getattr(func, "func", None) is search.reindex_pending
        )
        if at_once and not COMMITS["real"]:
            func()
        else:
            on_commit(func, using, robust)

    on_commit = transaction.on_commit
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transaction, "on_commit", patched)
        yield
