"""Records: one row per upload, merged by (source, time, CN), values kept exactly as sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from plantrack.core.hj212 import BEIJING, build, parse
from plantrack.monitoring import queries
from plantrack.monitoring.ingest import record_rows, records_of
from plantrack.monitoring.models import MonitoredSource, ReceiverEvent, Record, dumps_data
from plantrack.monitoring.queries import readings_between
from plantrack.monitoring.store import Writer, insert_records, merge_rows, store_values
from plantrack.regions.loader import load_regions
from plantrack.regions.models import Region

from .conftest import HZ_MN, stored

HOUR = dt.datetime(2011, 6, 1, 8, tzinfo=BEIJING)


def row(source: MonitoredSource, data: dict, *, qn: str = "") -> tuple:
    return (source.pk, HOUR, "2061", qn, timezone.now(), dumps_data(data))


@pytest.mark.django_db
def test_a_later_upload_of_the_same_hour_adds_what_is_missing_and_changes_nothing(
    outlets,
) -> None:
    hz, _ = outlets
    insert_records([row(hz, {"w01018": {"Avg": Decimal("25.5"), "Flag": "N"}}, qn="1")])
    insert_records(
        [row(hz, {"w01018": {"Avg": Decimal("99"), "Max": Decimal("30.1"), "Flag": "D"},
                  "w21003": {"Avg": Decimal("1.25")}}, qn="2")]
    )  # fmt: skip
    record = Record.objects.get()
    assert record.qn == "1"
    assert record.values("w01018") == {"Avg": Decimal("25.5"), "Max": Decimal("30.1")}
    assert record.flag("w01018") == "N" and record.values("w21003") == {"Avg": Decimal("1.25")}


@pytest.mark.django_db
def test_rows_of_one_key_in_one_batch_are_merged_before_they_are_written(outlets) -> None:
    # PostgreSQL's ON CONFLICT may not meet one key twice in one statement.
    hz, nb = outlets
    rows = [
        row(hz, {"w01018": {"Avg": Decimal("25.5")}}),
        row(nb, {"a21026": {"Avg": Decimal("35")}}),
        row(hz, {"w01018": {"Avg": Decimal("1")}, "w21003": {"Avg": Decimal("2")}}),
    ]
    assert len(merge_rows(rows)) == 2
    insert_records(rows)
    assert stored(source=hz) == {("w01018", "Avg"): Decimal("25.5"), ("w21003", "Avg"): 2}
    assert stored(source=nb) == {("a21026", "Avg"): Decimal("35")}


@settings(max_examples=30)
@given(st.lists(st.decimals(allow_nan=False, allow_infinity=False), min_size=1, max_size=5))
def test_values_are_read_back_exactly_as_written(values: list[Decimal]) -> None:
    text = dumps_data({"w01018": {f"K{i}": v for i, v in enumerate(values)}})
    record = Record(data=Record._meta.get_field("data").from_db_value(text, None, connection))
    assert [str(v) for v in record.values("w01018").values()] == [str(v) for v in values]


READINGS = st.dictionaries(
    st.sampled_from(["w01018", "a21026", "011", "060", "xyz9"]),  # 2017, 2005 and unknown codes
    st.tuples(
        st.dictionaries(
            st.sampled_from(["Rtd", "Avg", "Min", "Max", "Cou", "ZsAvg"]),
            st.decimals(min_value=-1000, max_value=10**6, places=3),
            min_size=1,
        ),
        st.sampled_from([None, "N", "M", "D"]),
        st.sampled_from([None, "A01"]),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=60)
@given(READINGS, st.booleans())
def test_the_receivers_direct_json_equals_the_general_path(readings, dated: bool) -> None:
    group: dict = {"DataTime": HOUR} if dated else {}
    for code, (values, flag, eflag) in readings.items():
        group.update({f"{code}-{kind}": value for kind, value in values.items()})
        group.update({f"{code}-Flag": flag} if flag else {})
        group.update({f"{code}-EFlag": eflag} if eflag else {})
        if not dated:
            group[f"{code}-SampleTime"] = HOUR
    packet = parse(build(qn="20110601085857223", st="32", cn="2061", mn=HZ_MN, pw="123456",
                         flag=5, cp=[group]))  # fmt: skip
    rows, values = record_rows(packet, 1, timezone.now())
    general = records_of(packet)
    assert [row[5] for row in rows] == [dumps_data(data) for data in general.values()]
    assert values == sum(len(v) for v, _, _ in readings.values())


@pytest.mark.django_db
def test_a_stored_value_keeps_its_trailing_zeros(outlets) -> None:
    hz, _ = outlets
    packet = parse(build(qn="20110601085857223", st="32", cn="2061", mn=HZ_MN, pw="123456",
                         flag=5, cp="DataTime=20110601080000;w01018-Avg=25.50,w01018-Flag=N"))  # fmt: skip
    rows, values = record_rows(packet, hz.pk, timezone.now())
    insert_records(rows)
    assert values == 1
    [value] = readings_between(hz)
    assert str(Record.objects.get().values("w01018")["Avg"]) == "25.50"
    assert (value.pollutant, value.kind, value.text, value.flag) == ("w01018", "Avg", "25.5", "N")


@pytest.mark.django_db
def test_values_between_are_ordered_filtered_and_limited(outlets) -> None:
    hz, _ = outlets
    store_values(hz.pk, "2061", [
        (HOUR + dt.timedelta(hours=h), code, kind, Decimal(h), "N")
        for h in range(3) for code in ("w21003", "w01018") for kind in ("Max", "Avg")
    ])  # fmt: skip
    first = readings_between(hz, limit=3)
    assert [(v.time.hour, v.pollutant, v.kind) for v in first] == [
        (0, "w01018", "Avg"), (0, "w01018", "Max"), (0, "w21003", "Avg"),
    ]  # fmt: skip
    only = readings_between(hz, pollutant="w21003", kind="Max", start=HOUR + dt.timedelta(hours=1))
    assert [(v.time, v.value) for v in only] == [
        (HOUR + dt.timedelta(hours=h), Decimal(h)) for h in (1, 2)
    ]


@pytest.mark.django_db
def test_latest_values_come_from_the_newest_records_only(outlets, monkeypatch) -> None:
    hz, _ = outlets
    monkeypatch.setattr(queries, "LATEST_WINDOW", 3)
    store_values(hz.pk, "2061", [(HOUR, "w21003", "Avg", Decimal("1.5"), "N")])
    store_values(hz.pk, "2061", [
        (HOUR + dt.timedelta(hours=h), "w01018", kind, Decimal(h), "N" if h < 4 else "D")
        for h in range(5) for kind in ("Avg", "Max")
    ])  # fmt: skip
    [latest] = queries.latest_readings(hz)  # w21003 is only in the oldest of 5 records
    assert (latest.pollutant, latest.time, latest.flag) == (
        "w01018",
        HOUR + dt.timedelta(hours=4),
        "D",
    )
    assert latest.values == {"Avg": "4", "Max": "4"}
    monkeypatch.setattr(queries, "LATEST_WINDOW", 5)
    assert [x.pollutant for x in queries.latest_readings(hz)] == ["w01018", "w21003"]


@pytest.fixture
def source(transactional_db: None) -> MonitoredSource:
    """An outlet, for tests whose database work is not in a test transaction (a migration,
    the writer's thread); such a test starts from a flushed database."""
    if not Region.objects.exists():
        load_regions()
    return MonitoredSource.objects.create(
        mn=HZ_MN, password="123456", name="西湖排放口", region=Region.objects.get(code="330106"),
        system="32",
    )  # fmt: skip


@pytest.fixture
def migrations_restored(source: MonitoredSource) -> Iterator[MonitoredSource]:
    """Leaves the schema at the latest migrations, whatever the test migrated it to: later
    tests in this database need every column."""
    yield source
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_migration_gathers_the_values_of_0002_into_records(migrations_restored) -> None:
    source = migrations_restored
    before, after = ("monitoring", "0002_logger_commands"), ("monitoring", "0003_records")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps.get_model("monitoring", "Reading")
    now = timezone.now()
    old.objects.bulk_create(
        old(source_id=source.pk, pollutant=code, time=HOUR + dt.timedelta(hours=h), cn="2061",
            kind=kind, value=Decimal(value), flag=flag, qn=f"q{h}", received_at=now)
        for h in range(2)
        for code, kind, value, flag in [("w01018", "Avg", "25.5", "N"), ("w01018", "Max", "30.1", "N"),
                                        ("w21003", "Avg", "1.25", "")]
    )  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate([after])
    records = list(Record.objects.order_by("time"))
    assert [(r.time, r.qn) for r in records] == [(HOUR, "q0"), (HOUR + dt.timedelta(hours=1), "q1")]
    assert records[0].data == {
        "w01018": {"Avg": Decimal("25.5"), "Max": Decimal("30.1"), "Flag": "N"},
        "w21003": {"Avg": Decimal("1.25")},
    }
    assert str(records[0].values("w01018")["Avg"]) == "25.5"  # not 0001's 25.500000


def test_the_writer_merges_the_row_batches_queued_behind_the_one_it_takes(source) -> None:
    now = timezone.now()

    def batch(hour: int) -> list:
        data = dumps_data({"w01018": {"Avg": Decimal(hour)}})
        return [(source.pk, HOUR + dt.timedelta(hours=hour), "2061", "", now, data)]

    writer = Writer()
    for hour in range(3):
        writer.rows(batch(hour))
    writer.events([(now, "127.0.0.1:5000", HZ_MN, source.pk, "idle", "idle", "")])
    writer.rows(batch(3))
    writer.start()  # everything is queued before the thread takes the first item
    writer.stop()
    assert (writer.batches, writer.rows_written, writer.pending_rows) == (2, 4, 0)
    assert Record.objects.count() == 4 and ReceiverEvent.objects.count() == 1
