"""The SQLite counterpart of migration 0004: an FTS5 bigram table per directory table, kept by triggers.

See kechuang/directory/search_sqlite.py. PostgreSQL gets nothing here (it has the GIN expression index).
"""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from kechuang.directory import search_sqlite

    search_sqlite.install(schema_editor.connection)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from kechuang.directory import search_sqlite

    search_sqlite.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("directory", "0008_merge_0007_merge_parallel_work_0007_text_max_lengths"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
