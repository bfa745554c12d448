"""Settings as a deployment sees them, checked in a fresh process with its own environment."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-key-" + "x" * 40,
    "ALLOWED_HOSTS": "news.example.com",
    "DATABASE_URL": "sqlite:///:memory:",
}


def manage(*args, **environ):
    reset = {"DEBUG", "SECRET_KEY", "SECURE_SSL_REDIRECT"}
    env = {k: v for k, v in os.environ.items() if k not in reset} | {"ENV_FILE": ""} | environ
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


class ProductionSettingsTests(SimpleTestCase):
    def test_check_deploy_is_clean(self):
        result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues", result.stdout)

    def test_secret_key_is_required_when_debug_is_off(self):
        environ = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
        result = manage("check", **environ)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("Set the SECRET_KEY environment variable", result.stderr)

    def test_debug_runs_without_a_secret_key(self):
        result = manage("check", DEBUG="1", DATABASE_URL="sqlite:///:memory:")
        self.assertEqual(result.returncode, 0, result.stderr)


class EnvFileTests(SimpleTestCase):
    """``make run`` writes .env; settings read it, and the environment still wins."""

    def settings_with(self, contents, **environ):
        """DEBUG and SECRET_KEY as settings read them with an env file of ``contents``."""
        with tempfile.TemporaryDirectory() as folder:
            env_file = Path(folder) / ".env"
            env_file.write_text(contents)
            result = manage(
                "shell",
                "--no-imports",
                "-c",
                "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)",
                ENV_FILE=str(env_file),
                DATABASE_URL="sqlite:///:memory:",
                **environ,
            )
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.split()

    def test_settings_read_debug_and_the_secret_key_from_the_env_file(self):
        found = self.settings_with("# local\nDEBUG=1\nSECRET_KEY=from-the-file\n")
        self.assertEqual(found, ["True", "from-the-file"])

    def test_the_environment_overrides_the_env_file(self):
        found = self.settings_with("DEBUG=1\nSECRET_KEY=from-the-file\n", DEBUG="0")
        self.assertEqual(found, ["False", "from-the-file"])

    def test_the_env_file_is_never_committed(self):
        ignored = subprocess.run(  # noqa: S603 (git, fixed arguments)
            ["git", "check-ignore", ".env"],  # noqa: S607 (git from the PATH, as make finds it)
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        self.assertEqual(ignored.stdout.strip(), ".env")
