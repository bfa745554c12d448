"""Load test: mixed reader traffic with zero errors while an import writes to the same database.

    python -m tests.benchmarks.load_under_import [--seconds 120] [--articles 5000] [--files 3000]

Builds a fresh SQLite site in a temporary folder as ``site_throughput`` does (``generate_demo``),
serves it as in production (gunicorn, two sync workers, DEBUG off, page cache on) and, for
``--seconds``, drives wrk (two threads, sixteen connections, its 2-second timeout) through a
cycle of reader pages: home, articles, sections, tags, authors, the RSS, Atom and JSON feeds and
searches. Meanwhile ``manage.py import_articles --status published`` imports batches of
generated files (``import_throughput``'s) into the same database, one batch after another until
the load ends, so that writes, and the page cache invalidations they cause, last the whole run.

Exits non-zero, with the server's log, if wrk saw any socket error (a timeout included) or any
response other than 2xx or 3xx, if the server logged an error, or if an import failed.
"""

import argparse
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from .import_throughput import write_corpus
from .site_throughput import ROOT, build_site, django, gunicorn, last_json

IMPORT_TIMEOUT = 600  # seconds for one batch: a hung import fails the run rather than stalling it
FIND_PATHS = """
import json
from articles.models import Article, Author, Section
from taggit.models import Tag
articles = Article.objects.published().order_by("-publish_at")
newest = [article.get_absolute_url() for article in articles[:6]]
count = articles.count()
older = [articles[n].get_absolute_url() for n in (count // 4, count // 2)]
sections = [section.get_absolute_url() for section in Section.objects.order_by("pk")[:3]]
tags = [f"/tags/{tag.slug}/" for tag in Tag.objects.order_by("pk")[:2]]
authors = [author.get_absolute_url() for author in Author.objects.order_by("pk")[:2]]
print(json.dumps(newest + older + sections + tags + authors))
"""
READER_PATHS = [
    "/",
    "/?page=2",
    "/feeds/rss/",
    "/feeds/atom/",
    "/feeds/json/",
    "/sections/world/feeds/rss/",
    "/search/?q=harbour",
    "/search/?q=solar+energy",
    "/search/?q=%22railways%22+budget",
    "/",  # the front page, twice in each cycle
]
LUA = """
local paths = {%s}
local next_path = 0
request = function()
  next_path = next_path %% #paths + 1
  return wrk.format("GET", paths[next_path])
end
"""
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


