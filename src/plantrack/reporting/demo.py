"""The generated 2011 demo scenario (演示数据) of the Zhejiang 2011 plan.

:func:`generate_demo` opens every period of every data set from January 2010 (the base year,
which the ``[-1y]`` and ``[base]`` comparisons read) to the latest period closed before
``as_of``, and fills each expected unit's submission with figures, a workflow history and,
for some, verified (核定) and revised (修订) vintages.

Every figure is a pure function of the seed and its cell (a hash, never shared ``random``
state), so a submission gets the same figures whichever others are filled, and a second run,
which fills only submissions that have no values yet, changes nothing. Province totals are
calibrated on published Zhejiang figures (shared/reference/china-methods.md §1, §6, tagged [S#]
there); derived numbers are marked [D]; where nothing is published the level is a plausible
assumption, marked 假设.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from plantrack.core.periods import Period, end_date, latest_closed, periods
from plantrack.plans.models import Plan
from plantrack.regions.models import Region

from .actions import open_period
from .models import DataSet, Status, Submission, SubmissionEvent, Value, ValueChange, Vintage

PLAN_CODE = "zhejiang-2011"
GENERATOR = "demo-generator"
REASON = "演示数据生成"
CHANNEL = "demo"
FIRST_YEAR = 2010  # the plan's base year: [-1y] and [base] read it
LAST_YEAR = 2011  # the scenario ends with the plan's year


class DemoDisabled(RuntimeError):
    """Demo data may only be generated where every page says it is demo data."""


@dataclass
class DemoSummary:
    """What a run found and made, for the command to print."""

    as_of: dt.date
    data_sets: int = 0
    periods: int = 0
    submissions: int = 0
    filled: int = 0
    values: int = 0
    vintages: int = 0
    late: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        labels = dict(Status.choices)
        statuses = "，".join(
            f"{labels[s]} {self.by_status.get(s, 0)}" for s in (s for s, _ in Status.choices)
        )
        return [
            f"演示数据（截至 {self.as_of:%Y-%m-%d}）：{self.data_sets} 张报表，{self.periods} 个报告期，"
            f"{self.submissions} 份填报（{statuses}；逾期报送 {self.late}）",
            f"本次填充 {self.filled} 份填报，写入 {self.values} 个数值（其中核定数和修订数 "
            f"{self.vintages} 个），用时 {self.seconds:.1f} 秒",
        ]


def _analyze() -> None:
    """Refresh PostgreSQL's statistics after the bulk load.

    Without them the planner still believes the tables empty and joins tens of thousands of
    values by nested loops (seconds a query); ANALYZE also sees rows inserted earlier in the
    same transaction, which is where the tests generate the scenario.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reporting_submission, reporting_value, reporting_valuechange")


def generate_demo(as_of: dt.date = dt.date(2011, 12, 10), seed: int = 2011) -> DemoSummary:
    """Open and fill the demo plan's submissions up to ``as_of``; idempotent.

    Only submissions still in draft with no values at all are filled, so figures a user entered
    are never touched, and a second call changes nothing.
    """
    if not settings.PLANTRACK_DEMO:
        raise DemoDisabled("未开启演示模式（PLANTRACK_DEMO），不能生成演示数据")
    started = time.perf_counter()
    summary = DemoSummary(as_of=as_of)
    with transaction.atomic():
        plan = Plan.objects.get(code=PLAN_CODE)
        data_sets = list(plan.data_sets.prefetch_related("fields__element"))
        opened = {ds.pk: list(_periods(ds, as_of)) for ds in data_sets}
        for ds in data_sets:
            for period in opened[ds.pk]:
                open_period(ds, period)
        subs = _submissions(data_sets, opened)
        todo = _unfilled(subs)
        model = Model(_regions(), seed, _integers(data_sets))
        writer = _Writer(_generator(), seed, as_of)
        for sub in todo:
            writer.fill(sub, model)
        writer.flush()
        _analyze()
        summary.filled, summary.values, summary.vintages = writer.counts()
        _count(summary, data_sets, subs)
    summary.seconds = time.perf_counter() - started
    return summary


# --- Calibration -----------------------------------------------------------------------------
# Province energy and GDP, GDP at 2010 prices (the 12th FYP price base [S5, S7]):
#   2012: energy 18,076 万tce and intensity 0.55 tce/万元 at 2010 prices [S7]. S7's GDP of
#         34,665 亿元 must be at current prices: 18,076 / 34,665 = 0.52, not the published 0.55.
#   2012 GDP at 2010 prices ≈ 32,800 亿元 [D]: 18,076 / 0.55 = 32,865, and 2013's 1.88亿tce at
#         0.53 [S12] is 35,472, less 2013's growth of 8.2% [S7], 32,784.
#   2011 GDP = 32,800 / 1.080 = 30,370 亿元 [D; 2012 real growth of 8.0% is 假设].
#   2010 GDP = 30,370 / 1.090 = 27,862 亿元 [D; 2011 real growth of 9.0% is 假设].
#   Intensity 2012 = 18,076 / 32,800 = 0.5511; 2011 = 0.5511 / (1 - 6.1%) [S7] = 0.5869;
#   2010 = 0.5869 / (1 - 3.1%) [S11] = 0.6057 [D].
#   Energy 2010 = 0.6057 × 27,862 = 16,876 万tce; 2011 = 0.5869 × 30,370 = 17,825 [D], +5.6%.
GDP_2010 = 27_862.0
GDP_2011 = 30_370.0
ENERGY_2010 = 16_876.0
INTENSITY_CHANGE_2011 = -0.031  # [S11]; 2011 energy follows from it, never set on its own
DEFLATOR_2011 = 1.064  # 假设: 2011 prices over 2010 prices, for GDP at current prices

