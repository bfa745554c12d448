"""The app's settings, each an ``ARTICLES_*`` name with a default.

Read at call time (not import time), so ``override_settings`` works in tests and a host
project can change any of them in its own settings.
"""

from django.conf import settings

DEFAULTS = {
    # Articles per page on the home, section, author and tag pages.
    "ARTICLES_PAGINATE_BY": 20,
    # Name shown in the page header and titles.
    "ARTICLES_SITE_NAME": "The Newsroom",
    # The site's address, e.g. "https://news.example.org": absolute links in feeds, sitemaps,
    # canonical links and structured data use it. Empty: the address the request came to.
    "ARTICLES_SITE_URL": "",
    # The publisher's logo in structured data: a static file and its size in pixels (Google
    # asks for a rectangle that fits 600x60).
    "ARTICLES_PUBLISHER_LOGO": {"path": "articles/logo.png", "width": 600, "height": 60},
    # Largest image an editor may upload, in bytes.
    "ARTICLES_MAX_IMAGE_BYTES": 10 * 1024 * 1024,
    # Most pixels an uploaded image may have (read from its header, before decoding, against
    # decompression bombs); 40 million is a 7700x5200 photo, ~160 MB once decoded.
    "ARTICLES_MAX_IMAGE_PIXELS": 40_000_000,
    # A library picture with more pixels than this gets its renditions from a background
    # task (articles/tasks.py), not while the editor's save waits: pages show the original
    # image until the task has run. Making them took ~1 s for 1200x800, ~2 s for 1600x1200
    # and 3-4 s from 2400x1600 up (every width of every crop, then a longer decode): 3 million
    # (2000x1500) keeps a picture cut for the web at once and sends a phone's or a camera's
    # photo to the background. None: never.
    "ARTICLES_BACKGROUND_RENDITIONS_PIXELS": 3_000_000,
    # What an article needs before an editor can publish it (see articles/editorial/publishing.py).
    "ARTICLES_PUBLISH_CHECKS": ("headline", "author", "section", "alt_text", "dek"),
    # How long a share-able preview link works, in seconds.
    "ARTICLES_PREVIEW_MAX_AGE": 48 * 60 * 60,
    # Whole-page caching for anonymous readers (caching.PublicPageCacheMiddleware): the cache
    # alias that holds the pages, and the one that holds the content version, which every
    # process and server must share (Redis or memcached with several servers). None: no page
    # cache.
    "ARTICLES_PAGE_CACHE": "default",
    "ARTICLES_SHARED_CACHE": "default",
    # Longest a page stays cached, in seconds; any change of content ends it sooner.
    "ARTICLES_PAGE_CACHE_SECONDS": 600,
    # While import_articles runs, how often what it writes reaches readers (caching.
    # coalesced_changes); all of it does when the import ends.
    "ARTICLES_IMPORT_REFRESH_SECONDS": 10,
    # Cache-Control for a CDN in front: s-maxage and stale-while-revalidate, in seconds.
    "ARTICLES_CDN_SECONDS": 60,
    "ARTICLES_CDN_STALE_SECONDS": 30,
    # The cache alias of rendered story cards (list pages), kept until content changes.
    "ARTICLES_FRAGMENT_CACHE": "default",
    # Paths never served from the page cache.
    "ARTICLES_UNCACHED_PREFIXES": ("/admin/", "/preview/"),
    # Largest text file import_articles will read, in bytes.
    "ARTICLES_IMPORT_MAX_BYTES": 5 * 1024 * 1024,
    # The copyright notice of each article in the API's ninjs; {year} is the year of
    # publication and {site_name} ARTICLES_SITE_NAME.
    "ARTICLES_COPYRIGHT_NOTICE": "© {year} {site_name}. All rights reserved.",
    # Most articles one page of the API may hold (?page_size=).
    "ARTICLES_API_MAX_PAGE_SIZE": 100,
    # Largest WordPress export or ninjs file import_articles will read, in bytes: it is read
    # and parsed whole (its items are then written in batches).
    "ARTICLES_IMPORT_MAX_EXPORT_BYTES": 256 * 1024 * 1024,
    # Where the pictures of withdrawn articles are kept (articles/editorial/takedown.py): a folder
    # no web server serves, outside MEDIA_ROOT. None: "private-media" beside MEDIA_ROOT.
    "ARTICLES_PRIVATE_MEDIA_ROOT": None,
    # How often an open change form tells the others who has the article open, and how long,
    # in seconds, an entry counts without news (a page closed without a word: a crash).
    "ARTICLES_PRESENCE_INTERVAL": 20,
    "ARTICLES_PRESENCE_TIMEOUT": 60,
    # A background task that fails is tried again (articles/tasks.py), at most this many times
    # in all, each retry waiting this many seconds times the attempts made so far.
    "ARTICLES_TASK_ATTEMPTS": 3,
    "ARTICLES_TASK_RETRY_SECONDS": 30,
    # Uploads to the admin's "Import articles" page (articles/importers/uploads.py): the largest
    # upload, the most files a .zip may hold, and the most bytes they may take once unpacked.
    "ARTICLES_IMPORT_MAX_UPLOAD_BYTES": 50 * 1024 * 1024,
    "ARTICLES_IMPORT_MAX_FILES": 2000,
    "ARTICLES_IMPORT_MAX_UNPACKED_BYTES": 256 * 1024 * 1024,
}


def get(name):
    """The value of the ``ARTICLES_*`` setting ``name``, or its default."""
    return getattr(settings, name, DEFAULTS[name])
