"""The picture library: each caption's image, focal point, renditions, credit and alt text move
to a ``Picture`` of their own, which the caption then shows.

Every caption becomes a picture, one each, with exactly the values it had: file names and
renditions are copied as they are, so no file is copied, moved or deleted, and a hidden picture
(``renditions["hidden"]``, see articles/editorial/takedown.py) stays hidden. A caption without an image
(an import whose file has not arrived) becomes a picture without one, so that its credit and alt
text are kept; the importer attaches the file when it arrives. A picture's upload time is its
article's creation. The captions kept in revisions name a picture too, so that restoring them
works: the caption's own, or, for a caption deleted since, a picture made of what the revision
kept. The way back copies the values into the captions (and their revisions) again.
"""

import json

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import articles.fields
import articles.validators

MOVED = (
    "image",
    "image_width",
    "image_height",
    "focal_x",
    "focal_y",
    "renditions",
    "credit",
    "alt_text",
)
IMAGE_VALIDATORS = [
    django.core.validators.FileExtensionValidator(("jpg", "jpeg", "png", "webp", "gif")),
    articles.validators.validate_image_size,
    articles.validators.validate_image_file,
]
FOCAL_VALIDATORS = [
    django.core.validators.MinValueValidator(0.0),
    django.core.validators.MaxValueValidator(1.0),
]


