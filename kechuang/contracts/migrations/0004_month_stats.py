# The statistics' monthly aggregate and the PostgreSQL triggers that keep it (see ContractMonthStat).

from django.db import migrations, models

# Mirrors kechuang.contracts.choices.COUNTED (a migration must not import code that may change later).
COUNTED = "('registered', 'changed', 'change_pending', 'cancel_pending')"


def _delta(rows: str, sign: str) -> str:
    return f"""
    INSERT INTO contracts_contractmonthstat (scope, month, region_code, contract_type, technology_field, n,
                                             contract_amount, transaction_amount)
    SELECT s.scope, date_trunc('month', r.registered_on)::date,
           CASE s.scope WHEN 'output' THEN r.seller_region_code ELSE r.buyer_region_code END,
           r.contract_type, r.technology_field,
           {sign}count(*), {sign}sum(r.contract_amount), {sign}sum(r.transaction_amount)
    FROM {rows} r CROSS JOIN (VALUES ('output'), ('input')) AS s(scope)
    WHERE r.status IN {COUNTED} AND r.registered_on IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT (scope, month, region_code, contract_type, technology_field) DO UPDATE SET
        n = contracts_contractmonthstat.n + EXCLUDED.n,
        contract_amount = contracts_contractmonthstat.contract_amount + EXCLUDED.contract_amount,
        transaction_amount = contracts_contractmonthstat.transaction_amount + EXCLUDED.transaction_amount;"""


# One function for the three statement triggers (the PostgreSQL manual's transition-table pattern): an UPDATE
# takes the old rows out and puts the new ones in, so a status change, a re-dated or re-typed contract and a
# cancellation all move the aggregate in the statement's own transaction.
FUNCTION = f"""
CREATE OR REPLACE FUNCTION contracts_month_stat_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN {_delta('old_rows', '-')}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN {_delta('new_rows', '')}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER contracts_month_stat_ins AFTER INSERT ON contracts_contract
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contracts_month_stat_apply();
CREATE TRIGGER contracts_month_stat_upd AFTER UPDATE ON contracts_contract
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION contracts_month_stat_apply();
CREATE TRIGGER contracts_month_stat_del AFTER DELETE ON contracts_contract
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION contracts_month_stat_apply();
"""
BACKFILL = "DELETE FROM contracts_contractmonthstat;" + _delta("contracts_contract", "")
DROP = """
DROP TRIGGER IF EXISTS contracts_month_stat_ins ON contracts_contract;
DROP TRIGGER IF EXISTS contracts_month_stat_upd ON contracts_contract;
DROP TRIGGER IF EXISTS contracts_month_stat_del ON contracts_contract;
DROP FUNCTION IF EXISTS contracts_month_stat_apply();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: no transition tables; the statistics read the contracts (kechuang/contracts/stats.py)
    schema_editor.execute(FUNCTION)
    schema_editor.execute(BACKFILL)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0003_text_limits'),
    ]

    operations = [
        migrations.CreateModel(
            name='ContractMonthStat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('scope', models.CharField(max_length=6, verbose_name='口径')),
                ('month', models.DateField(verbose_name='登记月份')),
                ('region_code', models.CharField(max_length=6, verbose_name='行政区划代码')),
                ('contract_type', models.CharField(max_length=20, verbose_name='合同类型')),
                ('technology_field', models.CharField(max_length=30, verbose_name='技术领域')),
                ('n', models.BigIntegerField(verbose_name='合同数')),
                ('contract_amount', models.DecimalField(decimal_places=2, max_digits=20, verbose_name='合同成交额（元）')),
                ('transaction_amount', models.DecimalField(decimal_places=2, max_digits=20, verbose_name='技术交易额（元）')),
            ],
            options={
                'verbose_name': '技术合同月度汇总',
                'verbose_name_plural': '技术合同月度汇总',
                'constraints': [models.UniqueConstraint(fields=('scope', 'month', 'region_code', 'contract_type', 'technology_field'), name='contract_month_stat_key')],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
