import pytest
from django.core.cache import caches

TEST_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"},
}


@pytest.fixture(autouse=True)
def _isolated(request, settings, tmp_path):
    """Each test starts with empty caches, writes uploads to its own folder, and finds static
    files where they are (production's hashed manifest needs ``collectstatic`` first).

    The page cache is off except in tests marked ``page_cache``: a ``TestCase`` never commits,
    and the cache learns of changes only when they commit."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    settings.CACHES = TEST_CACHES
    if not request.node.get_closest_marker("page_cache"):
        settings.ARTICLES_UNCACHED_PREFIXES = ("/",)
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()
