"""Renditions (articles/images.py), the caption's image API, upload checks, and the pictures
that pages show."""

import io
import struct
import zlib
from html.parser import HTMLParser
from unittest import mock

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import SimpleTestCase, TestCase, override_settings
from PIL import Image, ImageChops, ImageCms, ImageDraw
from reversion.models import Version

from articles import images
from articles.models import Article, Author, Caption, Picture
from articles.validators import validate_image_file

from .factories import make_article, make_author, make_caption, make_section
from .test_admin import inline_management

GREY, RED, BLUE, GREEN = (128, 128, 128), (220, 20, 20), (20, 40, 220), (20, 200, 40)


def upload(image, name="photo.jpg", format="JPEG", **options):
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{format.lower()}")


def scene(size=(1200, 500), mark=(0.85, 0.3)):
    """A grey picture with a blue band along its left edge, a green band along its right edge,
    and a red square centred at ``mark`` (fractions of width and height)."""
    width, height = size
    band, half = max(2, width // 48), max(2, height // 20)
    image = Image.new("RGB", size, GREY)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, band - 1, height), BLUE)
    draw.rectangle((width - band, 0, width, height), GREEN)
    x, y = mark[0] * width, mark[1] * height
    draw.rectangle((x - half, y - half, x + half, y + half), RED)
    return image


