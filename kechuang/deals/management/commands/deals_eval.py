"""``kechuang manage deals_eval [--out labels.jsonl]``: the engine's quality on the platform's own labels.

Broker verdicts (有用/已联系/无用) and deal outcomes (opened, 签约) on demand → achievement matches are relevance
labels. The command writes them as JSON lines (query = demand id, doc = achievement id, grade 0/1/2, rank the
engine showed) and reports MRR@10 over them. ``kechuang match eval --feedback`` (no file) runs the same export
into a temporary file and hands it to the engine CLI, which imports no Django.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kechuang.deals import funnel


class Command(BaseCommand):
    help = "导出技术经理人反馈与商洽结果的相关性标注，并计算推荐结果的 MRR@10"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--out", help="JSON lines 输出文件（可不填）")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = list(funnel.labelled_pairs())
        if options.get("out"):
            funnel.export_labels(options["out"])
        mrr, queries = funnel.mrr_at_10(rows)
        self.stdout.write(f"标注 {len(rows)} 对，覆盖 {queries} 条技术需求；MRR@10 = {mrr:.3f}\n")
