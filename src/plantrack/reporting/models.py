"""Reporting (填报): data sets, the submissions units make for each period, their values with
vintages, and the audit trail of every change.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    MONTH = "month", _("月报")
    QUARTER = "quarter", _("季报")
    HALF = "half", _("半年报")
    YEAR = "year", _("年报")


class ReporterKind(models.TextChoices):
    REGION = "region", _("行政区划")
    DEPARTMENT = "department", _("部门")
    ENTERPRISE = "enterprise", _("企业")


class DataSet(models.Model):
    """A data set (报表) a plan declares: which elements, who reports, how often, by when."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="data_sets")
    code = models.CharField(_("编码"), max_length=64)
    name = models.CharField(_("名称"), max_length=100)
    frequency = models.CharField(_("频率"), max_length=8, choices=Frequency.choices)
    reporter_kind = models.CharField(_("填报单位类型"), max_length=16, choices=ReporterKind.choices)
    reporter_level = models.CharField(_("填报区划层级"), max_length=16, blank=True)
    reporter_departments = models.ManyToManyField(
        "departments.Department", verbose_name=_("填报部门"), blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        "departments.Department",
        verbose_name=_("主管部门"),
        on_delete=models.PROTECT,
        related_name="owned_data_sets",
    )
    # Deadline: `deadline_day` of the month `deadline_months_after` months after the period
    # ends; or, when `deadline_month` is set, that fixed day of the period's year.
    deadline_day = models.PositiveSmallIntegerField(_("截止日"))
    deadline_months_after = models.PositiveSmallIntegerField(_("期后月数"), default=1)
    deadline_month = models.PositiveSmallIntegerField(_("固定截止月"), null=True, blank=True)
    approval_levels = models.JSONField(_("审核层级"), default=list)
    change_threshold = models.DecimalField(
        _("变动说明阈值（%）"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    rules = models.JSONField(_("校验规则"), default=list)
    first_period = models.CharField(_("起始期"), max_length=8)
    last_period = models.CharField(_("终止期"), max_length=8)

    class Meta:
        verbose_name = _("报表")
        verbose_name_plural = _("报表")
        ordering = ["plan", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_data_set")]

    def __str__(self) -> str:
        return self.name


class DataSetElement(models.Model):
    """A data element on a data set's form, in order, with its own validation bounds."""

    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="fields")
    element = models.ForeignKey("plans.DataElement", on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    required = models.BooleanField(_("必填"), default=True)
    min_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    max_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("报表字段")
        verbose_name_plural = _("报表字段")
        ordering = ["data_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["data_set", "element"], name="unique_data_set_element")
        ]

    def __str__(self) -> str:
        return f"{self.data_set.code}.{self.element.code}"


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    APPROVED = "approved", _("已审核")
    RETURNED = "returned", _("已退回")


class Submission(models.Model):
    """One unit's report of one data set for one period (填报).

    ``unit_key`` ("region:330100", "department:fgw", "enterprise:<code>") makes the unit unique
    whatever its kind; ``version`` increases on every save so concurrent editors are caught.
    """

    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="submissions")
    unit_key = models.CharField(max_length=40)
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "departments.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("报告期"), max_length=8)
    due = models.DateField(_("截止日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    approvals = models.PositiveSmallIntegerField(_("已通过审核层级数"), default=0)
    version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    returned_reason = models.TextField(_("退回原因"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("填报")
        verbose_name_plural = _("填报")
        ordering = ["data_set", "period", "unit_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "unit_key", "period"], name="unique_submission"
            )
        ]
        indexes = [models.Index(fields=["data_set", "period", "status"])]

    def __str__(self) -> str:
        return f"{self.data_set.name} {self.unit_name} {self.period}"

    @property
    def unit(self) -> models.Model:
        unit = self.region or self.department or self.enterprise
        assert unit is not None
        return unit

    @property
    def unit_name(self) -> str:
        unit = self.unit
        return str(getattr(unit, "short_name", None) or getattr(unit, "name", unit))

    @property
    def is_late(self) -> bool:
        if self.submitted_at is None:
            return False
        return self.submitted_at.date() > self.due


class Vintage(models.TextChoices):
    REPORTED = "reported", _("自报数")
    VERIFIED = "verified", _("核定数")
    REVISED = "revised", _("修订数")


class Value(models.Model):
    """One figure of a submission in one vintage; every vintage is kept."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    element = models.ForeignKey("plans.DataElement", on_delete=models.PROTECT, related_name="+")
    vintage = models.CharField(_("口径"), max_length=16, choices=Vintage.choices)
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=6, null=True, blank=True)
    explanation = models.TextField(_("变动说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("数值")
        verbose_name_plural = _("数值")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "element", "vintage"], name="unique_value_vintage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.element.code}={self.value} ({self.vintage})"


class ValueChange(models.Model):
    """Audit of a value: who changed it, when, from what, to what, and why."""

    value = models.ForeignKey(Value, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(_("时间"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    old = models.DecimalField(_("原值"), max_digits=20, decimal_places=6, null=True, blank=True)
    new = models.DecimalField(_("新值"), max_digits=20, decimal_places=6, null=True, blank=True)
    reason = models.TextField(_("原因"))
    channel = models.CharField(_("途径"), max_length=16)

    class Meta:
        verbose_name = _("数值变更记录")
        verbose_name_plural = _("数值变更记录")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.value} {self.old}→{self.new}"


class SubmissionEvent(models.Model):
    """A step of the workflow: submitted, approved at a level, returned, reopened."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("操作"), max_length=16)
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("填报流程记录")
        verbose_name_plural = _("填报流程记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission} {self.action}"
