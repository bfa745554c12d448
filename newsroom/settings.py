"""Settings for the newsroom site.

Everything a deployment changes comes from the environment, with safe development defaults:
DEBUG (off unless set; a local .env file may set it, see ``read_env_file``), SECRET_KEY
(required when DEBUG is off), ALLOWED_HOSTS (comma-separated), DATABASE_URL (default: the SQLite
file db.sqlite3 beside manage.py), MEDIA_ROOT, STATIC_ROOT, TIME_ZONE, SITE_NAME, SITE_URL (the
public address, e.g. https://news.example.org, for feeds, sitemaps and canonical links).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def read_env_file(path):
    """``KEY=VALUE`` lines of a local file, as defaults that the environment overrides.

    ``make run`` writes ``.env`` (DEBUG=1 and a generated SECRET_KEY, never committed), so that
    ``manage.py`` commands run as written beside the development server. ``ENV_FILE`` names
    another file; set empty, no file is read (production, ``make serve``, the test suite)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    for line in lines:
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            os.environ.setdefault(key.strip(), value.strip())


if env_file := os.environ.get("ENV_FILE", str(BASE_DIR / ".env")):
    read_env_file(env_file)

DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set the SECRET_KEY environment variable when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only"  # noqa: S105 (only ever used with DEBUG on)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "django_prose_editor",
    "reversion",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "articles",
]

MIDDLEWARE = [
    # First: a cached page for an anonymous reader is served before any other work.
    "articles.caching.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A 404 at an address an article had on an imported site: a 301 to the article.
    "articles.middleware.ArticleRedirectFallbackMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.security.ContentSecurityPolicyMiddleware",
    # Last: answers a locked-out login with 429 before the login view runs.
    "axes.middleware.AxesMiddleware",
]

# No inline script anywhere (structured data is a JSON block, which never runs), styles and
# images from the site itself; media on another host (object storage) is added by MEDIA_URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Admin logins: after AXES_FAILURE_LIMIT failures for one username from one address, that pair
# (not the username alone, which would let anyone lock an editor out) waits AXES_COOLOFF_TIME,
# answered 429 Too Many Requests. Behind a proxy, set AXES_IPWARE_PROXY_COUNT and
# AXES_IPWARE_META_PRECEDENCE_ORDER so that the reader's own address is used.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.i18n",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

# Persistent connections: a page should not pay for a new database connection.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Write-ahead logging lets readers work while an import writes; NORMAL sync is safe with
    # WAL (a crash loses at most the last commits, never corrupts); IMMEDIATE transactions
    # take the write lock up front instead of failing with "database is locked" midway, and a
    # writer waits up to 30 s for another (an import's batch, its ANALYZE) to finish.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Reader pages run short queries: a parallel worker takes longer to start (tens of
    # milliseconds on two cores) than it saves them, and makes the slowest pages slower; so
    # does compiling a query the planner thinks costly (JIT) when an index cuts it short.
    DATABASES["default"]["OPTIONS"] = {"options": "-c max_parallel_workers_per_gather=0 -c jit=off"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en-gb")
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded images larger than this are refused before Pillow opens them.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

TAGGIT_CASE_INSENSITIVE = True

# Background work (imports started in the admin) on Django's tasks API, here the django-tasks
# backport: queued in the database, run by `manage.py db_worker` (`make run` starts one beside
# the development server; see docs/configuration.md, "Workers"). TASKS_BACKEND=immediate runs
# each task at once in the process that enqueues it, with no worker.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {sorted(TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}

# Pages for anonymous readers are cached (articles/caching.py). Without CACHE_URL: in each
# process's memory, with the content version in files under CACHE_DIR that every process on
# this machine reads. With CACHE_URL (redis://host:6379/0 or memcached://host:11211, for
# several app servers): both in that server.
CACHE_BACKENDS = {
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
    "memcached": "django.core.cache.backends.memcached.PyMemcacheCache",
}
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    scheme, _, address = CACHE_URL.partition("://")
    if scheme not in CACHE_BACKENDS:
        raise ImproperlyConfigured(f"CACHE_URL must start with one of {sorted(CACHE_BACKENDS)}.")
    shared_cache = {
        "BACKEND": CACHE_BACKENDS[scheme],
        "LOCATION": CACHE_URL if scheme.startswith("redis") else address,
    }
    CACHES = {"default": shared_cache, "shared": shared_cache}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
        "shared": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", BASE_DIR / ".cache"),
        },
    }
ARTICLES_SHARED_CACHE = "shared"
# PAGE_CACHE=0 turns the page cache off (make bench measures pages both ways).
ARTICLES_PAGE_CACHE = "default" if env_bool("PAGE_CACHE", True) else None

ARTICLES_SITE_NAME = os.environ.get("SITE_NAME", "The Newsroom")
ARTICLES_SITE_URL = os.environ.get("SITE_URL", "")

if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
