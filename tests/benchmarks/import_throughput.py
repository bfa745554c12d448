"""Import throughput: N generated scraped-text files, then a generated WordPress export of M
posts and a ninjs list of M items, each into a fresh SQLite database.

    python -m tests.benchmarks.import_throughput [--files 10000] [--posts 2000]

Runs ``import_articles`` in a child process (as a user would) and reports articles per second
and the child's peak memory; a second, smaller run of text files shows whether memory grows with
the corpus.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORDS = [
    "harbour",
    "council",
    "ferry",
    "river",
    "budget",
    "market",
    "storm",
    "school",
    "tram",
    "energy",
    "port",
    "city",
    "valley",
    "museum",
    "stadium",
    "reef",
    "coral",
    "battery",
    "factory",
    "workers",
    "talks",
    "deal",
    "union",
    "bridge",
    "island",
]
NAMES = ["Ana Müller", "Tom Reyes", "Kwame Mensah", "Leo Fischer", "Zoë Hartmann", "Daniel Costa"]


def sentence(rng, words=14):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def story_headline(rng, number):
    return f"{sentence(rng, 7)[:-1].title()} {number}"


def story_paragraphs(rng):
    """Fourteen paragraphs of three sentences, as every generated story has."""
    return [" ".join(sentence(rng) for _ in range(3)) for _ in range(14)]


def article(rng, number):
    headline = story_headline(rng, number)
    byline = " and ".join(rng.sample(NAMES, rng.randint(1, 3)))
    caption = f"{sentence(rng, 12)} /Harbour Daily/Lee Park"
    paragraphs = story_paragraphs(rng)
    teasers = [f"{sentence(rng, 6)[:-1].title()}?" for _ in range(3)]
    parts = [headline, byline, caption, "", caption, "", *(p + "\n" for p in paragraphs[:6])]
    parts += ["", *(t + "\n" for t in teasers), "", "Subheading Of The Story", ""]
    parts += [p + "\n" for p in paragraphs[6:]]
    parts += ["Search Trends"]
    return "\n".join(parts)


def write_corpus(folder, count, seed=1):
    rng = random.Random(seed)
    for number in range(count):
        sub = folder / f"{number // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"story-{number:05d}.txt").write_text(article(rng, number), encoding="utf-8")


WXR_HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Benchmark Gazette</title>
<link>https://bench.example.org</link>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_blog_url>https://bench.example.org</wp:base_blog_url>
"""
CATEGORIES = ["Waterfront", "City", "Business", "Sport", "Culture"]
STATUSES = ["publish"] * 8 + ["draft", "future"]


def wxr_post(rng, number):
    """One post: a byline, a category and tags, an excerpt, a classic body of paragraphs
    between blank lines with a captioned picture, and its attachment."""
    post_id, picture_id = 2 * number + 10, 2 * number + 11
    headline = story_headline(rng, number)
    status = rng.choice(STATUSES)
    year = 2099 if status == "future" else 2024
    date = f"{year}-{1 + number % 12:02d}-{1 + number % 28:02d} {number % 24:02d}:00:00"
    login = f"author{number % len(NAMES)}"
    slug = f"story-{number}"
    paragraphs = story_paragraphs(rng)
    body = "\n\n".join(paragraphs[:6])
    body += (
        f'\n\n[caption id="attachment_{picture_id}"]<img class="wp-image-{picture_id}" '
        f'src="https://bench.example.org/wp-content/uploads/2024/01/p{number}.jpg" alt="" /> '
        f"{sentence(rng, 10)}[/caption]\n\n<h2>Subheading of the story</h2>\n\n"
    )
    body += "\n\n".join(paragraphs[6:])
    tags = "".join(
        f'<category domain="post_tag" nicename="t{n}"><![CDATA[{word.title()}]]></category>'
        for n, word in enumerate(rng.sample(WORDS, 3))
    )
    category = CATEGORIES[number % len(CATEGORIES)]
    return f"""<item><title>{headline}</title>
<link>https://bench.example.org/{year}/01/{slug}/</link>
<dc:creator><![CDATA[{login}]]></dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded>
<excerpt:encoded><![CDATA[{sentence(rng, 16)}]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:post_date_gmt>{date}</wp:post_date_gmt>
<wp:post_name>{slug}</wp:post_name><wp:status>{status}</wp:status>
<wp:post_type>post</wp:post_type><wp:post_password></wp:post_password>
<category domain="category" nicename="{category.lower()}"><![CDATA[{category}]]></category>{tags}
</item>
<item><title>p{number}</title><wp:post_id>{picture_id}</wp:post_id>
<wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<excerpt:encoded><![CDATA[{sentence(rng, 8)}]]></excerpt:encoded>
<wp:attachment_url>https://bench.example.org/wp-content/uploads/2024/01/p{number}.jpg</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key>
<wp:meta_value>{sentence(rng, 6)}</wp:meta_value></wp:postmeta>
</item>
"""