# Prefecture cities, to split the province by: rough 2010 GDP (亿元) and intensity (tce/万元),
# both 假设 and only their ratios used; real growth and intensity change in 2011 (%), 假设,
# chosen so that the 2011 barometer for January–July [S46] comes out: 宁波, 金华, 衢州 and 丽水
# 一级 (rising or barely falling), 杭州, 湖州, 嘉兴 and 台州 二级, 温州, 绍兴 and 舟山 三级; and
# so that 温州 and 台州 grow their energy use slowest, 宁波 fastest, above 9% [S11]. The
# province result is then set to -3.1% by one common factor.
CITIES: dict[str, tuple[float, float, float, float]] = {
    "330100": (5946, 0.55, 10.1, -2.5),  # 杭州
    "330200": (5163, 0.74, 10.0, 0.0),  # 宁波
    "330300": (2925, 0.50, 9.5, -7.5),  # 温州
    "330400": (2300, 0.70, 9.6, -2.6),  # 嘉兴
    "330500": (1302, 0.76, 10.0, -2.6),  # 湖州
    "330600": (2795, 0.70, 9.6, -6.0),  # 绍兴
    "330700": (2110, 0.60, 10.3, -0.5),  # 金华
    "330800": (755, 1.30, 11.6, -1.5),  # 衢州
    "330900": (634, 0.60, 11.2, -6.0),  # 舟山
    "331000": (2420, 0.55, 9.5, -2.5),  # 台州
    "331100": (675, 0.65, 10.5, -0.5),  # 丽水
}
# Months a city's intensity leaves its course (percentage points): 宁波 and 金华 rose in the
# summer; 台州 lagged until July and caught up afterwards.
SWINGS: dict[str, dict[int, float]] = {
    "330200": {6: 4.0, 7: 4.5, 8: 4.0},
    "330700": {6: 4.5, 7: 5.0, 8: 4.5},
    "331000": {m: -3.0 for m in range(8, 13)},
}
# County-level units against an average one of their city (假设): the big industrial counties,
# and the small island and mountain counties. Others get 0.8–1.2 by hash.
COUNTY_SIZE = {
    "330109": 3.0, "330110": 2.6, "330183": 1.6, "330212": 3.0, "330282": 2.6, "330281": 2.0,
    "330206": 2.0, "330211": 1.6, "330782": 2.4, "330783": 1.4, "330784": 1.3, "331081": 2.2,
    "331082": 1.5, "330381": 1.8, "330382": 2.0, "330302": 1.8, "330621": 2.4, "330681": 2.0,
    "330682": 1.6, "330481": 1.5, "330483": 1.4, "330522": 1.5, "330502": 1.3, "330322": 0.25,
    "330922": 0.3, "330921": 0.6, "330727": 0.35, "330328": 0.35, "330329": 0.35, "331127": 0.3,
    "331125": 0.35, "331126": 0.35, "331123": 0.5, "331124": 0.45, "330824": 0.4, "330822": 0.45,
    "330127": 0.55, "331022": 0.6, "331024": 0.6,
}  # fmt: skip
# Energy-heavy counties (refining, steel, power, cement, dyeing, chemicals, paper), 假设.
COUNTY_ENERGY = {
    "330211": 3.0, "330206": 2.2, "330522": 2.0, "330803": 2.2, "330802": 1.6, "330621": 1.6,
    "330483": 1.4, "330825": 1.6, "330109": 1.3, "330903": 1.3,
}  # fmt: skip
# Shares by city (假设): tertiary sector in GDP, industry (规上) in energy use.
TERTIARY = {"330100": 0.487, "330200": 0.40, "330300": 0.45, "330400": 0.36, "330500": 0.37,
            "330600": 0.38, "330700": 0.43, "330800": 0.37, "330900": 0.43, "331000": 0.41,
            "331100": 0.39}  # fmt: skip
INDUSTRY_ENERGY = {"330100": 0.55, "330200": 0.72, "330300": 0.55, "330400": 0.68,
                   "330500": 0.70, "330600": 0.70, "330700": 0.60, "330800": 0.78,
                   "330900": 0.50, "331000": 0.58, "331100": 0.62}  # fmt: skip

# Monthly profiles (relative weights, normalised): February is low (Spring Festival), December
# high (year-end push); energy peaks in the summer; program work is accepted towards year end;
# planting is in winter and spring; field work in spring and summer.
SEASONS = {
    "econ": (75, 62, 83, 82, 85, 86, 88, 87, 84, 85, 86, 97),
    "energy": (82, 68, 82, 79, 82, 85, 93, 94, 83, 82, 84, 86),
    "water": (79, 72, 80, 81, 85, 88, 91, 92, 87, 83, 81, 81),
    "flat": (1,) * 12,
    "program": (14,) * 3 + (24,) * 3 + (27,) * 3 + (35,) * 3,
    "planting": (42,) * 3 + (18,) * 3 + (10,) * 3 + (30,) * 3,
    "farm": (20,) * 3 + (35,) * 3 + (30,) * 3 + (15,) * 3,
}


# --- Profiles: how each data element's figures are made ---------------------------------------


@dataclass(frozen=True)
class Flow:
    """An amount over time: ``base`` the province's 2010 total, ``growth`` its 2011 change."""

    base: float
    growth: float = 0.0
    basis: str = "gdp"  # how regions share it: gdp, energy, urban, rural, even
    season: str = "econ"
    digits: int = 2
    spread: float = 0.03  # region-to-region spread of the growth
    jitter: float = 0.04  # month-to-month noise


@dataclass(frozen=True)
class Stock:
    """A level at the period's end: ``base`` at the end of 2010, changing ``growth`` a year."""

    base: float
    growth: float = 0.0
    basis: str = "gdp"
    digits: int = 2


@dataclass(frozen=True)
class Share:
    """A part of another element of the same unit and period (``cap=False``: a multiple)."""

    whole: str
    ratio: float
    trend: float = 0.0  # change of the ratio from 2010 to 2011
    spread: float = 0.02  # unit-to-unit
    jitter: float = 0.004  # period-to-period
    cities: dict[str, float] | None = None
    cap: bool = True
    digits: int = 2


@dataclass(frozen=True)
class Level:
    """A figure that does not add up (a concentration, a class, a change): 2010 and 2011."""

    v2010: float
    v2011: float
    digits: int = 2


@dataclass(frozen=True)
class Tally:
    """How many regions of a kind a unit has: towns (县以上城市), county_cities, counties."""

    what: str


@dataclass(frozen=True)
class Special:
    """Figures with a model of their own: energy, GDP, air-quality days, urban waste."""

    what: str


Profile = Flow | Stock | Share | Level | Tally | Special

