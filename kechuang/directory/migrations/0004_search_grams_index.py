"""A bigram index for the directory's Chinese search on PostgreSQL (see kechuang/directory/search.py).

``kechuang_grams(text)`` returns every two-character substring of its argument; a GIN index on
``kechuang_grams(search_text)`` answers ``@> ARRAY[...]`` for any term of two characters or more, so a search
no longer scans the table. PostgreSQL keeps the index up to date itself (it is an expression index: no column,
no trigger, nothing for imports or ``save()`` to maintain). Other databases get nothing here: SQLite keeps the
plain ``LIKE`` scan.
"""

from django.db import migrations

TABLES = ("directory_organisation", "directory_person", "directory_platform", "directory_instrument")

# PL/pgSQL filling an array by index: 1.0 s for 100,000 rows of ~64 characters, against 3.0 s for the
# same function written as ``SELECT array_agg(substr(t, i, 2)) FROM generate_series(...)`` (measured on
# PostgreSQL 15); the function runs for every inserted row, so it is on the import's path.
FUNCTION = r"""
CREATE OR REPLACE FUNCTION kechuang_grams(t text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    c text[] := string_to_array(t, NULL);
    r text[] := '{}';
    n int := coalesce(array_length(c, 1), 0);
BEGIN
    FOR i IN 1 .. n - 1 LOOP
        r[i] := c[i] || c[i + 1];
    END LOOP;
    RETURN r;
END
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
