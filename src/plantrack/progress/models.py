"""Persisted progress results: each month's warning ratings, and the follow-ups (约谈) they raise.

Ratings are computed by :mod:`plantrack.progress.services` from approved reports; they are kept
so that a run of red months can be read back (two in a row raise a follow-up) and so that lists
and the API do not recompute the whole plan on every request.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plantrack.accounts.access import Scope, region_filter


class Rating(models.TextChoices):
    RED = "red", _("红色")
    ORANGE = "orange", _("橙色")
    YELLOW = "yellow", _("黄色")
    GREEN = "green", _("绿色")
    NONE = "", _("未评级")


class WarningRecordQuerySet(models.QuerySet["WarningRecord"]):
    def visible_to(self, scope: Scope) -> "WarningRecordQuerySet":
        return self.filter(region_filter(scope))

    def for_month(self, plan_id: int, month: str) -> "WarningRecordQuerySet":
        return self.filter(plan_id=plan_id, period=month).select_related("target", "region")


class WarningRecord(models.Model):
    """One scheme's rating of one target at one region, as of the end of one month.

    ``period`` is the month the rating was made as of; ``measured`` is the period the value
    rated belongs to (a quarter for a quarterly indicator, read in each of the following
    months until the next quarter closes). An empty ``severity`` means no rating could be made
    and ``reason`` says why (missing data never rates green).
    """

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(
        "plans.Target",
        verbose_name=_("目标"),
        on_delete=models.CASCADE,
        related_name="warning_records",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("月份"), max_length=8)
    measured = models.CharField(_("统计期"), max_length=8)
    scheme = models.CharField(_("预警规则"), max_length=64)
    severity = models.CharField(_("等级"), max_length=8, choices=Rating.choices, blank=True)
    label = models.CharField(_("级别名称"), max_length=32, blank=True)
    reason = models.TextField(_("说明"), blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = WarningRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("预警记录")
        verbose_name_plural = _("预警记录")
        ordering = ["plan", "period", "target", "region", "scheme"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "region", "period", "scheme"], name="unique_warning_record"
            )
        ]
        indexes = [models.Index(fields=["plan", "period", "severity"])]

    def __str__(self) -> str:
        return f"{self.target.code} {self.region.code} {self.period} {self.scheme}: {self.severity}"


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def visible_to(self, scope: Scope) -> "FollowUpQuerySet":
        return self.filter(region_filter(scope))


class FollowUp(models.Model):
    """An action (约谈) due after a run of red ratings, tracked in the supervision ledger.

    ``opened_for`` is the period that completed the run (``periods`` lists the whole run).
    Opening is done by the system, which also opens its ledger item; verifying that item
    (销号) closes the follow-up, recording who, when and the closing note.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("未办结")
        CLOSED = "closed", _("已办结")

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(
        "plans.Target", verbose_name=_("目标"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+"
    )
    rule = models.CharField(_("规则"), max_length=64)
    name = models.CharField(_("事项"), max_length=64)
    scheme = models.CharField(_("预警规则"), max_length=64)
    opened_for = models.CharField(_("触发期"), max_length=8)
    periods = models.CharField(_("连续红色预警期"), max_length=100)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("发起时间"))
    due = models.DateField(_("办结期限"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closing_note = models.TextField(_("办结说明"), blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("约谈事项")
        verbose_name_plural = _("约谈事项")
        ordering = ["status", "due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "region", "rule", "opened_for"], name="unique_follow_up"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.region} {self.target.code} {self.opened_for}"
