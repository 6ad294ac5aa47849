"""Availability rules as rows: blackout date ranges with a reason and maintenance windows. The old
``blackout_dates`` list of single dates becomes one-day ``Blackout`` rows before the field is dropped."""

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models


def dates_to_rows(apps, schema_editor):
    settings_model = apps.get_model("instruments", "ServiceSettings")
    blackout = apps.get_model("instruments", "Blackout")
    for s in settings_model.objects.exclude(blackout_dates=[]):
        for day in sorted(set(s.blackout_dates or [])):
            d = dt.date.fromisoformat(day)
            blackout.objects.create(settings=s, start_date=d, end_date=d, reason="停用")


def rows_to_dates(apps, schema_editor):
    settings_model = apps.get_model("instruments", "ServiceSettings")
    for s in settings_model.objects.all():
        days = []
        for b in apps.get_model("instruments", "Blackout").objects.filter(settings=s):
            d = b.start_date
            while d <= b.end_date:
                days.append(d.isoformat())
                d += dt.timedelta(days=1)
        s.blackout_dates = sorted(set(days))
        s.save(update_fields=["blackout_dates"])


class Migration(migrations.Migration):

    dependencies = [
        ('instruments', '0002_booking_no_overlap'),
    ]

    operations = [
        migrations.CreateModel(
            name='Blackout',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('start_date', models.DateField(verbose_name='停用开始日期')),
                ('end_date', models.DateField(verbose_name='停用结束日期')),
                ('reason', models.CharField(max_length=100, verbose_name='停用原因')),
                ('settings', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='blackouts', to='instruments.servicesettings', verbose_name='仪器')),
            ],
            options={
                'verbose_name': '停用日期',
                'verbose_name_plural': '停用日期',
                'ordering': ['start_date', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('end_date__gte', models.F('start_date'))), name='instruments_blackout_end_ge_start')],
            },
        ),
        migrations.CreateModel(
            name='MaintenanceWindow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('start', models.DateTimeField(verbose_name='维护开始时间')),
                ('end', models.DateTimeField(verbose_name='维护结束时间')),
                ('reason', models.CharField(max_length=100, verbose_name='维护内容')),
                ('settings', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='maintenance_windows', to='instruments.servicesettings', verbose_name='仪器')),
            ],
            options={
                'verbose_name': '维护时段',
                'verbose_name_plural': '维护时段',
                'ordering': ['start', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('end__gt', models.F('start'))), name='instruments_maintenance_end_gt_start')],
            },
        ),
        migrations.RunPython(dates_to_rows, rows_to_dates),
        migrations.RemoveField(
            model_name='servicesettings',
            name='blackout_dates',
        ),
    ]
