"""The national 建档立卡 standard's code lists (民族, 文化程度, 五个一批 ...): each code with its
Chinese label and the date from which it is in force — what the households' `standard` fields
and the import templates accept."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel

from gateway.deps import Caller, caller_for
from gateway.fields import Day
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from jingzhun.registry.v1 import registry_pb2 as pb
from kit.mapping import from_message

router = APIRouter(prefix="/api/v1/vocabularies", tags=["households"])


class TermOut(BaseModel):
    code: str
    label: str
    valid_from: Day


class VocabularyOut(BaseModel):
    name: str
    terms: list[TermOut]


class VocabulariesOut(BaseModel):
    items: list[VocabularyOut]


vocabulary_out = from_message(pb.Vocabulary, VocabularyOut)


@router.get(
    "",
    response_model=VocabulariesOut,
    responses=problem_responses(),
    summary="The national standard's code lists with their Chinese labels",
)
async def list_vocabularies(
    caller: Annotated[Caller, caller_for("households", "read")],
) -> ModelResponse:
    reply = await caller.call(caller.registry.ListVocabularies, pb.ListVocabulariesRequest())
    return ModelResponse(VocabulariesOut(items=[vocabulary_out(v) for v in reply.vocabularies]))
