import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantrack.assessment.export import result_as_dict
from plantrack.assessment.services import assess, round_for
from plantrack.plans.models import Plan


class Command(BaseCommand):
    help = "年度考核：plantrack assess --plan CODE --year 2011 --format json"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", default="zhejiang-2011")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: object, **options: object) -> None:
        plan = Plan.objects.filter(code=options["plan"]).select_related("region").first()
        if plan is None:
            raise CommandError(f"计划 {options['plan']} 不存在")
        year = int(options["year"])  # type: ignore[call-overload]
        try:
            results = assess(plan, year)
        except ValueError as error:
            raise CommandError(str(error)) from None
        round_ = round_for(plan, year)
        payload = {
            "plan": plan.code,
            "year": year,
            "scheme": round_.scheme,
            "published": round_.published_at is not None,
            "results": [
                result_as_dict(r)
                for r in sorted(results, key=lambda r: (r.rank is None, r.rank or 0))
            ],
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
