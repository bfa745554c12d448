"""Server time of reader and admin pages on a large archive: p50 and p95 of sequential requests.

    python -m tests.benchmarks.archive_latency [--articles 100000] [--requests 40]
    DATABASE_URL=postgres://… python -m tests.benchmarks.archive_latency --articles 1000000
    DATABASE_URL=… python -m tests.benchmarks.archive_latency --existing

Generates the archive with ``generate_demo`` (into a temporary SQLite file unless DATABASE_URL
names a database, which must be empty; ``--existing`` measures the archive DATABASE_URL already
holds, migrated first), then times each kind of page in-process with Django's test client, the
page cache off: distinct articles, sections, tags, authors, search words and deep pages, so
that each request renders (no fragment is reused). The admin's article list, its search, each
filter, a deep page and the change form are timed with a superuser logged in.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEASURE = """
import json, os, random, statistics, time
from django.db import connection
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag
from articles.models import Article, Author, Section

count = int(os.environ["BENCH_REQUESTS"])
rng = random.Random(1)
published = Article.objects.published()
total = published.count()
ids = list(published.values_list("pk", flat=True)[: count * 50])
pages = {
    "article": [
        a.get_absolute_url() for a in Article.objects.filter(pk__in=rng.sample(ids, count))
    ],
    "home": ["/"] * count,
    "section": [s.get_absolute_url() for s in Section.objects.all()] * count,
    "tag": [f"/tags/{t.slug}/" for t in Tag.objects.order_by("?")[:count]],
    "author": [a.get_absolute_url() for a in Author.objects.order_by("?")[:count]],
    "search": [f"/search/?q={w}" for w in ("ferries", "jazz museums", "wind")] * count,
    "deep page": [f"/?page={rng.randint(450, 550)}" for _ in range(count)],
}
admin = "/admin/articles/article/"
years = [day.year for day in published.dates("publish_at", "year")]
admin_pages = {
    "list": [admin] * count,
    "search (a word)": [f"{admin}?q={w}" for w in ("ferries", "jazz", "wind", "museums")] * count,
    **{
        f"state: {label.lower()}": [f"{admin}?state={state}"] * count
        for state, label in Article.State.choices
    },
    "owner: mine": [f"{admin}?owner=mine"] * count,
    "section": [f"{admin}?section__id__exact={s.pk}" for s in Section.objects.all()] * count,
    "author": [f"{admin}?author={a.slug}" for a in Author.objects.order_by("?")[:count]],
    "tag": [f"{admin}?tag={t.slug}" for t in Tag.objects.order_by("?")[:count]],
    "year": [f"{admin}?publish_at__year={year}" for year in years] * count,
    "month": [
        f"{admin}?publish_at__year={year}&publish_at__month={month}"
        for year in years
        for month in (3, 9)
    ]
    * count,
    "page 500 or so": [f"{admin}?p={rng.randint(450, 550)}" for _ in range(count)],
    "change form": [f"{admin}{pk}/change/" for pk in rng.sample(ids, count)],
    "related link autocomplete (typed)": [
        "/admin/autocomplete/?app_label=articles&model_name=relatedlink&field_name=target"
        f"&term={term}"
        for term in ("harb", "ferries", "jazz mu", "glacier", "no such headline")
    ]
    * count,
}


def measure(client, pages):
    results = {}
    for name, urls in pages.items():
        urls = urls[:count]
        client.get(urls[0])
        timings, queries = [], 0
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                status = client.get(url).status_code
                timings.append((time.perf_counter() - started) * 1000)
            assert status == 200, (url, status)
            queries = max(queries, len(captured))
        timings.sort()
        results[name] = {
            "p50": statistics.median(timings),
            "p95": timings[int(len(timings) * 0.95) - 1],
            "queries": queries,
        }
    return results


editor = get_user_model().objects.filter(username="bench-editor").first()
if editor is None:  # with an author's profile, so that "mine" lists that author's articles
    editor = get_user_model().objects.create_superuser("bench-editor", password=None)
    Author.objects.filter(pk=Author.objects.order_by("pk").first().pk).update(user=editor)
logged_in = Client()
logged_in.force_login(editor)
results = {
    "reader page": measure(Client(), pages),
    "admin page (a superuser logged in)": measure(logged_in, admin_pages),
}
print(json.dumps({"published": total, "articles": Article.objects.count(), "tables": results}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument(
        "--existing", action="store_true", help="measure the archive DATABASE_URL holds"
    )
    args = parser.parse_args()
    if args.existing and "DATABASE_URL" not in os.environ:
        parser.error("--existing measures the database DATABASE_URL names: set it.")
    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {
            "SECRET_KEY": "benchmark-only",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "MEDIA_ROOT": str(Path(tmp) / "media"),
            "CACHE_DIR": str(Path(tmp) / "cache"),
            "PAGE_CACHE": "0",
            "BENCH_REQUESTS": str(args.requests),
        }
        env.setdefault("DATABASE_URL", f"sqlite:///{Path(tmp) / 'archive.sqlite3'}")
        env.pop("DEBUG", None)
        manage = [sys.executable, str(ROOT / "manage.py")]
        run = {"env": env, "cwd": ROOT, "check": True}
        subprocess.run([*manage, "migrate", "-v0"], **run)  # noqa: S603
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], **run)  # noqa: S603
        if not args.existing:
            generate = [*manage, "generate_demo", "--articles", str(args.articles)]
            subprocess.run(generate, **run)  # noqa: S603
        output = subprocess.run(  # noqa: S603
            [*manage, "shell", "-c", MEASURE], capture_output=True, text=True, **run
        ).stdout
    report = json.loads(output.splitlines()[-1])
    engine = env["DATABASE_URL"].split(":", 1)[0]
    print(
        f"{report['articles']:,} articles ({report['published']:,} public) on {engine}; "
        f"{args.requests} requests a page."
    )
    for title, pages in report["tables"].items():
        print()
        print(f"| {title} | SQL queries | p50 ms | p95 ms |")
        print("| --- | --- | --- | --- |")
        for name, figures in pages.items():
            print(
                f"| {name} | {figures['queries']} | {figures['p50']:.1f} | {figures['p95']:.1f} |"
            )


if __name__ == "__main__":
    main()
