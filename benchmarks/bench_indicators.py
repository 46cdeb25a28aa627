"""Benchmark: recompute every indicator for every region and month from raw data elements.

Scenario 1 (goal < 1 s on one core): Zhejiang, 102 regions (1 province, 11 cities, 90 counties)
x 12 months of 2011. Counties hold generated data; cities and the province are aggregated from
them through ``AggregatingDataSource``, so aggregation is part of the timed run. Indicators come
from the 2011 plan file when it defines at least 40; otherwise (and also) a synthetic plan of
170 indicators shaped like the real ones (ratios, year-on-year and year-to-date changes,
intensity changes, sums, shares, references to other indicators) is measured.

Scenario 2 (goal < 20 s and < 1 GB peak RSS): a national-scale synthetic run of 3,000 regions
(1 nation, 31 provinces, 300 cities, 2,668 counties) x 12 months.

Run ``.venv/bin/python benchmarks/bench_indicators.py`` (``--quick`` for a small smoke run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from array import array
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from plantrack.core.expressions import (
    AggregatingDataSource,
    Aggregation,
    CompiledSet,
    DataSource,
    MemoryDataSource,
    Period,
    compile_indicators,
)
from plantrack.core.nodata import NO_DATA, NoData
from plantrack.core.planfile import PlanFileError, read_plan

PLAN = Path(__file__).resolve().parents[1] / "src/plantrack/plans/data/zhejiang-2011.yaml"
YEAR, BASE_YEAR = 2011, 2010
# Every period the indicators may read: the base year's annual value and three years of months
# (an indicator such as ``change(I{x}, I{x}[-1y])`` with ``x`` reading ``[ytd,-1y]`` reaches 2009).
DATA_PERIODS = [Period(BASE_YEAR)] + [
    Period(y, m) for y in (2009, 2010, 2011) for m in range(1, 13)
]

Tree = dict[str, list[str]]  # parent region -> child regions


# --- plans -----------------------------------------------------------------------------------


def synthetic_plan(count: int = 170) -> tuple[dict[str, str], dict[str, Aggregation]]:
    """A plan shaped like the 2011 one: 80 summable amounts, 10 levels, ``count`` indicators."""
    rng = random.Random(170)
    amounts = [f"amount{i:02d}" for i in range(80)]
    aggregation: dict[str, Aggregation] = dict.fromkeys(amounts, "sum")
    aggregation |= {f"level{i:02d}": "none" for i in range(10)}
    shapes = [  # (how many, template); {a} {b} {c} are amounts, {l} a level, {k} an index
        (30, "ratio", "#{{{a}}} / #{{{b}}}"),
        (25, "yoy", "change(#{{{a}}} / #{{{b}}}, #{{{a}}}[-1y] / #{{{b}}}[-1y])"),
        (20, "ytd", "change(#{{{a}}}[ytd] / #{{{b}}}[ytd], #{{{a}}}[ytd,-1y] / #{{{b}}}[ytd,-1y])"),
        (
            15,
            "intensity",
            "intensity_change(#{{{a}}}[ytd,-1y], #{{{b}}}[ytd,-1y], #{{{a}}}[ytd], #{{{b}}}[ytd])",
        ),  # fmt: skip
        (15, "total", "#{{{a}}} + #{{{b}}} + #{{{c}}}"),
        (15, "share", "pct(#{{{a}}}, #{{{a}}} + #{{{b}}})"),
        (15, "growth", "change(#{{{a}}}, #{{{a}}}[-1y])"),
        (10, "pp", "pp(I{{share{k:02d}}}, I{{share{k:02d}}}[-1y])"),
        (10, "progress", "#{{{a}}}[ytd] / #{{{a}}}[base]"),
        (5, "level", "if(#{{{l}}} > 50, #{{{l}}}, coalesce(#{{{l}}}[-1p], #{{{l}}}))"),
        (5, "rounded", "round(100 * I{{ratio{k:02d}}}, 2)"),
        (5, "cumulative", "cumulative_change(I{{yoy{k:02d}}}, I{{growth{k:02d}}})"),
    ]
    indicators: dict[str, str] = {}
    while len(indicators) < count:
        for how_many, name, template in shapes:
            for i in range(how_many):
                a, b, c = rng.sample(amounts, 3)
                level = f"level{rng.randrange(10):02d}"
                text = template.format(a=a, b=b, c=c, l=level, k=rng.randrange(5))
                indicators.setdefault(
                    f"{name}{i:02d}" + ("" if count <= 170 else f"_{len(indicators)}"), text
                )
    return dict(list(indicators.items())[:count]), aggregation


def plan_file_indicators() -> tuple[dict[str, str | None], dict[str, Aggregation]] | str:
    """The 2011 plan's indicators and element aggregation, or why they cannot be used."""
    try:
        plan = read_plan(PLAN)
    except PlanFileError as error:
        return f"plan file unreadable: {str(error).splitlines()[0]}"
    aggregation: dict[str, Aggregation] = {e.code: e.aggregation for e in plan.data_elements}
    for indicator in plan.indicators:
        if indicator.expression is None:  # measured directly by its own element
            aggregation.setdefault(
                indicator.code, "sum" if indicator.aggregation == "sum" else "none"
            )
    return {i.code: i.expression for i in plan.indicators}, aggregation


