"""Image renditions and focal points of captions, and content checks of uploaded images.

Captions that already have an image get renditions the next time they are saved; until then
pages show the original image.
"""

import django.core.validators
from django.db import migrations, models

import articles.validators

IMAGE_VALIDATORS = [
    django.core.validators.FileExtensionValidator(("jpg", "jpeg", "png", "webp", "gif")),
    articles.validators.validate_image_size,
    articles.validators.validate_image_file,
]
FOCAL_VALIDATORS = [
    django.core.validators.MinValueValidator(0.0),
    django.core.validators.MaxValueValidator(1.0),
]


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_search")]

    operations = [
        migrations.AddField(
            model_name="caption",
            name="focal_x",
            field=models.FloatField(
                default=0.5,
                help_text="Where the subject of the picture is, from 0 (left edge) to 1 (right "
                "edge); 0.5 is the middle. Crops for story lists and social networks keep it in "
                "view.",
                validators=FOCAL_VALIDATORS,
                verbose_name="focal point across",
            ),
        ),
        migrations.AddField(
            model_name="caption",
            name="focal_y",
            field=models.FloatField(
                default=0.5,
                help_text="Where the subject of the picture is, from 0 (top) to 1 (bottom); 0.5 "
                "is the middle.",
                validators=FOCAL_VALIDATORS,
                verbose_name="focal point down",
            ),
        ),
        migrations.AddField(
            model_name="caption",
            name="renditions",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="The sizes and crops made from the image (see articles/images.py).",
            ),
        ),
        migrations.AlterField(
            model_name="author",
            name="photo",
            field=models.ImageField(
                blank=True, upload_to="authors/%Y/", validators=IMAGE_VALIDATORS
            ),
        ),
        migrations.AlterField(
            model_name="caption",
            name="image",
            field=models.ImageField(
                blank=True,
                height_field="image_height",
                help_text="Optional: imported captions may arrive before their image.",
                upload_to="captions/%Y/%m/",
                validators=IMAGE_VALIDATORS,
                width_field="image_width",
            ),
        ),
        migrations.AddConstraint(
            model_name="caption",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("focal_x__gte", 0), ("focal_x__lte", 1), ("focal_y__gte", 0), ("focal_y__lte", 1)
                ),
                name="articles_caption_focal_point_in_image",
            ),
        ),
    ]
