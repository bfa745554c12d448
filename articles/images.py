"""Renditions of a picture: the sizes and crops that pages, feeds and search engines show, made
once with Pillow when the picture or its focal point changes, never while a page renders.

A picture gets its own aspect ratio and 16:9, 4:3 and 1:1 crops centred as near its focal point
as the frame allows, each at several widths (never wider than the source, always at least one),
each as WebP and as JPEG (PNG instead for pictures with transparency): upright (EXIF
orientation), in sRGB, without metadata. The files go to the default storage under
``renditions/`` at names derived from the source and the focal point; ``make_renditions()``
returns a plain dict describing them (``Caption.renditions``), so pages show them without a
query or a storage call.
"""

import functools
import hashlib
import io
import math
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.text import slugify
from PIL import Image, ImageCms, ImageOps

from . import conf
from .validators import IMAGE_DECODERS

WIDTHS = (480, 800, 1200, 1600)
CROPS = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
RATIOS = ("original", *CROPS)
FORMATS = ("jpeg", "webp")
# The <img src> of a picture: what a browser without srcset, or a feed, is given.
SRC_WIDTH = 1200
ENCODERS = {
    "image/webp": ("WEBP", "webp", {"quality": 80, "method": 4}),
    "image/jpeg": ("JPEG", "jpg", {"quality": 82, "optimize": True, "progressive": True}),
    "image/png": ("PNG", "png", {"optimize": True}),
}
SRGB = ImageCms.createProfile("sRGB")
RESAMPLING = Image.Resampling.LANCZOS


class UnusableImage(ValueError):
    """The source cannot be made into renditions: missing, not an image, or too many pixels."""


@dataclass(frozen=True)
class Rendition:
    """One generated file."""

    name: str
    ratio: str
    width: int
    height: int
    mime_type: str
    bytes: int

    @property
    def url(self):
        return storage_url(self.name)


@functools.lru_cache(maxsize=100_000)
def storage_url(name):
    """``default_storage.url(name)``, remembered: a list page asks for hundreds of them, and
    the storage's own work (quoting, joining) would be a good part of its time."""
    return default_storage.url(name)


@receiver(setting_changed)
def forget_storage_urls(setting, **kwargs):
    if setting in ("MEDIA_URL", "STORAGES"):
        storage_url.cache_clear()


@dataclass(frozen=True)
class Picture:
    """One ratio of a picture as a template shows it: an ``<img>`` and its ``srcset``s."""

    src: str
    width: int | None
    height: int | None
    srcset: str = ""
    webp_srcset: str = ""


class Pictures(dict):
    """The ``Picture`` of each ratio (``caption.pictures.16x9`` in a template), each made the
    first time it is asked for."""

    def __init__(self, renditions):
        super().__init__()
        self.renditions = renditions

    def __missing__(self, ratio):
        if ratio not in RATIOS:
            raise KeyError(ratio)
        webp = [r for r in self.renditions if r.ratio == ratio and r.mime_type == "image/webp"]
        other = [r for r in self.renditions if r.ratio == ratio and r.mime_type != "image/webp"]
        src = pick(other, SRC_WIDTH)
        if src is None:  # renditions made before this ratio existed
            return self["original"]
        self[ratio] = Picture(src.url, src.width, src.height, srcset(other), srcset(webp))
        return self[ratio]


def renditions_in(data):
    """The ``Rendition``s a ``make_renditions()`` dict describes."""
    return [Rendition(**entry) for entry in data.get("files", ())]


def find(data, *, ratio="original", fmt="jpeg", width=None):
    """The rendition of ``ratio`` and ``fmt`` ("webp", or "jpeg" for the file every client
    reads: a PNG when the picture has transparency) that is the widest not wider than
    ``width`` (the narrowest if none is that narrow; the widest if ``width`` is None)."""
    if ratio not in RATIOS:
        raise ValueError(f"Unknown ratio {ratio!r}: one of {', '.join(RATIOS)}.")
    if fmt not in FORMATS:
        raise ValueError(f"Unknown format {fmt!r}: one of {', '.join(FORMATS)}.")
    webp = fmt == "webp"
    return pick(
        [
            r
            for r in renditions_in(data)
            if r.ratio == ratio and (r.mime_type == "image/webp") == webp
        ],
        width,
    )


def pick(renditions, width=None):
    """The widest of ``renditions`` not wider than ``width``, else the narrowest; or None."""
    if not renditions:
        return None
    fitting = [r for r in renditions if width is None or r.width <= width]
    if fitting:
        return max(fitting, key=lambda r: r.width)
    return min(renditions, key=lambda r: r.width)


def srcset(renditions):
    return ", ".join(f"{r.url} {r.width}w" for r in sorted(renditions, key=lambda r: r.width))


def widths_for(frame_width):
    """The widths to make of a frame ``frame_width`` pixels wide: each standard width below
    it, and the frame itself up to the largest standard width."""
    top = min(frame_width, WIDTHS[-1])
    return [width for width in WIDTHS if width < top] + [top]


