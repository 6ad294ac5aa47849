# Replace 0004's statement triggers (they upserted the aggregate on every insert) by a row trigger that only
# appends delta rows; kechuang.contracts.stats.fold() moves them into ContractMonthStat (see that model).

from django.db import migrations, models

COUNTED = "('registered', 'changed', 'change_pending', 'cancel_pending')"  # choices.COUNTED, frozen here


def _rows(rec: str, sign: str) -> str:
    month = f"date_trunc('month', {rec}.registered_on)::date"
    return f"""
        IF {rec}.status IN {COUNTED} AND {rec}.registered_on IS NOT NULL THEN
            INSERT INTO contracts_contractstatdelta (scope, month, region_code, contract_type, technology_field, n,
                                                     contract_amount, transaction_amount)
            VALUES ('output', {month}, {rec}.seller_region_code, {rec}.contract_type, {rec}.technology_field,
                    {sign}1, {sign}{rec}.contract_amount, {sign}{rec}.transaction_amount),
                   ('input', {month}, {rec}.buyer_region_code, {rec}.contract_type, {rec}.technology_field,
                    {sign}1, {sign}{rec}.contract_amount, {sign}{rec}.transaction_amount);
        END IF;"""


INSTALL = f"""
DROP TRIGGER IF EXISTS contracts_month_stat_ins ON contracts_contract;
DROP TRIGGER IF EXISTS contracts_month_stat_upd ON contracts_contract;
DROP TRIGGER IF EXISTS contracts_month_stat_del ON contracts_contract;
DROP FUNCTION IF EXISTS contracts_month_stat_apply();
CREATE OR REPLACE FUNCTION contracts_stat_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN {_rows('OLD', '-')}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN {_rows('NEW', '')}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER contracts_stat_delta AFTER INSERT OR UPDATE OR DELETE ON contracts_contract
    FOR EACH ROW EXECUTE FUNCTION contracts_stat_delta();
"""
UNINSTALL = """
DROP TRIGGER IF EXISTS contracts_stat_delta ON contracts_contract;
DROP FUNCTION IF EXISTS contracts_stat_delta();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL)


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0005_fewer_single_column_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ContractStatDelta',
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
                'verbose_name': '技术合同汇总待合并变动',
                'verbose_name_plural': '技术合同汇总待合并变动',
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
