"""The guarantee indicator sets (两不愁三保障 + drinking water; Guangxi's 八有一超; any a province
adds), read from `indicator_sets.csv` beside this module."""

from __future__ import annotations

import csv
from pathlib import Path

SETS_FILE = Path(__file__).resolve().parent / "indicator_sets.csv"


def load_indicator_sets(path: Path = SETS_FILE) -> dict[str, dict[str, str]]:
    """{set: {indicator: label}}"""
    sets: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.reader(line for line in handle if line.strip() and not line.startswith("#")):
            name, indicator, label = (value.strip() for value in row)
            sets.setdefault(name, {})[indicator] = label
    return sets