def crop_box(size, ratio, focal):
    """The largest box of aspect ``ratio`` (w, h) inside an image of ``size``, centred on the
    ``focal`` point (fractions of width and height) as far as the edges allow."""
    width, height = size
    ratio_w, ratio_h = ratio
    if width * ratio_h > height * ratio_w:
        box_w, box_h = max(1, round(height * ratio_w / ratio_h)), height
    else:
        box_w, box_h = width, max(1, round(width * ratio_h / ratio_w))
    left = min(max(round(focal[0] * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focal[1] * height - box_h / 2), 0), height - box_h)
    return (left, top, left + box_w, top + box_h)


def frames(size, focal):
    """``(ratio name, box, aspect)`` of each rendition ratio; aspect is None for the original."""
    yield "original", (0, 0, *size), None
    for name, ratio in CROPS.items():
        yield name, crop_box(size, ratio, focal), ratio


def directory_for(source, focal):
    """Where the renditions of ``source`` cropped around ``focal`` go: a new place for every
    source and focal point, so that a changed picture never reuses a cached address."""
    digest = hashlib.sha256(f"{source}\n{focal[0]!r},{focal[1]!r}".encode()).hexdigest()[:12]
    stem = slugify(PurePosixPath(source).stem)[:60] or "image"
    return f"renditions/{stem}-{digest}"


def open_source(file):
    """The picture in ``file``, upright, in sRGB, as RGB (RGBA if it has transparency), with
    no metadata, its shorter side no longer than the widest rendition (all renditions can be
    made from that, faster); refused before decoding if it has more pixels than the limit."""
    try:
        image = Image.open(file, formats=IMAGE_DECODERS)
        width, height = image.size
        if width * height > conf.get("ARTICLES_MAX_IMAGE_PIXELS"):
            raise UnusableImage(f"{width}×{height} pixels is over ARTICLES_MAX_IMAGE_PIXELS.")
        scale = min(1, WIDTHS[-1] / min(width, height))
        # A JPEG decodes much faster at 1/2, 1/4 or 1/8 of its size, when that is enough.
        image.draft(None, (math.ceil(width * scale), math.ceil(height * scale)))
        image = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise UnusableImage(str(error)) from error
    if image.mode.startswith("I") or image.mode == "F":  # 16-bit greyscale: scale, not clip
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    mode = "RGBA" if has_transparency(image) else "RGB"
    profile = image.info.get("icc_profile")
    converted = None
    if profile:
        try:
            source_profile = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            converted = ImageCms.profileToProfile(image, source_profile, SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a profile lcms cannot use (or a palette image): take the colours as sRGB
    image = converted or image.convert(mode)
    image.info = {}
    scale = WIDTHS[-1] / min(image.size)
    if scale < 1:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, RESAMPLING, reducing_gap=3.0)
    return image


def has_transparency(image):
    """Whether some pixel of ``image`` is not fully opaque (not merely whether it could be)."""
    if not image.has_transparency_data:
        return False
    return image.convert("RGBA").getchannel("A").getextrema()[0] < 255


def encode(image, mime_type):
    pil_format, _, options = ENCODERS[mime_type]
    buffer = io.BytesIO()
    image.save(buffer, pil_format, **options)
    return buffer.getvalue()


def make_renditions(source, *, focal=(0.5, 0.5)):
    """Write the renditions of the stored picture ``source`` (a name in the default storage)
    and return the dict describing them::

        {"source": name, "focal": [x, y], "files": [{"name", "ratio", "width", "height",
         "mime_type", "bytes"}, …]}

    Raises ``UnusableImage`` if ``source`` is missing, not an image or too large; files written
    before an error are deleted.
    """
    try:
        with default_storage.open(source, "rb") as file:
            image = open_source(file)
    except OSError as error:
        raise UnusableImage(str(error)) from error
    fallback = "image/png" if image.mode == "RGBA" else "image/jpeg"
    directory = directory_for(source, focal)
    files = []
    try:
        for ratio, box, aspect in frames(image.size, focal):
            frame = image.crop(box)
            shape = aspect[1] / aspect[0] if aspect else frame.height / frame.width
            for width in widths_for(frame.width):
                size = (width, max(1, round(width * shape)))
                resized = frame if size == frame.size else frame.resize(size, RESAMPLING)
                for mime_type in ("image/webp", fallback):
                    content = encode(resized, mime_type)
                    name = f"{directory}/{ratio}-{width}.{ENCODERS[mime_type][1]}"
                    files.append(
                        {
                            "name": write(name, content),
                            "ratio": ratio,
                            "width": resized.width,
                            "height": resized.height,
                            "mime_type": mime_type,
                            "bytes": len(content),
                        }
                    )
    except BaseException:
        delete_files([entry["name"] for entry in files])
        raise
    return {"source": source, "focal": list(focal), "files": files}


def write(name, content):
    """Save ``content`` at exactly ``name``, replacing a file left there (storages would
    otherwise pick another name); returns the name the storage used."""
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(content))


def file_names(data):
    return [entry["name"] for entry in data.get("files", ())]


def delete_files(names):
    for name in names:
        default_storage.delete(name)


def files_exist(data):
    """Whether the files ``data`` describes are in storage (they are written and deleted
    together, so the first one tells)."""
    names = file_names(data)
    return bool(names) and default_storage.exists(names[0])