# --- regions and data ------------------------------------------------------------------------


def zhejiang_tree() -> tuple[list[str], Tree]:
    """1 province, 11 cities and 90 counties (8 or 9 per city), with six-digit codes."""
    tree: Tree = {"330000": []}
    county_count = [9, 9] + [8] * 9
    for city_index, counties in enumerate(county_count, start=1):
        city = f"33{city_index:02d}00"
        tree["330000"].append(city)
        tree[city] = [f"33{city_index:02d}{k:02d}" for k in range(1, counties + 1)]
    return _regions(tree), tree


def national_tree(
    provinces: int = 31, cities: int = 300, counties: int = 2668
) -> tuple[list[str], Tree]:
    """By default 3,000 regions: a nation, 31 provinces, 300 cities and 2,668 counties."""
    tree: Tree = {"000000": []}
    city_codes = [f"C{i:04d}" for i in range(cities)]
    for p in range(provinces):
        tree["000000"].append(f"P{p:02d}")
        tree[f"P{p:02d}"] = city_codes[p::provinces]
    county_codes = [f"K{i:05d}" for i in range(counties)]
    for c, city in enumerate(city_codes):
        tree[city] = county_codes[c::cities]
    return _regions(tree), tree


def _regions(tree: Tree) -> list[str]:
    """Every region, parents first."""
    regions = [next(iter(tree))]
    for region in regions:
        regions += tree.get(region, [])
    return regions


def memory_data(
    aggregation: Mapping[str, Aggregation], regions: Sequence[str], tree: Tree, seed: int
) -> MemoryDataSource:
    """Dict-backed data: amounts for counties only, levels for every region."""
    rng = random.Random(seed)
    data = MemoryDataSource()
    for element, method in aggregation.items():
        for region in regions:
            if method != "none" and region in tree:
                continue  # a parent's amount is aggregated from its children
            for period in DATA_PERIODS:
                data.set(element, region, period, Decimal(rng.randint(100, 10**7)).scaleb(-2))
    return data


class PooledDataSource:
    """Compact deterministic data for the national run: one list slot (8 bytes) per value.

    A dict of ten million distinct ``Decimal`` objects would itself take about 2 GB, which
    measures the store rather than the evaluator; here every series draws its values from a
    shared pool of 65,536 random decimals.
    """

    def __init__(self, elements: Sequence[str], regions: Sequence[str], seed: int) -> None:
        rng = random.Random(seed)
        pool = [Decimal(rng.randint(100, 10**7)).scaleb(-2) for _ in range(65536)]
        self.column = {period.key: i for i, period in enumerate(DATA_PERIODS)}
        width = len(DATA_PERIODS)
        self.series = {
            (element, region): [pool[i] for i in array("H", rng.randbytes(2 * width))]
            for element in elements
            for region in regions
        }

    def value(self, element: str, region: str, period: Period) -> Decimal | NoData:
        try:
            return self.series[(element, region)][self.column[period.key]]
        except KeyError:
            return NO_DATA

    def values(self, region: str, reads: Sequence[tuple[str, Period]]) -> list[Decimal | NoData]:
        """Batch read, as a database-backed source would do with one query."""
        series, column = self.series, self.column
        try:
            return [series[(element, region)][column[period.key]] for element, period in reads]
        except KeyError:
            return [self.value(element, region, period) for element, period in reads]


# --- runs ------------------------------------------------------------------------------------


