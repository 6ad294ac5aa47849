from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kechuang.indicators import registry


class Command(BaseCommand):
    help = "载入创新驱动发展评价指标体系（指标、目标及公开文件中的观测值），可重复执行"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = registry.load()
        self.stdout.write(f"指标 {counts['indicators']} 项，目标 {counts['targets']} 条，新增文件观测值 "
                          f"{counts['observations']} 条")
