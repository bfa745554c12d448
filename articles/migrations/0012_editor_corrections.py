"""The Editor group records corrections: the roles of 0002 left the Correction model out, so only
superusers saw the Corrections inline. Sites made before this migration get the permissions too."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CORRECTION_ACTIONS = ("view", "add", "change", "delete")


def correction_permissions(apps):
    config = apps.get_app_config("articles")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="articles",
        codename__in=[f"{action}_correction" for action in CORRECTION_ACTIONS],
    )


def grant(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name="Editor"):
        group.permissions.add(*correction_permissions(apps))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name="Editor"):
        group.permissions.remove(*correction_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_tag_slugs")]

    operations = [migrations.RunPython(grant, revoke)]