def write_export(path, count, seed=1):
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as export:
        export.write(WXR_HEAD)
        for n, name in enumerate(NAMES):
            export.write(
                f"<wp:author><wp:author_login>author{n}</wp:author_login>"
                f"<wp:author_display_name><![CDATA[{name}]]></wp:author_display_name>"
                "</wp:author>\n"
            )
        for number in range(count):
            export.write(wxr_post(rng, number))
        export.write("</channel>\n</rss>\n")


def ninjs_item(rng, number):
    """One ninjs 2.x news item: headline, standfirst, an HTML body with a subheading, a byline
    of one to three, a section and tags, a publication time."""
    paragraphs = story_paragraphs(rng)
    body = "".join(f"<p>{p}</p>" for p in paragraphs[:6]) + "<h2>Subheading of the story</h2>"
    body += "".join(f"<p>{p}</p>" for p in paragraphs[6:])
    section = CATEGORIES[number % len(CATEGORIES)]
    return {
        "uri": f"urn:bench:wire:{number}",
        "type": "text",
        "pubstatus": "usable",
        "firstcreated": f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}T{number % 24:02d}:00Z",
        "headlines": [{"role": "main", "value": story_headline(rng, number)}],
        "descriptions": [{"role": "summary", "value": sentence(rng, 16)}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": body}],
        "people": [
            {"name": name, "rel": "author"} for name in rng.sample(NAMES, rng.randint(1, 3))
        ],
        "subjects": [{"name": section, "rel": "section"}]
        + [{"name": word.title(), "rel": "tag"} for word in rng.sample(WORDS, 3)],
    }


def write_ninjs(path, count, seed=1):
    rng = random.Random(seed)
    path.write_text(json.dumps([ninjs_item(rng, n) for n in range(count)]), encoding="utf-8")


def run_import(count, *, fmt="text"):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if fmt == "wxr":
            export = tmp / "export.xml"
            write_export(export, count)
            arguments = ["--format", "wxr", str(export)]
        elif fmt == "ninjs":
            export = tmp / "items.json"
            write_ninjs(export, count)
            arguments = ["--format", "ninjs", str(export)]
        else:
            corpus = tmp / "corpus"
            corpus.mkdir()
            write_corpus(corpus, count)
            arguments = [str(corpus)]
        env = os.environ | {
            "DEBUG": "0",  # as in production: no per-query debug bookkeeping
            "SECRET_KEY": "benchmark-only",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(tmp / "media"),
            "CACHE_DIR": str(tmp / "cache"),
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)  # noqa: S603
        with (tmp / "output.txt").open("w+", encoding="utf-8") as output:
            started = time.perf_counter()
            child = subprocess.Popen(  # noqa: S603
                [*manage, "import_articles", *arguments], env=env, stdout=output, stderr=output
            )
            # wait4 gives this child's own peak memory (RUSAGE_CHILDREN would be the largest
            # of every run so far).
            _, status, usage = os.wait4(child.pid, 0)
            elapsed = time.perf_counter() - started
            child.returncode = os.waitstatus_to_exitcode(status)
            output.seek(0)
            text = output.read()
        if child.returncode != 0:
            sys.exit(f"import failed:\n{text[-4000:]}")
        summary = next(line for line in text.splitlines() if "Imported:" in line)
        return count / elapsed, usage.ru_maxrss / 1024, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=2_000)
    args = parser.parse_args()
    small = max(1, args.files // 10)
    small_rate, small_peak, _ = run_import(small)
    rate, peak, summary = run_import(args.files)
    wxr_rate, wxr_peak, wxr_summary = run_import(args.posts, fmt="wxr")
    ninjs_rate, ninjs_peak, ninjs_summary = run_import(args.posts, fmt="ninjs")
    print(
        f"import {small:>6} files: {small_rate:7.0f} articles/s, peak memory {small_peak:6.1f} MB"
    )
    print(f"import {args.files:>6} files: {rate:7.0f} articles/s, peak memory {peak:6.1f} MB")
    print(f"  ({summary})")
    print(
        f"import {args.posts:>6} WXR posts: {wxr_rate:4.0f} articles/s, "
        f"peak memory {wxr_peak:6.1f} MB"
    )
    print(f"  ({wxr_summary})")
    print(
        f"import {args.posts:>6} ninjs items: {ninjs_rate:4.0f} articles/s, "
        f"peak memory {ninjs_peak:6.1f} MB"
    )
    print(f"  ({ninjs_summary})")


if __name__ == "__main__":
    main()
