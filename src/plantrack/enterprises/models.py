"""Registered enterprises: key energy users and monitored pollution sources report as units."""

from django.db import models
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
