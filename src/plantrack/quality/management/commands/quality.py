"""plantrack quality compute --plan zhejiang-2011 --month 2011-09 [--publish --user NAME]."""

from __future__ import annotations

import json

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantrack.plans.models import Plan
from plantrack.quality.publish import publish
from plantrack.quality.services import Month, compute_month


class Command(BaseCommand):
    help = "监测指标：按月计算传输有效率、超标、空气质量日报、断面水质，并可写入填报（--publish）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        compute = sub.add_parser("compute", help="计算某月的监测指标")
        compute.add_argument("--plan", default="zhejiang-2011")
        compute.add_argument("--month", required=True, help="YYYY-MM")
        compute.add_argument("--publish", action="store_true", help="将结果写入计划的填报报表")
        compute.add_argument("--user", help="写入填报时记录的用户（--publish 时必填）")
        compute.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: object, **options: object) -> None:
        try:
            month = Month.parse(str(options["month"]))
        except ValueError as error:
            raise CommandError(str(error)) from None
        plan = Plan.objects.filter(code=options["plan"]).first()
        if plan is None:
            raise CommandError(f"没有编码为 {options['plan']} 的计划")
        user = None
        if options["publish"]:
            if not options["user"]:
                raise CommandError("--publish 需要 --user（写入填报的经办人，记入变更记录）")
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"没有用户 {options['user']}")
        result = compute_month(month)
        outcome = publish(plan, month, user).outcome if user else []
        if options["format"] == "json":
            payload = {"month": str(month), "computed": result.__dict__, "published": outcome}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{month}：传输有效率 {result.rates} 项，超标 {result.exceedances} 小时，"
            f"空气站点日 {result.station_days}，城市日 {result.city_days}，断面 {result.sections}"
        )
        for note in result.notes:
            self.stdout.write(f"  注意：{note}")
        for row in outcome:
            values = "，".join(f"{k}={v}" for k, v in row["elements"].items())
            self.stdout.write(f"  {row['data_set']} {row['period']} {row['city']}：{row['action']}"
                              f" {values} {row['note']}".rstrip())  # fmt: skip
