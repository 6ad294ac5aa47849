"""A bigram index for the directory's Chinese search on PostgreSQL (see kechuang/directory/search.py).

``kechuang_grams(text)`` returns every two-character substring of its argument; a GIN index on
``kechuang_grams(search_text)`` answers ``@> ARRAY[...]`` for any term of two characters or more, so a search
no longer scans the table. PostgreSQL keeps the index up to date itself (it is an expression index: no column,
no trigger, nothing for imports or ``save()`` to maintain). Other databases get nothing here: SQLite keeps the
plain ``LIKE`` scan.
"""

from django.db import migrations

TABLES = ("directory_organisation", "directory_person", "directory_platform", "directory_instrument")

FUNCTION = r"""
CREATE OR REPLACE FUNCTION kechuang_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(substr(t, i, 2)), '{}'::text[])
    FROM generate_series(1, char_length(t) - 1) AS i
$$
"""


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_grams ON {table} USING gin (kechuang_grams(search_text))")
        schema_editor.execute(f"ANALYZE {table}")


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_grams")
    schema_editor.execute("DROP FUNCTION IF EXISTS kechuang_grams(text)")


class Migration(migrations.Migration):

    dependencies = [
        ("directory", "0003_list_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
