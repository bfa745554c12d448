"""Files uploaded to the admin's "Import articles" page, checked and kept in private media.

An upload is text files, .zip files of them, WordPress exports (.xml) or ninjs files (.json),
one format at a time; a .zip of an export or ninjs may bring the pictures its items name. It
is checked whole before anything is kept (``UploadError`` says what is wrong): its size
(``ARTICLES_IMPORT_MAX_UPLOAD_BYTES``), each zip's members (no path leading out of the
archive, at most ``ARTICLES_IMPORT_MAX_FILES`` files and ``ARTICLES_IMPORT_MAX_UNPACKED_BYTES``
once unpacked), and their formats. It is then unpacked into a folder of its own under
``imports/<user id>/`` in private media (``takedown.private_storage``), which no address of
the site serves; the folder goes when its import finishes, or when the same user uploads
again without confirming.
"""

import shutil
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .. import conf
from ..editorial.takedown import private_storage
from ..models import ImportRun

FORMATS = {".txt": "text", ".xml": "wxr", ".json": "ninjs"}
PICTURES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"}
KNOWN = "text files (.txt), a .zip of them, a WordPress export (.xml) or ninjs (.json)"
CHUNK = 64 * 1024


class UploadError(ValueError):
    """An upload that cannot be imported; nothing of it was kept."""


@dataclass(frozen=True)
class Upload:
    """The unpacked files of one upload: ``folder`` holds them, in ``format``."""

    folder: Path
    format: str
    has_pictures: bool = False

    @property
    def token(self):
        return self.folder.name

    @property
    def names(self):
        return sorted(
            path.relative_to(self.folder).as_posix()
            for path in self.folder.rglob("*")
            if path.is_file() and path.suffix.lower() in FORMATS
        )


def user_folder(user):
    return Path(private_storage().path("imports")) / str(user.pk)


def find(user, token):
    """The upload ``token`` of ``user`` (a folder name they were given), or None."""
    try:
        name = str(uuid.UUID(token))
    except (TypeError, ValueError):
        return None
    folder = user_folder(user) / name
    if not folder.is_dir():
        return None
    suffixes = {path.suffix.lower() for path in folder.rglob("*") if path.is_file()}
    found = [FORMATS[suffix] for suffix in suffixes if suffix in FORMATS]
    return Upload(folder, found[0], bool(suffixes & PICTURES)) if len(found) == 1 else None


def save(user, files):
    """Check ``files`` (Django's uploaded files) and unpack them into a new folder of
    ``user``'s; raise ``UploadError`` (keeping nothing) if they cannot be imported."""
    members = list(_members(files))
    formats = {FORMATS.get(PurePosixPath(name).suffix.lower()) for name, _ in members} - {None}
    pictures = [name for name, _ in members if PurePosixPath(name).suffix.lower() in PICTURES]
    if not formats:
        raise UploadError(f"No file to import: upload {KNOWN}.")
    if len(formats) > 1:
        raise UploadError(
            "Upload one format at a time: " + ", ".join(sorted(formats)) + " were mixed."
        )
    (format,) = formats
    if pictures and format == "text":
        raise UploadError(
            f"{pictures[0]}: pictures come with a WordPress export or ninjs, not text files."
        )
    names = [name.casefold() for name, _ in members]
    if len(set(names)) < len(names):
        raise UploadError("Two files have the same name: rename one, or upload them apart.")
    _discard_unconfirmed(user)
    folder = user_folder(user) / str(uuid.uuid4())
    try:
        room = conf.get("ARTICLES_IMPORT_MAX_UNPACKED_BYTES")
        for name, open_member in members:
            target = folder.joinpath(*PurePosixPath(name).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with open_member() as source, target.open("wb") as out:
                room = _copy(source, out, room)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Upload(folder, format, bool(pictures))


def discard(upload):
    shutil.rmtree(upload.folder, ignore_errors=True)


def _discard_unconfirmed(user):
    """Remove the user's uploads that no import is waiting for (previews never confirmed)."""
    root = user_folder(user)
    if not root.is_dir():
        return
    waiting = set(
        ImportRun.objects.filter(user=user, finished_at=None).values_list("upload", flat=True)
    )
    for folder in root.iterdir():
        if folder.name not in waiting:
            shutil.rmtree(folder, ignore_errors=True)


def _copy(source, out, room):
    """Copy ``source`` to ``out`` if it fits in ``room`` bytes; returns the room left (a zip
    member's declared size may lie: what it unpacks to is counted)."""
    while chunk := source.read(CHUNK):
        room -= len(chunk)
        if room < 0:
            raise UploadError(_too_large_unpacked())
        out.write(chunk)
    return room


def _too_large_unpacked():
    most = conf.get("ARTICLES_IMPORT_MAX_UNPACKED_BYTES")
    return f"The files are over {most:,} bytes once unpacked (ARTICLES_IMPORT_MAX_UNPACKED_BYTES)."


def _members(files):
    """``(name, opener)`` for each file to keep: each uploaded file, or each member of an
    uploaded zip; checked as a whole first."""
    if not files:
        raise UploadError(f"Choose the files to import: {KNOWN}.")
    most_bytes = conf.get("ARTICLES_IMPORT_MAX_UPLOAD_BYTES")
    if sum(file.size for file in files) > most_bytes:
        raise UploadError(
            f"The upload is over {most_bytes:,} bytes (ARTICLES_IMPORT_MAX_UPLOAD_BYTES)."
        )
    members = []
    for file in files:
        name = PurePosixPath(file.name.replace("\\", "/")).name
        suffix = PurePosixPath(name).suffix.lower()
        if suffix == ".zip":
            members += _zip_members(name, file)
        elif suffix in FORMATS:
            members.append((name, _opener(file)))
        else:
            raise UploadError(f"{name}: not a format the import reads; upload {KNOWN}.")
    most_files = conf.get("ARTICLES_IMPORT_MAX_FILES")
    if len(members) > most_files:
        raise UploadError(
            f"The upload holds {len(members):,} files; at most {most_files:,} "
            "(ARTICLES_IMPORT_MAX_FILES) are imported at once."
        )
    return members


def _opener(file):
    def open_file():
        file.seek(0)
        return file

    return open_file


def _zip_members(name, file):
    try:
        archive = zipfile.ZipFile(file)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise UploadError(f"{name}: not a zip file (or a damaged one).") from None
    members = []
    for info in infos:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if info.is_dir() or path.parts[:1] == ("__MACOSX",) or path.name.startswith("._"):
            continue  # folders, and the resource forks macOS adds
        if path.is_absolute() or ".." in path.parts or ":" in path.parts[0]:
            raise UploadError(
                f"{name}: the member {info.filename} leads out of the archive; nothing was kept."
            )
        suffix = path.suffix.lower()
        if suffix not in FORMATS and suffix not in PICTURES:
            raise UploadError(f"{name}: {info.filename} is not a format the import reads.")
        members.append((path.as_posix(), _member_opener(archive, info)))
    declared = sum(info.file_size for info in infos)
    if declared > conf.get("ARTICLES_IMPORT_MAX_UNPACKED_BYTES"):
        raise UploadError(_too_large_unpacked())
    if not members:
        raise UploadError(f"{name}: the zip holds no file to import.")
    return members


def _member_opener(archive, info):
    return lambda: archive.open(info)
