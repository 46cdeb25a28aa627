"""The generated 2011 demo scenario: complete, calibrated, varied, audited and idempotent."""

import datetime as dt
import hashlib
from collections import defaultdict
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from plantrack.core import expressions, validation
from plantrack.core.periods import Period
from plantrack.core.planfile import compile_plan_indicators, read_plan
from plantrack.regions.models import Region
from plantrack.reporting import demo
from plantrack.reporting.actions import expected_units, field_specs, save_values
from plantrack.reporting.models import (
    DataSet,
    Status,
    Submission,
    SubmissionEvent,
    Value,
    ValueChange,
    Vintage,
)
from plantrack.reporting.rules import compile_rules

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2011, 12, 10)
YEAR_END = dt.date(2011, 12, 31)


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """Generate once for this module, inside a transaction rolled back at its end.

    Each test runs in a savepoint of that transaction (pytest-django's ``db``), so the tests
    here share the scenario and the other modules never see it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        summary = demo.generate_demo(AS_OF)
        yield summary
        transaction.set_rollback(True)


@pytest.fixture
def plan_document():
    return read_plan(settings.PLANTRACK_DEFAULT_PLAN)


def _plan_values():
    return Value.objects.filter(submission__data_set__plan__code=demo.PLAN_CODE)


def _best_energy_values() -> expressions.MemoryDataSource:
    """Every figure of the monthly energy statistics, latest vintage first, whatever status."""
    rank = {Vintage.REPORTED: 0, Vintage.VERIFIED: 1, Vintage.REVISED: 2}
    best: dict[tuple[str, str, str], tuple[int, Decimal]] = {}
    rows = _plan_values().filter(submission__data_set__code="energy_month", value__isnull=False)
    for element, region, period, vintage, value in rows.values_list(
        "element__code", "submission__region__code", "submission__period", "vintage", "value"
    ):
        key = (element, region, period)
        if key not in best or best[key][0] < rank[vintage]:
            best[key] = (rank[vintage], value)
    source = expressions.MemoryDataSource()
    for (element, region, period), (_, value) in best.items():
        source.set(element, region, Period.parse(period), value)
    return source


def _intensity_change(plan_document, region: str, month: int) -> Decimal:
    """The plan's own indicator over the raw values, the province summed from its counties."""
    children = defaultdict(list)
    for code, parent in Region.objects.valid_on(YEAR_END).values_list("code", "parent__code"):
        if parent:
            children[parent].append(code)
    aggregation = {e.code: e.aggregation for e in plan_document.data_elements}
    source = expressions.AggregatingDataSource(_best_energy_values(), children, aggregation)
    code = "gdp_energy_intensity_change"
    result = compile_plan_indicators(plan_document).evaluate(
        region, Period(2011, month=month), source, [code]
    )[code]
    assert isinstance(result, Decimal), f"{region} 2011-{month:02d}: {result}"
    return result


def _fingerprint() -> tuple:
    values = _plan_values().order_by("pk").values_list("pk", "vintage", "value", "explanation")
    digest = hashlib.sha256(repr(list(values)).encode()).hexdigest()
    subs = Submission.objects.filter(data_set__plan__code=demo.PLAN_CODE)
    return (
        digest,
        ValueChange.objects.count(),
        SubmissionEvent.objects.count(),
        sorted(subs.values_list("pk", "status", "version", "approvals")),
    )


def test_every_data_element_is_reported_on_some_data_set(plan_document):
    on_forms = {spec.element for ds in plan_document.data_sets for spec in ds.field_specs()}
    elements = {e.code for e in plan_document.data_elements}
    assert elements - on_forms == set()


def test_every_field_of_every_data_set_has_a_demo_profile(plan_document):
    fields = {spec.element for ds in plan_document.data_sets for spec in ds.field_specs()}
    assert fields - set(demo.PROFILES) == set()


