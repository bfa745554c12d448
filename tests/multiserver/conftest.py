"""Several machines as production runs them: app servers (gunicorn, DEBUG off, the settings of
``tests/benchmarks``' production-like site) on ports of their own that share one PostgreSQL
database (the test database, which these tests really commit to), one Redis (the page cache and
the content version, ``CACHE_URL``) and one folder of media (standing in for object storage).
Browsers ask for one host name, as they would of a load balancer, whichever server answers.

``site.server(name)`` starts an app server, ``site.manage(name, *args)`` any ``manage.py``
command in the background (a task worker, say), ``site.start`` any Python process; each runs
with the site's environment, is stopped after the test, and its output is shown if it fails.

Needs a PostgreSQL database (``DATABASE_URL=postgres://…``) and a throwaway Redis, which each
test empties (``TEST_REDIS_URL=redis://…``): ``.ci/run`` starts both for ``make test``, whose
SQLite pass leaves this folder out. Without them these tests fail, saying what is missing.
"""

import os
import subprocess
import sys
from urllib.parse import quote

import pytest
import redis
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection

from tests.benchmarks.site_throughput import ROOT, site_env

from .harness import HOST, Browser, Site

SITE = pytest.StashKey()


@pytest.fixture(scope="session")
def redis_url():
    """The throwaway Redis of ``TEST_REDIS_URL``, answering."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.fail(
            "Several servers share one Redis: set TEST_REDIS_URL=redis://127.0.0.1:PORT/0, a "
            "throwaway redis-server that these tests empty (.ci/run starts one).",
            pytrace=False,
        )
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as error:
        pytest.fail(f"No Redis answers at TEST_REDIS_URL={url}: {error}", pytrace=False)
    return url


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """The static files with their hashed names, collected once, as a deployment does."""
    folder = tmp_path_factory.mktemp("static")
    subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=site_env(folder) | {"STATIC_ROOT": str(folder)},
        check=True,
    )
    return folder


@pytest.fixture(scope="session")
def database_url(django_db_setup):
    """The test database, on PostgreSQL, as a ``DATABASE_URL`` for processes of their own."""
    if connection.vendor != "postgresql":
        pytest.fail(
            "Several servers share one PostgreSQL database: run with DATABASE_URL=postgres://… "
            "(.ci/run starts one for make test).",
            pytrace=False,
        )
    db = connection.settings_dict
    user = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def environment(database_url, redis_url, static_root, tmp_path_factory):
    """What every process of the site shares: production settings, the test database, the
    Redis, a folder of media, the queue of tasks in the database."""
    folder = tmp_path_factory.mktemp("site")
    return site_env(folder) | {
        "ENV_FILE": "",
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"http://{HOST}",
        "SECURE_COOKIES": "0",  # plain HTTP here, as behind a proxy that ends TLS
        "DATABASE_URL": database_url,
        "CACHE_URL": redis_url,
        "STATIC_ROOT": str(static_root),
        "TASKS_BACKEND": "database",  # tasks wait for a worker, whatever this shell says
    }


@pytest.fixture(scope="module")
def servers(environment, tmp_path_factory):
    """App servers A and B, started once for a module's tests (their start is most of a
    test's time), stopped after them."""
    started = Site(environment, tmp_path_factory.mktemp("servers"))
    started.server("A")
    started.server("B")
    yield started
    started.stop()


@pytest.fixture
def site(
    request,
    environment,
    servers,
    shared_cache,
    tmp_path,
    django_db_serialized_rollback,
    transactional_db,
):
    """The site, its Redis emptied; what a test writes with the ORM is committed, so that every
    process sees it. Processes it starts (``site.server``, ``site.manage``) stop after the
    test; a failed test's report shows the output of these and of the servers A and B."""
    shared_cache.flushdb()
    started = Site(environment, tmp_path)
    request.node.stash[SITE] = [servers, started]
    yield started
    started.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test's report shows the output of each process of its site."""
    report = yield
    if report.failed and SITE in item.stash:
        for started in item.stash[SITE]:
            for process in started.processes:
                report.sections.append((f"output of {process.name}", process.output()[-20000:]))
    return report


@pytest.fixture
def shared_cache(redis_url):
    """The Redis itself, to see what the servers keep there."""
    return redis.Redis.from_url(redis_url)


@pytest.fixture
def server_a(site, servers):
    return servers.servers["A"]


@pytest.fixture
def server_b(site, servers):
    return servers.servers["B"]


@pytest.fixture
def editor(site, server_a):
    """A browser logged in to the admin through server A as a member of the Editor group."""
    user = get_user_model().objects.create_user("desk", password="desk-password-1", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return Browser(server_a).log_in("desk", "desk-password-1")
