"""监测指标: what PlanTrack computes from online monitoring and supervisory monitoring.

The figures are computed by ``services`` with ``plantrack.core.monitoring`` from the readings
the ``monitoring`` app stores, and kept here so pages, exports and the API read them cheaply:

- ``Amendment``: the audited manual amendments (修约) of an hour's data status.
- ``MonthlyRate``: owed, received and valid hourly records of one source, pollutant and month
  (数据传输率, 有效率 and their product follow from the counts).
- ``ExceedanceRecord``: hourly averages above the source's limit.
- ``SupervisorySample``: supervisory monitoring results (监督性监测), entered or imported.
- ``StationDay`` / ``CityAirDay``: daily concentrations and AQI of stations and cities.
- ``SectionMonth``: a surface-water section's monthly means, class and compliance.
- ``Publication``: each time computed figures were written into reporting.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HourStatus(models.TextChoices):
    VALID = "valid", _("有效")
    INVALID = "invalid", _("无效")
    MISSING = "missing", _("缺失")
    EXCLUDED = "excluded", _("停产（停运），不计")


class Amendment(models.Model):
    """修约: one hour of one pollutant of a source given another status by an authorised user.

    Every amendment is kept (who, when, old status, new status, why); the latest one of an
    hour is in force.
    """

    source = models.ForeignKey(
        "monitoring.MonitoredSource",
        verbose_name=_("监测点"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    pollutant = models.CharField(_("污染物编码"), max_length=16)
    hour = models.DateTimeField(_("数据时间"))
    old_status = models.CharField(_("原状态"), max_length=10, choices=HourStatus.choices)
    new_status = models.CharField(_("修约后状态"), max_length=10, choices=HourStatus.choices)
    reason = models.TextField(_("修约理由"))
    evidence = models.CharField(_("凭证"), max_length=200, blank=True)
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修约人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    amended_at = models.DateTimeField(_("修约时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("数据修约")
        verbose_name_plural = _("数据修约")
        ordering = ["-amended_at", "-pk"]
        indexes = [models.Index(fields=["source", "pollutant", "hour"], name="quality_amend_hour")]

    def __str__(self) -> str:
        return f"{self.source_id} {self.pollutant} {self.hour:%Y-%m-%d %H}: {self.new_status}"


class MonthlyRate(models.Model):
    """Hourly records of one source, pollutant and month: owed, received, valid, excluded."""

    source = models.ForeignKey(
        "monitoring.MonitoredSource", on_delete=models.CASCADE, related_name="+"
    )
    pollutant = models.CharField(_("污染物编码"), max_length=16)
    month = models.CharField(_("月份"), max_length=7)
    owed = models.PositiveIntegerField(_("应传输小时数"))
    received = models.PositiveIntegerField(_("实际传输小时数"))
    valid = models.PositiveIntegerField(_("有效小时数"))
    excluded = models.PositiveIntegerField(_("停产（停运）小时数"), default=0)
    exceedances = models.PositiveIntegerField(_("超标小时数"), default=0)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        verbose_name = _("传输有效率（月）")
        verbose_name_plural = _("传输有效率（月）")
        ordering = ["month", "source", "pollutant"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "pollutant", "month"], name="quality_rate_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.pollutant} {self.month}"


class ExceedanceRecord(models.Model):
    """An hourly average above the source's limit (value kind the limit applies to)."""

    source = models.ForeignKey(
        "monitoring.MonitoredSource", on_delete=models.CASCADE, related_name="+"
    )
    pollutant = models.CharField(_("污染物编码"), max_length=16)
    month = models.CharField(_("月份"), max_length=7)
    hour = models.DateTimeField(_("数据时间"))
    kind = models.CharField(_("数据类型"), max_length=10)
    value = models.DecimalField(_("小时均值"), max_digits=24, decimal_places=6)
    limit = models.DecimalField(_("排放限值"), max_digits=20, decimal_places=6)
    multiple = models.DecimalField(_("超标倍数"), max_digits=20, decimal_places=4)
    above_range = models.BooleanField(_("超测上限"), default=False)

    class Meta:
        verbose_name = _("超标记录")
        verbose_name_plural = _("超标记录")
        ordering = ["hour", "source", "pollutant"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "pollutant", "hour"], name="quality_exceedance_once"
            )
        ]
        indexes = [models.Index(fields=["month"], name="quality_exceedance_month")]

    def __str__(self) -> str:
        return f"{self.source_id} {self.pollutant} {self.hour:%Y-%m-%d %H}"


