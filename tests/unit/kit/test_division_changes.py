"""kit.division_changes: the region columns a service's models hold are found by their type
(String(12)); codes kept as a record of the past are plain strings and stay out; prefixes of
different lengths are refused before anything is written."""

from __future__ import annotations

import pytest

from kit.division_changes import recode_regions, region_columns
from services.assistance import models as assistance
from services.registry import models as registry


def named(columns) -> set[str]:  # type: ignore[no-untyped-def]
    return {f"{c.table.name}.{c.column}" for c in columns}


def test_the_columns_that_place_a_record_are_found_and_its_past_is_left_alone() -> None:
    found = named(region_columns(assistance))
    assert {"needs.village_code", "needs.owner_region", "tasks.region_code"} <= found
    assert {"task_assignments.assignee_region", "attachments.village_code"} <= found
    assert not {"need_steps.from_region", "need_steps.to_region"} & found  # history


def test_a_column_recoded_another_way_is_left_out() -> None:
    found = named(region_columns(registry, but=("households.village_code",)))
    assert "households.village_code" not in found
    assert {"helpers.region_code", "villages.code", "unit_villages.village_code"} <= found


async def test_prefixes_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="equal length"):
        await recode_regions(None, region_columns(assistance), "370102", "37010201")  # type: ignore[arg-type]
