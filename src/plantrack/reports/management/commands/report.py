"""plantrack report city|province|bulletin|workbook: a report written to a file, for batch use.

The command line acts for the province (it sees every region and the unpublished
assessment), like the other management commands.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantrack.accounts.access import Scope
from plantrack.accounts.models import Role
from plantrack.core.periods import Period, end_date
from plantrack.plans.models import Plan
from plantrack.regions.models import Region
from plantrack.reports import files

KINDS = ("city", "province", "bulletin", "workbook")


class Command(BaseCommand):
    help = (
        "生成报告文件：plantrack report city|province|bulletin|workbook --plan CODE --year 2011 "
        "[--region 330100] [--month 2011-09] [--format docx|pdf] --output FILE"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("--plan", default="zhejiang-2011")
        parser.add_argument("--year", type=int, help="年度，默认为计划年度")
        parser.add_argument(
            "--region", help="行政区划代码（city 必填；bulletin、workbook 默认全省）"
        )
        parser.add_argument("--month", help="数据截至月份，如 2011-09；默认最近填报完整的月份")
        parser.add_argument("--format", choices=["docx", "pdf"], default="docx", help="通报格式")
        parser.add_argument("--output", required=True, help="输出文件")

    def handle(self, *args: object, **options: str) -> None:
        plan = Plan.objects.filter(code=options["plan"]).select_related("region").first()
        if plan is None:
            raise CommandError(f"--plan：计划 {options['plan']} 不存在")
        year = int(options.get("year") or plan.year)
        month = _month(options.get("month"), year)
        report = _report(options["kind"], plan, year, month, options)
        output = Path(options["output"])
        try:
            output.write_bytes(report.content)
        except OSError as error:
            raise CommandError(f"--output：无法写入 {output}：{error.strerror}") from None
        self.stdout.write(f"{report.filename}：{len(report.content)} 字节，已写入 {output}")


def _report(
    kind: str, plan: Plan, year: int, month: Period | None, options: dict
) -> files.ReportFile:  # type: ignore[type-arg]
    if kind == "province":
        return files.province_report(plan, year, None, month)
    code = options.get("region")
    if kind == "city" and not code:
        raise CommandError("--region：市政府报告需要设区市代码，如 330100")
    period = month or files.default_month(plan, year)
    region = _region(code or plan.region.code, period)
    if kind == "city":
        if region.level != "city":
            raise CommandError(f"--region：{region.name}（{region.code}）不是设区市")
        return files.city_report(plan, region, year, None, month)
    if kind == "bulletin":
        if region.level not in ("province", "city"):
            raise CommandError("--region：进展通报按全省或设区市生成")
        return files.bulletin(plan, region, period, options.get("format") or "docx")
    return files.region_workbook(plan, region, period, Scope(Role.PROVINCE_ADMIN))


def _month(text: str | None, year: int) -> Period | None:
    if not text:
        return None
    try:
        month = Period.parse(text)
    except ValueError:
        raise CommandError(f"--month：应为月份，如 2011-09，收到 {text!r}") from None
    if month.frequency != "month" or month.year != year:
        raise CommandError(f"--month：应为 {year} 年的月份，如 {year}-09，收到 {text!r}")
    return month


def _region(code: str, month: Period) -> Region:
    region = Region.objects.valid_on(end_date(month)).filter(code=code).first()
    if region is None:
        raise CommandError(f"--region：行政区划 {code} 不存在或在 {month} 无效")
    return region
