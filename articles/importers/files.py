"""Finding and reading the files ``import_articles`` is given: files, folders, or standard input."""

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

STDIN = "-"


class SourceError(Exception):
    """A path that cannot be read as an article; the message names the problem."""


@dataclass(frozen=True)
class Source:
    """One file to import (or standard input), or a path that turned out unusable."""

    label: str
    path: Path | None = None
    error: str = ""

    def read(self, *, max_bytes):
        """The file's bytes; raises SourceError if it is too large or unreadable."""
        if self.error:
            raise SourceError(self.error)
        if self.path is None:
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            try:
                if self.path.stat().st_size > max_bytes:
                    raise SourceError(_too_large(max_bytes))
                data = self.path.read_bytes()
            except OSError as error:
                raise SourceError(f"cannot read: {error.strerror or error}") from error
        if len(data) > max_bytes:
            raise SourceError(_too_large(max_bytes))
        return data

    def key(self, checksum):
        """What identifies the article across runs: its resolved path (stdin: its content)."""
        return f"stdin:{checksum}" if self.path is None else str(self.path.resolve())


def _too_large(max_bytes):
    return f"file is over the size limit of {max_bytes:,} bytes (ARTICLES_IMPORT_MAX_BYTES)"


def checksum(data):
    return hashlib.sha256(data).hexdigest()


def _text_files(folder):
    """The folder's ``*.txt`` files, recursively, in a stable order, without listing them all."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".txt"):
                yield Path(root, name)


def discover(paths):
    """Sources for the given paths, in order; folders are read recursively for ``*.txt``."""
    for raw in paths:
        if raw == STDIN:
            yield Source(label="<stdin>")
            continue
        path = Path(raw)
        if path.is_dir():
            found = False
            for file in _text_files(path):
                found = True
                yield Source(label=str(file), path=file)
            if not found:
                yield Source(label=raw, error="folder holds no .txt files")
        elif path.exists():
            yield Source(label=raw, path=path)
        else:
            yield Source(label=raw, error="no such file or folder")
