"""Pages per second as readers would get them: the site under gunicorn, measured with wrk.

    python -m tests.benchmarks.site_throughput [--articles 12000] [--seconds 5] [--repeats 3]

Builds a fresh SQLite site in a temporary folder (``generate_demo``: articles with a byline, a
captioned lead picture, fourteen paragraphs and a subheading, three related links, five tags),
starts gunicorn with two sync workers and DEBUG off, and measures each page with wrk (two
threads, sixteen connections): once with the page cache off (every request renders) and once
with it on, beside a trivial WSGI app that returns the article's bytes from memory (the floor).
Each figure is the median of the repeats. SQL queries per page are counted in a separate
process with the page cache off: the first request (stories and cards rendered) and the next
(read from the fragment cache).

With ``--wagtail-python`` (the interpreter of a virtualenv holding
``tests/benchmarks/wagtail_peer/requirements.txt``; ``make bench`` builds one), the same
article is also served by a minimal Wagtail site under the same gunicorn and wrk, without and
with Django's per-site cache, so that the ratio is measured in the same run.
"""

import argparse
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = {
    "article": None,  # the newest public article, found after generation
    "home": "/",
    "section": "/sections/world/",
    "tag": None,
    "author": None,
    "search": "/search/?q=harbour",
    "archive page 500": "/?page=500",
}
COUNT_QUERIES = """
import json, os
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client, counts = Client(), {}
for name, url in json.loads(os.environ["BENCH_PAGES"]).items():
    counts[name] = []
    for _ in ("cold", "warm"):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        counts[name].append(len(queries))
print(json.dumps(counts))
"""
FIND_PAGES = """
import json
from articles.models import Article
article = Article.objects.published().for_detail().first()
lead = article.lead_caption
print(json.dumps({
    "pages": {
        "article": article.get_absolute_url(),
        "tag": f"/tags/{article.tags.all()[0].slug}/",
        "author": article.byline_list[0].author.get_absolute_url(),
    },
    "article": {
        "headline": article.headline,
        "slug": article.slug,
        "dek": article.dek,
        "body": article.body,
        "image": lead.picture.image.path,
        "alt": lead.picture.alt_text,
        "caption": lead.text,
        "credit": lead.picture.credit,
        "authors": [byline.author.name for byline in article.byline_list],
        "links": [[link.display_title, link.href] for link in article.visible_related_links],
        "tags": [tag.name for tag in article.tags.all()],
    },
}))
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app, env, python=sys.executable, workers=2, stderr=subprocess.DEVNULL):
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [python, "-m", "gunicorn", app, "-w", str(workers), "-b", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/robots.txt", timeout=1)  # noqa: S310
                break
            except urllib.error.HTTPError:
                break  # answering, if not with a robots.txt
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait()


def wrk(url, seconds):
    output = subprocess.run(  # noqa: S603
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        sys.exit(f"{url}: {errors[1]} error responses")
    return rate


def median_rate(url, seconds, repeats):
    urllib.request.urlopen(url).read()  # noqa: S310 (warm: connection, template, cache)
    return statistics.median(wrk(url, seconds) for _ in range(repeats))


def run(env, *args, python=sys.executable, **kwargs):
    """The output of ``python *args`` in the project's folder."""
    return subprocess.run(  # noqa: S603
        [python, *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True, **kwargs
    ).stdout


def django(env, *args, **kwargs):
    return run(env, str(ROOT / "manage.py"), *args, **kwargs)


def last_json(output):
    return json.loads(output.splitlines()[-1])


def site_env(folder):
    """The environment of a site as in production (DEBUG off, page cache on) whose database,
    media and caches are in ``folder``."""
    env = os.environ | {
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "CACHE_DIR": str(folder / "cache"),
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    env.pop("DEBUG", None)
    return env


def build_site(folder, articles):
    """A production-like site in ``folder`` with ``articles`` generated: its environment, and
    the seconds the generation took."""
    env = site_env(folder)
    django(env, "migrate", "-v0")
    django(env, "collectstatic", "--noinput", "-v0")
    started = time.perf_counter()
    django(env, "generate_demo", "--articles", str(articles))
    return env, time.perf_counter() - started


def wagtail_peer(python, folder, article, seconds, repeats):
    """Requests/s of the article served by the Wagtail peer, without and with Django's per-site
    cache, and its SQL queries (cold and warm)."""
    folder.mkdir()
    env = os.environ | {
        "SECRET_KEY": secrets.token_urlsafe(40),
        "WAGTAIL_PEER_DIR": str(folder),
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.wagtail_peer.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    run(env, "-m", "django", "migrate", "-v0", python=python)
    path = run(
        env, "-m", "tests.benchmarks.wagtail_peer.content", input=json.dumps(article), python=python
    ).strip()
    counting = env | {"BENCH_PAGES": json.dumps({"article": path})}
    queries = last_json(run(counting, "-c", COUNT_QUERIES, python=python))["article"]
    rates = {}
    for mode, mode_env in (("uncached", env), ("cached", env | {"WAGTAIL_PEER_CACHE": "1"})):
        with gunicorn("tests.benchmarks.wagtail_peer.wsgi", mode_env, python=python) as base:
            rates[mode] = median_rate(base + path, seconds, repeats)
    return queries, rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=12_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--wagtail-python", help="Python of a virtualenv with Wagtail")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env, generated = build_site(tmp, args.articles)
        found = last_json(django(env, "shell", "-c", FIND_PAGES))
        pages = PAGES | found["pages"]
        uncached = env | {"PAGE_CACHE": "0"}
        counting = uncached | {"BENCH_PAGES": json.dumps(pages)}
        queries = last_json(django(counting, "shell", "-c", COUNT_QUERIES))
        rates = {}
        for mode, mode_env in (("uncached", uncached), ("cached", env)):
            with gunicorn("newsroom.wsgi", mode_env) as base:
                for name, url in pages.items():
                    rates[name, mode] = median_rate(base + url, args.seconds, args.repeats)
                article_bytes = urllib.request.urlopen(base + pages["article"]).read()  # noqa: S310
        page_file = tmp / "article.html"
        page_file.write_bytes(article_bytes)
        floor_env = env | {"BENCH_PAGE_FILE": str(page_file), "PYTHONPATH": str(ROOT)}
        with gunicorn("tests.benchmarks.floor_app", floor_env) as base:
            floor = median_rate(base + "/robots.txt", args.seconds, args.repeats)
        if args.wagtail_python:
            peer = wagtail_peer(
                args.wagtail_python, tmp / "wagtail", found["article"], args.seconds, args.repeats
            )

    print(f"{args.articles} synthetic articles generated in {generated:.0f} s (SQLite).")
    print(f"gunicorn, 2 sync workers; wrk -t2 -c16, median of {args.repeats} x {args.seconds} s.")
    print()
    print("| page | SQL queries, cold / warm | uncached req/s | cached req/s | cached / floor |")
    print("| --- | --- | --- | --- | --- |")
    for name in pages:
        cold, warm = queries[name]
        print(
            f"| {name} | {cold} / {warm} | {rates[name, 'uncached']:.0f} "
            f"| {rates[name, 'cached']:.0f} | {rates[name, 'cached'] / floor:.0%} |"
        )
    if args.wagtail_python:
        (cold, warm), peer_rates = peer
        print(
            f"| article, Wagtail 8 peer (per-site cache when cached) | {cold} / {warm} "
            f"| {peer_rates['uncached']:.0f} | {peer_rates['cached']:.0f} "
            f"| {peer_rates['cached'] / floor:.0%} |"
        )
    print(f"| floor: trivial WSGI app, the article's bytes | 0 | | {floor:.0f} | 100% |")
    if args.wagtail_python:
        print()
        print(
            f"Article page, uncached: {rates['article', 'uncached'] / peer_rates['uncached']:.1f}x "
            f"the Wagtail peer; cached: {rates['article', 'cached'] / peer_rates['cached']:.1f}x."
        )


if __name__ == "__main__":
    main()