def test_every_data_set_has_a_submission_for_every_unit_and_period(generated):
    data_sets = DataSet.objects.filter(plan__code=demo.PLAN_CODE)
    assert generated.data_sets == data_sets.count() > 0
    for data_set in data_sets:
        opened = list(demo._periods(data_set, AS_OF))
        assert opened[0].year == 2010
        for period in opened:
            expected = {key for key, _ in expected_units(data_set, period)}
            found = set(
                Submission.objects.filter(data_set=data_set, period=str(period)).values_list(
                    "unit_key", flat=True
                )
            )
            assert found == expected, f"{data_set.code} {period}"


def test_the_counties_add_up_to_the_calibrated_province(generated):
    energy = _plan_values().filter(
        submission__data_set__code="energy_month",
        submission__period__startswith="2010",
        vintage=Vintage.REPORTED,
    )
    totals = defaultdict(Decimal)
    for element, value in energy.values_list("element__code", "value"):
        totals[element] += value
    # Each county's year is rounded once (running totals), so 90 counties err by at most 0.9.
    assert abs(totals["energy_consumption"] - Decimal(demo.ENERGY_2010)) < 1
    assert abs(totals["gdp_constant"] - Decimal(demo.GDP_2010)) < 1


def test_region_reports_add_up_to_the_province_figure_for_amounts(generated):
    model = demo.Model(demo._regions(), 2011)
    province = demo.Unit("province", "330000", None)
    additive = (demo.Flow, demo.Stock, demo.Special("energy"), demo.Special("gdp"))
    for data_set in DataSet.objects.filter(plan__code=demo.PLAN_CODE, reporter_kind="region"):
        period = next(demo._periods(data_set, AS_OF))  # 2010: every report has arrived
        rows = _plan_values().filter(
            submission__data_set=data_set, submission__period=str(period), vintage="reported"
        )
        sums = defaultdict(Decimal)
        for element, value in rows.values_list("element__code", "value"):
            sums[element] += value
        units = len(expected_units(data_set, period))
        for element, total in sums.items():
            profile = demo.PROFILES[element]
            if profile not in additive and not isinstance(profile, additive[:2]):
                continue  # shares and rates are the unit's own, not a split of the province's
            step = Decimal(1).scaleb(-model.digits(element))
            expected = model.value(element, province, period)
            assert abs(total - expected) <= units * step, f"{data_set.code} {element}"


def test_province_intensity_january_to_november_is_the_published_2011_result(
    generated, plan_document
):
    change = _intensity_change(plan_document, "330000", 11)
    assert abs(change - Decimal("-3.1")) <= Decimal("0.5")


def test_ningbo_and_jinhua_are_rising_in_the_summer_while_wenzhou_is_ahead(
    generated, plan_document
):
    assert _intensity_change(plan_document, "330200", 8) > 0  # 宁波
    assert _intensity_change(plan_document, "330700", 8) > 0  # 金华
    assert _intensity_change(plan_document, "330300", 8) < Decimal("-3.5")  # 温州


def test_the_scenario_has_late_draft_returned_and_verified_reports(generated):
    subs = Submission.objects.filter(data_set__plan__code=demo.PLAN_CODE)
    assert subs.filter(submitted_at__date__gt=F("due")).exists()
    assert subs.filter(data_set__code="energy_month", period="2011-11", status=Status.DRAFT)
    assert subs.filter(status=Status.DRAFT, values__isnull=True).exists()  # not arrived at all
    returned = subs.filter(status=Status.RETURNED)
    assert returned.exists() and all(s.returned_reason for s in returned)
    assert subs.filter(status=Status.SUBMITTED, approvals=1).exists()  # the city has approved
    assert subs.filter(status=Status.APPROVED).count() > subs.count() / 2
    assert _plan_values().filter(vintage=Vintage.VERIFIED, submission__period="2010-06").exists()
    assert _plan_values().filter(vintage=Vintage.REVISED).count() >= 1
    assert generated.late > 0 and generated.by_status[Status.RETURNED] > 0


def test_the_summary_counts_what_is_in_the_database(generated):
    assert sum(generated.by_status.values()) == generated.submissions
    assert generated.values == _plan_values().count()
    assert any("演示数据" in line for line in generated.lines())


