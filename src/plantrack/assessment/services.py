"""Scoring every city: the quantitative part from reported figures, the measures part from
assessors' scores, the veto from binding targets missed, then the ranking.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from plantrack.core import assessment
from plantrack.core.nodata import NO_DATA
from plantrack.core.periods import Period
from plantrack.plans.models import Plan
from plantrack.progress.services import TargetProgress, compute
from plantrack.regions.models import Region

from .models import MeasureScore, Round


@dataclass
class CityResult:
    region: Region
    result: assessment.AssessmentResult
    rank: int | None
    missed: list[TargetProgress]


def round_for(plan: Plan, year: int) -> Round:
    binding = plan_binding(plan)
    round_, _ = Round.objects.get_or_create(
        plan=plan, year=year, defaults={"scheme": binding["scheme"]}
    )
    return round_


def plan_binding(plan: Plan) -> dict:
    """The plan's assessment declaration, or the shipped default (国发〔2007〕36号)."""
    return plan.assessment or {
        "scheme": "gf-2007-36",
        "quantitative": {"energy_intensity": "gdp_energy_intensity_change"},
    }


def assess(plan: Plan, year: int) -> list[CityResult]:
    """Assess every city for the year from December's year-to-date figures."""
    binding = plan_binding(plan)
    scheme = assessment.load_scheme()
    if scheme.code != binding["scheme"]:
        raise ValueError(f"考核办法 {binding['scheme']} 未随系统提供")
    round_ = round_for(plan, year)
    december = Period(year, month=12)
    cities = list(Region.objects.valid_on(dt.date(year, 12, 31)).filter(level="city"))
    rows = compute(plan, december, regions=[c.code for c in cities])
    scores: dict[str, dict[str, Decimal]] = {}
    for s in MeasureScore.objects.filter(round=round_).select_related("region"):
        scores.setdefault(s.region.code, {})[s.item] = s.points
    results = []
    for city in cities:
        mine = [r for r in rows if r.region.code == city.code]
        quantitative = _quantitative(binding, mine)
        missed = [
            r
            for r in mine
            if r.target.level == "binding"
            and r.progress.status.value in ("lagging", "seriously_lagging", "deteriorating")
            and r.target.indicator
            and r.target.indicator.code in binding["quantitative"].values()
        ]
        result = assessment.score(
            scheme, quantitative, scores.get(city.code, {}), subject=city.code,
            vetoes=[f"未完成约束性目标：{r.target.statement}" for r in missed],
        )  # fmt: skip
        results.append((city, result, missed))
    ranks = {r.result.subject: r.rank for r in assessment.rank(res for _, res, _ in results)}
    return [
        CityResult(city, result, ranks.get(city.code), missed) for city, result, missed in results
    ]


def _quantitative(
    binding: dict, rows: list[TargetProgress]
) -> dict[str, assessment.QuantitativeResult]:
    found = {}
    for item, indicator in binding["quantitative"].items():
        row = next(
            (
                r
                for r in rows
                if r.target.indicator
                and r.target.indicator.code == indicator
                and r.target.level == "binding"
            ),
            None,
        )
        if row is None or row.target.value is None:
            continue
        value = row.progress.value
        # The scheme compares magnitudes in the target's direction: a fall of 3.1% is 3.1.
        actual = (
            -value if isinstance(value, Decimal) and row.target.direction == "decrease" else value
        )
        found[item] = assessment.QuantitativeResult(
            actual if isinstance(actual, Decimal) else NO_DATA, row.target.value
        )
    return found


def publish(round_: Round, user) -> Round:  # type: ignore[no-untyped-def]
    round_.published_at = timezone.now()
    round_.published_by = user
    round_.save(update_fields=["published_at", "published_by"])
    return round_
