"""``plantrack annualplans open --plan CODE --year Y``: create the year's obligations."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantrack.annualplans.obligations import open_year
from plantrack.plans.models import Plan


class Command(BaseCommand):
    help = "年度实施计划与年终责任报告：按计划的里程碑目标创建某年的报送任务（可重复执行）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        opening = sub.add_parser("open", help="创建某年的报送任务")
        opening.add_argument("--plan", required=True)
        opening.add_argument("--year", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(code=options["plan"]).first()
        if plan is None:
            raise CommandError(f"计划 {options['plan']} 不存在")
        try:
            created = open_year(plan, options["year"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{plan.code} {options['year']}：新建 {created} 项报送任务")
