"""A re-import no longer overwrites an article changed here since its last import (a conflict,
unless --overwrite): an article records the edit version its last import left it at. Articles
imported before this migration count as unchanged since their import."""

from django.db import migrations, models
from django.db.models import F


def mark_imported(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Article.objects.exclude(source="").update(imported_version=F("edit_version"))


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_editor_corrections")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="imported_version",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                help_text="The edit version the last import left the article at: a save since "
                "is a change made here, which re-importing a changed source does not overwrite.",
                null=True,
            ),
        ),
        migrations.RunPython(mark_imported, migrations.RunPython.noop),
        migrations.AddField(
            model_name="importrun",
            name="conflicts",
            field=models.PositiveIntegerField(
                default=0,
                help_text="Files not imported: their article was changed here since its last "
                "import.",
            ),
        ),
        migrations.AlterField(
            model_name="importedfile",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "Created"),
                    ("updated", "Updated"),
                    ("unchanged", "Unchanged"),
                    ("failed", "Failed"),
                    ("conflict", "Conflict"),
                ],
                max_length=10,
            ),
        ),
    ]
