"""Load the shipped region table: the 2011 situation and the changes after it."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction

from .models import Level, Region, RegionChange

ZHEJIANG = Path(__file__).resolve().parent / "data" / "zhejiang.yaml"


@dataclass
class LoadResult:
    created: int
    updated: int


@transaction.atomic
def load_regions(path: Path = ZHEJIANG) -> LoadResult:
    """Create or update every region and change in the file; loading twice changes nothing."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    result = LoadResult(0, 0)

    def upsert(code: str, **fields: object) -> Region:
        region, created = Region.objects.get_or_create(code=code, defaults=fields)
        if created:
            result.created += 1
            return region
        changed = [name for name, value in fields.items() if getattr(region, name) != value]
        if changed:
            for name in changed:
                setattr(region, name, fields[name])
            region.save(update_fields=changed)
            result.updated += 1
        return region

    province = upsert(data["province"]["code"], name=data["province"]["name"], level=Level.PROVINCE)
    cities: dict[str, Region] = {}
    for city_code, (city_name, counties) in data["cities"].items():
        city = upsert(city_code, name=city_name, level=Level.CITY, parent=province)
        cities[city_code] = city
        for entry in counties.split(","):
            code, name = entry.split()
            upsert(code, name=name, level=Level.COUNTY, parent=city)
    for change in data["changes"]:
        date = dt.date(change["year"], 1, 1)
        ended = [upsert(code, valid_to=date) for code in change["ended"]]
        began = [
            upsert(
                code, name=name, level=Level.COUNTY, parent=cities[code[:4] + "00"], valid_from=date
            )
            for code, name in change["began"].items()
        ]
        olds: list[Region | None] = [*ended] or [None]
        news: list[Region | None] = [*began] or [None]
        for old in olds:
            for new in news:
                RegionChange.objects.get_or_create(
                    date=date, old=old, new=new, defaults={"description": change["description"]}
                )
    return result
