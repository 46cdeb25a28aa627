"""Annual implementation plans (年度实施计划) and year-end responsibility reports (年终报告).

An :class:`Obligation` is one duty of one city or department for one year, derived from the
plan's milestone targets (see :mod:`.obligations`). The owner uploads documents and, for an
annual plan, its decomposed targets as structured rows, then submits; the province reviews.
:mod:`.actions` is the only writer; every change is a :class:`Change`, every step an
:class:`Event`.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plantrack.projects.storage import evidence_storage


class Kind(models.TextChoices):
    ANNUAL_PLAN = "annual_plan", _("年度实施计划")
    REPORT_PROVINCE = "year_end_report_province", _("年终责任报告（报省政府）")
    REPORT_CONGRESS = "year_end_report_congress", _("年终责任报告（报本级人大）")


class State(models.TextChoices):
    PENDING = "pending", _("待提交")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已通过")


OPEN_STATES = (State.PENDING, State.SUBMITTED, State.RETURNED)
# Still waiting for the owner: these are overdue once the due date has passed.
OWNER_STATES = (State.PENDING, State.RETURNED)


class Obligation(models.Model):
    """One city's or department's duty to submit a plan or report for one year."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    # The milestone target the duty comes from (M-00-01, M-00-02-<city>).
    target = models.ForeignKey(
        "plans.Target", verbose_name=_("目标"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due = models.DateField(_("截止日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=State.PENDING
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("通过时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.CharField(_("退回原因"), max_length=500, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("报送任务")
        verbose_name_plural = _("报送任务")
        ordering = ["plan", "year", "kind", "region__code", "department__code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(region__isnull=False, department__isnull=True)
                | models.Q(region__isnull=True, department__isnull=False),
                name="obligation_has_one_holder",
            ),
            models.UniqueConstraint(
                fields=["plan", "kind", "year", "region"],
                condition=models.Q(region__isnull=False),
                name="unique_region_obligation",
            ),
            models.UniqueConstraint(
                fields=["plan", "kind", "year", "department"],
                condition=models.Q(department__isnull=False),
                name="unique_department_obligation",
            ),
        ]
        indexes = [models.Index(fields=["plan", "year", "status"])]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.holder_name}"

    @property
    def holder_name(self) -> str:
        if self.region is not None:
            return self.region.name
        return self.department.name if self.department else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    def late_days(self) -> int | None:
        """Days the submission came after the due date; None when on time or not submitted."""
        if self.submitted_at is None:
            return None
        days = (_local_date(self.submitted_at) - self.due).days
        return days if days > 0 else None

    def overdue_days(self, today: dt.date) -> int | None:
        """Days past due while the owner still has to act (pending or returned)."""
        if self.status not in OWNER_STATES or today <= self.due:
            return None
        return (today - self.due).days


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


class Document(models.Model):
    """A file the owner uploaded for an obligation (the plan, the signed report ...)."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(_("文件"), upload_to="annualplans/%Y/%m/", storage=evidence_storage)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("校验和"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("报送文件")
        verbose_name_plural = _("报送文件")
        ordering = ["obligation", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class PlanTargetRow(models.Model):
    """One decomposed target of an annual plan: what the city or department commits to.

    ``assigned`` is the province's value (share or target) when the row was imported, kept so
    the review compares against what was asked at the time.
    """

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="target_rows")
    target = models.ForeignKey(
        "plans.Target", verbose_name=_("目标"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(_("计划值"), max_digits=20, decimal_places=6)
    assigned = models.DecimalField(
        _("下达值"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    measures = models.TextField(_("主要措施"), blank=True)

    class Meta:
        verbose_name = _("年度计划目标")
        verbose_name_plural = _("年度计划目标")
        ordering = ["obligation", "target__order"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "target"], name="unique_plan_target_row")
        ]

    def __str__(self) -> str:
        return f"{self.target.code}: {self.value}"


class Event(models.Model):
    """A step of the workflow (opened, uploaded, imported, submitted, returned, accepted)."""

    class Action(models.TextChoices):
        OPENED = "opened", _("创建任务")
        UPLOADED = "uploaded", _("上传文件")
        IMPORTED = "imported", _("导入目标")
        SUBMITTED = "submitted", _("提交")
        RETURNED = "returned", _("退回")
        ACCEPTED = "accepted", _("审核通过")

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    action = models.CharField(_("操作"), max_length=12, choices=Action.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["obligation", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.obligation_id} {self.action}"


class Change(models.Model):
    """Audit of every change to an obligation: who, when, field, old, new, why, which route."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    field = models.CharField(_("字段"), max_length=80)
    old = models.TextField(_("原值"), blank=True)
    new = models.TextField(_("新值"), blank=True)
    reason = models.CharField(_("原因"), max_length=500)
    channel = models.CharField(_("途径"), max_length=20)  # form | excel | api | command | demo

    class Meta:
        verbose_name = _("报送变更记录")
        verbose_name_plural = _("报送变更记录")
        ordering = ["obligation", "-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.obligation_id} {self.field}"
