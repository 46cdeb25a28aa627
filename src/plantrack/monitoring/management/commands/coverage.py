"""``plantrack coverage show|import``: the pollution load covered by online monitoring (V00-27)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantrack.core.nodata import NoData
from plantrack.monitoring import coverage, loads
from plantrack.monitoring.coverage_views import COLUMNS, quarter_to_date


class Command(BaseCommand):
    help = "在线监控覆盖污染负荷比例：plantrack coverage show|import"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("show", help="各设区市和全省按污染物的覆盖比例（季度至今）")
        show.add_argument("--month", required=True, help="统计期所在月份，如 2011-09")
        show.add_argument("--format", choices=["text", "json"], default="text")
        load = sub.add_parser("import", help="导入环境统计排放量（Excel；全部通过才写入）")
        load.add_argument("file", type=Path)
        load.add_argument("--user", required=True)
        load.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self.load(options)
        else:
            self.show(options)

    def load(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"--user：用户 {options['user']} 不存在")
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"文件 {path} 不存在")
        try:
            changed, unchanged = loads.import_figures(user, path.read_bytes(), options["reason"])
        except loads.LoadsRefused as refused:
            raise CommandError(f"{path}：未导入。{refused}") from None
        self.stdout.write(f"已导入：修改 {changed} 项，未变 {unchanged} 项")

    def show(self, options: dict[str, Any]) -> None:
        try:
            year, month = (int(part) for part in options["month"].split("-"))
            start, end = quarter_to_date(year, month)
        except ValueError:
            raise CommandError(f"--month：应为 YYYY-MM，收到 {options['month']!r}") from None
        result = coverage.report(start, end)
        rows = [
            {
                "region": region,
                "pollutant": pollutant,
                "total": str(cell.total),
                "monitored": str(cell.monitored),
                "share": None if isinstance(cell.share, NoData) else float(cell.share),
                "enterprises": cell.enterprises,
                "monitored_enterprises": cell.monitored_enterprises,
            }
            for (region, pollutant), cell in sorted(result.cells.items())
            if pollutant in COLUMNS
        ]
        if options["format"] == "json":
            body = {"start": start.isoformat(), "base_year": result.base_year, "rows": rows}
            self.stdout.write(json.dumps(body, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"统计期 {start:%Y-%m-%d} 起（季度至今），排放量年份 {result.base_year}")
        for row in rows:
            share = "—" if row["share"] is None else f"{row['share'] * 100:.1f}%"
            self.stdout.write(
                f"{row['region']} {row['pollutant']:<10} {share:>7}  "
                f"{row['monitored_enterprises']}/{row['enterprises']} 家"
            )
