"""The forms of the monitoring pages: a command to a source's logger (HJ 212-2017 表9
上位机→现场机 requests) and one emission figure of an enterprise (环境统计)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from plantrack.core.hj212.codes import REQUESTS, Command
from plantrack.enterprises.models import Enterprise, LoadPollutant

from .loads import AMOUNT, YEARS, FigureRow

# The CP parameters a request may carry (表4), in the order the form shows them.
PARAMETERS = (
    "PolId",
    "BeginTime",
    "EndTime",
    "SystemTime",
    "RtdInterval",
    "MinInterval",
    "OverTime",
    "ReCount",
    "NewPW",
)


class CommandForm(forms.Form):
    """A command: its CN, why, and the parameters the CN takes (others are not sent)."""

    cn = forms.ChoiceField(
        label=_("命令"), choices=[(cn, f"{cn} {Command(cn).label}") for cn in REQUESTS]
    )
    reason = forms.CharField(label=_("理由"), max_length=300)
    PolId = forms.CharField(label=_("污染物编码 PolId"), required=False)
    BeginTime = forms.CharField(
        label=_("开始时间 BeginTime"), required=False, help_text=_("YYYYMMDDhhmmss，北京时间")
    )
    EndTime = forms.CharField(label=_("结束时间 EndTime"), required=False)
    SystemTime = forms.CharField(label=_("现场机时间 SystemTime"), required=False)
    RtdInterval = forms.CharField(label=_("实时数据间隔（秒）RtdInterval"), required=False)
    MinInterval = forms.CharField(label=_("分钟数据间隔（分钟）MinInterval"), required=False)
    OverTime = forms.CharField(label=_("超时时间（秒）OverTime"), required=False)
    ReCount = forms.CharField(label=_("重发次数 ReCount"), required=False)
    NewPW = forms.CharField(label=_("新密码 NewPW"), required=False)

    def parameters(self) -> dict[str, str]:
        """The parameters of the chosen CN that were filled in."""
        spec = REQUESTS[self.cleaned_data["cn"]]
        return {
            name: self.cleaned_data[name].strip()
            for name in spec.parameters
            if self.cleaned_data.get(name, "").strip()
        }


class EmissionForm(forms.Form):
    """One emission figure of an enterprise (t/a) and why it is entered or changed."""

    year = forms.TypedChoiceField(
        label=_("年份"), coerce=int, choices=[("", "—"), *((y, y) for y in YEARS)]
    )
    pollutant = forms.ChoiceField(label=_("污染物"), choices=LoadPollutant.choices)
    # A text box, not type=number: a number box stops a negative or a long amount in the
    # browser, in its own words or silently (htmx checks the form); the server's message in
    # the fragment names the limit, as the API does.
    amount = forms.DecimalField(
        label=_("排放量（吨）"),
        min_value=0,
        max_digits=AMOUNT.max_digits,  # what the column holds, as the import checks
        decimal_places=AMOUNT.decimal_places,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    reason = forms.CharField(label=_("理由"), max_length=300)

    def figure(self, enterprise: Enterprise) -> FigureRow:
        """The cleaned figure, as ``loads.save_figure`` takes it."""
        data = self.cleaned_data
        return FigureRow(enterprise.code, data["year"], data["pollutant"], data["amount"])
