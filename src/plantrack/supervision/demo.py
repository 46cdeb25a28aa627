"""The supervision demo (演示数据): two 2011 campaigns with teams and about forty findings
over the cities, two joint meetings with decisions and tasks, and the ledger items of the
demo follow-ups. Items go through the real workflow (submitted by the owner's demo account or
by the province on its behalf, verified by someone else), so every state appears, and the
overdue ones are escalated as of the demo's year end. Seeded; a second run adds nothing.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction

from plantrack.accounts.access import scope_of
from plantrack.departments.models import Department
from plantrack.plans.models import Plan, Program
from plantrack.regions.models import Region

from . import actions
from .access import can_submit, can_verify
from .models import Campaign, Decision, Finding, Item, ItemStatus, Meeting, Source, Team
from .sources import add_finding, add_task, ensure_follow_up_items

# The demo's "today" for escalation: the plan year's end, so levels 1-3 all appear.
AS_OF = dt.date(2011, 12, 31)
CHANNEL = "demo"

CAMPAIGNS = [
    {
        "name": "2011年节能减排专项督查",
        "kind": "special",
        "decided_by": "省人民政府办公厅",
        "basis": "《浙江省资源节约与环境保护行动计划2011年实施方案》；省政府节能减排工作会议部署",
        "start": dt.date(2011, 5, 10),
        "end": dt.date(2011, 6, 30),
        "programs": ["E01", "E02", "V01", "V03"],
        "problems": [
            "重点用能企业未按要求开展能源审计",
            "落后产能淘汰任务未按期完成",
            "城镇污水处理厂出水氨氮超标",
            "印染企业废水处理设施不正常运行",
            "燃煤锅炉未按期完成脱硫改造",
            "在线监测数据传输有效率偏低",
            "减排项目进度滞后于年度计划",
            "企业能源计量器具配备不全",
        ],
    },
    {
        "name": "2011年违法用地专项督查",
        "kind": "special",
        "decided_by": "省国土资源厅",
        "basis": "国土资源部违法用地专项整治部署；省政府节约集约用地工作要求",
        "start": dt.date(2011, 8, 1),
        "end": dt.date(2011, 9, 15),
        "programs": ["L01", "L02", "L06"],
        "problems": [
            "未批先建工业项目用地",
            "闲置土地超过两年未处置",
            "工业用地容积率低于标准",
            "农村宅基地超标准占地",
            "造地项目新增耕地质量不达标",
            "违规改变土地用途",
        ],
    },
]
MEETINGS = [
    {
        "number": 1, "date": dt.date(2011, 3, 15), "place": "省行政中心", "chair": "分管副省长",
        "departments": ["fgw", "hbt", "jxw", "gtt", "jst", "tjj"],
        "agenda": "部署2011年目标责任分解\n审议年度督查计划\n研究统计监测体系建设",
        "decisions": [
            ("一季度末前完成目标责任书签订", [("fgw", None, dt.date(2011, 4, 30))]),
            ("建立月度数据报送和通报制度", [("tjj", None, dt.date(2011, 5, 31)),
                                          ("fgw", None, dt.date(2011, 5, 31))]),
            ("杭州、宁波先行开展节能监察试点", [(None, "330100", dt.date(2011, 9, 30)),
                                               (None, "330200", dt.date(2011, 9, 30))]),
        ],
    },
    {
        "number": 2, "date": dt.date(2011, 9, 20), "place": "省发改委", "chair": "省发改委主任",
        "departments": ["fgw", "hbt", "jxw", "gtt"],
        "agenda": "通报上半年目标完成情况\n研究红色预警地区整改\n部署四季度重点工作",
        "decisions": [
            ("对连续红色预警地区开展约谈并限期整改", [("hbt", None, dt.date(2011, 11, 30))]),
            ("加快落后产能淘汰进度", [("jxw", None, dt.date(2011, 12, 31))]),
            ("全面清理闲置土地", [("gtt", None, dt.date(2012, 3, 31)),
                               (None, "330200", dt.date(2012, 3, 31))]),
        ],
    },
]  # fmt: skip


@dataclass
class DemoSummary:
    campaigns: int = 0
    findings: int = 0
    meetings: int = 0
    tasks: int = 0
    follow_ups: int = 0
    states: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        states = "、".join(f"{ItemStatus(k).label} {v}" for k, v in self.states.items())
        return [
            f"督查整改（演示数据）：{self.campaigns} 次督查、{self.findings} 个问题、"
            f"{self.meetings} 次联席会议、{self.tasks} 项会议任务、{self.follow_ups} 项约谈事项"
            + (f"；{states}" if states else "")
        ]


def generate(plan: Plan, seed: int = 2011) -> DemoSummary:
    if not settings.PLANTRACK_DEMO:
        raise RuntimeError("未开启演示模式（PLANTRACK_DEMO），不能生成演示数据")
    summary = DemoSummary()
    rng = random.Random(seed)
    with transaction.atomic():
        if not Campaign.objects.filter(plan=plan, is_demo=True).exists():
            for spec in CAMPAIGNS:
                _campaign(plan, spec, rng, summary)
        if not Meeting.objects.filter(plan=plan, is_demo=True).exists():
            for spec in MEETINGS:
                _meeting(plan, spec, rng, summary)
        ensure_follow_up_items(plan)  # progress opens them with their items; in case it did not
        summary.follow_ups = Item.objects.filter(plan=plan, source=Source.FOLLOW_UP).count()
        actions.escalate(AS_OF, plan.pk)
    for status in ItemStatus.values:
        summary.states[status] = Item.objects.filter(plan=plan, status=status).count()
    return summary


def _users() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(profile__isnull=False)}


def _cities() -> list[Region]:
    return list(Region.objects.filter(level="city", code__startswith="33").order_by("code"))


def _campaign(plan: Plan, spec: dict, rng: random.Random, summary: DemoSummary) -> None:
    cities = _cities()
    campaign = Campaign.objects.create(
        plan=plan, name=spec["name"], kind=spec["kind"], decided_by=spec["decided_by"],
        basis=spec["basis"], start=spec["start"], end=spec["end"], status="finished",
        is_demo=True,
    )  # fmt: skip
    campaign.regions.set(cities)
    programs = list(Program.objects.filter(plan=plan, code__in=spec["programs"]))
    campaign.programs.set(programs)
    for number in range(4):
        team = Team.objects.create(
            campaign=campaign, name=f"第{number + 1}督查组", leader=f"督查组长{number + 1}",
            members="省级部门处室负责人、技术专家（演示数据）",
        )  # fmt: skip
        team.regions.set(cities[number::4])
    users = _users()
    admin = users.get("admin")
    for number in range(20):
        # Hangzhou and Ningbo carry more findings, so the demo accounts have work to do.
        city = (
            cities[0] if number % 5 == 0 else cities[1] if number % 5 == 1 else rng.choice(cities)
        )
        region = _county(city, rng) if rng.random() < 0.4 else city
        finding = Finding(
            campaign=campaign, region=region, program=rng.choice(programs),
            description=f"{region.name}：{rng.choice(spec['problems'])}",
            severity=rng.choice(["general", "general", "serious", "critical"]),
            found_on=spec["start"] + dt.timedelta(days=rng.randrange(0, 40)), is_demo=True,
        )  # fmt: skip
        term = rng.choice(["short", "short", "medium", "long"])
        item = add_finding(
            admin, finding, term=term, deadline=None,
            required_evidence="整改报告、现场照片、相关批复或监测报告", channel=CHANNEL,
        )  # fmt: skip
        _advance(item, rng, users)
        summary.findings += 1
    summary.campaigns += 1


def _county(city: Region, rng: random.Random) -> Region:
    counties = list(Region.objects.filter(parent=city).order_by("code"))
    return rng.choice(counties) if counties else city


def _meeting(plan: Plan, spec: dict, rng: random.Random, summary: DemoSummary) -> None:
    meeting = Meeting.objects.create(
        plan=plan, number=spec["number"], date=spec["date"], place=spec["place"],
        chair=spec["chair"], agenda=spec["agenda"], is_demo=True,
        attendees="各成员单位分管负责人（演示数据）",
    )  # fmt: skip
    meeting.departments.set(Department.objects.filter(code__in=spec["departments"]))
    users = _users()
    for order, (text, tasks) in enumerate(spec["decisions"]):
        decision = Decision.objects.create(meeting=meeting, order=order, text=text)
        for department, region, deadline in tasks:
            item = add_task(
                users.get("admin"), decision, text, deadline=deadline, term="short",
                department=Department.objects.filter(code=department).first() if department else None,
                region=Region.objects.filter(code=region).first() if region else None,
                required_evidence="落实情况报告", channel=CHANNEL,
            )  # fmt: skip
            _advance(item, rng, users)
            summary.tasks += 1
    summary.meetings += 1


def _owner_account(item: Item, users: dict[str, User]) -> User | None:
    """The owner's demo account when there is one, else the province on its behalf."""
    for user in users.values():
        scope = scope_of(user)
        if scope.role in ("city", "county", "department") and can_submit(scope, item):
            return user
    return users.get("admin")


def _advance(item: Item, rng: random.Random, users: dict[str, User]) -> None:
    """Move the item to a random state through the real workflow."""
    roll = rng.random()
    if roll < 0.3:
        return  # still being rectified
    submitter = _owner_account(item, users)
    if submitter is None:
        return
    evidence = ContentFile(
        "整改报告（演示数据，生成的文件）".encode(), name="整改报告-演示数据.txt"
    )
    item = actions.submit(
        submitter, item, "已按要求完成整改（演示数据）", [evidence], channel=CHANNEL
    )
    if roll < 0.45:
        return  # awaiting verification
    verifier = next((u for u in users.values() if can_verify(scope_of(u), u, item)), None)
    if verifier is None:
        return
    if roll < 0.55:
        actions.send_back(verifier, item, "佐证材料不全，请补充（演示数据）", channel=CHANNEL)
        return
    actions.verify(verifier, item, "经核查整改到位，同意销号（演示数据）", channel=CHANNEL)
