"""Demo sources and a month of readings (演示数据), sent through the real parser path.

:func:`generate_demo` registers, in each of Zhejiang's eleven cities, a demo power plant's flue
gas outlet (ST 31), a demo dye works' waste-water outlet (ST 32), an air-quality station (ST 22)
and a surface-water section (ST 21), with MN codes, passwords and limits. With ``days`` it
builds the hourly (2061) and daily (2031) packets those loggers would have sent from
``start``, parses them with :func:`plantrack.core.hj212.parse` and stores the readings as the
receiver does. Figures are a pure function of the seed and the cell (no shared random state),
with gaps (transmission failures), maintenance flags and a few exceedances, so the quality
computations have something to find. Rerunning adds nothing already there.

:func:`register_loads` gives each city's demo enterprises 2010 环境统计 emissions (the pollution
load of target V00-27), and registers two more enterprises per city without online monitoring
(a paper mill and a chemical works), so the coverage of the load is below 100 %.

Limits are those of the cited standards as the demo's assumptions, not any enterprise's permit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from plantrack.core.hj212 import BEIJING, CpValue, build, parse
from plantrack.enterprises.models import EmissionFigure, Enterprise
from plantrack.plans.models import Target
from plantrack.regions.models import Level, Region

from .ingest import RecordRow, record_rows
from .models import MonitoredSource, Record, SourcePollutant
from .store import insert_records

DEMO_LABEL = "演示数据"
SEED = "monitoring-2011"


@dataclass(frozen=True)
class _Spec:
    """A demo pollutant: code, typical level, spread, limit (with unit and standard)."""

    code: str
    level: float
    spread: float
    limit: str | None = None
    unit: str = ""
    standard: str = ""
    limit_kind: str = "Avg"


# GB 13223-2011 表1 (燃煤锅炉, 新建): 烟尘 30, SO2 100, NOx 100 mg/m³, on converted values.
_FLUE_GAS = (
    _Spec("a21026", 45, 18, "100", "mg/m³", "GB 13223-2011 表1", "ZsAvg"),
    _Spec("a21002", 60, 20, "100", "mg/m³", "GB 13223-2011 表1", "ZsAvg"),
    _Spec("a34013", 12, 6, "30", "mg/m³", "GB 13223-2011 表1", "ZsAvg"),
    _Spec("a19001", 9, 1),
)
# GB 8978-1996 表4 一级: COD 100, 氨氮 15 mg/L.
_WASTE_WATER = (
    _Spec("w01018", 55, 18, "100", "mg/L", "GB 8978-1996 表4 一级"),
    _Spec("w21003", 6, 3, "15", "mg/L", "GB 8978-1996 表4 一级"),
    _Spec("w00000", 20, 5),
)
_AIR_STATION = (
    _Spec("a34004", 38, 15),
    _Spec("a34002", 65, 22),
    _Spec("a21026", 16, 6),
    _Spec("a21004", 36, 12),
    _Spec("a21005", 0.8, 0.25),
    _Spec("a05024", 95, 35),
)
_WATER_SECTION = (
    _Spec("w01009", 6.5, 1.2),
    _Spec("w01019", 4.0, 1.2),
    _Spec("w21003", 0.6, 0.35),
    _Spec("w21011", 0.12, 0.06),
)
# (kind digit of the MN, ST, name, specs, outlet code).
_KINDS = (
    ("1", "31", "演示热电有限公司 1号锅炉排放口", _FLUE_GAS, "DA001"),
    ("2", "32", "演示印染有限公司 废水总排放口", _WASTE_WATER, "DW001"),
    ("3", "22", "市环境空气质量自动监测站", _AIR_STATION, ""),
    ("4", "21", "市界地表水水质自动监测断面", _WATER_SECTION, ""),
)
_TARGET_INDICATORS = {
    "31": "online_data_conformity_rate",
    "32": "online_data_conformity_rate",
    "22": "good_air_days_rate",
    "21": "surface_water_compliance_rate",
}


def _unit(*cell: object) -> float:
    """A deterministic number in [0, 1) for ``cell``."""
    digest = hashlib.blake2b(repr((SEED, *cell)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass
class DemoResult:
    sources_created: int = 0
    packets: int = 0
    readings: int = 0
    loads_created: int = 0
    lines_: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"在线监测（{DEMO_LABEL}）：新登记监测点 {self.sources_created}，"
            f"解析数据包 {self.packets}，写入数据 {self.readings}，"
            f"环境统计排放量 {self.loads_created}"
        ]


def demo_mn(city: str, kind: str) -> str:
    """24 characters 0-9 (EPC-96 form, HJ 212-2017 表3): city code, kind digit, serial."""
    return f"{city}{kind}{1:017d}"


@transaction.atomic
def register_sources(plan_code: str = "zhejiang-2011") -> list[MonitoredSource]:
    """The 44 demo sources (idempotent: existing MNs are left as users changed them)."""
    created: list[MonitoredSource] = []
    cities = Region.objects.filter(level=Level.CITY, code__startswith="33").order_by("code")
    for city in cities:
        county = city.children.order_by("code").first() or city
        for kind, st, label, specs, outlet in _KINDS:
            mn = demo_mn(city.code, kind)
            if MonitoredSource.objects.filter(mn=mn).exists():
                continue
            enterprise = None
            if st in ("31", "32"):
                enterprise, _ = Enterprise.objects.get_or_create(
                    code=f"91{city.code}DEMO{kind}0001"[:18],
                    defaults={
                        "name": f"{city.name}{label.split()[0]}（{DEMO_LABEL}）",
                        "region": county,
                        "industry": "电力" if st == "31" else "纺织印染",
                    },
                )
            name = label.split()[-1] if enterprise else f"{city.name}{label}（{DEMO_LABEL}）"
            source = MonitoredSource.objects.create(
                mn=mn,
                password=f"{int(_unit('pw', mn) * 1e6):06d}",
                name=name,
                enterprise=enterprise,
                outlet_code=outlet,
                region=enterprise.region if enterprise else city,
                system=st,
                water_class=3 if st == "21" else None,
                is_demo=True,
                note=DEMO_LABEL,
            )
            for spec in specs:
                SourcePollutant.objects.create(
                    source=source,
                    code=spec.code,
                    limit=Decimal(spec.limit) if spec.limit else None,
                    limit_unit=spec.unit,
                    limit_standard=spec.standard,
                    limit_kind=spec.limit_kind,
                    minute_interval=10 if st in ("31", "32") else None,
                )
            source.targets.set(
                Target.objects.filter(plan__code=plan_code, indicator__code=_TARGET_INDICATORS[st])
            )
            created.append(source)
    return created


def _value(source: MonitoredSource, spec: _Spec, hour: int) -> float:
    # A daily cycle plus noise; about 2% of hours of limited pollutants exceed the limit.
    cycle = 0.25 * spec.spread * (1 if 8 <= hour % 24 <= 20 else -1)
    noise = (_unit(source.mn, spec.code, hour) - 0.5) * 2 * spec.spread
    value = max(spec.level + cycle + noise, spec.level * 0.05)
    if spec.limit and _unit("exceed", source.mn, spec.code, hour) < 0.02:
        value = float(spec.limit) * (1.05 + _unit("by", source.mn, hour) * 0.4)
    return value


def _frames(source: MonitoredSource, specs: tuple[_Spec, ...], start: dt.datetime, days: int
            ) -> Iterator[bytes]:  # fmt: skip
    """The hourly and daily packets one logger sent; about 3% of hours never arrive."""
    outlet = source.system in ("31", "32")
    qn_serial = 0
    for day in range(days):
        daily: dict[str, list[float]] = {spec.code: [] for spec in specs}
        for h in range(24):
            hour = day * 24 + h
            values = {spec.code: _value(source, spec, hour) for spec in specs}
            for code, value in values.items():
                daily[code].append(value)
            if _unit("gap", source.mn, hour) < 0.03:
                continue
            flag = "M" if _unit("flag", source.mn, hour) < 0.01 else "N"
            at = start + dt.timedelta(hours=hour)
            groups: list[dict[str, CpValue]] = [{"DataTime": at}]
            for spec in specs:
                groups.append(_group(spec, values[spec.code], flag, outlet))
            qn_serial += 1
            yield build(qn=f"{at:%Y%m%d%H%M%S}{qn_serial % 1000:03d}", st=source.system,
                        cn="2061", mn=source.mn, pw=source.password, flag=4, cp=groups)  # fmt: skip
        at = start + dt.timedelta(days=day)
        groups = [{"DataTime": at}]
        for spec in specs:
            groups.append(_group(spec, sum(daily[spec.code]) / 24, "N", outlet))
        yield build(qn=f"{at:%Y%m%d}235959999", st=source.system, cn="2031", mn=source.mn,
                    pw=source.password, flag=4, cp=groups)  # fmt: skip


def _group(spec: _Spec, value: float, flag: str, outlet: bool) -> dict[str, CpValue]:
    digits = Decimal("0.001") if value < 10 else Decimal("0.01")
    avg = Decimal(repr(value)).quantize(digits)
    group: dict[str, CpValue] = {f"{spec.code}-Avg": avg}
    if outlet:
        group[f"{spec.code}-Min"] = (avg * Decimal("0.8")).quantize(digits)
        group[f"{spec.code}-Max"] = (avg * Decimal("1.2")).quantize(digits)
        if spec.limit_kind == "ZsAvg":
            group[f"{spec.code}-ZsAvg"] = (avg * Decimal("1.1")).quantize(digits)
    group[f"{spec.code}-Flag"] = flag
    return group


# The 2010 环境统计 year of the demo loads, and each demo enterprise's emissions (t/a) as
# (low, high) per pollutant: kind digit 1 the power plant, 2 the dye works (both monitored),
# 5 a paper mill and 6 a chemical works (registered, without online monitoring).
LOAD_YEAR = 2010
_LOADS = {
    "1": {"so2": (800, 3000), "nox": (1200, 4000)},
    "2": {"cod": (300, 1200), "nh3n": (20, 80)},
    "5": {"cod": (30, 160), "nh3n": (2, 9)},
    "6": {"so2": (40, 260), "nox": (30, 200), "cod": (10, 60), "nh3n": (1, 5)},
}
_UNMONITORED = {"5": ("演示造纸有限公司", "造纸"), "6": ("演示化工有限公司", "化工")}


@transaction.atomic
def register_loads() -> int:
    """The demo enterprises' 2010 emissions (idempotent: existing figures are left alone)."""
    created = 0
    for city in Region.objects.filter(level=Level.CITY, code__startswith="33").order_by("code"):
        county = city.children.order_by("code").first() or city
        for kind, ranges in _LOADS.items():
            code = f"91{city.code}DEMO{kind}0001"[:18]
            enterprise = Enterprise.objects.filter(code=code).first()
            if enterprise is None and kind in _UNMONITORED:
                name, industry = _UNMONITORED[kind]
                enterprise = Enterprise.objects.create(
                    code=code, name=f"{city.name}{name}（{DEMO_LABEL}）", region=county,
                    industry=industry,
                )  # fmt: skip
            if enterprise is None:
                continue
            for pollutant, (low, high) in ranges.items():
                amount = Decimal(round(low + (high - low) * _unit("load", code, pollutant), 1))
                _, made = EmissionFigure.objects.get_or_create(
                    enterprise=enterprise, year=LOAD_YEAR, pollutant=pollutant,
                    defaults={"amount": amount, "is_demo": True,
                              "source": f"环境统计（{DEMO_LABEL}）"},
                )  # fmt: skip
                created += made
    return created


def generate_demo(
    *, start: dt.date = dt.date(2011, 6, 1), days: int = 30, plan_code: str = "zhejiang-2011"
) -> DemoResult:
    """Register the demo sources and, with ``days``, store their readings from ``start``."""
    result = DemoResult()
    result.sources_created = len(register_sources(plan_code))
    result.loads_created = register_loads()
    if days <= 0:
        return result
    begin = dt.datetime(start.year, start.month, start.day, tzinfo=BEIJING)
    end = begin + dt.timedelta(days=days)
    specs = {kind[0]: kind[3] for kind in _KINDS}
    received = dt.datetime.now(dt.UTC)
    for source in MonitoredSource.objects.filter(is_demo=True).order_by("mn"):
        done = Record.objects.filter(source=source, time__gte=begin, time__lt=end).exists()
        kind = source.mn[6]
        if done or kind not in specs:
            continue
        rows: list[RecordRow] = []
        for frame in _frames(source, specs[kind], begin, days):
            packet_rows, values = record_rows(parse(frame), source.pk, received)
            rows += packet_rows
            result.packets += 1
            result.readings += values
        insert_records(rows)
    return result
