import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kechuang.core import jobs, periodic


class Command(BaseCommand):
    help = "后台任务 worker：运行排队的任务和到期的定时任务（生产环境的 worker 进程）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="运行到期的定时任务、处理完当前队列后退出（供 cron 使用）")
        parser.add_argument("--tick", type=float, default=30.0, help="检查定时任务的间隔（秒）")

    def handle(self, *args: Any, **options: Any) -> None:
        database = settings.KECHUANG_TASK_BACKEND == "database"
        if options["once"]:
            periodic.tick()
            if database:
                call_command("db_worker", batch=True, interval=0, verbosity=options["verbosity"])
            self._drain()
            return
        scheduler = periodic.Scheduler(options["tick"])
        scheduler.start()
        try:
            if database:
                # django-tasks-db's worker: claims task rows with SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL
                # (an exclusive transaction on SQLite) and runs them; each task runs a recorded Job.
                call_command("db_worker", verbosity=options["verbosity"])
            else:
                while True:
                    # Thread backend: jobs run in the process that asked for them; a queued row left behind by a
                    # process that stopped before its thread started is picked up here.
                    if self._drain() == 0:
                        time.sleep(2)
        finally:
            scheduler.stop()

    def _drain(self) -> int:
        count = 0
        while (job := jobs.run_next()) is not None:
            self.stdout.write(f"{job}")
            count += 1
        return count
