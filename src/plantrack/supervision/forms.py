"""Forms of the province's records: a campaign, a team, a meeting, a decision with its task.
Validation at the edge; the writes are in :mod:`records`."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from plantrack.departments.models import Department
from plantrack.plans.models import Plan, Program
from plantrack.regions.models import Region

from .models import Campaign, Meeting, Team, Term

DATE = forms.DateInput(attrs={"type": "date"})


def _regions() -> Any:
    return Region.objects.filter(level__in=["city", "county"], code__startswith="33").order_by(
        "code"
    )


def _by_code(form: forms.BaseForm, *names: str) -> None:
    """Regions, programs and departments are chosen by their codes (as in every export)."""
    for name in names:
        form.fields[name].to_field_name = "code"  # type: ignore[attr-defined]


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "kind", "decided_by", "basis", "regions", "programs", "start", "end",
                  "status"]  # fmt: skip
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = _regions().filter(level="city")  # type: ignore[attr-defined]
        self.fields["programs"].queryset = Program.objects.filter(plan=plan)  # type: ignore[attr-defined]
        _by_code(self, "regions", "programs")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束日期早于开始日期"))
        return data


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "leader", "members", "regions"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = _regions().filter(level="city")  # type: ignore[attr-defined]
        _by_code(self, "regions")


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["number", "date", "place", "chair", "departments", "attendees", "agenda"]
        widgets = {"date": DATE}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["departments"].queryset = Department.objects.order_by("code")  # type: ignore[attr-defined]
        _by_code(self, "departments")

    def clean_number(self) -> int:
        number = self.cleaned_data["number"]
        if Meeting.objects.filter(plan=self.plan, number=number).exists():
            raise forms.ValidationError(_("该届次的联席会议已登记"))
        return number


class DecisionForm(forms.Form):
    """A decision and the task it assigns to a department and/or a region."""

    text = forms.CharField(label=_("议定事项"), widget=forms.Textarea(attrs={"rows": 2}))
    title = forms.CharField(label=_("任务"), max_length=300, required=False)
    department = forms.ModelChoiceField(
        label=_("责任部门"),
        queryset=Department.objects.order_by("code"),
        required=False,
        to_field_name="code",
    )
    region = forms.ModelChoiceField(
        label=_("责任地区"), queryset=_regions(), required=False, to_field_name="code"
    )
    term = forms.ChoiceField(label=_("整改时限类型"), choices=Term.choices)
    deadline = forms.DateField(label=_("整改期限"), widget=DATE)
    required_evidence = forms.CharField(label=_("应提交的佐证材料"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("department") and not data.get("region"):
            raise forms.ValidationError(_("任务须有责任部门或责任地区"))
        return data
