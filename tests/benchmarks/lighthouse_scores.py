"""Lighthouse's four scores for an article page, as a phone on a mobile network would load it.

    python -m tests.benchmarks.lighthouse_scores --lighthouse PATH [--minimum 95]

Builds a production-like site (DEBUG off, the demo content of ``load_demo``) in a temporary
folder, serves it with gunicorn on 127.0.0.1 (media beside it, as a web server would), and runs
the Lighthouse command (from the npm registry; ``make lighthouse`` installs it) with Debian's
Chromium, Lighthouse's default mobile settings, on the newest article with a lead picture and
two more placed inside its story. Prints Performance, Accessibility, Best Practices and SEO;
fails if one is under ``--minimum``.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .site_throughput import django, gunicorn, last_json, site_env

CATEGORIES = {
    "performance": "Performance",
    "accessibility": "Accessibility",
    "best-practices": "Best Practices",
    "seo": "SEO",
}
# The newest article with a lead picture, given two more pictures of the library inside its
# story (after its second and fourth paragraphs), as an editor places them.
FIND_ARTICLE = """
import json
from articles.models import Article, Picture
article = (
    Article.objects.published()
    .filter(captions__order=0, captions__picture__image__gt="")
    .order_by("-publish_at")[0]
)
others = Picture.objects.exclude(image="").exclude(captions__article=article)[:2]
body = article.body
for number, picture in zip((4, 2), others):
    end = 0
    for _ in range(min(number, body.count("</p>"))):
        end = body.index("</p>", end) + len("</p>")
    body = body[:end] + f'<figure data-picture="{picture.pk}"></figure>' + body[end:]
article.body = body
article.save()
assert Article.objects.get(pk=article.pk).body.count("data-picture") == 2
print(json.dumps(article.get_absolute_url()))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lighthouse", required=True, help="the lighthouse command")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--minimum", type=int, default=95)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = site_env(tmp) | {"ALLOWED_HOSTS": "127.0.0.1"}
        django(env, "migrate", "-v0")
        django(env, "collectstatic", "--noinput", "-v0")
        django(env, "load_demo")
        path = last_json(django(env, "shell", "-c", FIND_ARTICLE))
        report = tmp / "report.json"
        with gunicorn("tests.benchmarks.media_wsgi", env) as base:
            subprocess.run(  # noqa: S603 (the lighthouse command we were given)
                [
                    args.lighthouse,
                    base + path,
                    "--quiet",
                    f"--output-path={report}",
                    "--output=json",
                    f"--only-categories={','.join(CATEGORIES)}",
                    "--chrome-flags=--headless=new --no-sandbox",
                ],
                env=os.environ | {"CHROME_PATH": args.chromium},
                check=True,
            )
        scores = {
            name: round(category["score"] * 100)
            for name, category in json.loads(report.read_text())["categories"].items()
        }
    print(f"Lighthouse (mobile) on {path}")
    print()
    print("| " + " | ".join(CATEGORIES.values()) + " |")
    print("| --- " * len(CATEGORIES) + "|")
    print("| " + " | ".join(str(scores[name]) for name in CATEGORIES) + " |")
    low = [CATEGORIES[name] for name in CATEGORIES if scores[name] < args.minimum]
    if low:
        sys.exit(f"Under {args.minimum}: {', '.join(low)}")


if __name__ == "__main__":
    main()
