"""Administrative regions (行政区划) with GB/T 2260 codes and validity periods."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("设区市")
    COUNTY = "county", _("县（市、区）")


class RegionQuerySet(models.QuerySet["Region"]):
    def valid_on(self, date: dt.date) -> "RegionQuerySet":
        """Regions that existed on ``date``; boundary changes keep the old rows for history."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=date)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=date)
        )


class Region(models.Model):
    """A province, prefecture-level city or county-level unit, as coded by GB/T 2260.

    ``valid_to`` is the first day the region no longer exists; a region that is renamed or
    re-coded keeps its row, so figures reported under the old code stay attached to it.
    """

    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("起始日期"), null=True, blank=True)
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "parent": self.parent.code if self.parent else None,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
        }


class RegionChange(models.Model):
    """A boundary or code change: the region that ended and the one that took its place."""

    date = models.DateField(_("生效日期"))
    old = models.ForeignKey(
        Region,
        verbose_name=_("原区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changes_out",
    )
    new = models.ForeignKey(
        Region,
        verbose_name=_("新区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changes_in",
    )
    description = models.CharField(_("变更说明"), max_length=200)

    class Meta:
        verbose_name = _("区划变更")
        verbose_name_plural = _("区划变更")
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["date", "old", "new"], name="unique_region_change"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y}: {self.description}"
