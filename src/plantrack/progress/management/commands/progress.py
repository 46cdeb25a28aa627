import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantrack.core.periods import Period
from plantrack.plans.models import Plan
from plantrack.progress.export import row_as_dict
from plantrack.progress.services import compute


class Command(BaseCommand):
    help = "目标进度与预警：plantrack progress --plan CODE --period YYYY-MM --format json"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", default="zhejiang-2011")
        parser.add_argument("--period", required=True, help="月份，如 2011-07")
        parser.add_argument("--region", action="append", help="只计算这些行政区划代码")
        parser.add_argument("--format", choices=["json"], default="json")

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
        rows = compute(plan, period, regions=options.get("region") or None)  # type: ignore[arg-type]
        payload = {"plan": plan.code, "period": str(period), "rows": [row_as_dict(r) for r in rows]}
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
