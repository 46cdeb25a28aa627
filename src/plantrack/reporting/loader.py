"""Data sets declared in a plan file, written to the database by the plan loader."""

from typing import Any

from plantrack.core import planfile
from plantrack.departments.models import Department
from plantrack.plans.models import DataElement, Plan

from .models import DataSet, DataSetElement


def sync_data_sets(
    sync: Any, plan: Plan, document: planfile.Plan, departments: dict[str, Department]
) -> list[str]:
    """Create or update every data set of the plan; return their codes (``sync`` records changes)."""
    elements = {e.code: e for e in DataElement.objects.filter(plan=plan)}
    for d in document.data_sets:
        first, last = _span(d.frequency, document.period_start.year, document.period_end.year)
        data_set = sync.upsert(
            DataSet,
            {"plan": plan, "code": d.code},
            name=d.name,
            frequency=d.frequency,
            reporter_kind=d.reporters.kind,
            reporter_level=d.reporters.level or "",
            owner=departments[d.owner],
            deadline_day=d.deadline.day,
            deadline_months_after=d.deadline.months_after,
            deadline_month=d.deadline.month,
            approval_levels=list(d.approval),
            change_threshold=d.change_threshold,
            rules=[r.model_dump() for r in d.rules],
            first_period=first,
            last_period=last,
        )
        sync.set_m2m(
            data_set, "reporter_departments", [departments[c] for c in d.reporters.departments]
        )
        keep = []
        for order, spec in enumerate(d.field_specs()):
            sync.upsert(
                DataSetElement,
                {"data_set": data_set, "element": elements[spec.element]},
                order=order,
                required=spec.required,
                min_value=spec.min,
                max_value=spec.max,
            )
            keep.append(spec.element)
        DataSetElement.objects.filter(data_set=data_set).exclude(element__code__in=keep).delete()
    return [d.code for d in document.data_sets]


def _span(frequency: str, first_year: int, last_year: int) -> tuple[str, str]:
    """The first and last periods of the plan's years at the data set's frequency."""
    suffix = {"month": ("-01", "-12"), "quarter": ("Q1", "Q4"), "half": ("H1", "H2")}
    first, last = suffix.get(frequency, ("", ""))
    return f"{first_year}{first}", f"{last_year}{last}"