def png_header(width, height):
    """A PNG that declares ``width`` × ``height`` pixels but holds almost none: it takes
    gigabytes only once decoded."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def stored(name):
    """The stored file ``name`` read back with Pillow (its format, size, mode and info)."""
    with default_storage.open(name) as file:
        image = Image.open(file)
        image.load()
    return image


def red_box(image):
    """The bounding box of the red pixels of ``image``, or None."""
    red, green, blue = image.convert("RGB").split()
    mask = ImageChops.multiply(
        red.point(lambda v: 255 if v > 170 else 0),
        ImageChops.multiply(
            green.point(lambda v: 255 if v < 90 else 0), blue.point(lambda v: 255 if v < 90 else 0)
        ),
    )
    return mask.getbbox()


def files_of(caption, **match):
    return [
        entry
        for entry in caption.renditions.get("files", [])
        if all(entry[key] == value for key, value in match.items())
    ]


class RenditionGeometryTests(SimpleTestCase):
    def test_widths_never_exceed_the_frame_and_there_is_always_one(self):
        self.assertEqual(images.widths_for(3000), [480, 800, 1200, 1600])
        self.assertEqual(images.widths_for(1600), [480, 800, 1200, 1600])
        self.assertEqual(images.widths_for(1000), [480, 800, 1000])
        self.assertEqual(images.widths_for(480), [480])
        self.assertEqual(images.widths_for(64), [64])

    def test_crop_is_the_largest_box_of_the_ratio_centred_on_the_focal_point(self):
        self.assertEqual(images.crop_box((2400, 1000), (1, 1), (0.5, 0.5)), (700, 0, 1700, 1000))
        self.assertEqual(images.crop_box((2400, 1000), (1, 1), (0.3, 0.5)), (220, 0, 1220, 1000))
        self.assertEqual(images.crop_box((1000, 2000), (16, 9), (0.5, 0.4)), (0, 519, 1000, 1081))

    def test_a_focal_point_near_an_edge_gives_a_crop_against_that_edge(self):
        self.assertEqual(images.crop_box((2400, 1000), (4, 3), (0, 0)), (0, 0, 1333, 1000))
        self.assertEqual(images.crop_box((2400, 1000), (4, 3), (1, 1)), (1067, 0, 2400, 1000))
        self.assertEqual(images.crop_box((1000, 2000), (1, 1), (0.9, 0.02)), (0, 0, 1000, 1000))
        self.assertEqual(images.crop_box((1000, 2000), (1, 1), (0.1, 1)), (0, 1000, 1000, 2000))

    def test_find_takes_the_widest_that_fits(self):
        data = {
            "files": [
                {
                    "name": f"r/{ratio}-{w}.{ext}",
                    "ratio": ratio,
                    "width": w,
                    "height": w,
                    "mime_type": mime,
                    "bytes": 1,
                }
                for ratio in ("original", "1x1")
                for w in (480, 800, 1200)
                for ext, mime in (("webp", "image/webp"), ("jpg", "image/jpeg"))
            ]
        }
        self.assertEqual(images.find(data).name, "r/original-1200.jpg")
        self.assertEqual(images.find(data, width=1000).name, "r/original-800.jpg")
        self.assertEqual(images.find(data, width=100).name, "r/original-480.jpg")
        self.assertEqual(
            images.find(data, ratio="1x1", fmt="webp", width=800).name, "r/1x1-800.webp"
        )
        self.assertIsNone(images.find(data, ratio="16x9"))
        self.assertIsNone(images.find({}))
        with self.assertRaisesMessage(ValueError, "Unknown ratio '3x2'"):
            images.find(data, ratio="3x2")
        with self.assertRaisesMessage(ValueError, "Unknown format 'gif'"):
            images.find(data, fmt="gif")


class RenditionFileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()

    def caption(self, image, **fields):
        """The picture of a new caption: its renditions are the subject."""
        return make_caption(self.article, image=image, **fields).picture

    def test_every_ratio_at_every_width_as_webp_and_jpeg(self):
        caption = self.caption(upload(scene((1600, 900))))
        expected = {
            "original": [(480, 270), (800, 450), (1200, 675), (1600, 900)],
            "16x9": [(480, 270), (800, 450), (1200, 675), (1600, 900)],
            "4x3": [(480, 360), (800, 600), (1200, 900)],
            "1x1": [(480, 480), (800, 800), (900, 900)],
        }
        for ratio, sizes in expected.items():
            for mime_type, pil_format in (("image/webp", "WEBP"), ("image/jpeg", "JPEG")):
                with self.subTest(ratio=ratio, format=pil_format):
                    entries = files_of(caption, ratio=ratio, mime_type=mime_type)
                    self.assertEqual([(e["width"], e["height"]) for e in entries], sizes)
                    for entry in entries:
                        image = stored(entry["name"])
                        self.assertEqual(image.format, pil_format)
                        self.assertEqual(image.size, (entry["width"], entry["height"]))
                        self.assertEqual(entry["bytes"], default_storage.size(entry["name"]))
                        self.assertTrue(entry["name"].startswith("renditions/"))
        self.assertEqual(caption.renditions["source"], caption.image.name)
        self.assertEqual(caption.renditions["focal"], [0.5, 0.5])

    def test_a_wide_enough_source_gives_a_16x9_crop_of_1200_pixels_and_more(self):
        caption = self.caption(upload(scene((1300, 800))))
        widths = [e["width"] for e in files_of(caption, ratio="16x9", mime_type="image/jpeg")]
        self.assertEqual(widths, [480, 800, 1200, 1300])

    def test_a_small_image_is_never_enlarged(self):
        caption = self.caption(upload(scene((300, 200), mark=(0.5, 0.5))))
        sizes = {
            ratio: [(e["width"], e["height"]) for e in files_of(caption, ratio=ratio)]
            for ratio in images.RATIOS
        }
        self.assertEqual(
            sizes,
            {
                "original": [(300, 200)] * 2,
                "16x9": [(300, 169)] * 2,
                "4x3": [(267, 200)] * 2,
                "1x1": [(200, 200)] * 2,
            },
        )

    def test_the_focal_point_stays_in_every_crop(self):
        caption = self.caption(upload(scene(), quality=95), focal_x=0.85, focal_y=0.3)
        for entry in caption.renditions["files"]:
            with self.subTest(name=entry["name"]):
                self.assertIsNotNone(red_box(stored(entry["name"])))

    def test_without_a_focal_point_the_centred_crops_miss_the_subject(self):
        caption = self.caption(upload(scene(), quality=95))
        for ratio in ("4x3", "1x1"):
            for entry in files_of(caption, ratio=ratio):
                with self.subTest(name=entry["name"]):
                    self.assertIsNone(red_box(stored(entry["name"])))

    def test_a_corner_focal_point_crops_against_that_edge(self):
        for focal, inside, outside in (((0, 0), BLUE, GREEN), ((1, 1), GREEN, BLUE)):
            caption = self.caption(upload(scene(), quality=95), focal_x=focal[0], focal_y=focal[1])
            for ratio in images.CROPS:
                entry = files_of(caption, ratio=ratio, mime_type="image/jpeg")[-1]
                image = stored(entry["name"]).convert("RGB")
                edge = 2 if inside == BLUE else image.width - 3
                other = image.width - 3 if inside == BLUE else 2
                with self.subTest(focal=focal, ratio=ratio):
                    self.assertColour(image.getpixel((edge, image.height // 2)), inside)
                    self.assertNotColour(image.getpixel((other, image.height // 2)), outside)

    def assertColour(self, pixel, colour, tolerance=40):
        self.assertTrue(
            all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True)), pixel
        )

    def assertNotColour(self, pixel, colour):
        self.assertFalse(all(abs(a - b) <= 40 for a, b in zip(pixel, colour, strict=True)), pixel)

    def test_transparency_keeps_a_png_fallback(self):
        image = Image.new("RGBA", (640, 480), (*RED, 255))
        ImageDraw.Draw(image).rectangle((0, 0, 319, 479), (0, 0, 0, 0))
        caption = self.caption(upload(image, "logo.png", "PNG"))
        self.assertEqual(
            {e["mime_type"] for e in caption.renditions["files"]}, {"image/webp", "image/png"}
        )
        for entry in caption.renditions["files"]:
            with self.subTest(name=entry["name"]):
                stored_image = stored(entry["name"])
                self.assertEqual(stored_image.mode, "RGBA")
                self.assertEqual(stored_image.getchannel("A").getextrema()[0], 0)
        self.assertEqual(caption.rendition().mime_type, "image/png")
        self.assertTrue(caption.rendition().name.endswith(".png"))

    def test_opaque_images_with_an_alpha_channel_get_jpeg(self):
        caption = self.caption(upload(Image.new("RGBA", (64, 48), (*RED, 255)), "a.png", "PNG"))
        self.assertEqual(caption.rendition().mime_type, "image/jpeg")

    def test_palette_gif_with_transparency_keeps_it(self):
        image = Image.new("P", (64, 48), 1)
        image.putpalette([0, 0, 0, *RED] + [0] * 762)
        caption = self.caption(upload(image, "a.gif", "GIF", transparency=0))
        self.assertEqual(caption.rendition().mime_type, "image/jpeg")  # index 0 is unused
        ImageDraw.Draw(image).rectangle((0, 0, 10, 10), 0)
        caption = self.caption(upload(image, "b.gif", "GIF", transparency=0))
        self.assertEqual(caption.rendition().mime_type, "image/png")

    def test_exif_orientation_is_applied(self):
        image = Image.new("RGB", (400, 200), BLUE)
        ImageDraw.Draw(image).rectangle((0, 0, 199, 199), RED)
        exif = Image.Exif()
        exif[0x0112] = 6  # stored sideways: turn 90° clockwise to show
        caption = self.caption(upload(image, exif=exif))
        entry = files_of(caption, ratio="original", mime_type="image/jpeg")[-1]
        self.assertEqual((entry["width"], entry["height"]), (200, 400))
        upright = stored(entry["name"]).convert("RGB")
        self.assertColour(upright.getpixel((100, 20)), RED)
        self.assertColour(upright.getpixel((100, 380)), BLUE)

    def test_metadata_is_stripped(self):
        exif = Image.Exif()
        exif[0x013B] = "Jane Doe"  # Artist
        exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        caption = self.caption(upload(scene((640, 480)), exif=exif, icc_profile=srgb))
        for entry in caption.renditions["files"]:
            with self.subTest(name=entry["name"]):
                image = stored(entry["name"])
                self.assertNotIn("exif", image.info)
                self.assertNotIn("icc_profile", image.info)
                self.assertEqual(dict(image.getexif()), {})

    def test_cmyk_and_16_bit_greyscale_become_rgb_with_their_colours(self):
        cmyk = Image.new("CMYK", (64, 48), (0, 255, 255, 0))  # red
        caption = self.caption(upload(cmyk))
        image = stored(caption.rendition().name)
        self.assertEqual(image.mode, "RGB")
        self.assertColour(image.getpixel((32, 24)), (255, 0, 0))
        grey = Image.new("I;16", (64, 48), 32768)
        caption = self.caption(upload(grey, "scan.png", "PNG"))
        self.assertColour(stored(caption.rendition().name).getpixel((32, 24)), GREY, 4)

    @override_settings(ARTICLES_MAX_IMAGE_PIXELS=1000)
    def test_an_image_over_the_pixel_limit_gets_no_renditions(self):
        with self.assertLogs("articles.models", "WARNING") as logs:
            caption = self.caption(upload(scene((64, 48))))
        self.assertEqual(caption.renditions, {})
        self.assertIn("ARTICLES_MAX_IMAGE_PIXELS", logs.output[0])
        self.assertFalse(default_storage.exists("renditions"))


class RenditionLifecycleTests(TestCase):
    def setUp(self):
        self.article = make_article()
        self.picture = make_caption(self.article, image=upload(scene((800, 600)))).picture
        self.names = images.file_names(self.picture.renditions)

    def assertAllExist(self, names, exist=True):
        self.assertTrue(names)
        for name in names:
            self.assertIs(default_storage.exists(name), exist, name)

    def test_a_new_focal_point_replaces_the_crops_once_committed(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.picture.focal_x = 0.1
            self.picture.save()
            self.assertAllExist(self.names)  # until the commit
        self.assertAllExist(self.names, exist=False)
        self.assertAllExist(images.file_names(self.picture.renditions))
        self.assertEqual(self.picture.renditions["focal"], [0.1, 0.5])
        self.picture.refresh_from_db()
        self.assertEqual(self.picture.renditions["focal"], [0.1, 0.5])

    def test_a_new_image_replaces_the_renditions(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.picture.image = upload(scene((640, 480)), "other.jpg")
            self.picture.save()
        self.assertAllExist(self.names, exist=False)
        self.assertEqual(self.picture.rendition().width, 640)
        self.assertAllExist(images.file_names(self.picture.renditions))

    def test_removing_the_image_removes_the_renditions(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.picture.image = ""
            self.picture.save()
        self.assertAllExist(self.names, exist=False)
        self.assertEqual(self.picture.renditions, {})
        self.assertIsNone(self.picture.rendition())
        self.assertEqual(self.picture.social_images(), [])

    def test_deleting_the_picture_removes_the_renditions_not_its_uses(self):
        """A caption or article deleted leaves the picture in the library, its renditions
        with it; the picture deleted (once nothing shows it) takes them."""
        other = make_caption(self.article, image=upload(scene((640, 480)))).picture
        with self.captureOnCommitCallbacks(execute=True):
            self.article.delete()
        self.assertAllExist(self.names)
        with self.captureOnCommitCallbacks(execute=True):
            other.delete()
        self.assertAllExist(images.file_names(other.renditions), exist=False)
        self.assertAllExist(self.names)

    def test_a_rolled_back_change_keeps_the_files(self):
        with (
            self.captureOnCommitCallbacks(execute=True) as callbacks,
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            self.picture.focal_y = 0.9
            self.picture.save()
            raise RuntimeError
        self.assertEqual(callbacks, [])
        self.assertAllExist(self.names)

    def test_saving_other_fields_makes_nothing_again(self):
        with mock.patch("articles.images.make_renditions") as make:
            self.picture.caption = "New words."
            self.picture.save()
            self.picture.save(update_fields=["caption"])
            Picture.objects.get(pk=self.picture.pk).save()
        make.assert_not_called()

    def test_a_saved_focal_point_alone_is_enough(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.picture.focal_x = 0.2
            self.picture.save(update_fields=["focal_x"])
        self.picture.refresh_from_db()
        self.assertEqual(self.picture.renditions["focal"], [0.2, 0.5])
        self.assertAllExist(self.names, exist=False)

    def test_images_saved_before_renditions_get_them_when_saved(self):
        Picture.objects.filter(pk=self.picture.pk).update(renditions={})
        picture = Picture.objects.get(pk=self.picture.pk)
        self.assertIsNone(picture.rendition())
        picture.save()
        self.assertEqual(images.file_names(picture.renditions), self.names)

    def test_a_missing_image_file_is_logged_and_shown_as_it_is(self):
        with self.assertLogs("articles.models", "WARNING"):
            caption = make_caption(
                self.article, image="captions/gone.jpg", image_width=64, image_height=48
            )
        self.assertEqual(caption.picture.renditions, {})
        self.assertEqual(caption.pictures["4x3"].src, "/media/captions/gone.jpg")

    def test_a_caption_restored_from_its_revision_shows_its_picture_again(self):
        caption = Caption.objects.get()
        with reversion.create_revision():
            caption.save()
        with self.captureOnCommitCallbacks(execute=True):
            caption.delete()
        self.assertAllExist(self.names)  # the picture stays in the library
        Version.objects.get_for_model(Caption).get().revert()
        restored = Caption.objects.get()
        self.assertEqual(restored.picture, self.picture)
        self.assertEqual(images.file_names(restored.picture.renditions), self.names)


class CaptionImageApiTests(TestCase):
    def setUp(self):
        self.caption = make_caption(make_article(), image=upload(scene((1600, 900))))

    def test_rendition_is_the_widest_jpeg_not_wider_than_asked(self):
        rendition = self.caption.rendition(width=1200)
        self.assertEqual(
            (rendition.width, rendition.height, rendition.mime_type), (1200, 675, "image/jpeg")
        )
        self.assertTrue(rendition.url.startswith("/media/renditions/"))
        self.assertTrue(rendition.url.endswith("/original-1200.jpg"))
        self.assertEqual(rendition.bytes, default_storage.size(rendition.name))
        self.assertEqual(self.caption.rendition().width, 1600)
        self.assertEqual(self.caption.rendition(width=1000).width, 800)
        webp = self.caption.rendition("1x1", fmt="webp")
        self.assertEqual((webp.width, webp.height, webp.mime_type), (900, 900, "image/webp"))

    def test_social_images_are_the_largest_of_each_crop(self):
        self.assertEqual(
            [(r.ratio, r.width, r.height, r.mime_type) for r in self.caption.social_images()],
            [
                ("16x9", 1600, 900, "image/jpeg"),
                ("4x3", 1200, 900, "image/jpeg"),
                ("1x1", 900, 900, "image/jpeg"),
            ],
        )

    def test_captions_without_an_image_have_none(self):
        caption = make_caption(make_article())
        self.assertIsNone(caption.rendition())
        self.assertEqual(caption.social_images(), [])
        self.assertEqual(caption.pictures, {})
        with self.assertRaises(ValueError):
            caption.rendition("2x1")


def bmp_named_jpg():
    return upload(Image.new("RGB", (64, 48), RED), "photo.jpg", "BMP")


class ImageValidationTests(SimpleTestCase):
    def assertRefused(self, file, code, message):
        with self.assertRaises(ValidationError) as refused:
            validate_image_file(file)
        self.assertEqual(refused.exception.code, code)
        self.assertIn(message, refused.exception.messages[0])

    def test_jpeg_png_webp_and_gif_are_accepted(self):
        for name, pil_format in (
            ("a.jpg", "JPEG"),
            ("a.png", "PNG"),
            ("a.webp", "WEBP"),
            ("a.gif", "GIF"),
        ):
            with self.subTest(format=pil_format):
                validate_image_file(upload(Image.new("RGB", (64, 48), RED), name, pil_format))

    def test_a_text_file_named_jpg_is_refused(self):
        file = SimpleUploadedFile("evil.jpg", b"<?php not an image", content_type="image/jpeg")
        self.assertRefused(file, "unaccepted_image", "not a JPEG, PNG, WebP or GIF")

    def test_formats_are_judged_by_content(self):
        self.assertRefused(bmp_named_jpg(), "unaccepted_image", "not a JPEG, PNG, WebP or GIF")
        tiff = upload(Image.new("RGB", (64, 48), RED), "scan.png", "TIFF")
        self.assertRefused(tiff, "unaccepted_image", "not a JPEG, PNG, WebP or GIF")

    def test_a_damaged_image_is_refused(self):
        data = upload(scene((64, 48)), "a.png", "PNG").read()
        damaged = data[:40] + bytes([data[40] ^ 0xFF]) + data[41:]
        self.assertRefused(SimpleUploadedFile("a.png", damaged), "unaccepted_image", "damaged")

    def test_too_many_pixels_are_refused_from_the_header(self):
        bomb = SimpleUploadedFile("bomb.png", png_header(8000, 6000))
        with mock.patch.object(Image.Image, "load") as load:
            self.assertRefused(bomb, "image_too_many_pixels", "8000 × 6000 pixels; the limit is 40")
        load.assert_not_called()
        with override_settings(ARTICLES_MAX_IMAGE_PIXELS=1000):
            self.assertRefused(
                upload(scene((64, 48))), "image_too_many_pixels", "the limit is 0.001 million"
            )

    def test_a_bomb_that_pillow_itself_refuses_gets_the_same_message(self):
        bomb = SimpleUploadedFile("bomb.png", png_header(30000, 30000))
        self.assertRefused(bomb, "image_too_many_pixels", "too many pixels; the limit is 40")


class AdminUploadTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser("editor", password="pw")
        cls.section = make_section()
        cls.author = make_author()

    def setUp(self):
        self.client.force_login(self.editor)

    def article_form(self, image, **overrides):
        data = {
            "headline": "Harbour reopens",
            "slug": "harbour-reopens",
            "dek": "Ships return.",
            "body": "<p>Ships are back.</p>",
            "section": self.section.pk,
            "tags": "",
            "status": Article.Status.DRAFT,
            **inline_management("bylines", 1),
            "bylines-0-order": "0",
            "bylines-0-author": self.author.pk,
            "bylines-0-role": "author",
            **inline_management("captions", 1),
            "captions-0-order": "0",
            "captions-0-image": image,
            "captions-0-focal_x": "0.25",
            "captions-0-focal_y": "0.75",
            "captions-0-text": "Ships in the harbour.",
            "captions-0-alt_text": "Three ships",
            **inline_management("related_links", 0),
            **inline_management("corrections", 0),
            **inline_management("transitions", 0),
            **inline_management("review_notes", 0),
        }
        return data | overrides

    def assertRefused(self, data, message):
        response = self.client.post("/admin/articles/article/add/", data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, message)
        self.assertFalse(Article.objects.exists())
        self.assertFalse(Caption.objects.exists())
        self.assertFalse(Picture.objects.exists())
        for folder in ("pictures", "renditions"):
            self.assertFalse(default_storage.exists(folder), folder)

    def test_an_upload_gets_its_focal_point_and_renditions(self):
        response = self.client.post(
            "/admin/articles/article/add/", self.article_form(upload(scene((800, 600))))
        )
        self.assertEqual(response.status_code, 302, response.content[:3000])
        caption = Caption.objects.get()
        self.assertEqual((caption.picture.focal_x, caption.picture.focal_y), (0.25, 0.75))
        self.assertEqual(caption.picture.renditions["focal"], [0.25, 0.75])
        page = self.client.get(f"/admin/articles/article/{caption.article_id}/change/")
        self.assertContains(page, "Crops around the focal point")
        self.assertContains(page, 'alt="16:9 crop"')
        self.assertContains(page, "from 0 (left edge) to 1 (right edge)")

    def test_a_form_without_a_focal_point_keeps_the_middle(self):
        data = self.article_form(upload(scene((64, 48))))
        del data["captions-0-focal_x"], data["captions-0-focal_y"]
        response = self.client.post("/admin/articles/article/add/", data)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        self.assertEqual(Caption.objects.get().picture.renditions["focal"], [0.5, 0.5])

    def test_a_focal_point_outside_the_picture_is_refused(self):
        data = self.article_form(upload(scene((64, 48))), **{"captions-0-focal_x": "1.5"})
        self.assertRefused(data, "Ensure this value is less than or equal to 1")

    def test_a_bmp_named_jpg_is_refused(self):
        self.assertRefused(self.article_form(bmp_named_jpg()), "not a JPEG, PNG, WebP or GIF")

    def test_an_image_over_the_pixel_limit_is_refused(self):
        bomb = SimpleUploadedFile("bomb.png", png_header(8000, 6000), content_type="image/png")
        self.assertRefused(
            self.article_form(bomb),
            "This image is 8000 × 6000 pixels; the limit is 40 million pixels.",
        )

    def test_author_photos_are_checked_too(self):
        response = self.client.post(
            "/admin/articles/author/add/",
            {"name": "Ann Lee", "slug": "ann-lee", "photo": bmp_named_jpg()},
        )
        self.assertContains(response, "not a JPEG, PNG, WebP or GIF")
        self.assertFalse(Author.objects.filter(slug="ann-lee").exists())


class TagReader(HTMLParser):
    """The ``<picture>``, ``<source>`` and ``<img>`` elements of a page, in order."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        if tag in ("picture", "source", "img"):
            self.tags.append((tag, dict(attrs)))

    @classmethod
    def read(cls, response):
        reader = cls()
        reader.feed(response.content.decode())
        return reader.tags


