"""Paging parameters and the page envelope shared by every list resource."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

MAX_PAGE_SIZE = 200
Item = TypeVar("Item")

PageSize = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description=f"at most {MAX_PAGE_SIZE}")]
PageToken = Annotated[
    str, Query(max_length=200, description="next_page_token of the previous page")
]


class Page(BaseModel, Generic[Item]):
    items: list[Item]
    next_page_token: str | None = None
