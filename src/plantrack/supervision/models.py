"""Supervision (督查): campaigns, their teams and findings; joint meetings (联席会议) and their
decisions; and ONE rectification ledger (整改台账) whose items come from findings, from warning
follow-ups (约谈) and from meeting decisions, each with its file (一案一档): events, evidence,
verification and the field audit.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plantrack.projects.storage import evidence_storage


class CampaignKind(models.TextChoices):
    SPECIAL = "special", _("专项督查")
    ANNUAL = "annual", _("年度督查")
    JOINT = "joint", _("联合督查")
    ROUTINE = "routine", _("日常督查")


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    ONGOING = "ongoing", _("进行中")
    FINISHED = "finished", _("已结束")


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("较重")
    CRITICAL = "critical", _("严重")


class Source(models.TextChoices):
    FINDING = "finding", _("督查发现问题")
    FOLLOW_UP = "follow_up", _("预警约谈")
    MEETING_TASK = "meeting_task", _("联席会议任务")


class Term(models.TextChoices):
    SHORT = "short", _("短期")
    MEDIUM = "medium", _("中期")
    LONG = "long", _("长期")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    SUBMITTED = "submitted", _("待核验")
    CLOSED = "closed", _("已销号")


class Campaign(models.Model):
    """An inspection campaign decided by the province: its basis, scope and dates."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("督查名称"), max_length=200)
    kind = models.CharField(_("督查类型"), max_length=12, choices=CampaignKind.choices)
    decided_by = models.CharField(_("决定机关"), max_length=200)
    basis = models.TextField(_("督查依据"), blank=True)
    regions = models.ManyToManyField(
        "regions.Region", verbose_name=_("督查地区"), related_name="+", blank=True
    )
    programs = models.ManyToManyField(
        "plans.Program", verbose_name=_("督查工程"), related_name="+", blank=True
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("督查活动")
        verbose_name_plural = _("督查活动")
        ordering = ["plan", "-start", "pk"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """An inspection team (督查组) of a campaign and the regions it covers."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("督查组"), max_length=100)
    leader = models.CharField(_("组长"), max_length=100)
    members = models.TextField(_("成员"), blank=True)
    regions = models.ManyToManyField(
        "regions.Region", verbose_name=_("负责地区"), related_name="+", blank=True
    )

    class Meta:
        verbose_name = _("督查组")
        verbose_name_plural = _("督查组")
        ordering = ["campaign", "pk"]

    def __str__(self) -> str:
        return self.name


class Finding(models.Model):
    """A problem a campaign found in a region or at an enterprise; it becomes a ledger item."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="findings")
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    program = models.ForeignKey(
        "plans.Program",
        verbose_name=_("工程"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target = models.ForeignKey(
        "plans.Target",
        verbose_name=_("目标"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("问题描述"))
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices)
    found_on = models.DateField(_("发现日期"))
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("督查发现问题")
        verbose_name_plural = _("督查发现问题")
        ordering = ["campaign", "region__code", "pk"]

    def __str__(self) -> str:
        return self.description[:40]


class Meeting(models.Model):
    """A meeting of the joint conference (联席会议): who came, the agenda and what was decided."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField(_("届次"))
    date = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=200)
    chair = models.CharField(_("主持人"), max_length=100)
    departments = models.ManyToManyField(
        "departments.Department", verbose_name=_("参会部门"), related_name="+", blank=True
    )
    attendees = models.TextField(_("参会人员"), blank=True)
    agenda = models.TextField(_("议题"), help_text=_("每行一项"))
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("联席会议")
        verbose_name_plural = _("联席会议")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_meeting_number")
        ]

    def __str__(self) -> str:
        return f"第{self.number}次联席会议"

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class Decision(models.Model):
    """One decision of a meeting; the tasks it creates are ledger items."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("议定事项"))

    class Meta:
        verbose_name = _("会议议定事项")
        verbose_name_plural = _("会议议定事项")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class Item(models.Model):
    """One rectification item of the ledger (整改台账), whatever raised it.

    The owner (a region's government and/or a department) submits it with evidence; someone
    with authority who is not the owner verifies and closes it (销号) or returns it. An item
    past its deadline is escalated by ``plantrack supervision escalate``.
    """

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("来源"), max_length=14, choices=Source.choices)
    finding = models.OneToOneField(
        Finding, null=True, blank=True, on_delete=models.CASCADE, related_name="item"
    )
    follow_up = models.OneToOneField(
        "progress.FollowUp", null=True, blank=True, on_delete=models.CASCADE, related_name="item"
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(_("整改事项"), max_length=300)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("责任地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("责任部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    program = models.ForeignKey(
        "plans.Program",
        verbose_name=_("工程"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    term = models.CharField(_("整改时限类型"), max_length=8, choices=Term.choices)
    deadline = models.DateField(_("整改期限"))
    required_evidence = models.TextField(_("应提交的佐证材料"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN
    )
    escalation = models.PositiveSmallIntegerField(_("督办等级"), default=0)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["plan", "status", "deadline", "pk"]
        indexes = [models.Index(fields=["plan", "source", "status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """The file number (案号) shown on pages and in the dossier."""
        return f"ZG-{self.pk:05d}" if self.pk else "ZG-"


class Evidence(models.Model):
    """A file the owner submitted as proof of rectification, with its SHA-256."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="supervision/%Y/%m/", storage=evidence_storage)
    name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("整改佐证材料")
        verbose_name_plural = _("整改佐证材料")
        ordering = ["item", "uploaded", "pk"]

    def __str__(self) -> str:
        return self.name


class EventKind(models.TextChoices):
    CREATED = "created", _("立项")
    SUBMITTED = "submitted", _("提交整改材料")
    RETURNED = "returned", _("退回")
    CLOSED = "closed", _("核验销号")
    ESCALATED = "escalated", _("升级督办")


class ItemEvent(models.Model):
    """The workflow log of an item: each step, who took it, when and what they wrote."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("环节"), max_length=10, choices=EventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    # The day it applies to: escalation runs once a day, whatever the clock says.
    on = models.DateField(_("日期"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("整改流程记录")
        verbose_name_plural = _("整改流程记录")
        ordering = ["item", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind}"


class ItemChange(models.Model):
    """Audit of every change to an item: who, when, which field, old, new, why, by which route."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    field = models.CharField(_("字段"), max_length=80)
    old = models.TextField(_("原值"), blank=True)
    new = models.TextField(_("新值"), blank=True)
    reason = models.CharField(_("原因"), max_length=500)
    channel = models.CharField(_("途径"), max_length=20)  # form | excel | api | system | demo

    class Meta:
        verbose_name = _("整改事项变更记录")
        verbose_name_plural = _("整改事项变更记录")
        ordering = ["item", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.field}"


class RecordChange(models.Model):
    """Audit of campaigns, teams, findings, meetings and decisions (items have their own):
    which record, who, when, which field, old, new, why, by which route."""

    record = models.CharField(_("记录"), max_length=40)  # "campaign:3", "meeting:1" ...
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    field = models.CharField(_("字段"), max_length=80)
    old = models.TextField(_("原值"), blank=True)
    new = models.TextField(_("新值"), blank=True)
    reason = models.CharField(_("原因"), max_length=500)
    channel = models.CharField(_("途径"), max_length=20)

    class Meta:
        verbose_name = _("督查记录变更")
        verbose_name_plural = _("督查记录变更")
        ordering = ["record", "-at", "-pk"]
        indexes = [models.Index(fields=["record", "at"])]

    def __str__(self) -> str:
        return f"{self.record} {self.field}"