def test_every_generated_value_has_an_audit_row_by_the_generator(generated):
    assert generated.values > 10_000
    assert not _plan_values().filter(changes__isnull=True).exists()
    changes = ValueChange.objects.filter(value__submission__data_set__plan__code=demo.PLAN_CODE)
    assert set(changes.values_list("reason", "channel", "changed_by__username")) == {
        (demo.REASON, demo.CHANNEL, demo.GENERATOR)
    }
    assert not get_user_model().objects.get(username=demo.GENERATOR).is_active


def test_the_workflow_happened_before_the_as_of_date(generated):
    events = SubmissionEvent.objects.filter(submission__data_set__plan__code=demo.PLAN_CODE)
    assert events.filter(action="approve").exists()
    assert not events.filter(at__date__gte=AS_OF).exists()
    latest = Submission.objects.filter(submitted_at__isnull=False).latest("submitted_at")
    assert latest.submitted_at.date() < AS_OF


def test_generated_values_pass_their_forms_bounds_and_rules(generated):
    for data_set in DataSet.objects.filter(plan__code=demo.PLAN_CODE):
        specs, rules = field_specs(data_set), compile_rules(data_set)
        values = defaultdict(dict)
        rows = _plan_values().filter(submission__data_set=data_set, vintage=Vintage.REPORTED)
        for sub, element, value in rows.values_list("submission", "element__code", "value"):
            values[sub][element] = value
        for sub, figures in values.items():
            problems = validation.check_values(specs, figures, rules=rules, for_submission=False)
            assert problems == [], f"{data_set.code} {sub}: {problems}"


def test_a_second_run_changes_nothing(generated):
    before = _fingerprint()
    again = demo.generate_demo(AS_OF)
    assert again.filled == 0 and again.values == 0
    assert _fingerprint() == before


def test_a_second_run_never_overwrites_what_a_user_entered(generated):
    draft = Submission.objects.filter(
        data_set__code="construction_land_month", period="2011-11", values__isnull=True
    ).first()
    assert draft is not None
    user = get_user_model().objects.get(username="xihu")
    save_values(draft, user, {"new_construction_land": "123.4"}, version=draft.version)
    demo.generate_demo(AS_OF)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert list(draft.values.values_list("element__code", "value")) == [
        ("new_construction_land", Decimal("123.4"))
    ]


def test_generation_is_refused_outside_demo_mode(settings):
    settings.PLANTRACK_DEMO = False
    with pytest.raises(demo.DemoDisabled):
        demo.generate_demo(AS_OF)


def test_the_demo_year_is_rated_month_by_month_and_its_follow_ups_are_in_the_ledger(generated):
    from plantrack.plans.models import Plan
    from plantrack.progress import demo as warnings_demo
    from plantrack.progress.models import FollowUp, WarningRecord
    from plantrack.supervision.models import Item, Source

    plan = Plan.objects.get(code=demo.PLAN_CODE)
    summary = warnings_demo.generate(plan, AS_OF)
    assert summary.months >= 6  # January to the latest month with every report approved
    months = set(WarningRecord.objects.filter(plan=plan).values_list("period", flat=True))
    assert months == {f"2011-{m:02d}" for m in range(1, summary.months + 1)}
    # Rated when the month's reports were in, not today: the scenario stays in 2011.
    assert {r.computed_at.year for r in WarningRecord.objects.filter(plan=plan)} == {2011}
    follow_ups = FollowUp.objects.filter(plan=plan)
    assert follow_ups.exists() and summary.follow_ups == follow_ups.count()
    assert {f.due.year for f in follow_ups} <= {2011, 2012}
    tracked = Item.objects.filter(plan=plan, source=Source.FOLLOW_UP)
    assert tracked.count() == follow_ups.count()
    # Again: the same months replaced, no follow-up opened twice.
    assert warnings_demo.generate(plan, AS_OF).follow_ups == summary.follow_ups