class SupervisorySample(models.Model):
    """One result of supervisory monitoring (监督性监测) of an enterprise's outlet."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="+"
    )
    outlet_code = models.CharField(_("排放口编号"), max_length=32, blank=True)
    sampled_on = models.DateField(_("监测日期"))
    pollutant = models.CharField(_("监测项目"), max_length=40)
    value = models.DecimalField(_("监测值"), max_digits=20, decimal_places=6)
    limit = models.DecimalField(
        _("标准限值"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    lower_limit = models.DecimalField(
        _("标准下限"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    standard = models.CharField(_("执行标准"), max_length=100, blank=True)
    compliant = models.BooleanField(_("达标"), null=True)
    monitored_by = models.CharField(_("监测单位"), max_length=100, blank=True)
    report_no = models.CharField(_("报告编号"), max_length=60, blank=True)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("监督性监测结果")
        verbose_name_plural = _("监督性监测结果")
        ordering = ["-sampled_on", "enterprise", "outlet_code", "pollutant"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "outlet_code", "sampled_on", "pollutant"],
                name="quality_sample_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.sampled_on} {self.pollutant}={self.value}"


class StationDay(models.Model):
    """One day of an air-quality station: daily concentrations (JSON, as text) and AQI."""

    source = models.ForeignKey(
        "monitoring.MonitoredSource", on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("日期"))
    concentrations = models.JSONField(_("浓度"), default=dict)
    aqi = models.PositiveSmallIntegerField(_("AQI"), null=True)
    primary = models.CharField(_("首要污染物"), max_length=40, blank=True)
    valid = models.BooleanField(_("有效监测日"), default=False)

    class Meta:
        verbose_name = _("空气质量日报（站点）")
        verbose_name_plural = _("空气质量日报（站点）")
        ordering = ["day", "source"]
        constraints = [
            models.UniqueConstraint(fields=["source", "day"], name="quality_station_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.day} AQI {self.aqi}"


class CityAirDay(models.Model):
    """One day of a city: its stations' mean concentrations and the AQI of those means."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("日期"))
    concentrations = models.JSONField(_("浓度"), default=dict)
    aqi = models.PositiveSmallIntegerField(_("AQI"), null=True)
    primary = models.CharField(_("首要污染物"), max_length=40, blank=True)
    valid = models.BooleanField(_("有效监测日"), default=False)
    stations = models.PositiveSmallIntegerField(_("站点数"), default=0)

    class Meta:
        verbose_name = _("空气质量日报（城市）")
        verbose_name_plural = _("空气质量日报（城市）")
        ordering = ["day", "region"]
        constraints = [
            models.UniqueConstraint(fields=["region", "day"], name="quality_city_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.day} AQI {self.aqi}"


class SectionMonth(models.Model):
    """A surface-water section's month: parameter means (mg/L), class, target, compliance."""

    source = models.ForeignKey(
        "monitoring.MonitoredSource", on_delete=models.CASCADE, related_name="+"
    )
    month = models.CharField(_("月份"), max_length=7)
    means = models.JSONField(_("月均值"), default=dict)
    water_class = models.CharField(_("水质类别"), max_length=4, blank=True)
    target_class = models.CharField(_("目标类别"), max_length=4, blank=True)
    compliant = models.BooleanField(_("达标"), null=True)
    exceeding = models.CharField(_("超标项目"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("断面水质（月）")
        verbose_name_plural = _("断面水质（月）")
        ordering = ["month", "source"]
        constraints = [
            models.UniqueConstraint(fields=["source", "month"], name="quality_section_once")
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.month} {self.water_class}"


class Publication(models.Model):
    """One run writing a month's computed figures into reporting, with what it did."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    month = models.CharField(_("月份"), max_length=7)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    outcome = models.JSONField(_("结果"), default=list)

    class Meta:
        verbose_name = _("写入填报记录")
        verbose_name_plural = _("写入填报记录")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.month} {self.published_at:%Y-%m-%d %H:%M}"


class SampleChange(models.Model):
    """Audit of a supervisory result: who changed it, when, from what, to what, and why."""

    sample = models.ForeignKey(SupervisorySample, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("时间"), auto_now_add=True)
    old = models.JSONField(_("原值"), null=True)
    new = models.JSONField(_("新值"))
    reason = models.CharField(_("原因"), max_length=200)

    class Meta:
        verbose_name = _("监督性监测结果变更记录")
        verbose_name_plural = _("监督性监测结果变更记录")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.sample_id} {self.changed_at:%Y-%m-%d %H:%M}"
