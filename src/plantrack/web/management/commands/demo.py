from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from plantrack.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo_accounts
from plantrack.annualplans.demo import generate as generate_annualplans_demo
from plantrack.monitoring.demo import generate_demo as generate_monitoring_demo
from plantrack.plans.actions import load_plan_file
from plantrack.progress.demo import generate as generate_warnings_demo
from plantrack.projects.demo import generate_demo as generate_projects_demo
from plantrack.quality.demo import generate_demo as generate_quality_demo
from plantrack.regions.loader import load_regions
from plantrack.reporting.demo import generate_demo
from plantrack.supervision.demo import generate as generate_supervision_demo


class Command(BaseCommand):
    help = "创建或更新嵌入式演示环境：数据库、行政区划、2011年计划、演示账号（演示数据）"

    def handle(self, *args: object, **options: object) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        regions = load_regions()
        self.stdout.write(f"行政区划：新增 {regions.created}，更新 {regions.updated}")
        result = load_plan_file(settings.PLANTRACK_DEFAULT_PLAN)
        self.stdout.write(
            f"计划 {result.plan.code}：{result.plan.targets.count()} 项目标"
            + ("（已更新）" if result.changed else "（未变化）")
        )
        # The demo's workflows act as the demo accounts, so they exist first.
        ensure_demo_accounts()
        # Fills only submissions nobody has touched, so rerunning keeps users' entries.
        summary = generate_demo()
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(generate_monitoring_demo().lines()[0])
        self.stdout.write(generate_quality_demo().lines()[0])
        self.stdout.write(generate_projects_demo().lines()[0])
        plans = generate_annualplans_demo(result.plan)
        self.stdout.write(
            f"年度实施计划与年终报告（演示数据）：新建应报事项 {plans.opened}，"
            f"已报送 {plans.submitted}，已审核通过 {plans.accepted}"
        )
        self.stdout.write(generate_warnings_demo(result.plan, summary.as_of).lines()[0])
        self.stdout.write(generate_supervision_demo(result.plan).lines()[0])
        self.stdout.write("\n演示账号（演示数据，非官方统计）——密码均为 " + DEMO_PASSWORD)
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<10} {account.label}")
