# Tags that taggit left without a slug (a name with no letter or digit, such as "#") get one,
# as signals.give_tag_a_slug gives new ones: no address can hold an empty slug.

from django.db import migrations


def give_tags_slugs(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    for tag in Tag.objects.filter(slug=""):
        slug, number = f"tag-{tag.pk}", 1
        while Tag.objects.filter(slug=slug).exists():
            slug, number = f"tag-{tag.pk}-{number}", number + 1
        tag.slug = slug
        tag.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_change_indexes"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(give_tags_slugs, migrations.RunPython.noop)]
