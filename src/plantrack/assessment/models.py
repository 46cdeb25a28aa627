"""Annual assessment (考核) of each city: assessors' scores with evidence, and publication."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Round(models.Model):
    """One year's assessment under one scheme; results are visible once it is published."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("年度"))
    scheme = models.CharField(_("考核办法"), max_length=64)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("考核")
        verbose_name_plural = _("考核")
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="unique_round")]

    def __str__(self) -> str:
        return f"{self.plan.short_name} {self.year} 年度考核"


class MeasureScore(models.Model):
    """An assessor's score for one measures item of one city, with its evidence."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="scores")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    item = models.CharField(_("考核项"), max_length=64)
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    evidence = models.TextField(_("依据材料"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("评分时间"), auto_now=True)

    class Meta:
        verbose_name = _("措施评分")
        verbose_name_plural = _("措施评分")
        constraints = [
            models.UniqueConstraint(fields=["round", "region", "item"], name="unique_measure_score")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.item} {self.points}"