def captions_to_pictures(apps, schema_editor):
    Caption = apps.get_model("articles", "Caption")
    Picture = apps.get_model("articles", "Picture")
    alias = schema_editor.connection.alias
    captions = Caption.objects.using(alias).select_related("article").order_by("pk")
    for caption in captions.iterator(chunk_size=500):
        picture = Picture.objects.using(alias).create(
            **{name: getattr(caption, name) for name in MOVED},
            caption=caption.text,
            uploaded_at=caption.article.created_at,
        )
        Caption.objects.using(alias).filter(pk=caption.pk).update(picture=picture)
    if schema_editor.connection.vendor == "postgresql":
        # The foreign keys just written are checked at commit: check them now, since the
        # table is altered next (PostgreSQL refuses to alter a table with pending checks).
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def caption_versions(apps, alias):
    """The revisions' copies of captions (django-reversion's ``Version`` rows), as JSON."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("reversion", "Version")
    content_type = ContentType.objects.using(alias).filter(app_label="articles", model="caption")
    versions = Version.objects.using(alias).filter(content_type__in=content_type, format="json")
    for version in versions.order_by("pk").iterator(chunk_size=500):
        data = json.loads(version.serialized_data)
        yield version, data, data[0]["fields"]


def revisions_name_pictures(apps, schema_editor):
    Caption = apps.get_model("articles", "Caption")
    Picture = apps.get_model("articles", "Picture")
    alias = schema_editor.connection.alias
    pictures = dict(Caption.objects.using(alias).values_list("pk", "picture"))
    for version, data, fields in caption_versions(apps, alias):
        if "picture" in fields:
            continue
        caption_id = int(version.object_id)
        if caption_id not in pictures:  # deleted since: its picture as the revision kept it
            kept = {name: fields[name] for name in MOVED if fields.get(name) is not None}
            made = Picture.objects.using(alias).create(**kept, caption=fields.get("text", ""))
            pictures[caption_id] = made.pk
        for name in MOVED:
            fields.pop(name, None)
        fields["picture"] = pictures[caption_id]
        version.serialized_data = json.dumps(data)
        version.save(update_fields=["serialized_data"])


def revisions_name_images(apps, schema_editor):
    Picture = apps.get_model("articles", "Picture")
    alias = schema_editor.connection.alias
    for version, data, fields in caption_versions(apps, alias):
        picture = Picture.objects.using(alias).filter(pk=fields.pop("picture", None)).first()
        if picture is not None:
            fields |= {name: getattr(picture, name) for name in MOVED}
            fields["image"] = picture.image.name
            version.serialized_data = json.dumps(data)
            version.save(update_fields=["serialized_data"])


def pictures_to_captions(apps, schema_editor):
    Caption = apps.get_model("articles", "Caption")
    alias = schema_editor.connection.alias
    captions = Caption.objects.using(alias).select_related("picture").order_by("pk")
    for caption in captions.iterator(chunk_size=500):
        moved = {name: getattr(caption.picture, name) for name in MOVED}
        Caption.objects.using(alias).filter(pk=caption.pk).update(**moved)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_import_progress"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Picture",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "image",
                    models.ImageField(
                        blank=True,
                        height_field="image_height",
                        help_text="Imported pictures may arrive before their file.",
                        upload_to=articles.fields.GeneratedName("pictures"),
                        validators=IMAGE_VALIDATORS,
                        width_field="image_width",
                    ),
                ),
                ("image_width", models.PositiveIntegerField(blank=True, editable=False, null=True)),
                (
                    "image_height",
                    models.PositiveIntegerField(blank=True, editable=False, null=True),
                ),
                (
                    "focal_x",
                    models.FloatField(
                        default=0.5,
                        help_text="Where the subject of the picture is, from 0 (left edge) to 1 "
                        "(right edge); 0.5 is the middle. Crops for story lists and social "
                        "networks keep it in view.",
                        validators=FOCAL_VALIDATORS,
                        verbose_name="focal point across",
                    ),
                ),
                (
                    "focal_y",
                    models.FloatField(
                        default=0.5,
                        help_text="Where the subject of the picture is, from 0 (top) to 1 "
                        "(bottom); 0.5 is the middle.",
                        validators=FOCAL_VALIDATORS,
                        verbose_name="focal point down",
                    ),
                ),
                (
                    "renditions",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        editable=False,
                        help_text="The sizes and crops made from the image "
                        "(see articles/images.py).",
                    ),
                ),
                (
                    "checksum",
                    models.CharField(
                        blank=True,
                        db_index=True,
                        editable=False,
                        help_text="SHA-256 of the image file: an import that brings the same "
                        "file again reuses this picture.",
                        max_length=64,
                    ),
                ),
                (
                    "caption",
                    models.TextField(
                        blank=True,
                        help_text="The caption articles show with it unless they give their own.",
                    ),
                ),
                (
                    "credit",
                    models.CharField(blank=True, help_text="e.g. Reuters/Jane Doe", max_length=255),
                ),
                (
                    "alt_text",
                    models.CharField(
                        blank=True,
                        help_text="What the image shows, for readers who cannot see it.",
                        max_length=255,
                    ),
                ),
                (
                    "uploaded_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, editable=False
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["-uploaded_at", "-id"], "get_latest_by": "uploaded_at"},
        ),
        migrations.AddConstraint(
            model_name="picture",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("focal_x__gte", 0),
                    ("focal_x__lte", 1),
                    ("focal_y__gte", 0),
                    ("focal_y__lte", 1),
                ),
                name="articles_picture_focal_point_in_image",
            ),
        ),
        migrations.AddField(
            model_name="caption",
            name="picture",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="captions",
                to="articles.picture",
            ),
        ),
        migrations.RunPython(captions_to_pictures, pictures_to_captions),
        migrations.RunPython(revisions_name_pictures, revisions_name_images),
        migrations.RemoveConstraint(
            model_name="caption", name="articles_caption_focal_point_in_image"
        ),
        *(migrations.RemoveField(model_name="caption", name=name) for name in MOVED),
        migrations.AlterField(
            model_name="caption",
            name="text",
            field=models.TextField(
                blank=True, help_text="The caption here; left empty, the picture's own caption."
            ),
        ),
        migrations.AlterField(
            model_name="caption",
            name="picture",
            field=models.ForeignKey(
                help_text="A picture of the library; a picture in use cannot be deleted.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="captions",
                to="articles.picture",
            ),
        ),
    ]
