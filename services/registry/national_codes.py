"""The national 建档立卡 data standard's code lists, read once from the versioned data files of
`vocabularies/` (code, Chinese label, valid from; a new version of a list adds rows with a later
date), and the standard's fields of households and members with the kind of each value."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from kit.errors import FieldViolation, InvalidArgument

VOCABULARIES_DIR = Path(__file__).resolve().parent / "vocabularies"


@dataclass(frozen=True)
class Term:
    code: str
    label: str
    valid_from: date


@cache
def vocabularies() -> dict[str, tuple[Term, ...]]:
    """{list name: its terms}, the file of each list in `vocabularies/`."""
    found = {}
    for path in sorted(VOCABULARIES_DIR.glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            rows = csv.reader(line for line in handle if line.strip() and line[0] != "#")
            found[path.stem] = tuple(
                Term(code.strip(), label.strip(), date.fromisoformat(since.strip()))
                for code, label, since in rows
            )
    return found


def codes(vocabulary: str) -> dict[str, str]:
    """code -> label of the terms in force today; a Chinese label is accepted for its code."""
    return _codes_on(vocabulary, date.today())


@cache
def _codes_on(vocabulary: str, day: date) -> dict[str, str]:
    return {t.code: t.label for t in vocabularies()[vocabulary] if t.valid_from <= day}


def code_of(vocabulary: str, value: str, field: str) -> str:
    """The code `value` is (or whose Chinese label it is); anything else is refused."""
    known = codes(vocabulary)
    if value in known:
        return value
    for code, label in known.items():
        if label == value:
            return code
    raise InvalidArgument(
        f"{field} must be a code of {vocabulary}: {', '.join(known)}",
        reason="UNKNOWN_CODE",
        violations=[FieldViolation(field, f"a code of {vocabulary} (GET /api/v1/vocabularies)")],
    )


@dataclass(frozen=True)
class StandardField:
    name: str
    header: str  # the import template's Chinese header
    kind: str  # a vocabulary's name, or "year", "number", "months", "flag"


HOUSEHOLD_FIELDS = (
    StandardField("identification_standard", "识别标准", "identification_standard"),
    StandardField("identification_year", "识别年度", "year"),
    StandardField("exit_year", "脱贫年度", "year"),
    StandardField("arable_land_mu", "耕地面积(亩)", "number"),
    StandardField("forest_land_mu", "林地面积(亩)", "number"),
    StandardField("housing_area_m2", "住房面积(平方米)", "number"),
    StandardField("dilapidated_grade", "危房等级", "dilapidated_grade"),
    StandardField("safe_drinking_water", "饮水是否安全", "flag"),
    StandardField("drinking_water_difficulty", "饮水是否困难", "flag"),
    StandardField("has_electricity", "是否通生活用电", "flag"),
    StandardField("road_type", "入户路类型", "road_type"),
    StandardField("distance_to_road_km", "距村主干路距离(公里)", "number"),
)
MEMBER_FIELDS = (
    StandardField("ethnicity", "民族", "ethnicity"),
    StandardField("education_level", "文化程度代码", "education_level"),
    StandardField("schooling_status", "在校生状况代码", "schooling_status"),
    StandardField("health_status", "健康状况代码", "health_status"),
    StandardField("labour_skill", "劳动技能", "labour_skill"),
    StandardField("employment_status", "务工状况", "employment_status"),
    StandardField("employment_months", "务工时间(月)", "months"),
    StandardField("medical_insurance", "参加城乡居民基本医疗保险", "flag"),
    StandardField("critical_illness_insurance", "参加大病保险", "flag"),
    StandardField("pension_insurance", "参加城乡居民基本养老保险", "flag"),
    StandardField("disability_grade", "残疾等级", "disability_grade"),
)
FLAGS = {"true": True, "是": True, "false": False, "否": False}


def _value(spec: StandardField, text: str, field: str) -> Any:
    def refuse(expected: str) -> InvalidArgument:
        return InvalidArgument(
            f"{field} must be {expected}",
            reason="INVALID_VALUE",
            violations=[FieldViolation(field, expected)],
        )

    if spec.kind == "flag":
        if text not in FLAGS:
            raise refuse("true or false (是/否)")
        return FLAGS[text]
    if spec.kind in ("year", "months"):
        low, high = (2000, date.today().year) if spec.kind == "year" else (0, 12)
        if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
            raise refuse(f"a whole number from {low} to {high}")
        return int(text)
    if spec.kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise refuse("a number of 0 or more") from None
        if not 0 <= number < 1e7:
            raise refuse("a number of 0 or more")
        return number
    return code_of(spec.kind, text, field)


def checked(
    specs: tuple[StandardField, ...], values: dict[str, str], prefix: str = ""
) -> dict[str, Any]:
    """The standard's fields of `values` (text, as the API and files carry them), each checked
    and typed; "" clears a field (unknown). Unknown names and values are refused."""
    by_name = {spec.name: spec for spec in specs}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise InvalidArgument(
            f"unknown fields of the national standard: {', '.join(unknown)}",
            reason="UNKNOWN_FIELD",
            violations=[FieldViolation(f"{prefix}{name}", "not a field") for name in unknown],
        )
    return {
        name: None if text in ("", None) else _value(by_name[name], _text(text), f"{prefix}{name}")
        for name, text in values.items()
    }


def _text(value: object) -> str:
    """A value as the API carries it (a checked value read back from a stored proposal too)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def as_text(specs: tuple[StandardField, ...], row: object) -> dict[str, str]:
    """The standard's fields a row has (unknown ones left out), as text."""
    shown = {}
    for spec in specs:
        value = getattr(row, spec.name)
        if value is not None:
            shown[spec.name] = ("true" if value else "false") if spec.kind == "flag" else str(value)
    return shown


def label(spec: StandardField, value: object) -> str:
    """A field's value as an export shows it: the Chinese label of a code, 是/否, a number."""
    if value is None:
        return ""
    if spec.kind == "flag":
        return "是" if value else "否"
    if spec.kind in ("year", "months", "number"):
        return str(value)
    return codes(spec.kind).get(str(value), str(value))