# Every element on a form has a profile (a test checks it). Where no source is named, a level
# is 假设: a plausible size for Zhejiang, and for program work a 2011 level around the plan's
# target, a few short of it so that progress pages show both.
P = Flow  # short names keep the table readable
PROFILES: dict[str, Profile] = {
    # Energy statistics (counties, monthly); energy and GDP are calibrated (see above).
    "energy_consumption": Special("energy"),
    "gdp_constant": Special("gdp"),
    "gdp_current": Share("gdp_constant", 1.0, DEFLATOR_2011 - 1, 0, 0, cap=False),
    "tertiary_value_added": Share("gdp_current", 0.43, 0.005, 0.03, cities=TERTIARY),
    "industrial_value_added_constant": Share("gdp_constant", 0.38, 0.006, 0.06),
    "industrial_energy_consumption": Share(
        "energy_consumption", 0.64, -0.004, 0.05, cities=INDUSTRY_ENERGY
    ),
    "key_enterprise_energy": Share("industrial_energy_consumption", 0.80, 0.0, 0.04),
    "key_enterprise_value_added": Share("industrial_value_added_constant", 0.52, 0.004, 0.04),
    "traditional_industry_energy": Share("industrial_energy_consumption", 0.48, -0.006, 0.06),
    "traditional_industry_value_added": Share("industrial_value_added_constant", 0.42, -0.004),
    "equipment_value_added": Share("industrial_value_added_constant", 0.33, 0.008, 0.05),
    "industrial_output": Share("industrial_value_added_constant", 5.1, 0.31, 0.2, cap=False),
    "high_tech_output": Share("industrial_output", 0.25, 0.011, 0.06),
    "new_product_output": Share("industrial_output", 0.21, 0.011, 0.05),
    "fixed_asset_investment": Share("gdp_constant", 0.46, 0.01, 0.12, 0.03, cap=False),
    "thermal_generation": P(1800, 0.07, season="energy", jitter=0.03),  # 亿千瓦时, 假设
    # 万吨标准煤 per 亿千瓦时 × 100 = 克/千瓦时: about 311 g/kWh, 3 g lower in 2011 (假设).
    "thermal_coal_use": Share("thermal_generation", 3.11, -0.03, 0, 0.01, cap=False),
    "new_construction_land": P(450_000, -0.06, season="flat", digits=1, jitter=0.25),  # 亩, 假设
    # Environmental quality (cities, monthly); section counts 假设.
    "good_air_days": Special("good_air_days"),
    "air_monitored_days": Special("air_monitored_days"),
    "function_zone_sections": Stock(146, 0, "even", 0),
    "function_zone_sections_compliant": Share("function_zone_sections", 0.62, 0.035, 0.08, 0.02),
    "boundary_sections": Stock(61, 0, "even", 0),
    "boundary_sections_compliant": Share("boundary_sections", 0.60, 0.05, 0.1, 0.02),
    "drinking_source_sections": Stock(96, 0, "even", 0),
    "drinking_source_sections_compliant": Share("drinking_source_sections", 0.84, 0.02, 0.06, 0.02),
    # Pollution sources (cities, quarterly) and emissions (cities, half-yearly): 2010 totals are
    # not published for Zhejiang (§4, §6), so these are 假设 of a plausible size.
    "key_source_tests": P(5200, 0.05, "energy", "flat", 0),
    "key_source_tests_compliant": Share("key_source_tests", 0.86, 0.02, 0.04, 0.01, digits=0),
    "online_data_uploaded": P(9.0e6, 0.12, "energy", "flat", 0),
    "online_data_conforming": Share("online_data_uploaded", 0.90, 0.01, 0.02, 0.005),
    "pollution_load": Stock(2.6e6, 0.02, "energy"),
    "monitored_pollution_load": Share("pollution_load", 0.86, 0.06, 0.04),
    "cod_emission": P(85.0, -0.031, "gdp", "flat", spread=0.02, jitter=0.02),  # 万吨
    "nh3n_emission": P(11.5, -0.022, "gdp", "flat", spread=0.02, jitter=0.02),
    "so2_emission": P(68.0, -0.042, "energy", "energy", spread=0.02, jitter=0.02),
    # NOx lags its 2.5% target: nationally it rose 5.74% in 2011 [S75].
    "nox_emission": P(85.0, -0.009, "energy", "energy", spread=0.03, jitter=0.02),
    # Land (cities, quarterly; counties monthly for new construction land).
    "unsupplied_land": Stock(30.0, -0.30),  # 万亩
    "revitalized_land": P(1.9, 0.12, season="program"),
    "idle_land": Stock(52_000, 0, digits=0),
    "idle_land_disposed": Share("idle_land", 0.62, 0.22, 0.08, 0.01, digits=0),
    "inefficient_land_tapped": P(7200, 0.15, season="program", digits=0),
    "farmland_reclaimed": P(21.0, -0.02, "rural", "program"),
    "land_consolidation_projects": P(380, 0.12, "rural", "program", 0),
    "homesteads": Stock(8.8e6, 0.003, "rural", 0),
    "homesteads_certified": Share("homesteads", 0.86, 0.05, 0.04),
    "central_places": Stock(3200, 0, "rural", 0),
    "central_places_surveyed": Share("central_places", 0.45, 0.12, 0.1, 0.01),
    "central_places_planned": Share("central_places", 0.84, 0.07, 0.05, 0.005),
    # Villages (cities, quarterly): about 28,800 行政村 in 2010 (假设).
    "villages": Stock(28_800, -0.004, "rural", 0),
    "villages_waste_collected": Share("villages", 0.86, 0.05, 0.05),
    "villages_sewage_treated": Share("villages", 0.40, 0.10, 0.08),
    "villages_eco_burial": Share("villages", 0.80, 0.05, 0.05),
    "villages_improved": P(2900, 0.06, "rural", "program", 0),
    # Urban services (cities, quarterly) and annual statistics; 假设.
    "sewage_city": P(180_000, 0.04, "urban", "water", 0),  # 万吨
    "sewage_treated_city": Share("sewage_city", 0.84, 0.025, 0.03),
    "sewage_county": P(90_000, 0.05, "rural", "water", 0),
    "sewage_treated_county": Share("sewage_county", 0.74, 0.05, 0.05),
    "msw_city": P(750, 0.05, "urban", "flat"),
    "msw_harmless_city": Share("msw_city", 0.93, 0.015, 0.03),
    "msw_urban": Share("msw_city", 1.45, 0.02, 0.15, 0, cap=False),
    "msw_harmless_urban": Special("msw_harmless_urban"),
    "plant_sludge": P(260, 0.08, "urban", "flat"),
    "plant_sludge_harmless": Share("plant_sludge", 0.74, 0.07, 0.06),
    "water_supplied": P(380_000, 0.05, "urban", "water", 0),
    "water_leakage": Share("water_supplied", 0.135, -0.007, 0.015, 0.002),
    "industrial_solid_waste": P(4300, 0.03, "energy", "flat"),
    "industrial_solid_waste_utilized": Share("industrial_solid_waste", 0.925, 0.01, 0.02),
    "industrial_sludge": P(310, 0.05, "energy", "flat"),
    "industrial_sludge_harmless": Share("industrial_sludge", 0.78, 0.05, 0.05),
    "urban_cities": Tally("towns"),
    "quiet_cities": Share("urban_cities", 0.76, 0.02, 0.1),
    "model_env_cities": Share("urban_cities", 0.34, 0.07, 0.1),
    "built_up_area": Stock(220_000, 0.04, "urban", 0),  # 公顷
    "built_up_green_area": Share("built_up_area", 0.37, 0.006, 0.02),
    # Program progress (departments, for the province): 2011 levels around the plan's targets,
    # some short of them (energy saving, 2011 boilers retrofitted, cement capacity, …).
    "energy_saved": P(620, 0.0, season="program"),
    "energy_technologies_promoted": P(95, 0.12, season="program", digits=0),
    "energy_audits": P(900, 0.15, season="program", digits=0),
    "recycling_enterprises_certified": P(140, 0.10, season="program", digits=0),
    "solid_waste_recycled": P(4700, 0.08, season="flat"),
    "circular_economy_pilot_bases": P(22, 0.10, season="program", digits=0),
    "energy_key_projects": P(280, 0.10, season="program", digits=0),
    "energy_retrofit_investment": P(150, 0.15, season="program"),
    "tech_renovation_projects": P(950, 0.08, season="program", digits=0),
    "tech_renovation_investment": P(2500, 0.12, season="program"),
    "boilers_eliminated": P(320, 0.12, season="program", digits=0),
    "boilers_retrofitted": P(300, 0.08, season="program", digits=0),
    "small_thermal_closed": P(5.5, 0.15, season="program"),
    "cement_mills_eliminated": P(80, 0.10, season="program", digits=0),
    "cement_capacity_eliminated": P(950, 0.0, season="program", digits=1),
    "paper_capacity_eliminated": P(14, 0.12, season="program", digits=1),
    "dyeing_capacity_eliminated": P(1.8, 0.15, season="program"),
    "fiber_capacity_eliminated": P(20, 0.10, season="program", digits=1),
    "brick_kilns_closed": P(70, 0.10, season="program", digits=0),
    "brick_capacity_cut": P(18, 0.12, season="program"),
    "cleaner_production_audits": P(460, 0.12, season="program", digits=0),
    "wall_material_output": P(330, 0.02),
    "new_wall_material_output": Share("wall_material_output", 0.78, 0.03, 0, 0.005),
    "cement_supply": P(11_500, 0.06, digits=1),
    "bulk_cement": Share("cement_supply", 0.72, 0.04, 0, 0.005, digits=1),
    "standard_factory_area": P(330, 0.12, season="program"),
    "standard_factory_pilots": P(10, 0.10, season="program", digits=0),
    "energy_standards_revised": P(15, 0.10, season="program", digits=0),
    "metering_demo_zones": P(9, 0.10, season="program", digits=0),
    "energy_research_projects": P(10, 0.10, season="program", digits=0),
    "renewable_research_projects": P(9, 0.10, season="program", digits=0),
    "new_products_registered": P(1400, 0.10, season="program", digits=0),
    "efficient_building_area": P(2800, 0.10, season="program", digits=1),
    "renewable_building_area": P(950, 0.10, season="program", digits=1),
    "green_building_demos": P(13, 0.15, season="program", digits=0),
    "building_retrofit_demos": P(15, 0.0, season="program", digits=0),
    "building_monitoring_demos": P(36, 0.15, season="program", digits=0),
    "wall_material_used": P(320, 0.02),
    "new_wall_material_used": Share("wall_material_used", 0.88, 0.025, 0, 0.005),
    "kangju_projects": P(2, 0.0, season="program", digits=0),
    "affordable_housing_area": P(1150, 0.25, season="program", digits=1),
    "rural_housing_renovated": P(280_000, 0.10, season="program", digits=0),
    "dilapidated_housing_renovated": P(3.8, 0.12, season="program"),
    "sewage_network_built": P(1400, 0.10, season="program", digits=1),
    "transport_energy_actions": P(5, 0.20, season="program", digits=0),
    "freight_vehicle_upgrade_change": Level(0.0, 8.6, 1),
    "truck_turnover": P(1.3e7, 0.10, digits=0),  # 万吨公里
    "truck_energy": Share("truck_turnover", 0.35, -0.0046, 0, 0.001, cap=False, digits=0),
    "inland_ship_turnover": P(2.4e6, 0.08, digits=0),
    "inland_ship_energy": Share("inland_ship_turnover", 0.10, -0.013, 0, 0.0003, cap=False),
    "coastal_ship_turnover": P(5.6e7, 0.10, digits=0),
    "coastal_ship_energy": Share("coastal_ship_turnover", 0.06, -0.0015, 0, 0.0002, cap=False),
    "bus_routes_consolidated": P(45, 0.15, season="program", digits=0),
    "asphalt_recycling_length": P(36, 0.15, season="program", digits=1),
    "tunnel_lighting_retrofit": P(4000, 0.12, season="program", digits=0),
    "tunnel_length": Stock(620, 0.08),
    "tunnel_lighting_energy": P(25_000, -0.15, season="flat", digits=1),
    "transport_rd_projects": P(15, 0.10, season="program", digits=0),
    "road_greening_length": P(280, 0.12, season="planting", digits=1),
    "slope_regreening_area": P(23, 0.12, season="planting"),
    "lamps": Stock(1.2e6, 0.03, digits=0),
    "efficient_lamps": Share("lamps", 0.965, 0.03, 0, 0.003, digits=0),
    "commercial_floor_area": Stock(1500, 0.05, digits=1),
    "commercial_electricity": P(380_000, 0.015, season="energy", digits=0),
    "public_institution_floor_area": Stock(9000, 0.03, digits=1),
    "public_institution_electricity": P(520_000, -0.005, season="energy", digits=0),
    "town_sewage_plants": P(55, 0.12, season="program", digits=0),
    "mandatory_cleaner_production_audits": P(190, 0.10, season="program", digits=0),
    "disused_sources": Stock(520, 0.02, digits=0),
    "disused_sources_stored": Share("disused_sources", 0.995, 0.005, 0, 0.002, digits=0),
    "eco_counties": Stock(19, 0.25, digits=0),
    "county_cities": Tally("county_cities"),
    "environment_standards": P(3, 0.0, season="program", digits=0),
    "land_saving_city_pilots": P(7, 0.15, season="program", digits=0),
    "underground_space_pilots": P(6, 0.15, season="program", digits=0),
    "cluster_land_demos": P(12, 0.15, season="program", digits=0),
    "enterprise_land_pilots": P(36, 0.12, season="program", digits=0),
    "affordable_housing_land": P(1.2, 0.15, season="program"),
    "model_counties": Stock(66, 0.12, digits=0),
    "counties": Tally("counties"),
    "green_mines": P(45, 0.12, season="program", digits=0),
    "green_mines_provincial": P(9, 0.12, season="program", digits=0),
    "green_mines_national": P(2, 0.0, season="program", digits=0),
    "abandoned_mines": Stock(2900, -0.01, digits=0),
    "abandoned_mines_restored": Share("abandoned_mines", 0.885, 0.03, 0, 0.002, digits=0),
    "manure_centers": P(22, 0.15, season="program", digits=0),
    "manure_utilization_pilots": P(18, 0.12, season="program", digits=0),
    "soil_testing_fertilization_area": P(2900, 0.06, season="farm", digits=1),
    "pesticide_reduction_area": P(900, 0.12, season="farm", digits=1),
    "farmland_quality_area": P(50, 0.12, season="program"),
    "soil_remediation_demos": P(90, 0.12, season="program", digits=0),
    "shelter_forest_area": P(35, 0.10, season="planting"),
    "broadleaf_conversion_area": P(11, 0.10, season="planting"),
    "firebreak_belt_length": P(560, 0.10, season="planting", digits=0),
    "plain_afforestation_area": P(27, 0.15, season="planting"),
    "forest_tending_area": P(180, 0.12, season="planting", digits=1),
    "villages_greened": P(2800, 0.10, season="program", digits=0),
    "forest_villages": P(90, 0.12, season="program", digits=0),
    "forest_cities": P(5, 0.0, season="program", digits=0),
    "forest_towns": P(14, 0.10, season="program", digits=0),
    "wetland_reserves": P(1, 0.0, season="program", digits=0),
    "canal_renovated": P(4600, 0.12, season="program", digits=0),
    "soil_erosion_controlled": P(560, 0.10, season="program", digits=0),
    "river_improvement_length": P(1900, 0.08, season="program", digits=0),
    "marine_monitoring_centres": P(1, 1.0, season="program", digits=0),
    # Annual department figures; land area 10.55万km² (假设, the usual figure), forest cover
    # about 60.6% (假设).
    "land_area": Stock(1055.0, 0, digits=1),
    "forest_area": Stock(639.0, 0.004, digits=1),
    "quality_forest_area": Stock(2900, 0.04, digits=1),
    "wood_consumed": P(1100, 0.03, season="flat"),
    "wood_utilized": Share("wood_consumed", 0.68, 0.025, 0, 0.002),
    "pesticide_use": P(64_000, -0.12, season="flat", digits=0),  # 吨, short of the 15% cut
    "irrigation_water_withdrawn": P(950_000, -0.01, season="flat", digits=0),
    "irrigation_water_effective": Share("irrigation_water_withdrawn", 0.56, 0.007, 0, 0.0005),
    "river_cleaning_cumulative": Stock(34_000, 0.13, digits=0),
    "graves_treated_cumulative": Stock(36.0, 0.12),
    "cemetery_area": Stock(9800, 0.02, digits=1),
    "cemetery_green_area": Share("cemetery_area", 0.72, 0.025, 0, 0.002, digits=1),
    # Water quality against its 2007 level and heavy metals against the 2009 survey (假设):
    # COD and TP down about 14% (the target is 13%), ammonia only 12%.
    "taihu_inflow_water_class": Level(3, 3, 0),
    "plain_river_cod": Level(25.2, 24.1),
    "plain_river_cod_2007": Level(28.0, 28.0),
    "plain_river_nh3n": Level(2.62, 2.51),
    "plain_river_nh3n_2007": Level(2.85, 2.85),
    "plain_river_tp": Level(0.290, 0.275, 3),
    "plain_river_tp_2007": Level(0.320, 0.320, 3),
    "heavy_metal_emission": Level(40_500, 39_400, 0),  # 千克
    "heavy_metal_emission_2009": Level(42_000, 42_000, 0),
}


