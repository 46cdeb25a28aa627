"""Government departments (部门): the 条 that lead or share a plan's work."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A department of a government (e.g. 省发改委), identified by a stable short code."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所属政府"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name
