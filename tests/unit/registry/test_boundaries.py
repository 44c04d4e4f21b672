"""The boundaries shipped for the map: every live county, city and town of the territory has one
(development zones excepted, and said so), in today's codes, and lookups stay in the subtree."""

from __future__ import annotations

import gzip
import json

import shapely
from shapely.geometry import shape

from kit.territory import Level, level_of
from services.identity.settings import DATA_DIR
from services.registry.boundaries import shipped_atlas


def regions() -> dict[str, str]:
    with gzip.open(DATA_DIR / "regions-37.tsv.gz", "rt", encoding="utf-8") as handle:
        return dict(line.rstrip("\n").split("\t")[:2] for line in handle)


def test_every_region_above_the_villages_has_an_outline_or_is_listed_missing() -> None:
    atlas = shipped_atlas()
    names = regions()
    wanted = {c for c in names if level_of(c) in (Level.CITY, Level.COUNTY, Level.TOWN)}
    missing = {c for codes in atlas.missing.values() for c in codes}
    without = wanted - set(atlas.outlines)
    assert all(c[4] == "7" for c in without)  # development zones (xx7x) and their towns only
    assert missing == {c for c in without if level_of(c) is Level.COUNTY}
    assert all(atlas.outlines[c].name == names[c] for c in atlas.outlines)


def test_a_county_is_covered_by_its_town_cells() -> None:
    found = shipped_atlas().boundaries("371521000000")
    county = shape(json.loads(found.outline.geometry))
    cells = [shape(json.loads(b.geometry)) for b in found.children]
    assert {b.level for b in found.children} == {"town"} and all(
        b.generated for b in found.children
    )
    assert all(c.is_valid and not c.is_empty for c in cells)
    union = shapely.union_all(cells)
    assert abs(union.area - county.area) / county.area < 0.01


def test_the_province_shows_its_cities_and_a_village_its_town() -> None:
    atlas = shipped_atlas()
    province = atlas.boundaries("370000000000")
    assert len(province.children) == 16 and province.outline.name == "山东省"
    village = atlas.boundaries("371521001001")
    assert list(village.children) == [] and village.outline.code == "371521001000"
    assert [c.code for c in atlas.boundaries("370100000000").children][:2] == [
        "370102000000",
        "370103000000",
    ]
