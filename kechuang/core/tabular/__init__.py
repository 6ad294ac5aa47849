"""Bulk import (and export) of tabular data from CSV, XLSX and JSON lines, for every app.

The framework is generic; each entity is described once by an ``ImportSpec`` and registered::

    from kechuang.core.tabular import Column, ImportSpec, parsers, register_spec

    register_spec(ImportSpec(
        entity="demands", label="技术需求", model=Demand, key_fields=("title", "organisation"),
        columns=[
            Column("title", "需求名称", aliases=("名称", "标题"), required=True, parser=parsers.text(200)),
            Column("organisation", "发布单位", required=True, parser=parsers.organisation_ref()),
            Column("deadline", "截止日期", parser=parsers.date()),
        ],
    ))

Put that in ``kechuang/<app>/importing.py``: ``get_spec`` autodiscovers every installed app's ``importing``
module, so the CLI (``kechuang import demands FILE``), the staff web UI and exports find it with no other wiring.

The modules, one job each: ``spec`` (specs, registry, report), ``parsers`` (cell parsers), ``reading`` (files
to a table), ``validation`` (every row checked), ``neardup`` (merge candidates), ``writing`` (the
all-or-nothing import and the command line), ``export`` (querysets to CSV/XLSX).

How an import runs (``run_import``):

1. Read the file into a table (``read_table``): CSV in UTF-8 or GB18030 (what Excel saves in China), XLSX
   (first sheet) or JSON lines. Headers may be Chinese (名称, 统一社会信用代码 ...) or the English field names.
2. Validate EVERY row and collect every problem as (row number, column, Chinese message): missing required
   value, unparseable cell (bad check digit, unknown region, bad date ...), the spec's own row rules, and
   duplicates of another row in the file or of an existing record (by ``key_fields``).
3. Find near-duplicate names/titles (normalised character-bigram Jaccard, with a prefix filter so 100,000 rows
   cost seconds, not hours) against the file and the database: these are not errors but merge candidates.
4. If any row is bad, or on a dry run, write nothing. Otherwise, inside one ``transaction.atomic``, bulk-create
   the new rows, let the spec add related rows (M2M), apply the merges the user chose (update the existing
   record instead of creating one), and write ONE audit row with action ``import`` (bulk_create sends no
   signals, and 100,000 per-row audit entries would say less than one summary).
"""

from kechuang.core.tabular.export import export_queryset, export_response, export_value, template_bytes
from kechuang.core.tabular.neardup import bigrams, jaccard, near_duplicates, normalise_title
from kechuang.core.tabular.parsers import OrganisationRef, parsers
from kechuang.core.tabular.reading import FORMATS, Table, detect_format, read_table
from kechuang.core.tabular.spec import (
    CellError,
    Column,
    ImportContext,
    ImportReport,
    ImportSpec,
    MergeCandidate,
    Parser,
    RowError,
    after_import_hooks,
    all_specs,
    get_spec,
    register_spec,
)
from kechuang.core.tabular.validation import default_build, validate_rows
from kechuang.core.tabular.writing import EXISTING_MODES, run_import, run_import_command

__all__ = [
    "EXISTING_MODES", "FORMATS", "CellError", "Column", "ImportContext", "ImportReport", "ImportSpec",
    "MergeCandidate", "OrganisationRef", "Parser", "RowError", "Table", "after_import_hooks", "all_specs",
    "bigrams", "default_build", "detect_format", "export_queryset", "export_response", "export_value", "get_spec", "jaccard",
    "near_duplicates", "normalise_title", "parsers", "read_table", "register_spec", "run_import",
    "run_import_command", "template_bytes", "validate_rows",
]
