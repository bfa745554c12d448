"""Fronts: the slots editors fill and order on the home page and each section page. The Editor
group curates them (on existing sites too); writers do not."""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.comparison
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

FRONT_PERMISSIONS = ("view_front", "change_front", *(
    f"{action}_frontslot" for action in ("view", "add", "change", "delete")
))


def front_permissions(apps):
    config = apps.get_app_config("articles")
    config.models_module = True
    create_permissions(config, verbosity=0, apps=apps)
    config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="articles", codename__in=FRONT_PERMISSIONS
    )


def grant(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name="Editor"):
        group.permissions.add(*front_permissions(apps))


def revoke(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name="Editor"):
        group.permissions.remove(*front_permissions(apps))


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0017_headline_trigram_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='Front',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('section', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.section')),
            ],
            options={
                'ordering': [models.OrderBy(models.F('section__order'), nulls_first=True), 'section__name'],
            },
        ),
        migrations.CreateModel(
            name='FrontSlot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveSmallIntegerField(help_text='The place on the page: 1 is the lead story.', validators=[django.core.validators.MinValueValidator(1)])),
                ('pinned_until', models.DateTimeField(blank=True, help_text='Empty: pinned until removed. After this time the newest article takes the place. An article shows only while it is public.', null=True, verbose_name='pinned until')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='front_slots', to='articles.article')),
                ('front', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='slots', to='articles.front')),
            ],
            options={
                'ordering': ['position', 'id'],
            },
        ),
        migrations.AddConstraint(
            model_name='front',
            constraint=models.UniqueConstraint(django.db.models.functions.comparison.Coalesce('section', models.Value(0)), name='articles_front_place'),
        ),
        migrations.AddIndex(
            model_name='frontslot',
            index=models.Index(condition=models.Q(('pinned_until__isnull', False)), fields=['pinned_until'], name='articles_slot_until_idx'),
        ),
        migrations.RunPython(grant, revoke),
    ]
