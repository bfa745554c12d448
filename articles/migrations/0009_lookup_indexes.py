# Indexes that let tag and author pages, and the count of their articles, read no article or
# tagging row. On PostgreSQL they are built with CREATE INDEX CONCURRENTLY: on a large archive a
# build takes a while, and the site keeps publishing meanwhile (hence atomic = False).

from django.conf import settings
from django.db import migrations, models


class AddIndexWithoutLocking(migrations.AddIndex):
    """``AddIndex``, built concurrently on PostgreSQL; as usual elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(model, self.index, concurrently=True)
        else:
            schema_editor.add_index(model, self.index)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.remove_index(model, self.index, concurrently=True)
        else:
            schema_editor.remove_index(model, self.index)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ('articles', '0008_generated_upload_names'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name='article',
            index=models.Index(fields=['id', 'status', 'publish_at', 'embargo_until'], name='articles_public_by_id_idx'),
        ),
        AddIndexWithoutLocking(
            model_name='byline',
            index=models.Index(fields=['author', 'article'], name='articles_byline_author_idx'),
        ),
        AddIndexWithoutLocking(
            model_name='taggedarticle',
            index=models.Index(fields=['tag', 'content_object'], name='articles_tagged_tag_idx'),
        ),
    ]
