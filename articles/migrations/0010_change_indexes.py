# Indexes for "what changed after a moment" (the read API's ?since=): one per time that makes a
# new version of an article. Built concurrently on PostgreSQL, as in 0009, so that a large
# archive keeps publishing meanwhile.

from importlib import import_module

from django.db import migrations, models

AddIndexWithoutLocking = import_module(
    "articles.migrations.0009_lookup_indexes"
).AddIndexWithoutLocking


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("articles", "0009_lookup_indexes"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="article",
            index=models.Index(fields=["publish_at"], name="articles_publish_at_idx"),
        ),
        AddIndexWithoutLocking(
            model_name="article",
            index=models.Index(fields=["updated_at"], name="articles_updated_at_idx"),
        ),
        AddIndexWithoutLocking(
            model_name="article",
            index=models.Index(
                condition=models.Q(("revised_at__isnull", False)),
                fields=["revised_at"],
                name="articles_revised_at_idx",
            ),
        ),
    ]
