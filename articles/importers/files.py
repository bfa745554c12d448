"""Finding and reading the files ``import_articles`` is given (files, folders, or standard
input), and the picture files of the items it imports (``MediaFolder``)."""

import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

STDIN = "-"
# WordPress keeps uploads below this path; a resized copy is named photo-300x200.jpg.
UPLOADS = "/wp-content/uploads/"
_RESIZED = re.compile(r"^(?P<stem>.+)-\d+x\d+(?P<suffix>\.\w+)$")


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


def item_checksum(parsed, pictures=()):
    """The checksum of one item of a file (its parse as JSON) and of the picture files found
    for it (``MediaFolder.fingerprint``), so that a picture found later updates the item."""
    content = json.dumps([parsed.as_dict(), list(pictures)], sort_keys=True, ensure_ascii=False)
    return checksum(content.encode())


def _files(folder, suffix):
    """The folder's files ending in ``suffix``, recursively, in a stable order, without
    listing them all."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(suffix):
                yield Path(root, name)


def discover(paths, suffix=".txt"):
    """Sources for the given paths, in order; folders are read recursively for files ending
    in ``suffix``."""
    for raw in paths:
        if raw == STDIN:
            yield Source(label="<stdin>")
            continue
        path = Path(raw)
        if path.is_dir():
            found = False
            for file in _files(path, suffix):
                found = True
                yield Source(label=str(file), path=file)
            if not found:
                yield Source(label=raw, error=f"folder holds no {suffix} files")
        elif path.exists():
            yield Source(label=raw, path=path)
        else:
            yield Source(label=raw, error="no such file or folder")


class MediaFolder:
    """Picture files in a folder, found by the address each was published at, never outside
    the folder: by the path after ``/wp-content/uploads/`` (below the folder, or below its own
    ``wp-content/uploads``), else by file name anywhere in it (a resized copy's name,
    ``photo-300x200.jpg``, also finds ``photo.jpg``). The folder is listed once, when a name
    is first looked up."""

    def __init__(self, root):
        self.root = Path(root).resolve()
        self._names = None

    def find(self, urls):
        """The file of the first of ``urls`` found, or None."""
        for url in urls:
            if found := self._find(url):
                return found
        return None

    def fingerprint(self, path):
        """What tells a changed picture file: its place, size and modification time."""
        stat = path.stat()
        return f"{path.relative_to(self.root)}:{stat.st_size}:{stat.st_mtime_ns}"

    def _find(self, url):
        """The file of ``url``: at its path under the uploads folder (or the original beside a
        resized copy), else the only file of that name in the folder."""
        try:
            path = PurePosixPath(unquote(urlsplit(url).path))
            names = [name for name in _file_names(path.name) if name]
            if UPLOADS in str(path):
                relative = PurePosixPath(str(path).split(UPLOADS, 1)[1]).parent
                for base in (self.root, self.root / "wp-content" / "uploads"):
                    for name in names:
                        if found := self._inside(base / relative / name):
                            return found
            return next(filter(None, map(self._by_name().get, names)), None)
        except ValueError:  # no file has such an address (a NUL, an invalid host)
            return None

    def _inside(self, path):
        """``path`` resolved, if it is a file inside the folder (links leading out are not)."""
        resolved = path.resolve()
        if resolved.is_relative_to(self.root) and resolved.is_file():
            return resolved
        return None

    def _by_name(self):
        """Each file name in the folder and the file that has it; ``None`` for a name that
        several files have, which names no picture for sure."""
        if self._names is None:
            self._names = {}
            for path in _files(self.root, ""):
                if path.name in self._names:
                    self._names[path.name] = None
                elif found := self._inside(path):
                    self._names[path.name] = found
        return self._names


def _file_names(name):
    """A picture's file name, then its original's if it is a resized copy (photo-300x200.jpg
    of photo.jpg)."""
    resized = _RESIZED.match(name)
    return (name, resized and resized["stem"] + resized["suffix"])
