"""The amendment (修约) form: a range of whole hours in Beijing time, a status and a reason."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from plantrack.core.hj212 import BEIJING

from .models import HourStatus
from .services import Month

_FORMAT = "%Y-%m-%d %H:%M"


class AmendmentForm(forms.Form):
    start = forms.DateTimeField(label=_("开始（北京时间，整点）"), input_formats=[_FORMAT])
    end = forms.DateTimeField(label=_("结束（不含，整点）"), input_formats=[_FORMAT])
    status = forms.ChoiceField(
        label=_("修约为"),
        choices=[(s.value, s.label) for s in HourStatus if s != HourStatus.MISSING],
    )
    reason = forms.CharField(label=_("修约理由"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(label=_("凭证（文号或附件名）"), required=False, max_length=200)

    def __init__(self, *args: object, month: Month, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["start"].initial = month.start.strftime(_FORMAT)
        self.fields["end"].initial = (month.start + dt.timedelta(hours=1)).strftime(_FORMAT)

    def _beijing(self, name: str) -> dt.datetime:
        value: dt.datetime = self.cleaned_data[name]
        # The form's times are Beijing time whatever the server's zone (HJ 212 DataTime).
        return value.replace(tzinfo=None).replace(tzinfo=BEIJING)

    def clean_start(self) -> dt.datetime:
        return self._beijing("start")

    def clean_end(self) -> dt.datetime:
        return self._beijing("end")
