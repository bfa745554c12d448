"""The floor of the page benchmark: a trivial WSGI app that returns a page's bytes from memory
(``BENCH_PAGE_FILE``), served by the same gunicorn as the site."""

import os
from pathlib import Path

BODY = Path(os.environ["BENCH_PAGE_FILE"]).read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
