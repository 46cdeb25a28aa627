"""Key projects (重点项目): the registry, owners' progress updates and the audit trail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .storage import evidence_storage


class Status(models.TextChoices):
    PLANNED = "planned", _("计划")
    UNDER_CONSTRUCTION = "under_construction", _("在建")
    COMPLETED = "completed", _("已完成")
    SUSPENDED = "suspended", _("暂停")
    CANCELLED = "cancelled", _("已取消")


class UpdateState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已审核通过")
    RETURNED = "returned", _("已退回")


class Project(models.Model):
    """One project of a declared project list, owned by a unit in a region."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="projects")
    program = models.ForeignKey(
        "plans.Program", verbose_name=_("工程"), on_delete=models.PROTECT, related_name="projects"
    )
    list_code = models.CharField(_("项目清单"), max_length=64)
    code = models.CharField(_("项目编号"), max_length=64)
    name = models.CharField(_("项目名称"), max_length=200)
    project_type = models.CharField(_("项目类型"), max_length=50)
    owner_unit = models.CharField(_("责任单位"), max_length=200)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    planned_investment = models.DecimalField(
        _("计划投资（万元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    actual_investment = models.DecimalField(
        _("完成投资（万元）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    completed_on = models.DateField(_("竣工日期"), null=True, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")
        ordering = ["plan", "list_code", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_project_code")]
        indexes = [models.Index(fields=["plan", "list_code", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Contribution(models.Model):
    """A project's expected and achieved contribution (节能量, 管网长度, 新增耕地 ...)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="contributions")
    code = models.CharField(_("编码"), max_length=64)
    name = models.CharField(_("名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=30)
    # The plan's data element it feeds, when the declaration names one.
    element = models.ForeignKey(
        "plans.DataElement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expected = models.DecimalField(
        _("预期"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    actual = models.DecimalField(_("实际"), max_digits=18, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("项目贡献")
        verbose_name_plural = _("项目贡献")
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="unique_contribution")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class Milestone(models.Model):
    """A dated step of a project (立项, 开工, 主体完工, 竣工验收 ...)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("节点"), max_length=100)
    planned_on = models.DateField(_("计划日期"))
    actual_on = models.DateField(_("实际日期"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("里程碑")
        verbose_name_plural = _("里程碑")
        ordering = ["project", "order", "planned_on"]

    def __str__(self) -> str:
        return self.name


class Update(models.Model):
    """A progress update by the owner: proposed changes and evidence, approved by the department.

    The project itself changes only when the update is approved, so every figure the roll-up
    reads has been checked by the department responsible for the program.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=UpdateState.choices, default=UpdateState.DRAFT
    )
    note = models.TextField(_("进展说明"))
    # {"status": "completed", "actual_investment": "1200", "contribution:energy_saved": "300",
    #  "milestone:<id>": "2011-06-30"} — decimals and dates kept as text.
    changes = models.JSONField(_("变更内容"), default=dict)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("项目进展")
        verbose_name_plural = _("项目进展")
        ordering = ["project", "-created"]

    def __str__(self) -> str:
        return f"{self.project.code} {self.created:%Y-%m-%d}"


class Evidence(models.Model):
    """A file proving progress (验收报告, 照片, 发票 ...), attached to an update."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="projects/%Y/%m/", storage=evidence_storage)
    name = models.CharField(_("文件名"), max_length=200)
    uploaded = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.name


class ProjectChange(models.Model):
    """Audit of every change to a project: who, when, which field, old, new, why, by which route."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    field = models.CharField(_("字段"), max_length=80)
    old = models.TextField(_("原值"), blank=True)
    new = models.TextField(_("新值"), blank=True)
    reason = models.CharField(_("原因"), max_length=500)
    channel = models.CharField(_("途径"), max_length=20)  # form | excel | api | approval | demo

    class Meta:
        verbose_name = _("项目变更记录")
        verbose_name_plural = _("项目变更记录")
        ordering = ["project", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.project.code} {self.field}"