def run(
    compiled: CompiledSet,
    raw: DataSource,
    tree: Tree,
    aggregation: Mapping[str, Aggregation],
    regions: Sequence[str],
    months: int,
) -> tuple[float, float, int, int]:
    """One full recomputation: (wall s, CPU s, values computed, values that are NO_DATA).

    NO_DATA is counted for every 10th region only, to keep the count out of the timing.
    """
    data = AggregatingDataSource(raw, tree, aggregation)  # fresh: aggregation is timed too
    periods = [Period(YEAR, m) for m in range(1, months + 1)]
    counted = set(regions[::10])
    values = missing = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for region, _, result in compiled.evaluate_many(regions, periods, data):
        values += len(result)
        if region in counted:
            missing += sum(1 for v in result.values() if v is NO_DATA)
    return time.perf_counter() - wall, time.process_time() - cpu, values, missing


def scenario(
    label: str,
    indicators: Mapping[str, str | None],
    aggregation: Mapping[str, Aggregation],
    raw_for: str,
    tree_of: tuple[list[str], Tree],
    months: int,
    repeats: int,
) -> dict[str, object]:
    regions, tree = tree_of
    start = time.perf_counter()
    compiled = compile_indicators(indicators, set(aggregation), base_year=BASE_YEAR)
    compile_s = time.perf_counter() - start
    start = time.perf_counter()
    raw: DataSource
    if raw_for == "memory":
        raw = memory_data(aggregation, regions, tree, seed=2011)
    else:
        leaves = [r for r in regions if r not in tree]
        raw = PooledDataSource(list(aggregation), leaves + list(tree), seed=2011)
    data_s = time.perf_counter() - start
    runs = [run(compiled, raw, tree, aggregation, regions, months) for _ in range(repeats)]
    walls = [r[0] for r in runs]
    row: dict[str, object] = {
        "scenario": label,
        "indicators": len(compiled.codes),
        "elements": len(aggregation),
        "regions": len(regions),
        "months": months,
        "values": runs[0][2],
        "no_data": runs[0][3],
        "compile_s": compile_s,
        "data_s": data_s,
        "best_s": min(walls),
        "median_s": statistics.median(walls),
        "cpu_s": min(r[1] for r in runs),
        "us_per_value": min(walls) / runs[0][2] * 1e6,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(
        f"{label}: {row['indicators']} indicators x {row['regions']} regions x {months} months"
        f" = {row['values']:,} values ({row['no_data']:,} NO_DATA in every 10th region); compile {compile_s:.3f} s,"
        f" data {data_s:.2f} s; run best {row['best_s']:.3f} s, median {row['median_s']:.3f} s"
        f" (CPU {row['cpu_s']:.3f} s, {row['us_per_value']:.2f} µs/value);"
        f" peak RSS so far {row['peak_rss_mb']:.0f} MB",
        flush=True,
    )
    return row


def machine() -> str:
    """CPU model, cores, Python version and date, for results.md."""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next(line.split(":", 1)[1].strip() for line in lscpu.splitlines()
                     if line.startswith("Model name"))  # fmt: skip
    except (OSError, subprocess.CalledProcessError, StopIteration):
        model = platform.processor() or "unknown CPU"
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()},"
        f" {dt.datetime.now(dt.UTC).date().isoformat()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run, no goals checked")
    args = parser.parse_args()
    months, repeats = (2, 1) if args.quick else (12, 3)
    print(f"machine: {machine()}", flush=True)

    failures = []
    plan = plan_file_indicators()
    if isinstance(plan, str) or not plan[0]:
        print(f"2011 plan file: {plan if isinstance(plan, str) else 'no indicators yet'}")
    else:
        rows = scenario(
            "zhejiang, 2011 plan file",
            *plan,
            "memory",
            zhejiang_tree(),
            months,
            repeats,
        )
        if not args.quick and rows["best_s"] >= 1:  # type: ignore[operator]
            failures.append("2011 plan file run took 1 s or more")
    # Always measured: unlike the plan file, where many indicators are plain element reads,
    # every synthetic indicator is a formula.
    rows = scenario("zhejiang, synthetic 170", *synthetic_plan(), "memory", zhejiang_tree(),
                    months, repeats)  # fmt: skip
    if not args.quick and rows["best_s"] >= 1:  # type: ignore[operator]
        failures.append("synthetic Zhejiang run took 1 s or more")

    national = national_tree(2, 6, 40) if args.quick else national_tree()
    rows = scenario("national, synthetic 170", *synthetic_plan(), "pooled", national, months, 1)
    if not args.quick and (rows["best_s"] >= 20 or rows["peak_rss_mb"] >= 1024):  # type: ignore[operator]
        failures.append("national run missed 20 s or 1 GB")
    for failure in failures:
        print(f"GOAL MISSED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
