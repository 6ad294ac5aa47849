from typing import Any

from django.core.management.base import BaseCommand

from kechuang.workflow import deadlines


class Command(BaseCommand):
    help = "处理已到期的流程期限：自动办理到期的操作，发送提醒与督办通知"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = deadlines.sweep()
        self.stdout.write(
            f"已处理到期期限 {counts['fired']} 项：自动办理 {counts['transitions']} 项，"
            f"发送提醒/督办 {counts['notices']} 项，未能办理 {counts['refused']} 项；"
            f"已失效 {counts['stale']} 项")
