# The two commands of the README: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install test-tools run serve test lint sqlite-tests postgres-tests bench bench-archive loadtest lighthouse clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

# Debian's packages the tests need: Chromium for the browser tests (tests/test_browser.py; never
# a browser Playwright downloads) and Java for the Nu HTML Checker (tests/test_html_validity.py).
TEST_PACKAGES = $(if $(wildcard /usr/bin/chromium),,chromium) $(if $(shell command -v java),,default-jre-headless)
test-tools:
	@[ -z "$(strip $(TEST_PACKAGES))" ] || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(TEST_PACKAGES)) >/dev/null

# A local development server with demo content. DEBUG is on only here: `make run` writes .env
# (DEBUG=1 and a generated SECRET_KEY; git ignores it), which settings read, so that every
# `manage.py` command of the README works as written beside it.
.env:
	@printf 'DEBUG=1\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote .env (DEBUG=1, a new SECRET_KEY) for local development."

# A task worker (db_worker: imports started in the admin run there) starts beside the server;
# Ctrl-C stops both. The worker does not reload on code changes: stop and run again.
run: install .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production serving on this machine: DEBUG off, gunicorn with a worker per CPU, WhiteNoise
# serving compressed, hashed static files. Needs SECRET_KEY (and ALLOWED_HOSTS, SITE_URL) in the
# environment; media is served from MEDIA_ROOT by your web server or object storage.
# Background work (imports from the admin) runs in `manage.py db_worker` processes, one started
# here beside gunicorn, stopped with it; a production machine runs them under its service
# manager, as many as it needs, on any machine that reaches the database (docs/configuration.md,
# "Workers").
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
serve: install
	ENV_FILE= $(BIN)/python manage.py migrate --noinput
	ENV_FILE= $(BIN)/python manage.py collectstatic --noinput -v0
	ENV_FILE= $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	ENV_FILE= $(BIN)/gunicorn newsroom.wsgi --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile -

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --recursive articles newsroom --exclude articles/migrations --severity-level high
	ENV_FILE= DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# The whole suite on SQLite, then on PostgreSQL too when DATABASE_URL names one. The tests of
# several app servers (tests/multiserver/) need PostgreSQL and a Redis (TEST_REDIS_URL; .ci/run
# starts both): they run in the PostgreSQL pass only. Each pass runs on every CPU (pytest-xdist,
# handing tests out in pytest-django's order: those that flush the database come last).
PYTEST := $(BIN)/python -m pytest -n auto
test: lint sqlite-tests postgres-tests

sqlite-tests: install test-tools
	env -u DATABASE_URL ENV_FILE= $(PYTEST) --ignore=tests/multiserver

postgres-tests: install test-tools
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "Running the suite again on $${DATABASE_URL%%:*}"; \
		ENV_FILE= $(PYTEST); \
	else \
		echo "DATABASE_URL is not set: PostgreSQL run skipped (.ci/run provides one)."; \
	fi

# Throughput figures (not part of make test): pages per second under gunicorn measured with wrk
# (installed from Debian's packages if missing), uncached and cached, beside a trivial WSGI floor
# and a minimal Wagtail site serving the same article (in its own virtualenv, .venv-wagtail);
# then import of 10,000 generated files, a generated WordPress export of 2,000 posts and a
# ninjs list of 2,000 items, into SQLite (articles/s, peak memory of each run).
WAGTAIL_VENV := .venv-wagtail
$(WAGTAIL_VENV)/bin/.installed: tests/benchmarks/wagtail_peer/requirements.txt
	$(PYTHON) -m venv $(WAGTAIL_VENV)
	$(WAGTAIL_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	touch $@

bench: install $(WAGTAIL_VENV)/bin/.installed
	@command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk) >/dev/null
	$(BIN)/python -m tests.benchmarks.site_throughput --wagtail-python $(WAGTAIL_VENV)/bin/python
	$(BIN)/python -m tests.benchmarks.import_throughput --files 10000

# Server time of each kind of page on a large archive (p50/p95): 100,000 articles on SQLite by
# default; ARTICLES=1000000 DATABASE_URL=postgres://… for PostgreSQL (an empty database).
ARTICLES ?= 100000
bench-archive: install
	$(BIN)/python -m tests.benchmarks.archive_latency --articles $(ARTICLES)

# Load test (not part of make test): two minutes of mixed reader traffic (home, articles,
# sections, tags, authors, feeds, search) from wrk against gunicorn (two sync workers, page cache
# on) while import_articles publishes batches of generated files into the same SQLite database;
# fails on any socket error, timeout (2 s), response other than 2xx/3xx or failed import.
loadtest: install
	@command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk) >/dev/null
	$(BIN)/python -m tests.benchmarks.load_under_import

# Lighthouse's four scores (Performance, Accessibility, Best Practices, SEO; mobile settings) for
# an article of the demo content served by gunicorn with DEBUG off; fails under 95. Lighthouse
# comes from the npm registry into .lighthouse/, and drives Debian's Chromium.
LIGHTHOUSE := .lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE):
	npm install --prefix .lighthouse --silent --no-audit --no-fund lighthouse@12.8.2

lighthouse: install test-tools $(LIGHTHOUSE)
	$(BIN)/python -m tests.benchmarks.lighthouse_scores --lighthouse $(LIGHTHOUSE)

clean:
	rm -rf $(VENV) $(WAGTAIL_VENV) .lighthouse .pytest_cache staticfiles
