"""Loading a plan file into the database: idempotent, atomic, and recording what changed."""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction

from plantrack.core import planfile
from plantrack.core.warning import load_warning_rules
from plantrack.departments.models import Department
from plantrack.regions.models import Region
from plantrack.reporting.loader import sync_data_sets
from plantrack.reporting.models import DataSet

from .models import DataElement, Domain, Indicator, Plan, PlanRevision, Program, Target


class PlanLoadError(ValueError):
    """The plan file is valid on its own but does not fit the database (e.g. unknown region)."""


@dataclass
class LoadResult:
    plan: Plan
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def load_plan_file(path: str | Path) -> LoadResult:
    """Validate the file, then load it; the database is untouched if anything is wrong."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    document = planfile.parse_plan(text, str(path))
    return load_plan(document, filename=path.name, sha256=hashlib.sha256(text.encode()).hexdigest())


@transaction.atomic
def load_plan(document: planfile.Plan, *, filename: str, sha256: str) -> LoadResult:
    regions = _regions_by_code(document)
    sync = _Sync()
    plan = sync.upsert(
        Plan,
        {"code": document.code},
        name=document.name,
        short_name=document.short_name,
        issuer=document.issuer,
        region=regions[document.region],
        year=document.year,
        period_start=document.period_start,
        period_end=document.period_end,
        base_year=document.base_year,
        source=document.source,
        warning_bindings=_warning_bindings(document),
        assessment=document.assessment.model_dump() if document.assessment else None,
    )
    departments = {
        d.code: sync.upsert(
            Department,
            {"code": d.code},
            name=d.name,
            short_name=d.short_name,
            name_en=d.name_en,
            region=regions[document.region],
        )
        for d in document.departments
    }
    domains, programs = _load_structure(sync, plan, document, departments)
    indicators = _load_measures(sync, plan, document)
    for order, t in enumerate(document.targets):
        target = sync.upsert(
            Target,
            {"plan": plan, "code": t.code},
            name=t.name,
            statement=t.statement,
            domain=domains[t.domain] if t.domain else None,
            program=programs.get(t.program) if t.program else None,
            kind=t.kind,
            indicator=indicators.get(t.indicator) if t.indicator else None,
            direction=t.direction or "",
            comparator=t.comparator or "",
            value=_decimal(t.value),
            value_text=t.value_text or "",
            unit=t.unit,
            level=t.level,
            region=regions[t.region],
            scope=t.scope,
            baseline_year=t.baseline.year if t.baseline else None,
            baseline_value=_decimal(t.baseline.value) if t.baseline else None,
            baseline_unit=(t.baseline.unit or "") if t.baseline else "",
            due=t.due or document.period_end,
            clause=t.clause,
            quote=t.quote,
            reading=t.reading,
            order=order,
        )
        sync.set_m2m(target, "departments", [departments[c] for c in t.departments])
    data_sets = sync_data_sets(sync, plan, document, departments)
    for model, keep in (
        (DataSet, data_sets),
        (Target, [t.code for t in document.targets]),
        (Indicator, list(indicators)),
        (DataElement, _element_codes(document)),
        (Program, list(programs)),
        (Domain, list(domains)),
    ):
        sync.delete_missing(model, plan, keep)
    if sync.changes or not plan.revisions.filter(sha256=sha256).exists():
        PlanRevision.objects.create(
            plan=plan, filename=filename, sha256=sha256, changes=sync.changes
        )
    return LoadResult(plan, sync.changes)


def _warning_bindings(document: planfile.Plan) -> list[dict[str, Any]]:
    known = {scheme.code for scheme in load_warning_rules().schemes}
    unknown = sorted({b.scheme for b in document.warnings} - known)
    if unknown:
        raise PlanLoadError(f"计划 {document.code} 引用了未定义的预警规则：{', '.join(unknown)}")
    return [b.model_dump() for b in document.warnings]


def _load_structure(
    sync: "_Sync", plan: Plan, document: planfile.Plan, departments: dict[str, Department]
) -> tuple[dict[str, Domain], dict[str, Program]]:
    domains: dict[str, Domain] = {}
    programs: dict[str, Program] = {}
    for order, d in enumerate(document.domains):
        domains[d.code] = sync.upsert(
            Domain, {"plan": plan, "code": d.code}, name=d.name, clause=d.clause, order=order
        )
    for order, (d, p) in enumerate(document.programs()):
        program = sync.upsert(
            Program,
            {"plan": plan, "code": p.code},
            domain=domains[d.code],
            name=p.name,
            clause=p.clause,
            order=order,
        )
        sync.set_m2m(program, "lead", [departments[c] for c in p.lead])
        sync.set_m2m(program, "support", [departments[c] for c in p.support])
        programs[p.code] = program
    return domains, programs


def _load_measures(sync: "_Sync", plan: Plan, document: planfile.Plan) -> dict[str, Indicator]:
    for e in _elements(document):
        sync.upsert(
            DataElement,
            {"plan": plan, "code": e.code},
            name=e.name,
            unit=e.unit,
            value_type=e.value_type,
            aggregation=e.aggregation,
            description=e.description,
        )
    return {
        i.code: sync.upsert(
            Indicator,
            {"plan": plan, "code": i.code},
            name=i.name,
            unit=i.unit,
            kind=i.kind,
            direction=i.direction,
            aggregation=i.aggregation,
            expression=i.expression or "",
            description=i.description,
        )
        for i in document.indicators
    }


def _elements(document: planfile.Plan) -> list[planfile.DataElement]:
    """Declared elements plus one per expression-less indicator that has none of its own."""
    elements = list(document.data_elements)
    declared = {e.code for e in elements}
    for i in document.indicators:
        if not i.expression and i.code not in declared:
            elements.append(
                planfile.DataElement(
                    code=i.code,
                    name=i.name,
                    unit=i.unit,
                    aggregation="sum" if i.aggregation == "sum" else "none",
                )
            )
    return elements


def _element_codes(document: planfile.Plan) -> list[str]:
    return [e.code for e in _elements(document)]


def _regions_by_code(document: planfile.Plan) -> dict[str, Region]:
    codes = {document.region, *(t.region for t in document.targets)}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    missing = sorted(codes - set(regions))
    if missing:
        raise PlanLoadError(
            f"计划 {document.code} 引用的行政区划不存在：{', '.join(missing)}（请先运行 plantrack regions load）"
        )
    return regions


def _decimal(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.000001"))


class _Sync:
    """Upserts rows by natural key and records each difference as a change."""

    def __init__(self) -> None:
        self.changes: list[dict[str, Any]] = []

    def upsert(self, model: type[models.Model], key: dict[str, Any], **fields: Any) -> Any:
        obj = model._default_manager.filter(**key).first()
        label = model._meta.model_name
        code = key.get("code")
        if obj is None:
            obj = model._default_manager.create(**key, **fields)
            self.changes.append({"object": label, "code": code, "action": "created"})
            return obj
        diff = {
            name: [_plain(getattr(obj, name)), _plain(value)]
            for name, value in fields.items()
            if getattr(obj, name) != value
        }
        if diff:
            for name in diff:
                setattr(obj, name, fields[name])
            obj.save(update_fields=list(diff))
            self.changes.append(
                {"object": label, "code": code, "action": "updated", "fields": diff}
            )
        return obj

    def set_m2m(self, obj: models.Model, name: str, related: list[models.Model]) -> None:
        manager = getattr(obj, name)
        before = sorted(r.pk for r in manager.all())
        if before != sorted(r.pk for r in related):
            old_codes = sorted(r.code for r in manager.all())
            manager.set(related)
            self.changes.append(
                {
                    "object": obj._meta.model_name,
                    "code": getattr(obj, "code", None),
                    "action": "updated",
                    "fields": {
                        name: [old_codes, sorted(getattr(r, "code", r.pk) for r in related)]
                    },
                }
            )

    def delete_missing(self, model: type[models.Model], plan: Plan, keep: list[str]) -> None:
        stale = model._default_manager.filter(plan=plan).exclude(code__in=keep)
        for code in stale.values_list("code", flat=True):
            self.changes.append(
                {"object": model._meta.model_name, "code": code, "action": "deleted"}
            )
        stale.delete()


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return getattr(value, "code", value.pk)
    if isinstance(value, Decimal):
        return str(value.normalize())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
