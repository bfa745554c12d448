"""Every ``manage.py`` command the README shows (its ```sh blocks) works exactly as written
after ``make run``: in a copy of what ``make run`` leaves (a .env with DEBUG=1 and a
SECRET_KEY, a migrated database with the demo content), with no other environment."""

import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent
COMMAND = re.compile(r"^\.venv/bin/python manage\.py .+$")


def readme_commands():
    """The ``.venv/bin/python manage.py …`` lines of the README's ```sh blocks, with their
    continuation lines joined."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = line.split("  #", 1)[0].strip()
            if COMMAND.match(line):
                commands.append(line)
    return commands


class ReadmeCommandTests(SimpleTestCase):
    def test_the_readme_shows_manage_py_commands(self):
        self.assertGreaterEqual(len(readme_commands()), 3)

    def test_every_readme_command_runs_as_written_after_make_run(self):
        with tempfile.TemporaryDirectory() as folder:
            folder = Path(folder)
            env_file = folder / ".env"
            env_file.write_text(
                "DEBUG=1\n"
                "SECRET_KEY=readme-test-key\n"
                f"DATABASE_URL=sqlite:///{folder / 'db.sqlite3'}\n"
                f"MEDIA_ROOT={folder / 'media'}\n"
                f"CACHE_DIR={folder / 'cache'}\n"
            )
            # Only what a shell has: PATH and HOME, and where make run's .env is.
            environ = {
                "PATH": os.environ.get("PATH", ""),
                "HOME": str(folder),
                "ENV_FILE": str(env_file),
            }
            python = Path(sys.executable)
            for setup in ("migrate --noinput", "load_demo"):
                self.run_command(f"{python} manage.py {setup}", environ)
            for command in readme_commands():
                with self.subTest(command):
                    line = command.replace(".venv/bin/python", str(python), 1)
                    self.run_command(line, environ, cwd=folder if "--output" in line else None)

    def run_command(self, line, environ, cwd=None):
        words = shlex.split(line)
        if cwd is not None:  # files a command writes go to the scratch folder
            words = [str(ROOT / w) if w == "manage.py" else w for w in words]
        result = subprocess.run(  # noqa: S603 (the README's own commands)
            words,
            cwd=cwd or ROOT,
            env=environ,
            capture_output=True,
            text=True,
            timeout=300,
        )
        output = f"{result.stdout[-2000:]}{result.stderr[-2000:]}"
        self.assertEqual(result.returncode, 0, f"{line}\n{output}")
