"""Server time of reader pages on a large archive: p50 and p95 of sequential requests.

    python -m tests.benchmarks.archive_latency [--articles 100000] [--requests 40]
    DATABASE_URL=postgres://… python -m tests.benchmarks.archive_latency --articles 1000000

Generates the archive with ``generate_demo`` (into a temporary SQLite file unless DATABASE_URL
names a database, which must be empty and migrated), then times each kind of page in-process
with Django's test client, the page cache off: distinct articles, sections, tags, authors,
search words and deep pages, so that each request renders (no fragment is reused).
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
client, results = Client(), {}
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
print(json.dumps({"published": total, "pages": results}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
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
        subprocess.run([*manage, "generate_demo", "--articles", str(args.articles)], **run)  # noqa: S603
        output = subprocess.run(  # noqa: S603
            [*manage, "shell", "-c", MEASURE], capture_output=True, text=True, **run
        ).stdout
    report = json.loads(output.splitlines()[-1])
    engine = env["DATABASE_URL"].split(":", 1)[0]
    print(f"{report['published']} public articles on {engine}; {args.requests} requests a page.")
    print()
    print("| page | SQL queries | p50 ms | p95 ms |")
    print("| --- | --- | --- | --- |")
    for name, figures in report["pages"].items():
        print(f"| {name} | {figures['queries']} | {figures['p50']:.1f} | {figures['p95']:.1f} |")


if __name__ == "__main__":
    main()
