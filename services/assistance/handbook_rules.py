"""The handbook's rules, pure: the versioned menu of measures matched to poverty causes
(`handbook_measures.csv`) and the helper's duties (`handbook_duties.csv`) beside this module,
how a measure's status moves, and which ledger sources exist. No I/O but reading the files."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kit.errors import FailedPrecondition, InvalidArgument

HERE = Path(__file__).resolve().parent
MENU_FILE = HERE / "handbook_measures.csv"
DUTIES_FILE = HERE / "handbook_duties.csv"
OTHER = "other"

# A measure's status: planned -> in_progress -> done | dropped (dropped also before it starts).
PLANNED, IN_PROGRESS, DONE, DROPPED = "planned", "in_progress", "done", "dropped"
NEXT_STATUSES = {PLANNED: {IN_PROGRESS, DROPPED}, IN_PROGRESS: {DONE, DROPPED}}

# The ledger's sources: the registry's income sources (转移性收入 by its items, which the
# registry sums), 生产经营性支出, and living costs (生活支出: recorded, not an income figure).
INCOME_SOURCES = (
    "wage",
    "production",
    "property",
    "transfer_subsistence",
    "transfer_destitute",
    "transfer_pension",
    "transfer_ecological",
    "transfer_other",
)
EXPENSE = "production_expense"
SPENDING_SOURCES = (EXPENSE, "living")
LEDGER_SOURCES = {"income": INCOME_SOURCES, "spending": SPENDING_SOURCES}


@dataclass(frozen=True)
class MenuItem:
    kind: str
    label: str
    causes: list[str]
    matched: bool = False


@dataclass(frozen=True)
class Menu:
    version: str
    items: tuple[MenuItem, ...]

    def label_of(self, kind: str) -> str:
        """The label of a kind of the menu; a kind not in it is bad input."""
        for item in self.items:
            if item.kind == kind:
                return item.label
        raise InvalidArgument(
            f"kind {kind!r} is not in the measures menu (version {self.version}) nor 'other'",
            reason="UNKNOWN_MEASURE_KIND",
        )

    def for_causes(self, causes: Sequence[str]) -> list[MenuItem]:
        """Every item, those answering the causes first (in the causes' order), then the rest."""
        rank = {cause: i for i, cause in enumerate(causes)}

        def order(item: MenuItem) -> int:
            return min((rank[c] for c in item.causes if c in rank), default=len(rank))

        ranked = sorted(self.items, key=order)
        return [
            MenuItem(i.kind, i.label, i.causes, any(c in rank for c in i.causes)) for i in ranked
        ]


def _rows(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8") as handle:
        lines = (line for line in handle if line.strip() and not line.startswith("#"))
        for row in csv.reader(lines):
            yield [value.strip() for value in row]


def _newest(rows: list[list[str]], path: Path) -> tuple[str, list[list[str]]]:
    if not rows:
        raise ValueError(f"{path.name} has no rows")
    version = max(row[0] for row in rows)
    return version, [row for row in rows if row[0] == version]


def load_menu(path: Path = MENU_FILE) -> Menu:
    """The newest version of the menu; a malformed file fails at start-up."""
    version, rows = _newest(list(_rows(path)), path)
    items = tuple(MenuItem(kind, label, causes.split()) for _, kind, causes, label in rows)
    if len({i.kind for i in items}) < len(items) or any(i.kind == OTHER for i in items):
        raise ValueError(f"{path.name}: each kind once per version, and none named {OTHER!r}")
    return Menu(version, items)


def load_duties(path: Path = DUTIES_FILE) -> tuple[str, list[str]]:
    """(version, duties in their order) of the newest version."""
    version, rows = _newest(list(_rows(path)), path)
    return version, [duty for _, _, duty in sorted(rows, key=lambda row: int(row[1]))]


def next_status(current: str, wanted: str) -> str:
    """The status after a progress entry ("" keeps it); a finished measure takes no more."""
    if current not in NEXT_STATUSES:
        raise FailedPrecondition(
            f"the measure is {current}: it takes no more progress", reason="MEASURE_FINISHED"
        )
    if not wanted or wanted == current:
        return current
    if wanted not in NEXT_STATUSES[current]:
        allowed = ", ".join(sorted(NEXT_STATUSES[current]))
        raise InvalidArgument(
            f"a {current} measure moves to {allowed}", reason="INVALID_STATUS_CHANGE"
        )
    return wanted


def check_source(kind: str, source: str) -> None:
    if source not in LEDGER_SOURCES.get(kind, ()):
        raise InvalidArgument(
            "kind is income (sources: "
            + ", ".join(INCOME_SOURCES)
            + ") or spending (sources: "
            + ", ".join(SPENDING_SOURCES)
            + ")",
            reason="INVALID_LEDGER_SOURCE",
        )


def registry_incomes(totals_fen: dict[str, int]) -> dict[str, int]:
    """The registry's figures of a year (yuan, rounded half up) from the ledger's totals in fen;
    living costs are not an income figure."""
    return {
        source: (amount + 50) // 100
        for source, amount in totals_fen.items()
        if source in INCOME_SOURCES or source == EXPENSE
    }
