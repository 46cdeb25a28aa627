import json
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plantrack.core.planfile import PlanFileError
from plantrack.plans.actions import PlanLoadError, load_plan_file
from plantrack.plans.export import plan_as_dict, plan_as_workbook
from plantrack.plans.models import Plan


class Command(BaseCommand):
    help = "计划：load FILE 载入（幂等）；export CODE --format json|xlsx 导出"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load")
        load.add_argument("file")
        export = sub.add_parser("export")
        export.add_argument("code")
        export.add_argument("--format", choices=["json", "xlsx"], default="json")
        export.add_argument("--output", help="xlsx 输出文件；缺省写到标准输出")

    def handle(self, *args: object, **options: str) -> None:
        if options["action"] == "load":
            self._load(options["file"])
        else:
            self._export(options["code"], options["format"], options.get("output"))

    def _load(self, path: str) -> None:
        try:
            result = load_plan_file(path)
        except FileNotFoundError:
            raise CommandError(f"{path}: 文件不存在") from None
        except (PlanFileError, PlanLoadError) as error:
            raise CommandError(str(error)) from None
        if not result.changed:
            self.stdout.write(f"计划 {result.plan.code} 未变化")
            return
        counts: dict[str, int] = {}
        for change in result.changes:
            key = f"{change['object']} {change['action']}"
            counts[key] = counts.get(key, 0) + 1
        summary = "，".join(f"{key} {n}" for key, n in sorted(counts.items()))
        self.stdout.write(f"计划 {result.plan.code} 已载入：{summary}")

    def _export(self, code: str, fmt: str, output: str | None) -> None:
        plan = Plan.objects.filter(code=code).select_related("region").first()
        if plan is None:
            raise CommandError(f"计划 {code} 不存在")
        if fmt == "json":
            self.stdout.write(json.dumps(plan_as_dict(plan), ensure_ascii=False, indent=2))
            return
        content = plan_as_workbook(plan)
        if output:
            with open(output, "wb") as handle:
                handle.write(content)
        else:
            sys.stdout.buffer.write(content)
