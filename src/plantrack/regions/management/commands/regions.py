import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from plantrack.regions.loader import load_regions
from plantrack.regions.models import Region


class Command(BaseCommand):
    help = "行政区划：load 载入内置区划表；export --date YYYY-MM-DD 导出某日有效的区划"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load")
        export = sub.add_parser("export")
        export.add_argument("--date", default=None)
        export.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: object, **options: str) -> None:
        if options["action"] == "load":
            result = load_regions()
            self.stdout.write(f"区划：新增 {result.created}，更新 {result.updated}")
            return
        try:
            date = dt.date.fromisoformat(options["date"] or timezone.localdate().isoformat())
        except ValueError:
            raise CommandError(
                f"--date：日期格式应为 YYYY-MM-DD，收到 {options['date']!r}"
            ) from None
        regions = Region.objects.valid_on(date).select_related("parent")
        payload = {"date": date.isoformat(), "regions": [r.as_dict() for r in regions]}
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
