"""The choices of the reports page, checked on the server whatever the browser sent."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plantrack.core.periods import Period

KINDS = [
    ("city", _("市政府目标责任完成情况报告（Word）")),
    ("province", _("省政府目标完成情况报告（Word）")),
    ("bulletin", _("月度进展通报")),
    ("workbook", _("目标与填报数值（Excel）")),
]
FORMATS = [("docx", "Word (.docx)"), ("pdf", "PDF")]


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("报告"), choices=KINDS)
    region = forms.ChoiceField(label=_("地区"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    month = forms.ChoiceField(label=_("月份"), required=False)
    format = forms.ChoiceField(label=_("格式"), choices=FORMATS, required=False)

    def __init__(self, *args: object, regions: list[tuple[str, str]], months: list[str],
                 **kwargs: object) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["region"].choices = regions  # type: ignore[attr-defined]
        self.fields["month"].choices = [("", _("最近完整月份"))] + [(m, m) for m in months]  # type: ignore[attr-defined]

    def clean(self) -> dict:  # type: ignore[type-arg]
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in ("city", "bulletin", "workbook") and not data.get("region"):
            self.add_error("region", _("请选择地区"))
        if kind in ("city", "province") and not data.get("year"):
            self.add_error("year", _("请填写年度"))
        if kind in ("bulletin", "workbook") and not data.get("month"):
            self.add_error("month", _("请选择月份"))
        month = data.get("month")
        data["period"] = Period.parse(month) if month else None
        return data
