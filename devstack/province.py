"""A deterministic, realistic province for benchmarks, load tests and demos: households over
the real Shandong villages, each village at a fixed point of its town's cell on the map,
written in the registry's import template (one row per member).
The same seed and size always give the same file; identity numbers are valid and unique."""

from __future__ import annotations

import csv
import gzip
import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from kit.id_numbers import check_character
from services.registry.boundaries import shipped_atlas

REGIONS = Path(__file__).resolve().parent.parent / "services/identity/data/regions-37.tsv.gz"
HEADER = [
    "户编号", "村代码", "户属性", "主要致贫原因", "其他致贫原因", "帮扶类别", "监测类别", "纬度", "经度",
    "姓名", "证件号码", "与户主关系", "文化程度", "健康状况", "残疾情况", "劳动能力", "在校生状况",
    "联系电话",
]  # fmt: skip
ATTRIBUTES = (("一般贫困户", 62), ("低保贫困户", 30), ("特困供养贫困户", 8))
CAUSES = (
    ("因病", 42), ("因残", 14), ("缺劳力", 12), ("缺技术", 9), ("缺资金", 8), ("因学", 5),
    ("因灾", 3), ("缺土地", 2), ("缺水", 1), ("交通条件落后", 2), ("自身发展动力不足", 2),
)  # fmt: skip
CATEGORIES = (
    ("发展生产脱贫一批", 45), ("社会保障兜底一批", 35), ("发展教育脱贫一批", 10),
    ("易地搬迁脱贫一批", 5), ("生态补偿脱贫一批", 5),
)  # fmt: skip
MONITORING = (("", 92), ("边缘易致贫户", 5), ("突发严重困难户", 3))
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
EDUCATION = ("小学", "初中", "高中", "文盲或半文盲", "大专及以上")
HEALTH = ("健康", "长期慢性病", "患有大病", "残疾")
# (relation, oldest birth year, span in days, first serial): serial blocks keep numbers unique.
PEOPLE = (("户主", 1945, 14_600, 0), ("配偶", 1948, 14_600, 300), ("子女", 1985, 10_950, 600))
VILLAGE_SPREAD = 0.01  # degrees (~1 km): a village's households around its centre


def villages(path: Path = REGIONS, within: str = "37") -> list[str]:
    """The village codes of the subtree whose codes start with `within` (the province)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [
            code
            for code in (line.split("\t", 1)[0] for line in handle)
            if code[9:12] != "000" and code.startswith(within)
        ]


@cache
def town_cell(town: str) -> BaseGeometry | None:
    """The town's cell on the map (shipped boundaries), None for a development zone's."""
    outline = shipped_atlas().outlines.get(town)
    if outline is None:
        return None
    cell = shape(json.loads(outline.geometry))
    shapely.prepare(cell)
    return cell


@cache
def village_centre(village: str) -> tuple[float, float]:
    """(latitude, longitude) of a village, a fixed point inside its town's cell, so the demo's
    households lie where the map (一张图) draws their town."""
    draw = random.Random(int(village))
    cell = town_cell(village[:9] + "000")
    if cell is None:
        return 34.4 + (int(village[2:6]) % 97) / 97 * 3.7, 115.5 + int(village[6:9]) % 89 / 89 * 6.7
    west, south, east, north = cell.bounds
    for _ in range(50):
        longitude, latitude = draw.uniform(west, east), draw.uniform(south, north)
        if shapely.contains_xy(cell, longitude, latitude):
            return latitude, longitude
    inside = cell.representative_point()
    return inside.y, inside.x


def pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def id_number(county: str, relation: int, serial: int) -> str:
    """Unique for each (county, relation, serial): the serial picks the birth day and block."""
    _, year, span, first = PEOPLE[relation]
    born = date(year, 1, 1) + timedelta(days=serial % span)
    first_17 = f"{county}{born:%Y%m%d}{first + serial // span:03d}"
    return first_17 + check_character(first_17)


def household_rows(
    households: int, seed: int = 20201231, within: str = "37"
) -> Iterator[list[str]]:
    """The template's rows (without the header) of `households` households, about three
    members each, spread over the villages of the province (or of the subtree `within`) in
    code order."""
    rng = random.Random(seed)
    codes = villages(within=within)
    serials: dict[tuple[str, int], int] = {}
    for index in range(households):
        village = codes[index * len(codes) // households]
        county = village[:6]
        centre_latitude, centre_longitude = village_centre(village)
        latitude = centre_latitude + (rng.random() - 0.5) * VILLAGE_SPREAD
        longitude = centre_longitude + (rng.random() - 0.5) * VILLAGE_SPREAD
        household = [
            f"{village}{index:07d}", village, pick(rng, ATTRIBUTES), pick(rng, CAUSES),
            pick(rng, CAUSES) if rng.random() < 0.4 else "", pick(rng, CATEGORIES),
            pick(rng, MONITORING), f"{latitude:.5f}", f"{longitude:.5f}",
        ]  # fmt: skip
        if household[4] == household[3]:
            household[4] = ""
        size = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5))
        for position in range(size):
            relation = min(position, 2)
            serial = serials.get((county, relation), 0)
            serials[(county, relation)] = serial + 1
            yield [
                *household,
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                id_number(county, relation, serial),
                PEOPLE[relation][0],
                rng.choice(EDUCATION), rng.choice(HEALTH), "", "", "",
                f"13{index:09d}" if position == 0 else "",
            ]  # fmt: skip


def write_province(path: Path, households: int, seed: int = 20201231, within: str = "37") -> int:
    """Write the import file of `households` households (in the subtree `within`); returns
    its member rows."""
    rows = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in household_rows(households, seed, within):
            writer.writerow(row)
            rows += 1
    return rows
