import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantrack.core.periods import Period
from plantrack.plans.models import Plan
from plantrack.progress.export import row_as_dict
from plantrack.progress.forecasts import forecast_as_dict, forecast_rows
from plantrack.progress.records import refresh
from plantrack.progress.services import compute, load


class Command(BaseCommand):
    help = "目标进度与预警：plantrack progress --plan CODE --period YYYY-MM --format json"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", default="zhejiang-2011")
        parser.add_argument("--period", required=True, help="月份，如 2011-07")
        parser.add_argument("--region", action="append", help="只计算这些行政区划代码")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--forecast", action="store_true", help="附全年预测与达标概率")
        parser.add_argument("--save", action="store_true", help="重算并保存该月预警记录")

    def handle(self, *args: object, **options: str) -> None:
        plan = Plan.objects.filter(code=options["plan"]).select_related("region").first()
        if plan is None:
            raise CommandError(f"计划 {options['plan']} 不存在")
        try:
            period = Period.parse(options["period"])
        except ValueError:
            raise CommandError(
                f"--period：应为月份，如 2011-07，收到 {options['period']!r}"
            ) from None
        if period.frequency != "month":
            raise CommandError("--period：应为月份，如 2011-07")
        regions = options.get("region") or None
        loaded = load(plan, period)
        if options.get("save"):
            refresh(plan, period, regions, loaded=loaded)  # type: ignore[arg-type]
        rows = compute(plan, period, regions=regions, loaded=loaded)  # type: ignore[arg-type]
        payload = {"plan": plan.code, "period": str(period), "rows": [row_as_dict(r) for r in rows]}
        if options.get("forecast"):
            forecasts = forecast_rows(plan, period, rows, loaded)
            for row, data in zip(rows, payload["rows"], strict=True):
                data["forecast"] = forecast_as_dict(forecasts.get((row.target.pk, row.region.code)))  # type: ignore[index]
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