class ImportLoop(threading.Thread):
    """Imports batches of ``files`` generated files into the site, one after another, until
    ``stop`` is set; the next batch is written while the current one imports."""

    def __init__(self, env, folder, files):
        super().__init__()
        self.env, self.folder, self.files = env, folder, files
        self.stop = threading.Event()
        self.batches = []  # (files created, seconds) per finished batch
        self.failure = None  # the output of a failed batch
        self.first = self.corpus(1)  # written before the load starts

    def corpus(self, number):
        folder = self.folder / f"batch-{number:03d}"
        folder.mkdir()
        write_corpus(folder, self.files, seed=number)  # new words, new paths: new articles
        return folder

    def run(self):
        number, folder = 1, self.first
        while True:
            started = time.perf_counter()
            command = [sys.executable, str(ROOT / "manage.py"), "import_articles", str(folder)]
            command += ["--status", "published", "--section", "world"]
            process = subprocess.Popen(  # noqa: S603
                command,
                env=self.env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            upcoming = None if self.stop.is_set() else self.corpus(number + 1)
            try:
                output = process.communicate(timeout=IMPORT_TIMEOUT)[0]
            except subprocess.TimeoutExpired:
                process.kill()
                output = process.communicate()[0] + f"\n(killed after {IMPORT_TIMEOUT} s)"
            created = re.search(r"^Imported: (\d+) created", output, re.MULTILINE)
            if process.returncode != 0 or not created:
                self.failure = f"exit code {process.returncode}:\n{output[-3000:]}"
                return
            self.batches.append((int(created[1]), time.perf_counter() - started))
            if self.stop.is_set():
                return
            number, folder = number + 1, upcoming


def lua_script(paths):
    return LUA % ", ".join(f'"{path}"' for path in paths)


def milliseconds(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * UNITS_MS[unit]


def wrk_mixed(base, script, seconds):
    """wrk's figures for ``seconds`` of the request cycle in ``script`` (a Lua file)."""
    result = subprocess.run(  # noqa: S603
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "2s", "--latency", "-s", script, base],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"wrk failed:\n{result.stdout}\n{result.stderr}")
    output = result.stdout

    def found(pattern, default=None):
        match = re.search(pattern, output, re.MULTILINE)
        return match.groups() if match else default

    socket = found(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", (0, 0, 0, 0))
    return {
        "output": output,
        "requests": int(found(r"(\d+) requests in")[0]),
        "rate": float(found(r"^Requests/sec:\s+([\d.]+)")[0]),
        "p50": milliseconds(found(r"^\s+50%\s+(\S+)")[0]),
        "p99": milliseconds(found(r"^\s+99%\s+(\S+)")[0]),
        "max": milliseconds(found(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)")[0]),
        "socket": dict(zip(("connect", "read", "write", "timeout"), map(int, socket), strict=True)),
        "non_2xx": int(found(r"^\s+Non-2xx or 3xx responses: (\d+)", ("0",))[0]),
    }


def check_paths(base, paths):
    """Each path answers 200 before the load starts (and is in the page cache)."""
    for path in dict.fromkeys(paths):
        with urllib.request.urlopen(base + path) as response:  # noqa: S310
            if response.status != 200:
                sys.exit(f"{path}: {response.status} before the load")


def server_problems(lines):
    """The lines of the server's log that report an error."""
    markers = ("Error", "error", "Traceback", "locked", "TIMEOUT")
    return [line for line in lines if any(marker in line for marker in markers)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--articles", type=int, default=5000, help="articles in the site")
    parser.add_argument("--files", type=int, default=3000, help="files per import batch")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = build_site(tmp, args.articles)[0]
        paths = READER_PATHS + last_json(django(env, "shell", "-c", FIND_PATHS))
        script = tmp / "readers.lua"
        script.write_text(lua_script(paths))
        (tmp / "imports").mkdir()
        imports = ImportLoop(env, tmp / "imports", args.files)
        log_file = tmp / "gunicorn.log"
        with log_file.open("w") as log, gunicorn("newsroom.wsgi", env, stderr=log) as base:
            check_paths(base, paths)
            imports.start()
            try:
                figures = wrk_mixed(base, str(script), args.seconds)
            finally:  # the batch under way finishes, even if wrk failed
                imports.stop.set()
                imports.join()
        log_lines = log_file.read_text().splitlines()
    problems = server_problems(log_lines)

    socket_errors = sum(figures["socket"].values())
    imported = sum(created for created, _ in imports.batches)
    import_seconds = sum(seconds for _, seconds in imports.batches)
    print(
        f"{args.articles} generated articles on SQLite; gunicorn, 2 sync workers, page cache on; "
        f"wrk -t2 -c16 --timeout 2s over {len(paths)} reader paths; import_articles "
        f"--status published in batches of {args.files} files meanwhile."
    )
    print()
    print(
        "| duration | requests | requests/s | latency p50 / p99 / max | socket errors "
        "| non-2xx/3xx | articles imported (batches, import time) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    latency = " / ".join(
        f"{figures[name]:.0f}" if figures[name] >= 100 else f"{figures[name]:.1f}"
        for name in ("p50", "p99", "max")
    )
    print(
        f"| {args.seconds} s | {figures['requests']} | {figures['rate']:.0f} | {latency} ms "
        f"| {socket_errors} | {figures['non_2xx']} "
        f"| {imported} ({len(imports.batches)}, {import_seconds:.0f} s) |"
    )
    failures = []
    if socket_errors:
        failures.append(f"socket errors: {figures['socket']}")
    if figures["non_2xx"]:
        failures.append(f"{figures['non_2xx']} responses other than 2xx or 3xx")
    if imports.failure:
        failures.append(f"import failed, {imports.failure}")
    if problems:
        failures.append(f"{len(problems)} error lines in the server's log")
    if failures:
        print()
        print(figures["output"])
        print("\n".join((problems or log_lines)[-40:]))  # 4xx are logged as warnings
        sys.exit("Load test failed: " + "; ".join(failures))


if __name__ == "__main__":
    main()
