"""Path and query parameters the resources share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from gateway.fields import REGION_CODE_OR_EMPTY

# The id of a stored object (hex, as the services make them).
HexId = Annotated[str, Path(max_length=64, pattern=r"^[0-9a-f]+$")]
RegionCode = Annotated[
    str,
    Query(pattern=REGION_CODE_OR_EMPTY, description="a region in your territory (default: yours)"),
]