@pytest.mark.caches_off
class PictureTemplateTests(TestCase):
    def setUp(self):
        self.article = make_article(section=make_section(), authors=[make_author()])
        self.lead = make_caption(
            self.article, image=upload(scene((1000, 600))), alt_text='Ships "at" <anchor>'
        )
        self.second = make_caption(self.article, image=upload(scene((640, 480))), order=1)

    def test_the_lead_picture_has_webp_and_jpeg_srcsets_sizes_and_dimensions(self):
        tags = TagReader.read(self.client.get(self.article.get_absolute_url()))
        self.assertEqual([name for name, _ in tags], ["picture", "source", "img"] * 2)
        source, img = tags[1][1], tags[2][1]
        self.assertEqual(source["type"], "image/webp")
        self.assertEqual(
            [entry.split()[1] for entry in source["srcset"].split(", ")],
            ["480w", "800w", "1000w"],
        )
        self.assertTrue(all(".webp " in entry for entry in source["srcset"].split(", ")))
        self.assertIn("/original-480.jpg 480w", img["srcset"])
        self.assertTrue(img["src"].endswith("/original-1000.jpg"))
        self.assertEqual((img["width"], img["height"]), ("1000", "600"))
        self.assertEqual(source["sizes"], img["sizes"])
        self.assertTrue(img["sizes"].startswith("(max-width: 40rem) 100vw"))
        self.assertEqual(img["alt"], 'Ships "at" <anchor>')
        self.assertNotIn("loading", img)
        self.assertNotIn("fetchpriority", img)

    def test_later_pictures_load_lazily_at_the_column_width(self):
        img = TagReader.read(self.client.get(self.article.get_absolute_url()))[5][1]
        self.assertEqual(img["loading"], "lazy")
        self.assertEqual(img["sizes"], "(max-width: 44rem) calc(100vw - 2rem), 42rem")
        self.assertEqual((img["width"], img["height"]), ("640", "480"))

    def test_attributes_are_escaped(self):
        content = self.client.get(self.article.get_absolute_url()).content.decode()
        self.assertIn('alt="Ships &quot;at&quot; &lt;anchor&gt;"', content)

    def test_cards_show_the_16x9_crop_first_and_4x3_crops_lazily_after(self):
        other = make_article(section=self.article.section)
        make_caption(other, image=upload(scene((800, 600))))
        tags = [attrs for name, attrs in TagReader.read(self.client.get("/")) if name != "picture"]
        featured, rest = tags[:2], tags[2:]
        self.assertIn("/16x9-480.webp 480w", featured[0]["srcset"])
        self.assertIn("/16x9-480.jpg 480w", featured[1]["srcset"])
        self.assertEqual((featured[1]["alt"], featured[1].get("loading")), ("", None))
        self.assertIn("/4x3-480.webp 480w", rest[0]["srcset"])
        self.assertEqual((rest[1]["width"], rest[1]["height"]), ("800", "600"))
        self.assertEqual((rest[1]["alt"], rest[1]["loading"]), ("", "lazy"))
        self.assertTrue(rest[1]["sizes"].startswith("(max-width: 40rem) 6.5rem"))
        self.assertContains(self.client.get("/"), 'tabindex="-1" aria-hidden="true"', count=2)

    def test_images_without_renditions_show_the_original(self):
        Picture.objects.filter(pk=self.lead.picture_id).update(renditions={})
        tags = TagReader.read(self.client.get(self.article.get_absolute_url()))
        self.assertEqual(tags[0][0], "img")
        self.assertEqual(
            tags[0][1],
            {
                "src": self.lead.picture.image.url,
                "alt": 'Ships "at" <anchor>',
                "width": "1000",
                "height": "600",
            },
        )
        card = TagReader.read(self.client.get("/"))[0]
        self.assertEqual((card[0], card[1]["src"]), ("img", self.lead.picture.image.url))

    def test_captions_without_an_image_show_their_words_alone(self):
        self.lead.delete()
        self.second.delete()
        make_caption(self.article, text="Imported words.")
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(response, "figure--no-image")
        self.assertEqual(TagReader.read(response), [])

    def test_pictures_cost_no_query(self):
        """The article page and the home page of tests/test_query_counts.py, with pictures."""
        url = self.article.get_absolute_url()
        self.client.get(url)
        with self.assertNumQueries(4):
            self.client.get(url)
        self.client.get("/")  # the list's count is cached from here on
        with self.assertNumQueries(6):
            self.client.get("/")
