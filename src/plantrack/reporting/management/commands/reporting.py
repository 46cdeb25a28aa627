from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from plantrack.core.periods import Period, latest_closed
from plantrack.reporting.actions import open_period
from plantrack.reporting.models import DataSet
from plantrack.reporting.reminders import send_reminders


class Command(BaseCommand):
    help = "数据填报：open 开启报告期（生成应报记录）；remind 向逾期未报单位发送催报通知"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("open", "remind"):
            command = sub.add_parser(name)
            command.add_argument("--plan", default="zhejiang-2011")
            command.add_argument("--period", help="报告期，如 2011-07；缺省为最近结束的一期")

    def handle(self, *args: object, **options: str) -> None:
        data_sets = DataSet.objects.filter(plan__code=options["plan"])
        if not data_sets.exists():
            raise CommandError(f"计划 {options['plan']} 没有报表")
        today = timezone.localdate()
        for data_set in data_sets:
            try:
                period = Period.parse(options["period"]) if options["period"] else None
            except ValueError as error:
                raise CommandError(f"--period：{error}") from None
            if period is None or period.frequency != data_set.frequency:
                period = latest_closed(data_set.frequency, today)
            submissions = open_period(data_set, period)
            if options["action"] == "remind":
                sent = send_reminders(submissions.filter(due__lt=today))
                self.stdout.write(f"{data_set.name} {period}：催报 {sent} 个单位")
            else:
                self.stdout.write(f"{data_set.name} {period}：应报 {submissions.count()} 个单位")
