"""Plans, their domains and programs, indicators, data elements and targets.

Everything here is loaded from a plan file (see ``plantrack.core.planfile``); the file is the
source of truth and ``PlanRevision`` records what each load changed.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    """A plan (行动计划 / 实施方案) issued by one government for one period."""

    code = models.CharField(_("编码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=100)
    issuer = models.CharField(_("发布机关"), max_length=100)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("终止日期"))
    base_year = models.PositiveSmallIntegerField(_("基期年"))
    source = models.CharField(_("依据文件"), max_length=300, blank=True)
    # Which warning schemes rate which indicators, as the plan file declares them.
    warning_bindings = models.JSONField(_("预警规则"), default=list, blank=True)
    assessment = models.JSONField(_("考核办法"), null=True, blank=True)

    class Meta:
        verbose_name = _("计划")
        verbose_name_plural = _("计划")
        ordering = ["-year", "code"]

    def __str__(self) -> str:
        return self.name


class PlanRevision(models.Model):
    """One load of a plan file: its checksum and what it changed."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="revisions"
    )
    loaded_at = models.DateTimeField(_("载入时间"), auto_now_add=True)
    filename = models.CharField(_("文件"), max_length=300)
    sha256 = models.CharField(_("校验和"), max_length=64)
    changes = models.JSONField(_("变更"), default=list)

    class Meta:
        verbose_name = _("计划版本")
        verbose_name_plural = _("计划版本")
        ordering = ["-loaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan.code} @ {self.loaded_at:%Y-%m-%d %H:%M}"


class Domain(models.Model):
    """A domain of the plan (节能降耗, 节约集约用地, 环境保护)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(_("编码"), max_length=64)
    name = models.CharField(_("名称"), max_length=100)
    clause = models.CharField(_("条款"), max_length=50)
    order = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("领域")
        verbose_name_plural = _("领域")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_domain")]

    def __str__(self) -> str:
        return self.name


class Program(models.Model):
    """A program (工程) with its lead and supporting departments."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="programs")
    domain = models.ForeignKey(
        Domain, verbose_name=_("领域"), on_delete=models.CASCADE, related_name="programs"
    )
    code = models.CharField(_("编码"), max_length=64)
    name = models.CharField(_("名称"), max_length=100)
    clause = models.CharField(_("条款"), max_length=50)
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    lead = models.ManyToManyField(
        "departments.Department", verbose_name=_("牵头部门"), related_name="led_programs"
    )
    support = models.ManyToManyField(
        "departments.Department",
        verbose_name=_("配合部门"),
        related_name="supported_programs",
        blank=True,
    )

    class Meta:
        verbose_name = _("工程")
        verbose_name_plural = _("工程")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_program")]

    def __str__(self) -> str:
        return self.name


class DataElement(models.Model):
    """A raw figure reported by units, from which indicators are computed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="data_elements")
    code = models.CharField(_("编码"), max_length=64)
    name = models.CharField(_("名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=50)
    value_type = models.CharField(_("数值类型"), max_length=16)
    aggregation = models.CharField(_("汇总方式"), max_length=16)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("数据元")
        verbose_name_plural = _("数据元")
        ordering = ["plan", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_element")]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """What a target measures (指标): unit, kind, desirable direction and aggregation."""

    class Direction(models.TextChoices):
        INCREASE = "increase", _("越高越好")
        DECREASE = "decrease", _("越低越好")
        MAINTAIN = "maintain", _("保持")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("编码"), max_length=64)
    name = models.CharField(_("名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=50)
    kind = models.CharField(_("类型"), max_length=16)
    direction = models.CharField(_("方向"), max_length=16, choices=Direction.choices)
    aggregation = models.CharField(_("汇总方式"), max_length=16)
    expression = models.TextField(_("计算公式"), blank=True)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["plan", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_indicator")]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    """Something that must be reached, for one region, at one level (确保 or 力争).

    ``value_text`` and ``unit`` are as the plan document writes them; ``value`` is what
    PlanTrack computes with. Milestones (qualitative tasks) have a due date and no value.
    """

    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", _("定量目标")
        MILESTONE = "milestone", _("里程碑任务")

    class Level(models.TextChoices):
        BINDING = "binding", _("确保")
        STRETCH = "stretch", _("力争")

    class Comparator(models.TextChoices):
        AT_LEAST = ">=", _("不低于")
        ABOVE = ">", _("高于")
        AT_MOST = "<=", _("不高于")
        BELOW = "<", _("低于")
        EQUAL = "=", _("等于")
        ABOUT = "≈", _("左右")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    code = models.CharField(_("编码"), max_length=64)
    name = models.CharField(_("名称"), max_length=100)
    statement = models.CharField(_("目标表述"), max_length=300)
    domain = models.ForeignKey(
        Domain,
        verbose_name=_("领域"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="targets",
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("工程"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="targets",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("指标"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    direction = models.CharField(
        _("方向"), max_length=16, choices=Indicator.Direction.choices, blank=True
    )
    comparator = models.CharField(_("比较"), max_length=2, choices=Comparator.choices, blank=True)
    value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=6, null=True, blank=True)
    value_text = models.CharField(_("原文数值"), max_length=40, blank=True)
    unit = models.CharField(_("原文单位"), max_length=50, blank=True)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("责任地区"),
        on_delete=models.PROTECT,
        related_name="targets",
    )
    scope = models.CharField(_("适用范围"), max_length=100, blank=True)
    departments = models.ManyToManyField(
        "departments.Department", verbose_name=_("责任部门"), related_name="targets"
    )
    baseline_year = models.PositiveSmallIntegerField(_("基期年"), null=True, blank=True)
    baseline_value = models.DecimalField(
        _("基期值"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    baseline_unit = models.CharField(_("基期值单位"), max_length=50, blank=True)
    due = models.DateField(_("完成期限"), null=True, blank=True)
    clause = models.CharField(_("条款"), max_length=50)
    quote = models.TextField(_("原文"))
    reading = models.TextField(_("释读说明"), blank=True)
    order = models.PositiveIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="unique_target")]

    def __str__(self) -> str:
        return f"{self.code} {self.statement}"


class TargetShare(models.Model):
    """A target decomposed (目标分解): the part a city, county or department is responsible for.

    Shares are kept here, not in the plan file, because they are set by the province after the
    plan is issued and adjusted during the year; every change is a :class:`TargetAdjustment`.
    ``value`` is in the target's own terms (for an intensity target: the city's reduction in %).
    """

    target = models.ForeignKey(
        Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="shares"
    )
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
    value = models.DecimalField(_("分解值"), max_digits=20, decimal_places=6)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("目标分解")
        verbose_name_plural = _("目标分解")
        ordering = ["target", "region__code", "department__code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(region__isnull=False, department__isnull=True)
                | models.Q(region__isnull=True, department__isnull=False),
                name="share_has_one_holder",
            ),
            models.UniqueConstraint(
                fields=["target", "region"],
                condition=models.Q(region__isnull=False),
                name="unique_region_share",
            ),
            models.UniqueConstraint(
                fields=["target", "department"],
                condition=models.Q(department__isnull=False),
                name="unique_department_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.target.code} → {self.region or self.department}: {self.value}"


class TargetAdjustment(models.Model):
    """A recorded change of a target's or a share's value: who, when, from what, to what, why.

    ``share`` is empty for an adjustment of the target itself. ``old_value`` is empty when a
    share is first set, ``new_value`` when it is removed.
    """

    target = models.ForeignKey(
        Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="adjustments"
    )
    share = models.ForeignKey(
        TargetShare,
        verbose_name=_("分解"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adjustments",
    )
    holder = models.CharField(_("承担单位"), max_length=100, blank=True)
    old_value = models.DecimalField(
        _("原值"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    new_value = models.DecimalField(
        _("新值"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    reason = models.TextField(_("调整原因"))
    changed_by = models.ForeignKey(
        "auth.User", verbose_name=_("调整人"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("调整时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("目标调整记录")
        verbose_name_plural = _("目标调整记录")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.target.code} {self.holder} {self.old_value}→{self.new_value}"
