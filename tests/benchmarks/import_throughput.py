"""Import throughput: N generated scraped-text files into a fresh SQLite database.

    python -m tests.benchmarks.import_throughput [--files 10000]

Runs ``import_articles`` in a child process (as a user would) and reports articles per second
and the child's peak memory; a second, smaller run shows whether memory grows with the corpus.
"""

import argparse
import os
import random
import resource
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


def article(rng, number):
    headline = f"{sentence(rng, 7)[:-1].title()} {number}"
    byline = " and ".join(rng.sample(NAMES, rng.randint(1, 3)))
    caption = f"{sentence(rng, 12)} /Harbour Daily/Lee Park"
    paragraphs = [" ".join(sentence(rng) for _ in range(3)) for _ in range(14)]
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


def run_import(count):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        corpus.mkdir()
        write_corpus(corpus, count)
        env = os.environ | {
            "DEBUG": "0",  # as in production: no per-query debug bookkeeping
            "SECRET_KEY": "benchmark-only",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(tmp / "media"),
            "CACHE_DIR": str(tmp / "cache"),
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)  # noqa: S603
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        result = subprocess.run(  # noqa: S603
            [*manage, "import_articles", str(corpus)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if result.returncode != 0:
            sys.exit(f"import failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
        return count / elapsed, max(peak, before) / 1024, result.stdout.strip().splitlines()[-1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    args = parser.parse_args()
    small = max(1, args.files // 10)
    small_rate, small_peak, _ = run_import(small)
    rate, peak, summary = run_import(args.files)
    print(
        f"import {small:>6} files: {small_rate:7.0f} articles/s, peak memory {small_peak:6.1f} MB"
    )
    print(f"import {args.files:>6} files: {rate:7.0f} articles/s, peak memory {peak:6.1f} MB")
    print(f"  ({summary})")


if __name__ == "__main__":
    main()
