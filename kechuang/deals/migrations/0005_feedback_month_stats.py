# Monthly counts of match feedback for the funnel, kept by PostgreSQL statement triggers (see models_stats.py).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CONTACTED = "('contacted', 'useful')"  # kechuang.deals.funnel.CONTACTED, frozen here


def _delta(rows: str, sign: str, tz: str) -> str:
    month = f"date_trunc('month', r.created_at AT TIME ZONE '{tz}')::date"
    out = []
    for table, column in (("deals_feedbackdemandmonth", "demand_id"), ("deals_feedbackauthormonth", "author_id")):
        out.append(f"""
        INSERT INTO {table} (month, {column}, n, contacted)
        SELECT {month}, r.{column}, {sign}count(*), {sign}count(*) FILTER (WHERE r.verdict IN {CONTACTED})
        FROM {rows} r WHERE r.demand_id IS NOT NULL
        GROUP BY 1, 2
        ON CONFLICT (month, {column}) DO UPDATE SET n = {table}.n + EXCLUDED.n,
                                                   contacted = {table}.contacted + EXCLUDED.contacted;""")
    return "".join(out)


def _function(tz: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION deals_feedback_month_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN {_delta('old_rows', '-', tz)}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN {_delta('new_rows', '', tz)}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER deals_feedback_month_ins AFTER INSERT ON market_matchfeedback
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_feedback_month_apply();
CREATE TRIGGER deals_feedback_month_upd AFTER UPDATE ON market_matchfeedback
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION deals_feedback_month_apply();
CREATE TRIGGER deals_feedback_month_del AFTER DELETE ON market_matchfeedback
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION deals_feedback_month_apply();
"""


DROP = """
DROP TRIGGER IF EXISTS deals_feedback_month_ins ON market_matchfeedback;
DROP TRIGGER IF EXISTS deals_feedback_month_upd ON market_matchfeedback;
DROP TRIGGER IF EXISTS deals_feedback_month_del ON market_matchfeedback;
DROP FUNCTION IF EXISTS deals_feedback_month_apply();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: the funnel reads MatchFeedback itself (kechuang/deals/funnel.py)
    tz = str(settings.TIME_ZONE).replace("'", "")
    schema_editor.execute(_function(tz))
    schema_editor.execute("DELETE FROM deals_feedbackdemandmonth; DELETE FROM deals_feedbackauthormonth;"
                          + _delta("market_matchfeedback", "", tz))


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('deals', '0004_deal_next_action_reminded_on'),
        ('market', '0006_merge_0004_text_max_lengths_0005_merge_parallel_work'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FeedbackAuthorMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='月份')),
                ('n', models.BigIntegerField(verbose_name='推荐反馈数')),
                ('contacted', models.BigIntegerField(verbose_name='已联系或有用数')),
                ('author', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='反馈人')),
            ],
            options={
                'verbose_name': '匹配反馈月度汇总（按技术经理人）',
                'verbose_name_plural': '匹配反馈月度汇总（按技术经理人）',
                'constraints': [models.UniqueConstraint(fields=('month', 'author'), name='feedback_author_month_key')],
            },
        ),
        migrations.CreateModel(
            name='FeedbackDemandMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='月份')),
                ('n', models.BigIntegerField(verbose_name='推荐反馈数')),
                ('contacted', models.BigIntegerField(verbose_name='已联系或有用数')),
                ('demand', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='market.demand', verbose_name='技术需求')),
            ],
            options={
                'verbose_name': '匹配反馈月度汇总（按需求）',
                'verbose_name_plural': '匹配反馈月度汇总（按需求）',
                'constraints': [models.UniqueConstraint(fields=('month', 'demand'), name='feedback_demand_month_key')],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
