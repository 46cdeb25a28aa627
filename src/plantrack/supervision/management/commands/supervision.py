"""plantrack supervision escalate [--today YYYY-MM-DD] [--plan CODE]."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from plantrack.plans.models import Plan
from plantrack.supervision.actions import escalate


class Command(BaseCommand):
    help = "督查整改：对逾期未整改的事项升级督办（同一天重复运行不会重复升级）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("escalate", help="按逾期天数升级督办等级")
        run.add_argument("--today", help="按此日期计算逾期（YYYY-MM-DD），默认今天")
        run.add_argument("--plan", help="只处理此计划的事项")

    def handle(self, *args: object, **options: object) -> None:
        today = timezone.localdate()
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(str(options["today"]))
            except ValueError:
                raise CommandError("--today 应为 YYYY-MM-DD") from None
        plan_id = None
        if options.get("plan"):
            plan = Plan.objects.filter(code=options["plan"]).first()
            if plan is None:
                raise CommandError(f"没有编码为 {options['plan']} 的计划")
            plan_id = plan.pk
        raised = escalate(today, plan_id)
        for item in raised:
            self.stdout.write(f"{item.number} → {item.escalation} {item.title[:40]}")
        self.stdout.write(f"{today:%Y-%m-%d}：升级 {len(raised)} 项")
