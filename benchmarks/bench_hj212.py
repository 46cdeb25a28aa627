"""Benchmark: HJ 212 frames parsed (envelope, CRC, header, CP into Decimals) per second.

Goal: at least 50,000 typical 300-byte packets per second on one core. The packets are the
three an online-monitoring server mostly receives (HJ 212-2017 表9): hourly waste-water data
(2061), real-time flue-gas data (2011) and minute flue-gas data (2051), each about 300 bytes,
parsed in turn with the default rules. The same frames with an EFlag per pollutant, which
``parse`` reads on its general path rather than its one loop for the usual shape, are timed
too, as are CRC alone (附录A) and the step-by-step algorithm for comparison.

Run ``.venv/bin/python benchmarks/bench_hj212.py`` (``--quick`` for a short smoke run).
Figures are the best of 25 short runs, in CPU time of this process (``time.process_time``), which
is steadier than wall time on a shared machine; wall time is printed too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal

from plantrack.core.hj212 import BEIJING, CpValue, build, crc, crc_reference, parse, unwrap

GOAL = 50_000
MN = "010000A8900016F000169DC0"
HOUR = dt.datetime(2011, 6, 1, 8, tzinfo=BEIJING)


def sample_packets(eflag: str | None = None) -> list[bytes]:
    """Three typical frames of about 300 bytes; with ``eflag``, an extended flag (表4 EFlag)
    per pollutant as well, which takes them off the usual shape onto the general path."""
    water: list[dict[str, CpValue]] = [{"DataTime": HOUR}]
    for code, avg in (("w01018", "25.5"), ("w21003", "1.25")):
        water.append(
            {
                f"{code}-Min": Decimal(avg) - 1,
                f"{code}-Avg": Decimal(avg),
                f"{code}-Max": Decimal(avg) + 1,
                f"{code}-Cou": Decimal("12.345"),
                f"{code}-Flag": "N",
            }
        )
    water.append({"w00000-Cou": Decimal("1234.5"), "w00000-Flag": "N"})
    realtime: list[dict[str, CpValue]] = [{"DataTime": HOUR}]
    for code, rtd in (("a21026", "35.2"), ("a21002", "80.1"), ("a34013", "8.5")):
        realtime.append(
            {f"{code}-Rtd": Decimal(rtd), f"{code}-ZsRtd": Decimal(rtd) + 2, f"{code}-Flag": "N"}
        )
    for code, rtd in (("a19001", "9.8"), ("a01012", "45.0")):
        realtime.append({f"{code}-Rtd": Decimal(rtd), f"{code}-Flag": "N"})
    minute: list[dict[str, CpValue]] = [{"DataTime": HOUR}]
    for code in ("a21026", "a21002", "a34013", "a19001"):
        minute.append(
            {
                f"{code}-Avg": Decimal("31.25"),
                f"{code}-Cou": Decimal("0.123"),
                f"{code}-Flag": "N",
            }
        )
    for group in (*water[1:], *realtime[1:], *minute[1:]):
        if eflag is not None:
            code = next(iter(group)).split("-")[0]
            group[f"{code}-EFlag"] = eflag
    frames = []
    for cn, st, cp in (("2061", "32", water), ("2011", "31", realtime), ("2051", "31", minute)):
        frames.append(build(qn="20110601085857223", st=st, cn=cn, mn=MN, flag=5, cp=cp))
    return frames


def best_rate(work: Callable[[], None], count: int, runs: int) -> tuple[float, float]:
    """(best CPU-time rate, best wall-time rate) of ``runs`` runs doing ``count`` items."""
    cpu, wall = [], []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        work()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return count / min(cpu), count / min(wall)


def machine() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next(
            (line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line),
            platform.processor() or "unknown",
        )
    except OSError:
        model = platform.processor() or "unknown"
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{dt.datetime.now(dt.UTC).astimezone().date().isoformat()}"
    )


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--quick", action="store_true", help="short smoke run")
    args = options.parse_args()
    rounds, runs = (500, 3) if args.quick else (2_000, 25)
    frames = sample_packets()
    for frame in frames:
        packet = parse(frame)
        assert not packet.deviations and packet.cp.readings, frame
    general = sample_packets(eflag="A01")
    for frame in general:
        packet = parse(frame)
        assert not packet.deviations and all(r.eflag for r in packet.cp.readings.values())
    sizes = ", ".join(f"{len(f)}" for f in frames)
    segments = [unwrap(frame) for frame in frames]
    count = rounds * len(frames)

    def parse_all() -> None:
        for _ in range(rounds):
            for frame in frames:
                parse(frame)

    def parse_general() -> None:
        for _ in range(rounds):
            for frame in general:
                parse(frame)

    def crc_all() -> None:
        for _ in range(rounds):
            for segment in segments:
                crc(segment)

    def crc_slow() -> None:
        for _ in range(rounds // 20):
            for segment in segments:
                crc_reference(segment)

    print(f"Machine: {machine()}")
    print(f"Frames: 2061 water, 2011 flue gas, 2051 flue gas; {sizes} bytes")
    rate, wall = best_rate(parse_all, count, runs)
    print(f"parse (envelope + CRC + fields): {rate:,.0f} frames/s CPU ({wall:,.0f}/s wall)")
    print(f"  {1e6 / rate:.1f} µs per frame")
    general_rate, _ = best_rate(parse_general, count, runs)
    sizes = ", ".join(f"{len(f)}" for f in general)
    print(f"parse, the frames with EFlag (general path; {sizes} bytes): {general_rate:,.0f}/s")
    crc_rate, _ = best_rate(crc_all, count, runs)
    print(f"crc alone (fold + 2-byte tables): {crc_rate:,.0f} segments/s ({1e6 / crc_rate:.1f} µs)")
    slow_rate, _ = best_rate(crc_slow, count // 20, 1)
    print(f"crc step by step (附录A loop):    {slow_rate:,.0f} segments/s")
    met = rate >= GOAL
    print(f"Goal >= {GOAL:,}/s: {'met' if met else 'missed'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
