"""Trainee archives (学员档案): every course a trainee took — its status, attendance,
completion and the ratings they gave — and the outcomes officers follow up after training
(employment, a business started, a change of income). A trainee with an account is named by
their user id, a registry household's member by the household and their name; the trainee sees
their whole archive, an officer only what lies in their territory (nothing: not found)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gateway.deps import Caller, caller_for
from gateway.fields import Day, Instant, ProtoModel
from gateway.idempotency import respond_once
from gateway.problems import problem_responses
from gateway.responses import ModelResponse
from gateway.routes.courses import EnrolmentOut
from gateway.routes.institutions import ObjectId
from jingzhun.training.v1 import training_pb2 as pb
from kit.mapping import from_message, to_message

router = APIRouter(prefix="/api/v1", tags=["training"])

TraineeName = Annotated[str, Path(min_length=1, max_length=50, description="the member's name")]
MAX_AMOUNT = 100_000_000


class FollowUpIn(ProtoModel, proto=pb.RecordFollowUpRequest):
    kind: Literal["employment", "business_started", "income_change", "other"]
    date: Annotated[Day, Field(description="when the outcome happened; not in the future")]
    details: str = Field(min_length=1, max_length=2000)
    amount_yuan: int | None = Field(
        default=None,
        ge=-MAX_AMOUNT,
        le=MAX_AMOUNT,
        description="e.g. the monthly wage, or the yearly income's change",
    )


class TraineeOut(BaseModel):
    user_id: str | None
    household_id: str | None
    trainee_name: str | None


class ArchivedCourseOut(BaseModel):
    enrolment: EnrolmentOut = Field(description="status, attendance, completion, ratings given")
    course_title: str
    category: str
    institution_name: str
    starts_at: Instant
    ends_at: Instant


class FollowUpOut(BaseModel):
    id: str
    kind: str
    date: str
    details: str
    amount_yuan: int | None
    region_code: str
    recorded_by: str
    recorded_at: Instant


class ArchiveOut(BaseModel):
    trainee: TraineeOut
    courses: list[ArchivedCourseOut] = Field(description="newest first")
    completed: int = Field(description="courses completed")
    follow_ups: list[FollowUpOut] = Field(description="newest first")


archive_out = from_message(pb.TraineeArchive, ArchiveOut)


async def read_archive(caller: Caller, trainee: pb.TraineeRef) -> ModelResponse:
    reply = await caller.call(
        caller.training.GetTraineeArchive, pb.GetTraineeArchiveRequest(trainee=trainee)
    )
    return ModelResponse(archive_out(reply))


async def record_follow_up(
    caller: Caller, request: Request, trainee: pb.TraineeRef, body: FollowUpIn
) -> JSONResponse:
    async def produce() -> ArchiveOut:
        message = record_follow_up_message(body, trainee=trainee)
        return archive_out(await caller.call(caller.training.RecordFollowUp, message))

    return await respond_once(request, caller, 201, produce)


record_follow_up_message = to_message(FollowUpIn, pb.RecordFollowUpRequest, given=("trainee",))


@router.get(
    "/trainees/{user_id}/archive",
    response_model=ArchiveOut,
    responses=problem_responses(),
    summary="The archive of a trainee with an account (yourself, or one in your territory)",
)
async def get_trainee_archive(
    user_id: ObjectId, caller: Annotated[Caller, caller_for("courses", "read")]
) -> ModelResponse:
    return await read_archive(caller, pb.TraineeRef(user_id=user_id))


@router.post(
    "/trainees/{user_id}/follow-ups",
    status_code=201,
    response_model=ArchiveOut,
    responses=problem_responses(),
    summary="An officer follows up a trainee who completed a course; the archive as it is now",
)
async def follow_up_trainee(
    user_id: ObjectId,
    body: FollowUpIn,
    request: Request,
    caller: Annotated[Caller, caller_for("courses", "follow_up")],
) -> JSONResponse:
    return await record_follow_up(caller, request, pb.TraineeRef(user_id=user_id), body)


@router.get(
    "/households/{household_id}/trainees/{trainee_name}/archive",
    response_model=ArchiveOut,
    responses=problem_responses(),
    summary="The archive of a registry household's member enrolled by an officer",
)
async def get_member_archive(
    household_id: ObjectId,
    trainee_name: TraineeName,
    caller: Annotated[Caller, caller_for("courses", "read")],
) -> ModelResponse:
    ref = pb.TraineeRef(household_id=household_id, trainee_name=trainee_name)
    return await read_archive(caller, ref)


@router.post(
    "/households/{household_id}/trainees/{trainee_name}/follow-ups",
    status_code=201,
    response_model=ArchiveOut,
    responses=problem_responses(),
    summary="An officer follows up a household's member who completed a course",
)
async def follow_up_member(
    household_id: ObjectId,
    trainee_name: TraineeName,
    body: FollowUpIn,
    request: Request,
    caller: Annotated[Caller, caller_for("courses", "follow_up")],
) -> JSONResponse:
    ref = pb.TraineeRef(household_id=household_id, trainee_name=trainee_name)
    return await record_follow_up(caller, request, ref, body)
