"""Loaded by pytest with ``-p`` before Django reads its settings (see pyproject.toml).

Tests run with DEBUG off, as production does. Production settings require a SECRET_KEY and
redirect plain HTTP to HTTPS; the test client speaks plain HTTP, so turn the redirect off and
give the run a throwaway key, so that a bare ``pytest`` works with no environment set up.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# The suite never reads the .env that `make run` writes for local development.
os.environ.setdefault("ENV_FILE", "")
