import datetime as dt
import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from plantrack.regions.loader import load_regions
from plantrack.regions.models import Region, RegionChange

pytestmark = pytest.mark.django_db


def test_zhejiang_at_end_of_2011_has_11_cities_and_90_county_units():
    regions = Region.objects.valid_on(dt.date(2011, 12, 31))
    levels = Counter(regions.values_list("level", flat=True))
    assert levels == {"province": 1, "city": 11, "county": 90}
    assert regions.get(code="330621").name == "绍兴县"
    assert not regions.filter(code="330603").exists()


def test_every_county_belongs_to_the_city_its_code_names():
    for county in Region.objects.filter(level="county").select_related("parent"):
        assert county.parent.code == county.code[:4] + "00", county


def test_later_changes_keep_history():
    at_2021 = Region.objects.valid_on(dt.date(2021, 12, 31))
    assert at_2021.filter(code="330113", name="临平区").exists()
    assert not at_2021.filter(code="330103").exists()
    assert Region.objects.get(code="330103").valid_to == dt.date(2021, 1, 1)
    change = RegionChange.objects.get(old__code="330621")
    assert change.new.code == "330603" and change.date.year == 2013


def test_loading_twice_changes_nothing():
    before = list(Region.objects.values_list("code", "name", "valid_from", "valid_to"))
    result = load_regions()
    assert (result.created, result.updated) == (0, 0)
    assert list(Region.objects.values_list("code", "name", "valid_from", "valid_to")) == before


def test_export_command_lists_regions_valid_on_date():
    out = StringIO()
    call_command("regions", "export", "--date", "2011-12-31", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["date"] == "2011-12-31"
    codes = {r["code"]: r for r in data["regions"]}
    assert len(codes) == 102
    assert codes["330106"] == {
        "code": "330106",
        "name": "西湖区",
        "level": "county",
        "parent": "330100",
        "valid_from": None,
        "valid_to": None,
    }
