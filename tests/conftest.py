import pytest
from django.core.cache import caches

TEST_CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "shared"},
    "off": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}


@pytest.fixture(autouse=True)
def _isolated(request, settings, tmp_path):
    """Each test starts with empty caches, writes uploads (and hidden pictures) to folders of
    its own, and finds static files where they are (production's hashed manifest needs
    ``collectstatic`` first).

    The page and fragment caches are off except in tests marked ``page_cache``: a ``TestCase``
    never commits, and the caches learn of changes only when they commit."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ARTICLES_PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }
    settings.CACHES = TEST_CACHES
    if not request.node.get_closest_marker("page_cache"):
        settings.ARTICLES_PAGE_CACHE = None
        settings.ARTICLES_FRAGMENT_CACHE = "off"
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()
