"""Registered enterprises: key energy users and monitored pollution sources report as units.

``EmissionFigure`` is an enterprise's annual emission of a total-control pollutant from 环境统计
(the environmental statistics survey of 重点调查企业): the pollution load that the online
monitoring coverage (target V00-27) is weighed by. Every change is kept in ``EmissionChange``
(who, when, old, new, why, through which channel).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Enterprise(models.Model):
    """An enterprise registered with PlanTrack, identified by its unified social credit code."""

    code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在地区"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.CharField(_("行业"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LoadPollutant(models.TextChoices):
    """The total-control pollutants of the 12th five-year plan (环境统计 annual emissions)."""

    COD = "cod", _("化学需氧量")
    NH3N = "nh3n", _("氨氮")
    SO2 = "so2", _("二氧化硫")
    NOX = "nox", _("氮氧化物")


class EmissionFigure(models.Model):
    """An enterprise's emission of one pollutant in one year (t/a), as 环境统计 reports it."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="emissions"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    pollutant = models.CharField(_("污染物"), max_length=8, choices=LoadPollutant.choices)
    amount = models.DecimalField(_("排放量（吨）"), max_digits=16, decimal_places=4)
    source = models.CharField(_("数据来源"), max_length=100, default="环境统计")
    is_demo = models.BooleanField(_("演示数据"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("污染物年排放量")
        verbose_name_plural = _("污染物年排放量")
        ordering = ["year", "enterprise", "pollutant"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "pollutant"], name="enterprises_emission_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} {self.pollutant}={self.amount}"


class EmissionChannel(models.TextChoices):
    """How a change to an emission figure came in: the audit says which route to look at."""

    IMPORT = "import", _("Excel 导入")
    FORM = "form", _("页面填写")
    API = "api", _("接口")
    DEMO = "demo", _("演示数据")


class EmissionChange(models.Model):
    """One change to an emission figure: who, when, old, new, why, through which channel."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    pollutant = models.CharField(_("污染物"), max_length=8, choices=LoadPollutant.choices)
    old = models.DecimalField(_("原值"), max_digits=16, decimal_places=4, null=True, blank=True)
    new = models.DecimalField(_("新值"), max_digits=16, decimal_places=4, null=True, blank=True)
    reason = models.CharField(_("理由"), max_length=300)
    channel = models.CharField(_("途径"), max_length=16, choices=EmissionChannel.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    changed_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    class Meta:
        verbose_name = _("排放量变更")
        verbose_name_plural = _("排放量变更")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} {self.pollutant}: {self.old} → {self.new}"
