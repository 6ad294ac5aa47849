"""No two bookings of one instrument overlap while 待审批 or 已批准: a PostgreSQL exclusion constraint (btree_gist
for the instrument's equality inside a GiST index, tstzrange for the slot, '[)' so back-to-back slots touch but do
not overlap). SQLite has no such constraint: there the booking service's write lock is the guarantee
(kechuang/instruments/services.py ``book``), so this migration does nothing on SQLite."""

from django.db import migrations

NAME = "instruments_booking_no_overlap"


def _constraint():
    from django.contrib.postgres.constraints import ExclusionConstraint
    from django.contrib.postgres.fields import RangeBoundary, RangeOperators
    from django.db.models import Func, Q

    class TsTzRange(Func):
        function = "TSTZRANGE"
        output_field = None

        def __init__(self, *expressions, **extra):
            from django.contrib.postgres.fields import DateTimeRangeField

            super().__init__(*expressions, output_field=DateTimeRangeField(), **extra)

    return ExclusionConstraint(
        name=NAME,
        expressions=[(TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                     ("instrument", RangeOperators.EQUAL)],
        condition=Q(status__in=["pending", "approved"]),
    )


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.add_constraint(apps.get_model("instruments", "Booking"), _constraint())


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_constraint(apps.get_model("instruments", "Booking"), _constraint())


class Migration(migrations.Migration):
    dependencies = [("instruments", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
