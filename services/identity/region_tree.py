"""The territory in memory: look-up, children, ancestors in microseconds at 62 k villages.

Built from the regions table at start and rebuilt after every division change (a replica
notices another's change by the change sequence number)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kit.territory import ancestor_codes


@dataclass(slots=True)
class RegionNode:
    code: str
    name: str
    level: int
    parent_code: str | None
    retired: bool = False
    successor_code: str | None = None
    children: list[str] = field(default_factory=list)


class RegionTree:
    def __init__(self, nodes: Iterable[RegionNode], version: int = 0) -> None:
        self.version = version
        self._nodes = {node.code: node for node in nodes}
        for node in sorted(self._nodes.values(), key=lambda n: n.code):
            if node.parent_code and not node.retired and node.parent_code in self._nodes:
                self._nodes[node.parent_code].children.append(node.code)

    def __len__(self) -> int:
        return len(self._nodes)

    def get(self, code: str) -> RegionNode | None:
        return self._nodes.get(code)

    def get_active(self, code: str) -> RegionNode | None:
        node = self._nodes.get(code)
        return node if node is not None and not node.retired else None

    def children(self, code: str) -> list[RegionNode]:
        node = self._nodes.get(code)
        return [self._nodes[child] for child in node.children] if node else []

    def ancestors(self, code: str) -> list[RegionNode]:
        return [self._nodes[c] for c in ancestor_codes(code) if c in self._nodes]

    def active_items(self) -> list[tuple[str, str]]:
        return sorted((n.code, n.name) for n in self._nodes.values() if not n.retired)