def uniform(*key: object) -> float:
    """A number in [0, 1) fixed by ``key``: the same cell always gets the same figure."""
    digest = hashlib.blake2b(repr(key).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass(frozen=True)
class Unit:
    """Whom a figure is for: a county, a city, or the province (a department's report)."""

    level: str  # county | city | province
    code: str
    city: str | None


def _months(period: Period) -> tuple[int, int]:
    """The first and last month of a period."""
    span = {"month": 1, "quarter": 3, "half": 6, "year": 12}[period.frequency]
    return (period.index - 1) * span + 1, period.index * span


def _elapsed(period: Period) -> float:
    """Years from the end of 2010 to the end of the period (negative within 2010)."""
    return period.year - 2011 + _months(period)[1] / 12


def _q(value: float | Decimal, digits: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    return number.quantize(Decimal(1).scaleb(-digits), rounding=rounding)


class Regions:
    """The counties of each city, with the weights that split a province figure among them."""

    def __init__(self, counties: dict[str, list[str]]) -> None:
        self.counties = counties
        self.city_of = {c: city for city, codes in counties.items() for c in codes}
        gdp_total = sum(CITIES[city][0] for city in counties)
        gdp: dict[str, float] = {}
        for city, codes in counties.items():
            sizes = {c: COUNTY_SIZE.get(c, 0.8 + 0.4 * uniform("size", c)) for c in codes}
            for c in codes:
                gdp[c] = CITIES[city][0] / gdp_total * sizes[c] / sum(sizes.values())
        energy = {
            c: w * CITIES[self.city_of[c]][1] * COUNTY_ENERGY.get(c, 1.0) for c, w in gdp.items()
        }
        # Districts (codes ending 01–20) hold few villages; small counties hold many per yuan.
        rural = {c: (0.3 if c[4:] < "21" else 1.0) * w**0.3 for c, w in gdp.items()}
        self.weights = {
            "gdp": gdp,
            "energy": _normalised(energy),
            "urban": _normalised({c: w**0.8 for c, w in gdp.items()}),
            "rural": _normalised(rural),
            "even": _normalised({c: 0.8 + 0.4 * uniform("even", c) for c in gdp}),
        }

    def tally(self, what: str, unit: Unit) -> int:
        codes = self.counties.get(unit.code, []) if unit.level == "city" else list(self.city_of)
        if what == "counties":
            return len(codes)
        towns = sum(1 for c in codes if c[4:] >= "21")  # county-level cities and counties
        return towns + (1 if what == "towns" and unit.level == "city" else 0)


def _normalised(weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {k: v / total for k, v in weights.items()}


SEASON_WEIGHTS = {name: [w / sum(ws) for w in ws] for name, ws in SEASONS.items()}


class Model:
    """Every figure of the scenario, computed on demand from the profiles and remembered."""

    def __init__(self, regions: Regions, seed: int, integers: frozenset[str] = frozenset()) -> None:
        self.regions, self.seed, self.integers = regions, seed, integers
        self._memo: dict[tuple[str, str, int], Decimal] = {}
        self._cumulative: dict[tuple[str, str, int], list[float]] = {}
        self._energy = _EnergyModel(regions, seed)

    def digits(self, element: str) -> int:
        if element in self.integers:
            return 0
        return getattr(PROFILES[element], "digits", 2)

    def value(self, element: str, unit: Unit, period: Period) -> Decimal:
        key = (element, unit.code, period.key)
        if key not in self._memo:
            self._memo[key] = self._compute(element, PROFILES[element], unit, period)
        return self._memo[key]

    def _noise(self, *key: object) -> float:
        return 2 * uniform(self.seed, *key) - 1

    def _compute(self, element: str, profile: Profile, unit: Unit, period: Period) -> Decimal:
        digits = self.digits(element)
        if isinstance(profile, Flow) or (
            isinstance(profile, Special) and profile.what in ("energy", "gdp")
        ):
            first, last = _months(period)
            cumulative = self._year(element, profile, unit, period.year)
            return _q(cumulative[last], digits) - _q(cumulative[first - 1], digits)
        if isinstance(profile, Stock):
            share = 1.0 if unit.level == "province" else self._weight(profile.basis, unit)
            return _q(profile.base * share * (1 + profile.growth * _elapsed(period)), digits)
        if isinstance(profile, Share):
            return self._share(element, profile, unit, period, digits)
        if isinstance(profile, Level):
            done = min(max(_elapsed(period), 0.0), 1.0)
            return _q(profile.v2010 + (profile.v2011 - profile.v2010) * done, digits)
        if isinstance(profile, Tally):
            return Decimal(self.regions.tally(profile.what, unit))
        return self._special(element, profile, unit, period)

    def _weight(self, basis: str, unit: Unit) -> float:
        weights = self.regions.weights[basis]
        if unit.level == "county":
            return weights[unit.code]
        return sum(weights[c] for c in self.regions.counties[unit.code])

    def _year(self, element: str, profile: Profile, unit: Unit, year: int) -> list[float]:
        """Cumulative amounts from January to each month (index 0 is nothing yet).

        Rounding the running total, not each month, keeps a year's periods adding up to the
        rounded year, and small counts (2 centres a year) land in whole units.
        """
        key = (element, unit.code, year)
        if key not in self._cumulative:
            months = self._monthly(element, profile, unit, year)
            running = [0.0]
            for amount in months:
                running.append(running[-1] + amount)
            self._cumulative[key] = running
        return self._cumulative[key]

    def _monthly(self, element: str, profile: Profile, unit: Unit, year: int) -> list[float]:
        """A unit's amounts month by month; a city's and the province's are their counties' sums,
        so every level agrees with the one below whichever level reports."""
        if unit.level == "county":
            return self._county_months(element, profile, unit.code, year)
        codes = self.regions.counties[unit.code] if unit.level == "city" else self.regions.city_of
        parts = [self._county_months(element, profile, c, year) for c in codes]
        return [sum(month) for month in zip(*parts, strict=True)]

    def _county_months(self, element: str, profile: Profile, county: str, year: int) -> list[float]:
        if isinstance(profile, Special):
            return self._energy.months(profile.what, county, year)
        assert isinstance(profile, Flow)
        growth = profile.growth + profile.spread * self._noise("growth", element, county)
        share = self.regions.weights[profile.basis][county]
        annual = profile.base * share * (1 + growth) ** (year - 2010)
        season = SEASON_WEIGHTS[profile.season]
        return [
            annual * season[m] * (1 + profile.jitter * self._noise(element, county, year, m))
            for m in range(12)
        ]

    def _share(
        self, element: str, profile: Share, unit: Unit, period: Period, digits: int
    ) -> Decimal:
        whole = self.value(profile.whole, unit, period)
        base = (profile.cities or {}).get(unit.city or "", profile.ratio)
        ratio = (
            base
            + profile.spread * self._noise("ratio", element, unit.code)
            + profile.trend * (period.year - 2010)
            + profile.jitter * self._noise(element, unit.code, period.key)
        )
        if profile.cap:
            return _q(whole * _q(min(max(ratio, 0.0), 1.0), 6), digits, ROUND_FLOOR)
        return _q(whole * _q(ratio, 6), digits)

    def _special(self, element: str, profile: Special, unit: Unit, period: Period) -> Decimal:
        if profile.what == "msw_harmless_urban":
            # The counties' part of urban waste, treated at a lower rate than in the big cities.
            towns = self.value("msw_urban", unit, period) - self.value("msw_city", unit, period)
            rate = (
                0.78
                + 0.04 * self._noise(element, unit.code, period.key)
                + 0.03 * (period.year - 2010)
            )
            return _q(
                self.value("msw_harmless_city", unit, period) + towns * _q(rate, 6), 2, ROUND_FLOOR
            )
        first, last = _months(period)
        days = (end_date(period) - dt.date(period.year, first, 1)).days + 1
        monitored = days - sum(
            1
            for m in range(first, last + 1)
            if uniform(self.seed, "outage", unit.code, period.year, m) < 0.3
        )
        if profile.what == "air_monitored_days":
            return Decimal(monitored)
        # Good days: fewer in winter (heating-season haze), a gain of about 1.5 points in 2011.
        winter = {12: -0.07, 1: -0.06, 2: -0.03, 7: 0.03, 8: 0.03, 9: 0.02}.get(last, 0.0)
        share = 0.905 + 0.015 * (period.year - 2010) + 0.03 * self._noise("air", unit.code) + winter
        share += 0.02 * self._noise("air", unit.code, period.key)
        return Decimal(min(monitored, int(monitored * min(share, 1.0))))


class _EnergyModel:
    """Monthly energy use and GDP (2010 prices) of every county, calibrated on the province."""

    def __init__(self, regions: Regions, seed: int) -> None:
        def noise(*key: object) -> float:
            return 2 * uniform(seed, "energy", *key) - 1

        def spread(total: float, basis: str, season: str) -> dict[str, list[float]]:
            weights, months = regions.weights[basis], SEASON_WEIGHTS[season]
            data = {
                c: [weights[c] * w * (1 + 0.02 * noise(basis, c, m)) for m, w in enumerate(months)]
                for c in regions.city_of
            }
            return _scaled(data, total)

        gdp10, e10 = spread(GDP_2010, "gdp", "econ"), spread(ENERGY_2010, "energy", "energy")
        gdp11, e11 = {}, {}
        for c, city in regions.city_of.items():
            growth = 1 + CITIES[city][2] / 100 + 0.01 * noise("growth", c)
            course = CITIES[city][3] + 0.8 * noise("course", c)
            swings = SWINGS.get(city, {})
            gdp11[c] = [
                g * growth * (1 + 0.01 * noise("g11", c, m)) for m, g in enumerate(gdp10[c])
            ]
            # Energy follows GDP, times the month's intensity change (percent) of the city.
            e11[c] = [
                e
                * gdp11[c][m]
                / gdp10[c][m]
                * (1 + (course + swings.get(m + 1, 0.0) + noise(c, m)) / 100)
                for m, e in enumerate(e10[c])
            ]
        # Common factors set 2011 GDP, and the province's intensity change to -3.1%; they keep
        # every county's and city's course relative to the others.
        energy11 = ENERGY_2010 / GDP_2010 * (1 + INTENSITY_CHANGE_2011) * GDP_2011
        self.series = {
            ("gdp", 2010): gdp10,
            ("gdp", 2011): _scaled(gdp11, GDP_2011),
            ("energy", 2010): e10,
            ("energy", 2011): _scaled(e11, energy11),
        }

    def months(self, what: str, county: str, year: int) -> list[float]:
        return self.series[(what, year)][county]


def _scaled(data: dict[str, list[float]], total: float) -> dict[str, list[float]]:
    factor = total / sum(sum(months) for months in data.values())
    return {key: [v * factor for v in months] for key, months in data.items()}


# --- What to fill ----------------------------------------------------------------------------


_FIRST_AND_LAST = {
    "month": ("-01", "-12"),
    "quarter": ("Q1", "Q4"),
    "half": ("H1", "H2"),
    "year": ("", ""),
}


def _periods(data_set: DataSet, as_of: dt.date) -> Iterator[Period]:
    """The data set's periods from the start of the base year to the last closed by ``as_of``."""
    start, end = _FIRST_AND_LAST[data_set.frequency]
    first, final = Period.parse(f"{FIRST_YEAR}{start}"), Period.parse(f"{LAST_YEAR}{end}")
    last = latest_closed(data_set.frequency, as_of)
    if last.key > final.key:
        last = final
    if last.key >= first.key:
        yield from periods(first, last)


def _submissions(data_sets: list[DataSet], opened: dict[int, list[Period]]) -> list[Submission]:
    by_pk = {ds.pk: ds for ds in data_sets}
    subs = []
    rows = Submission.objects.filter(data_set__in=data_sets).select_related("region")
    for sub in rows.order_by("data_set__code", "period", "unit_key"):
        if Period.parse(sub.period) in opened[sub.data_set_id]:
            sub.data_set = by_pk[sub.data_set_id]  # the prefetched one, with its fields
            subs.append(sub)
    return subs


def _unfilled(subs: list[Submission]) -> list[Submission]:
    """Drafts nobody has touched: no value in any vintage, never saved."""
    ids = [s.pk for s in subs]
    touched: set[int] = set()
    for chunk in _chunks(ids, 2000):
        touched.update(
            Value.objects.filter(submission_id__in=chunk).values_list("submission_id", flat=True)
        )
    return [s for s in subs if s.pk not in touched and s.status == Status.DRAFT and s.version == 0]


def _regions() -> Regions:
    rows = Region.objects.valid_on(dt.date(2011, 12, 31)).values_list(
        "code", "level", "parent__code"
    )
    counties: dict[str, list[str]] = defaultdict(list)
    for code, level, parent in rows:
        if level == "county" and parent:
            counties[parent].append(code)
    return Regions({city: sorted(codes) for city, codes in sorted(counties.items())})


def _generator() -> User:
    """The inactive account every generated row is attributed to (never a real person)."""
    user, created = get_user_model().objects.get_or_create(
        username=GENERATOR, defaults={"is_active": False, "first_name": "演示数据生成器"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _count(summary: DemoSummary, data_sets: list[DataSet], subs: list[Submission]) -> None:
    ids = [s.pk for s in subs]
    statuses: Counter[str] = Counter()
    late = 0
    for chunk in _chunks(ids, 2000):
        rows = Submission.objects.filter(pk__in=chunk)
        statuses.update(rows.values_list("status", flat=True))
        late += rows.filter(submitted_at__date__gt=F("due")).count()
    summary.data_sets = len(data_sets)
    summary.periods = len({(s.data_set_id, s.period) for s in subs})
    summary.submissions = len(subs)
    summary.by_status = dict(statuses)
    summary.late = late


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Workflow: who submitted when, who approved, who was sent back ----------------------------

_RETURN_REASONS = [
    "部分指标与上期相比变动较大，请补充变动说明后重新报送",
    "数据与统计快报口径不一致，请核实后重新报送",
    "分项数据之和与合计数不符，请核对后重新报送",
    "未附单位负责人审核意见，请补充后重新报送",
]

# Explanations of changes beyond a data set's threshold: the month's usual reason.
_MONTH_EXPLANATIONS = {
    1: "元旦后企业陆续恢复生产，与上年12月相比有所回落",
    2: "春节假期企业停产放假，生产经营活动减少",
    3: "节后企业全面复工复产，环比明显回升",
    7: "迎峰度夏，用电用能进入高峰",
    8: "迎峰度夏，用电用能进入高峰",
    10: "国庆假期影响",
    12: "年末企业赶产赶工，环比上升",
}
_OTHER_EXPLANATION = "季节性因素及工程项目进度不均衡所致，已核实"
# Forms whose first figures go in as a quick report (快报) before the full form is submitted:
# the monthly energy barometer needs every county's energy use and GDP by the 10th, so a
# county that has not submitted yet has at least saved those.
_QUICK_REPORTS = {"energy_month"}


@dataclass
class _Fate:
    """What happened to one submission by ``as_of``."""

    fill: str  # none | partial | all
    status: str = Status.DRAFT
    approvals: int = 0
    submitted_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    returned_reason: str = ""
    version: int = 0
    events: list[tuple[str, str, str, dt.datetime, str]] = field(default_factory=list)


def _fate(sub: Submission, seed: int, as_of: dt.date) -> _Fate:
    """Decide a submission's history from its own hash: the newest periods are still moving."""
    key = (seed, sub.data_set.code, sub.unit_key, sub.period)
    roll = uniform("fate", *key)
    opened = end_date(Period.parse(sub.period)) + dt.timedelta(days=1)
    if sub.due >= as_of:  # not due yet: a good part has not arrived
        if roll < 0.22:
            return _not_arrived(sub, key, opened, as_of)
        if roll < 0.30:
            saved = _at(opened, key, "draft", span=(as_of - opened).days)
            return _Fate("partial", updated_at=saved, version=1)
        outcome = "return" if roll < 0.36 else "submit"
        day = opened + dt.timedelta(days=int(uniform("day", *key) * (as_of - opened).days))
    else:
        overdue = (as_of - sub.due).days <= 40
        if overdue and roll < 0.04:
            return _not_arrived(sub, key, opened, as_of)  # past due
        outcome = "return" if overdue and roll < 0.08 else "submit"
        if not overdue and roll < 0.03:
            outcome = "history"  # sent back once, corrected and approved
        day = _submission_day(sub, key, opened, as_of, late_share=0.25 if overdue else 0.08)
    return _workflow(sub, key, outcome, _at(day, key, "submit"), _at(as_of, key, "cutoff", 0))


def _not_arrived(
    sub: Submission, key: tuple[object, ...], opened: dt.date, as_of: dt.date
) -> _Fate:
    if sub.data_set.code not in _QUICK_REPORTS:
        return _Fate("none")
    saved = _at(opened, key, "quick", span=min(9, (as_of - opened).days))
    return _Fate("partial", updated_at=saved, version=1)


def _submission_day(
    sub: Submission, key: tuple[object, ...], opened: dt.date, as_of: dt.date, late_share: float
) -> dt.date:
    if uniform("late", *key) < late_share:
        days_late = 1 + int(uniform("days-late", *key) * 12)
        days_late = min(days_late, (as_of - sub.due).days - 1)
        if days_late >= 1:
            return sub.due + dt.timedelta(days=days_late)
    early = int(uniform("days-early", *key) * min(10, (sub.due - opened).days))
    return sub.due - dt.timedelta(days=early)


def _workflow(
    sub: Submission, key: tuple[object, ...], outcome: str, at: dt.datetime, cutoff: dt.datetime
) -> _Fate:
    fate = _Fate("all", status=Status.SUBMITTED, submitted_at=at, version=2)
    fate.events.append(("submit", Status.DRAFT, Status.SUBMITTED, at, ""))
    reason = _RETURN_REASONS[int(uniform("reason", *key) * len(_RETURN_REASONS))]
    if outcome in ("return", "history"):
        back = at + dt.timedelta(days=1 + int(uniform("back", *key) * 3))
        if back < cutoff:
            fate.events.append(("return", Status.SUBMITTED, Status.RETURNED, back, reason))
            fate.status, fate.returned_reason, fate.version = Status.RETURNED, reason, 3
            at = back
    if outcome == "history" and fate.status == Status.RETURNED:
        at += dt.timedelta(days=2)
        fate.events.append(("submit", Status.RETURNED, Status.SUBMITTED, at, ""))
        fate.status, fate.submitted_at, fate.version = Status.SUBMITTED, at, 5
    if fate.status == Status.SUBMITTED:
        levels = len(sub.data_set.approval_levels)
        for level in range(levels):
            at += dt.timedelta(days=1 + level + int(uniform("ok", level, *key) * 3))
            if at >= cutoff:
                break  # still waiting at this level
            done = level + 1 == levels
            after = Status.APPROVED if done else Status.SUBMITTED
            fate.events.append(("approve", Status.SUBMITTED, after, at, ""))
            fate.status, fate.approvals, fate.version = after, level + 1, fate.version + 1
    fate.updated_at = fate.events[-1][3]
    return fate


def _at(day: dt.date, key: tuple[object, ...], what: str, span: int = 0) -> dt.datetime:
    """A working-hours moment on ``day`` (plus up to ``span`` days), in the project's zone."""
    offset = int(uniform(what, "span", *key) * max(span, 0))
    minutes = 0 if what == "cutoff" else 8 * 60 + 30 + int(uniform(what, *key) * 540)
    moment = dt.time(minutes // 60, minutes % 60)
    return dt.datetime.combine(
        day + dt.timedelta(days=offset), moment, tzinfo=timezone.get_default_timezone()
    )


# --- Writing ---------------------------------------------------------------------------------


class _Writer:
    """Collects the rows of every filled submission and writes them in a few bulk statements."""

    def __init__(self, user: User, seed: int, as_of: dt.date) -> None:
        self.user, self.seed, self.as_of = user, seed, as_of
        self.subs: list[Submission] = []
        self.values: list[Value] = []
        self.vintages: list[tuple[Value, dt.datetime]] = []
        self.events: list[SubmissionEvent] = []

    def fill(self, sub: Submission, model: Model) -> None:
        fate = _fate(sub, self.seed, self.as_of)
        if fate.fill == "none":
            return
        fields = list(sub.data_set.fields.all())
        if fate.fill == "partial":
            fields = fields[: max(1, len(fields) // 2)]
        unit = _unit(sub)
        period = Period.parse(sub.period)
        for spec in fields:
            code = spec.element.code
            self.values.append(
                Value(
                    submission=sub,
                    element=spec.element,
                    vintage=Vintage.REPORTED,
                    value=model.value(code, unit, period),
                    explanation=self._explanation(sub, model, code, unit, period),
                )
            )
        if fate.status == Status.APPROVED:
            self.vintages += _vintages(sub, unit, period, self.values[-len(fields) :], model)
        sub.status, sub.approvals, sub.version = fate.status, fate.approvals, fate.version
        sub.submitted_at, sub.returned_reason = fate.submitted_at, fate.returned_reason
        assert fate.updated_at is not None  # every fate that fills has a last step
        sub.updated_at = fate.updated_at
        self.subs.append(sub)
        self.events += [
            SubmissionEvent(
                submission=sub, by=self.user, action=a, from_status=f, to_status=t, note=n, at=at
            )
            for a, f, t, at, n in fate.events
        ]

    @staticmethod
    def _explanation(
        sub: Submission, model: Model, element: str, unit: Unit, period: Period
    ) -> str:
        """The note a reporter must give where the change on last period exceeds the threshold."""
        threshold = sub.data_set.change_threshold
        number = model.value(element, unit, period)
        previous = period.shift(-1)
        if threshold is None or previous.year < FIRST_YEAR:
            return ""
        before = model.value(element, unit, previous)
        if not before or abs(number / before - 1) * 100 <= threshold:
            return ""
        if period.month is not None:
            return _MONTH_EXPLANATIONS.get(period.month, "生产经营正常波动，已核实")
        return _OTHER_EXPLANATION

    def counts(self) -> tuple[int, int, int]:
        return len(self.subs), len(self.values) + len(self.vintages), len(self.vintages)

    def flush(self) -> None:
        """Write everything, then date it: auto_now fields would otherwise say today."""
        if not self.subs:
            return
        Submission.objects.bulk_update(
            self.subs,
            ["status", "approvals", "version", "submitted_at", "returned_reason", "updated_at"],
            batch_size=500,
        )
        Value.objects.bulk_create(self.values, batch_size=2000)
        Value.objects.bulk_create([v for v, _ in self.vintages], batch_size=2000)
        self._audit([*self.values, *(v for v, _ in self.vintages)])
        # The dating updates join these rows: planned on stale statistics (a test database
        # that was small when last analysed) PostgreSQL ran one for half an hour.
        _analyze()
        self._date_values()
        for value, at in self.vintages:
            value.updated_at = at
        Value.objects.bulk_update([v for v, _ in self.vintages], ["updated_at"], batch_size=500)
        moments = [event.at for event in self.events]  # bulk_create stamps auto_now_add "now"
        events = SubmissionEvent.objects.bulk_create(self.events, batch_size=2000)
        for event, at in zip(events, moments, strict=True):
            event.at = at
        SubmissionEvent.objects.bulk_update(events, ["at"], batch_size=500)

    def _audit(self, values: Iterable[Value]) -> None:
        user = self.user
        changes = [
            ValueChange(value=v, changed_by=user, new=v.value, reason=REASON, channel=CHANNEL)
            for v in values
        ]
        ValueChange.objects.bulk_create(changes, batch_size=2000)

    def _date_values(self) -> None:
        """Reported values were entered when submitted (or last saved, for a draft)."""
        ids = [s.pk for s in self.subs]
        entered = Submission.objects.filter(pk=OuterRef("submission_id")).values(
            when=Coalesce("submitted_at", "updated_at")
        )
        for chunk in _chunks(ids, 2000):
            reported = Value.objects.filter(submission_id__in=chunk, vintage=Vintage.REPORTED)
            reported.update(updated_at=Subquery(entered[:1]))
        # One join rather than Django's correlated subquery per row inside an IN (subquery).
        sql = (
            f"UPDATE {ValueChange._meta.db_table} SET changed_at = v.updated_at "
            f"FROM {Value._meta.db_table} v "
            f"WHERE {ValueChange._meta.db_table}.value_id = v.id AND v.submission_id IN (%s)"
        )
        with connection.cursor() as cursor:
            for chunk in _chunks(ids, 2000):
                cursor.execute(sql % ", ".join(["%s"] * len(chunk)), list(chunk))


# Verified (核定) figures: the 2010 energy statistics of six cities were verified with the
# annual report, the first quarter of 2011 of two; the 2010 emission accounting was verified by
# the ministry for every city. One county's December 2010 energy use was revised later.
# Each: the elements verified, how far verification moves them, and the note it leaves.
_VERIFIED: dict[str, tuple[tuple[str, ...], float, str]] = {
    "energy_month": (
        ("energy_consumption", "gdp_constant", "industrial_energy_consumption",
         "industrial_value_added_constant"),
        0.006,
        "能源统计年报核定",
    ),
    "emissions_half": (
        ("cod_emission", "nh3n_emission", "so2_emission", "nox_emission"),
        0.012,
        "主要污染物总量减排核查核定",
    ),
}  # fmt: skip
_VERIFIED_CITIES = {
    2010: {"330100", "330200", "330300", "330600", "330700", "331000"},
    2011: {"330100", "330200"},
}
_REVISED = ("energy_month", "330211", "2010-12")  # 镇海区
_REVISED_ELEMENTS = ("energy_consumption", "industrial_energy_consumption")
_REVISION_NOTE = "2011年9月能源统计执法检查发现炼化企业自备电厂用煤漏报，修订2010年12月能源消费数据"


def _vintages(
    sub: Submission, unit: Unit, period: Period, reported: list[Value], model: Model
) -> list[tuple[Value, dt.datetime]]:
    """The verified and revised figures recorded beside an approved submission's own."""
    code, zone = sub.data_set.code, timezone.get_default_timezone()
    elements, spread, note = _VERIFIED.get(code, ((), 0.0, ""))
    verified_on = dt.date(2011, 6, 28)  # the 2010 energy statistics, with the annual report
    if code == "emissions_half" and period.year == 2010:
        verified_on = dt.date(2011, 4, 20) if period.index == 2 else dt.date(2010, 9, 20)
    elif code == "energy_month" and unit.city in _VERIFIED_CITIES.get(period.year, ()):
        if period.year == 2011:
            verified_on = dt.date(2011, 7, 26)
            elements = elements if (period.month or 0) <= 3 else ()
    else:
        elements = ()
    rows = []
    for row in reported:
        element, number = row.element.code, row.value
        if number is None:
            continue
        digits = model.digits(element)
        if element in elements:
            factor = 1 + spread * (
                2 * uniform(model.seed, "verify", element, unit.code, period.key) - 1
            )
            figure = _q(number * _q(factor, 6), digits)
            at = dt.datetime.combine(verified_on, dt.time(10), tzinfo=zone)
            rows.append((_figure(row, Vintage.VERIFIED, figure, note), at))
        if (code, unit.code, sub.period) == _REVISED and element in _REVISED_ELEMENTS:
            figure = _q(number * Decimal("1.035"), digits)
            at = dt.datetime(2011, 9, 22, 15, tzinfo=zone)
            rows.append((_figure(row, Vintage.REVISED, figure, _REVISION_NOTE), at))
    return rows


def _figure(reported: Value, vintage: str, number: Decimal, note: str) -> Value:
    return Value(
        submission=reported.submission,
        element=reported.element,
        vintage=vintage,
        value=number,
        explanation=note,
    )


def _integers(data_sets: list[DataSet]) -> frozenset[str]:
    return frozenset(
        f.element.code
        for ds in data_sets
        for f in ds.fields.all()
        if f.element.value_type == "integer"
    )


def _unit(sub: Submission) -> Unit:
    if sub.region is not None:
        region = sub.region
        city = region.code[:4] + "00" if region.level == "county" else region.code
        return Unit(region.level, region.code, city)
    return Unit("province", "330000", None)
