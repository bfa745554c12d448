# The admin's article list, every status, newest first, whole and by section: a deep page's ids
# from an index (PostgreSQL otherwise read a row per article to order them, 260 ms for page 500
# of a million). The new order's index also serves publish_at's "changed since" lookups, so the
# index of publish_at alone goes. Built and dropped concurrently on PostgreSQL, as in 0009.

from importlib import import_module

from django.db import migrations, models

AddIndexWithoutLocking = import_module(
    "articles.migrations.0009_lookup_indexes"
).AddIndexWithoutLocking


class RemoveIndexWithoutLocking(migrations.RemoveIndex):
    """``RemoveIndex``, dropped concurrently on PostgreSQL; as usual elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        index = from_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
        concurrently = schema_editor.connection.vendor == "postgresql"
        schema_editor.remove_index(model, index, **({"concurrently": True} if concurrently else {}))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        index = to_state.models[app_label, self.model_name_lower].get_index_by_name(self.name)
        concurrently = schema_editor.connection.vendor == "postgresql"
        schema_editor.add_index(model, index, **({"concurrently": True} if concurrently else {}))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("articles", "0015_article_language"),
    ]

    operations = [
        AddIndexWithoutLocking(
            model_name="article",
            index=models.Index(fields=["-publish_at", "-id"], name="articles_newest_idx"),
        ),
        AddIndexWithoutLocking(
            model_name="article",
            index=models.Index(
                fields=["section", "-publish_at", "-id"], name="articles_section_newest_idx"
            ),
        ),
        RemoveIndexWithoutLocking(model_name="article", name="articles_publish_at_idx"),
    ]
