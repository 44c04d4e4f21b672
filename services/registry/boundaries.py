"""The boundaries the map (一张图) draws: the shipped outlines of the province, its cities,
counties and (generated) town cells, looked up per region of the caller's territory. Read once
from services/registry/data/boundaries-37.json.gz (scripts/build_boundaries.py makes it)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from grpc.aio import ServicerContext

from jingzhun.registry.v1 import boundaries_pb2 as pb
from jingzhun.registry.v1 import boundaries_pb2_grpc
from kit.access import Access
from kit.territory import Level, level_of, parent_code

DATA = Path(__file__).parent / "data" / "boundaries-37.json.gz"


@dataclass(frozen=True)
class Outline:
    code: str
    name: str
    generated: bool
    geometry: str  # GeoJSON geometry, JSON text

    def message(self) -> pb.Boundary:
        return pb.Boundary(
            code=self.code,
            name=self.name,
            level=Level(level_of(self.code)).name.lower(),
            generated=self.generated,
            geometry=self.geometry,
        )


@dataclass(frozen=True)
class Atlas:
    source: str
    outlines: dict[str, Outline]
    children: dict[str, list[str]]  # parent code -> child codes with an outline, sorted
    missing: dict[str, list[str]]  # parent code -> child codes without one

    def boundaries(self, region_code: str) -> pb.Boundaries:
        own = region_code
        if level_of(own) is Level.VILLAGE:
            own = parent_code(own) or own
        outline = self.outlines.get(own)
        return pb.Boundaries(
            region_code=region_code,
            outline=outline.message() if outline else None,
            children=[self.outlines[c].message() for c in self.children.get(region_code, [])],
            missing=self.missing.get(region_code, []),
            source=self.source,
        )


def atlas_of(document: dict) -> Atlas:
    outlines = {
        code: Outline(code, r["name"], r["generated"], json.dumps(r["geometry"]))
        for code, r in document["regions"].items()
    }
    children: dict[str, list[str]] = {}
    for code in sorted(outlines):
        parent = parent_code(code)
        if parent is not None:
            children.setdefault(parent, []).append(code)
    missing: dict[str, list[str]] = {}
    for code in document["missing"]:
        missing.setdefault(parent_code(code) or code, []).append(code)
    return Atlas(f"{document['source']}；{document['generated']}", outlines, children, missing)


@cache
def shipped_atlas() -> Atlas:
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        return atlas_of(json.load(handle))


class RegistryMapApi(boundaries_pb2_grpc.RegistryMapServiceServicer):
    def __init__(self, access: Access) -> None:
        self._caller = access.caller

    async def GetBoundaries(
        self, request: pb.GetBoundariesRequest, context: ServicerContext
    ) -> pb.Boundaries:
        scope = self._caller("households", "read").scope.within(request.region_code)
        return shipped_atlas().boundaries(scope.region_code)
