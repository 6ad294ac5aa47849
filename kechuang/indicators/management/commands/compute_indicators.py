from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kechuang.core import jobs
from kechuang.indicators import computing


class Command(BaseCommand):
    help = "按平台数据重新计算可计算的指标（全市及各区县，2024年1月起每个月末，本月为今天），作为一次有记录的后台任务运行"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, default=None, help="计算到该年末（默认本年，即到今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"] or timezone.localdate().year
        job = jobs.run_now(computing.JOB_KIND, params={"year": year})
        if job.status != job.Status.DONE:
            raise CommandError(f"计算失败：{job.error}")
        self.stdout.write(f"任务 #{job.pk} 完成：{job.result}")
