import time
from typing import Any

from django.core.management.base import BaseCommand

from kechuang.core import jobs


class Command(BaseCommand):
    help = "处理排队中的后台任务（生产环境的 worker 进程）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="处理完当前队列后退出")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            job = jobs.run_next()
            if job is not None:
                self.stdout.write(f"{job}")
                continue
            if options["once"]:
                return
            time.sleep(2)
