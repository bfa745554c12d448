"""The newsroom's roles as groups: Writer and Editor. Superusers may do everything."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITER = {
    "article": ("view", "add", "change"),
    "byline": ("view", "add", "change", "delete"),
    "caption": ("view", "add", "change", "delete"),
    "relatedlink": ("view", "add", "change", "delete"),
    "transition": ("view",),
    "author": ("view",),
    "section": ("view",),
}
EDITOR = {
    "article": ("view", "add", "change", "delete", "publish"),
    "byline": ("view", "add", "change", "delete"),
    "caption": ("view", "add", "change", "delete"),
    "relatedlink": ("view", "add", "change", "delete"),
    "transition": ("view",),
    "author": ("view", "add", "change", "delete"),
    "section": ("view", "add", "change", "delete"),
    "importrun": ("view",),
    "importedfile": ("view",),
}
TAGS = ("view", "add", "change", "delete")


def codename(action, model):
    return "publish_article" if action == "publish" else f"{action}_{model}"


def create_roles(apps, schema_editor):
    # Permissions are made after all migrations; make this app's and taggit's now.
    for label in ("articles", "taggit"):
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, verbosity=0, apps=apps)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants, tag_actions in (("Writer", WRITER, ("view",)), ("Editor", EDITOR, TAGS)):
        codenames = [codename(a, model) for model, actions in grants.items() for a in actions]
        permissions = list(Permission.objects.filter(codename__in=codenames))
        permissions += Permission.objects.filter(
            content_type__app_label="taggit", codename__in=[f"{a}_tag" for a in tag_actions]
        )
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Writer", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
